#!/bin/sh
#
# Copyright (c) 2026 The sipproxd developers
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# Name resolution in the real daemon (RFC 3263 over c-ares, inside the
# engine's chroot and seccomp filter), end to end: a fake authoritative
# DNS server of our own (dnsd.c) that logs every question, sipp phones and
# servers, the regress build's SIPPROXD_DNS_SERVER naming dnsd as the only
# server to ask.
#
#   dns-srv        outbound proxy "provider.test": SRV, then A of the
#                  target; the REGISTER reaches the registrar there
#   dns-cache      a second REGISTER asks no new question
#   dns-fail       outbound proxy "missing.test": 503 and a log line
#   dns-ruri-name  no outbound proxy, a Request-URI host with a port: A only
#   dns-sandbox    the engine survived all of it, still sandboxed
#
# Addresses 127.0.0.40 to 127.0.0.49 only: phone .41, the daemon's inside
# .42 and outside .43, dnsd .44, registrar and peer .45.
#
# Environment: BUILD (holds sipproxd/sipproxd and sipctl/sipctl), OBJ
# (absolute; this test's files go to $OBJ/dns), CC, DNSPORT.

. regress/daemon/lib.sh
. regress/daemon/sipp.sh

S=regress/dns
OBJ=${OBJ:-$PWD/regress/obj}
D=$OBJ/dns
CC=${CC:-cc}
PHONE=127.0.0.41
INSIDE=127.0.0.42
OUTSIDE=127.0.0.43
DNS=127.0.0.44
DNSPORT=${DNSPORT:-5353}
REGISTRAR=127.0.0.45
CASES="dns-srv dns-cache dns-fail dns-ruri-name dns-sandbox"
. regress/dns/wan.sh
CASES="$CASES $WAN_CASES"

needs_root $CASES

rm -rf "$D"
mkdir -p "$D"
chmod 755 "$D"
CONF=$D/sipproxd.conf SOCK=$D/ctl.sock LOG=$D/daemon.log QLOG=$D/dnsd.log
DNSD_PID=
SIPP_DIR=$S SIPP_LOGS=$D SIPP_FLAGS=

cleanup() {
	sipp_kill
	daemon_stop
	if [ -n "$DNSD_PID" ]; then
		kill -TERM "$DNSD_PID" 2> /dev/null
		wait "$DNSD_PID" 2> /dev/null
		DNSD_PID=
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

if ! $CC -Wall -Wextra -o "$D/dnsd" "$S/dnsd.c" > "$D/cc.log" 2>&1; then
	for c in $CASES; do fail "$c: dnsd does not build"; done
	sed 's/^/    /' "$D/cc.log"
	exit 1
fi

# A case: begin, its steps (bad() notes a failure), finish.
finish() {
	if [ -z "$WHY" ]; then
		ok "$CASE"
		return
	fi
	fail "$CASE: $WHY"
	for tag in $SHOWN; do
		f=$D/$tag.err
		[ -s "$f" ] || f=$D/$tag.out
		echo "    --- sipp $tag"
		tail -n 20 "$f" 2> /dev/null | sed 's/^/    /'
	done
	echo "    --- dnsd"
	tail -n 10 "$QLOG" | sed 's/^/    /'
	echo "    --- daemon"
	tail -n 20 "$LOG" | sed 's/^/    /'
}

# The questions dnsd was asked, "NAME TYPE" a line.
queries() {
	sed -n 's/^query //p' "$QLOG"
}
nqueries() {
	queries | wc -l
}

# expect_regs filter: sipctl -j show registrations satisfies the jq
# filter within 3 s (the engine updates its table asynchronously).
expect_regs() {
	n=0
	while :; do
		"$SIPCTL" -j -s "$SOCK" show registrations > "$D/regs.json" \
		    2>&1 && jq -e "$1" "$D/regs.json" > /dev/null 2>&1 &&
		    return 0
		[ $n -ge 30 ] && break
		sleep 0.1
		n=$((n + 1))
	done
	bad "show registrations: want $1, got $(tr -d '\n' < "$D/regs.json")"
	return 1
}

write_conf() {
	cat > "$CONF" <<CONF
listen on $INSIDE port 5060 udp
outside $OUTSIDE
rtp ports 22000 to 22019
$1
CONF
}

# reload: the new config is running once sipctl says so.
reload() {
	if ! "$SIPCTL" -s "$SOCK" reload > "$D/reload.out" 2>&1; then
		bad "reload failed: $(tr '\n' ' ' < "$D/reload.out")"
		return 1
	fi
}

# register tag: alice registers through the proxy at the registrar the
# SRV record names.
register() {
	sipp_uas "$1.registrar" registrar.xml $REGISTRAR:5070 \
	    -key granted 600
	sipp_bg "$1.phone" phone_register.xml $PHONE $INSIDE:5060
	sipp_wait
}

"$D/dnsd" -l $DNS -p "$DNSPORT" \
    -r "_sip._udp.provider.test SRV 10 10 5070 sip1.provider.test" \
    -r "sip1.provider.test A $REGISTRAR" > "$QLOG" 2>&1 &
DNSD_PID=$!
n=0
while [ $n -lt 50 ] && ! grep -q '^ready' "$QLOG"; do
	kill -0 $DNSD_PID 2> /dev/null || break
	sleep 0.1
	n=$((n + 1))
done
if ! grep -q '^ready' "$QLOG"; then
	for c in $CASES; do fail "$c: dnsd does not start"; done
	sed 's/^/    /' "$QLOG"
	exit 1
fi

write_conf 'outbound proxy "provider.test"'
if ! daemon_start "$CONF" "$SOCK" "$LOG" "SIPPROXD_DNS_SERVER=$DNS:$DNSPORT"
then
	for c in $CASES; do fail "$c: daemon does not start"; done
	sed 's/^/    /' "$LOG"
	exit 1
fi
ENGINE=$(child_pid $DPID "sip engine")

# dns-srv: SRV _sip._udp.provider.test, then A of its target; the
# registrar there gets the REGISTER and its 200 makes a registration.
begin dns-srv
register srv
q=$(queries | tr '\n' ',')
[ "$q" = "_sip._udp.provider.test SRV,sip1.provider.test A," ] ||
    bad "dnsd was asked: $q"
grep -q 'dns: regress: asking only' "$LOG" ||
    bad "daemon did not take SIPPROXD_DNS_SERVER"
expect_regs '(.registrations | length) == 1 and (.registrations[0] |
    .aor == "sip:alice@provider.test" and
    .contact == "sip:alice@127.0.0.41:5060" and
    .masqueraded_contact == "sip:alice@127.0.0.43:5060" and
    .expires > 0 and .expires <= 600)'
finish

# dns-cache: the same name again within its TTL asks nothing.
begin dns-cache
n0=$(nqueries)
register cache
[ "$(nqueries)" -eq "$n0" ] ||
    bad "new questions: $(queries | tail -n +$((n0 + 1)) | tr '\n' ',')"
expect_regs '(.registrations | length) == 1 and
    .registrations[0].aor == "sip:alice@provider.test"'
finish

# dns-fail: a name that does not exist is answered 503 and logged.
begin dns-fail
write_conf 'outbound proxy "missing.test"'
if reload; then
	n0=$(nqueries)
	sipp_bg fail.phone phone_register_fail.xml $PHONE $INSIDE:5060
	sipp_wait
	# No SRV record: the name itself (RFC 3263 4.2), which is no more.
	q=$(queries | tail -n +$((n0 + 1)) | tr '\n' ',')
	[ "$q" = "_sip._udp.missing.test SRV,missing.test A," ] ||
	    bad "dnsd was asked: $q"
	grep -q 'cannot resolve missing\.test' "$LOG" ||
	    bad "no \"cannot resolve missing.test\" in the log"
fi
finish

# dns-ruri-name: the Request-URI's host, with a port: an A question only.
begin dns-ruri-name
write_conf ''
if reload; then
	n0=$(nqueries)
	sipp_uas ruri.peer peer_options.xml $REGISTRAR:5070
	sipp_bg ruri.phone phone_options.xml $PHONE $INSIDE:5060
	sipp_wait
	q=$(queries | tail -n +$((n0 + 1)) | tr '\n' ',')
	[ "$q" = "sip1.provider.test A," ] || bad "dnsd was asked: $q"
fi
finish

wan_dns_cases
# dns-sandbox: no resolver step made the engine break its sandbox.
begin dns-sandbox
kill -0 "$DPID" 2> /dev/null || bad "daemon died"
[ -n "$ENGINE" ] && kill -0 "$ENGINE" 2> /dev/null || bad "engine died"
if [ -n "$ENGINE" ] && [ -r "/proc/$ENGINE/status" ]; then
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$ENGINE/status" ||
	    bad "engine not under a seccomp filter"
	[ "$(readlink "/proc/$ENGINE/root")" = /var/empty ] ||
	    bad "engine not chrooted to /var/empty"
fi
! grep -q 'sandbox violation' "$LOG" || bad "sandbox violation logged"
! grep -q 'terminated' "$LOG" || bad "a child terminated"
finish

daemon_stop
