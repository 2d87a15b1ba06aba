#!/bin/sh
#
# Install what building, running and testing sipproxd needs on Debian 12.
# Run as root from the top of the repository: sh etc/debian-deps.sh
# Does nothing when every package is already installed.

pkgs="make gcc libc6-dev pkg-config byacc libevent-dev libbsd-dev
libseccomp-dev libc-ares-dev mandoc sip-tester iproute2 procps jq clang
libclang-rt-14-dev passwd util-linux iptables nftables libtls-dev openssl
ca-certificates"

if [ "$(id -u)" != 0 ]; then
	echo "etc/debian-deps.sh: run as root" >&2
	exit 1
fi

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "etc/debian-deps.sh: installing$missing"
if ! apt-get update -qq; then
	echo "etc/debian-deps.sh: apt-get update failed" >&2
	exit 1
fi
# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $pkgs > /dev/null; then
	echo "etc/debian-deps.sh: apt-get install failed" >&2
	exit 1
fi
exit 0
