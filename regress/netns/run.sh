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
# sipproxd between a private lan and a wan, in network namespaces (Linux,
# root).  Three namespaces per run, joined by veth pairs:
#
#   lan  10.77.1.10 (phone) --- 10.77.1.1 fw 192.0.2.1 --- 192.0.2.20 wan
#
# fw forwards and masquerades 10.77.1.0/24 out of its wan side with the
# nftables rules of etc/sipproxd.nft, which drop what else comes in; wan
# has no route to 10.77.1.0/24, so only what sipproxd rewrites can reach
# the phone.  The registrar, the caller and the callee live in wan.  Cases:
# register through the proxy, a call in, media through the relay, a call
# out, and without sipproxd a call to the phone's private contact that
# must fail (the proof that the test bed discriminates).
#
# Run from the top of the repository.  Environment: BUILD (holds
# sipproxd/sipproxd and sipctl/sipctl), OBJ, CC (builds rtpprobe.c, the
# caller's media).
#
# Only addresses inside the namespaces made here are ever used; everything
# made here is removed on exit, failure or signal.

# shellcheck disable=SC2154 # PID_name, set by eval in sipp_start
. regress/daemon/lib.sh
. regress/netns/relayoff.sh

CASES="netns-register netns-incoming netns-rtp netns-outgoing
netns-discriminates"
CASES="$CASES $ro_netns_cases"
WAN_CASES="wan-moved-show wan-moved-register wan-moved-call" # wan.sh
CASES="$CASES $WAN_CASES"
SCN=$PWD/regress/netns
T=15			# seconds any one sipp may run
LAN=spx-lan-$$ FW=spx-fw-$$ WAN=spx-wan-$$
PHONE=10.77.1.10 INSIDE=10.77.1.1 OUTSIDE=192.0.2.1 PEER=192.0.2.20
# The firewall's rules are the example sipproxd.8 shows: the outside takes
# SIP and the relay's ports, nothing else (input policy drop).
NFT=$PWD/etc/sipproxd.nft
. regress/netns/lans.sh

skip_all() {
	for c in $CASES; do echo "skipped $c: $1"; done
	exit 0
}

# shellcheck disable=SC2086 # one word a case
needs_root $CASES
for tool in ip nft sipp timeout jq; do
	command -v $tool > /dev/null || skip_all "no $tool"
done
if [ ! -x "$SIPPROXD" ] || [ ! -x "$SIPCTL" ]; then
	skip_all "$SIPPROXD not built"
fi
case $SIPPROXD in /*) ;; *) SIPPROXD=$PWD/$SIPPROXD SIPCTL=$PWD/$SIPCTL ;; esac

mkdir -p "${OBJ:-regress/obj}"
D=$(mktemp -d "${OBJ:-regress/obj}/netns.XXXXXX") || exit 1
D=$(cd "$D" && pwd)
chmod 755 "$D"
PIDS=
MADE=
FAILED=0

# Our own processes first (they hold the namespaces), then the namespaces,
# which takes the veths, routes and nat rules with them.
cleanup() {
	for p in $PIDS; do
		kill -TERM "$p" 2> /dev/null
	done
	for p in $PIDS; do
		wait "$p" 2> /dev/null
	done
	daemon_stop
	for ns in $MADE; do
		ip netns del "$ns" 2> /dev/null
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

pass() { echo "ok $1"; }

# fail name why: say so, with the tail of every log of this run.
fail() {
	echo "FAIL $1: $2"
	FAILED=1
	for f in "$D"/*.log "$D"/*.msg "$D"/*.err "$D"/*.out; do
		[ -s "$f" ] || continue
		echo "    --- ${f##*/}"
		tail -n 25 "$f" | awk '{ print "    " $0 }'
	done
}

# Start a run's logs afresh, so a failure shows only its own.
fresh() {
	rm -f "$D"/*.msg "$D"/*.err "$D"/*.out "$D"/*.learned "$D"/*.screen
	[ -n "$DPID" ] || rm -f "$D"/*.log
}

# plumb: the rest of the test bed, around $LAN (made first).
plumb() {
	ip -n "$LAN" link set lo up || return 1
	for ns in $FW $WAN; do
		ip netns add "$ns" || return 1
		MADE="$MADE $ns"
		ip -n "$ns" link set lo up || return 1
	done
	# Made inside the namespaces, so parallel runs never share a name.
	ip -n "$LAN" link add lan0 type veth peer name in0 netns "$FW" &&
	ip -n "$FW" link add out0 type veth peer name wan0 netns "$WAN" &&
	ip -n "$LAN" addr add $PHONE/24 dev lan0 &&
	ip -n "$FW" addr add $INSIDE/24 dev in0 &&
	ip -n "$FW" addr add $OUTSIDE/24 dev out0 &&
	ip -n "$WAN" addr add $PEER/24 dev wan0 &&
	ip -n "$LAN" link set lan0 up &&
	ip -n "$FW" link set in0 up &&
	ip -n "$FW" link set out0 up &&
	ip -n "$WAN" link set wan0 up &&
	ip -n "$LAN" route add default via $INSIDE &&
	ip netns exec "$FW" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$FW" nft -D wan=out0 -D lan_net=10.77.1.0/24 \
	    -D sip_port=5060 -D rtp_ports=20000-20099 -f "$NFT"
}

# sipp_start name ns scenario sipp-args...: one call in the background,
# bounded twice over (sipp's own timeout, then timeout(1)); its pid in
# PID_name.  Logs: name.msg (messages), name.err (unexpected ones),
# name.learned (<log> actions), name.screen (not shown: too long).
sipp_start() {
	name=$1 ns=$2 scn=$3
	shift 3
	timeout -k 2 $((T + 5)) ip netns exec "$ns" sipp -sf "$SCN/$scn" \
	    -m 1 -nostdin -timeout ${T}s -timeout_error \
	    -trace_msg -message_file "$D/$name.msg" \
	    -trace_err -error_file "$D/$name.err" \
	    -trace_logs -log_file "$D/$name.learned" \
	    "$@" < /dev/null > "$D/$name.screen" 2>&1 &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
}

# sipp_wait name: its exit status.
sipp_wait() {
	eval "p=\$PID_$1"
	wait "$p"
	rc=$?
	PIDS=$(echo "$PIDS" | sed "s/ $p\$//; s/ $p / /")
	return $rc
}

# udp_bound ns addr port: wait (up to 5 s) until something listens there.
udp_bound() {
	i=0
	while [ $i -lt 50 ]; do
		ip netns exec "$1" ss -Hnlu "src $2 and sport = :$3" |
		    grep -q . && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# learned name: the first line one of its <log> actions wrote.
learned() {
	head -n 1 "$D/$1.learned" 2> /dev/null | tr -d '\r'
}

# fw_daemon_start [config lines]: daemon_start's loop, with sipproxd
# inside fw; its outside FW_OUTSIDE when set (an interface), else
# OUTSIDE.
fw_daemon_start() {
	cat > "$D/sipproxd.conf" <<EOF
listen on $INSIDE port 5060 udp
outside ${FW_OUTSIDE:-$OUTSIDE}
rtp ports 20000 to 20099
registration state "$D/state"
EOF
	[ $# -eq 0 ] || printf '%s\n' "$@" >> "$D/sipproxd.conf"
	ip netns exec "$FW" "$SIPPROXD" -d -v -f "$D/sipproxd.conf" \
	    -s "$D/ctl.sock" > "$D/sipproxd.log" 2>&1 &
	DPID=$!
	i=0
	while [ $i -lt 50 ] && [ ! -S "$D/ctl.sock" ]; do
		kill -0 $DPID 2> /dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$D/ctl.sock" ] && udp_bound "$FW" $INSIDE 5060
}

sipctl() {
	timeout -k 2 10 ip netns exec "$FW" "$SIPCTL" -s "$D/ctl.sock" "$@"
}

# media_check: while the caller holds its call, send RTP from the port its
# SDP offered to the relay port the 200 offered; the phone's sipp echoes
# it, so it must come back through the relay.  The verdict, in RTP_WHY
# (empty: ok), is told after the call's own.
media_check() {
	i=0
	while [ $i -lt 100 ] && [ -z "$(learned caller)" ]; do
		kill -0 "$PID_caller" 2> /dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	rport=$(learned caller)
	if [ -z "$RTPPROBE" ]; then
		RTP_WHY="rtpprobe does not build"
	elif [ -z "$rport" ]; then
		RTP_WHY="the caller got no 200 with a relay port"
	elif timeout -k 2 10 ip netns exec "$WAN" "$RTPPROBE" \
	    -b $PEER:7000 -d $OUTSIDE:"$rport" -n 20 -w 800 \
	    > "$D/rtpprobe.out" 2>&1; then
		RTP_WHY=
	else
		RTP_WHY="no echo through the relay at $OUTSIDE:$rport"
	fi
}

# call_in name [media]: the caller in wan calls the contact that sipp
# run "name" (a registrar) learned; the phone answers in lan; with media,
# RTP through the relay too.  Sets CRC, PRC (the sipp exits) and
# GOT_INVITE (whether the phone saw an INVITE).
call_in() {
	contact=$(learned "$1")
	sipp_start phone "$LAN" phone-answer.xml -i $PHONE -p 5060 \
	    -mi $PHONE -mp 6000 -rtp_echo
	udp_bound "$LAN" $PHONE 5060 || return 1
	sipp_start caller "$WAN" caller.xml -i $PEER -p 5060 -mi $PEER \
	    -key ruri "$contact" -key rtpport 7000 "${contact#*@}"
	[ "$2" = media ] && media_check
	sipp_wait caller
	CRC=$?
	# Once the caller gave up nothing more can come: do not wait out
	# the phone's timeout.
	[ "$CRC" != 0 ] && kill -TERM "$PID_phone" 2> /dev/null
	sipp_wait phone
	PRC=$?
	GOT_INVITE=no
	grep -q '^INVITE sip:' "$D/phone.msg" 2> /dev/null && GOT_INVITE=yes
	return 0
}

# The caller's media for the rtp case.
RTPPROBE=
# shellcheck disable=SC2046 # pkg-config's flags are words
if ${CC:-cc} -O2 -Wall $(pkg-config --cflags \
    libbsd-overlay) -o "$D/rtpprobe" "$SCN/rtpprobe.c" \
    $(pkg-config --libs libbsd-overlay) > "$D/cc.log" 2>&1; then
	RTPPROBE=$D/rtpprobe
fi

# Not allowed to make one (a container, say): nothing here can run.
ip netns add "$LAN" 2> /dev/null || skip_all "cannot make network namespaces"
MADE=$LAN
if ! plumb; then
	for c in $CASES; do
		fail "$c" "cannot build the namespaces"
	done
	exit 1
fi

# --- with sipproxd in fw
if ! fw_daemon_start; then
	for c in netns-register netns-incoming netns-rtp netns-outgoing; do
		fail "$c" "sipproxd does not start in $FW"
	done
else
	# The phone registers through the proxy; the registrar must see
	# only the outside address, sipctl the phone behind it.
	fresh
	sipp_start registrar "$WAN" registrar.xml -i $PEER -p 5060
	if ! udp_bound "$WAN" $PEER 5060; then
		fail netns-register "the registrar does not listen"
	else
		sipp_start phone "$LAN" phone-register.xml -i $PHONE -p 5060 \
		    -rsa $INSIDE:5060 $PEER:5060
		sipp_wait phone
		prc=$?
		sipp_wait registrar
		rrc=$?
		want="sip:alice@$PHONE:5060 sip:alice@$OUTSIDE:5060 true"
		sipctl -j show registrations > "$D/sipctl.out" 2>&1
		r=$(jq -r '.registrations[] |
		    select(.aor == "sip:alice@192.0.2.20") |
		    "\(.contact) \(.masqueraded_contact) \(.expires > 0)"' \
		    "$D/sipctl.out" 2> /dev/null)
		if [ $rrc != 0 ]; then
			fail netns-register "registrar: sipp exit $rrc"
		elif [ $prc != 0 ]; then
			fail netns-register "phone: sipp exit $prc"
		elif [ "$r" != "$want" ]; then
			fail netns-register "sipctl shows '$r'"
		else
			pass netns-register
		fi
	fi

	# The caller in wan reaches the phone through the contact the
	# registrar learned, and media flows through the relay meanwhile.
	RTP_WHY="no call"
	if [ -z "$(learned registrar)" ]; then
		fail netns-incoming "the registrar learned no contact"
	elif ! call_in registrar media; then
		fail netns-incoming "the phone does not listen"
	elif [ "$CRC" != 0 ]; then
		fail netns-incoming "caller: sipp exit $CRC"
	elif [ "$PRC" != 0 ]; then
		fail netns-incoming "phone: sipp exit $PRC"
	else
		pass netns-incoming
	fi
	if [ -z "$RTP_WHY" ]; then
		pass netns-rtp
	else
		fail netns-rtp "$RTP_WHY"
	fi

	# The phone calls bob in wan through the proxy.
	fresh
	sipp_start callee "$WAN" callee.xml -i $PEER -p 5060 -mi $PEER
	if ! udp_bound "$WAN" $PEER 5060; then
		fail netns-outgoing "the callee does not listen"
	else
		sipp_start phone "$LAN" phone-call.xml -i $PHONE -p 5060 \
		    -mi $PHONE -rsa $INSIDE:5060 $PEER:5060
		sipp_wait phone
		prc=$?
		[ $prc != 0 ] && kill -TERM "$PID_callee" 2> /dev/null
		sipp_wait callee
		crc=$?
		if [ $prc != 0 ]; then
			fail netns-outgoing "phone: sipp exit $prc"
		elif [ $crc != 0 ]; then
			fail netns-outgoing "callee: sipp exit $crc"
		else
			pass netns-outgoing
		fi
	fi
fi
# relayoff.sh: rtp relay no, media straight through fw's rules
ro_netns
daemon_stop
ln_netns
. regress/netns/wan.sh

# --- without sipproxd: the phone registers straight through the
# masquerading fw (which must work: it proves the plumbing), then the
# caller tries the private contact the registrar learned.  wan has no
# route there, so the call must fail and the phone see nothing.  Run last:
# its nat mapping of 192.0.2.1:5060 stays in conntrack a while and would
# hand the registrar's answers meant for sipproxd to the phone.
fresh
sipp_start registrar "$WAN" registrar-direct.xml -i $PEER -p 5060
if ! udp_bound "$WAN" $PEER 5060; then
	fail netns-discriminates "the registrar does not listen"
else
	sipp_start phone "$LAN" phone-register.xml -i $PHONE -p 5060 $PEER:5060
	sipp_wait phone
	prc=$?
	sipp_wait registrar
	rrc=$?
	if [ $rrc != 0 ] || [ $prc != 0 ]; then
		fail netns-discriminates \
		    "no registration through plain nat (sipp exits $rrc $prc)"
	elif ! call_in registrar; then
		fail netns-discriminates "the phone does not listen"
	elif [ "$GOT_INVITE" = yes ]; then
		fail netns-discriminates "the INVITE reached the phone"
	elif [ "$CRC" = 0 ]; then
		fail netns-discriminates "the call succeeded"
	else
		pass netns-discriminates
	fi
fi

[ $FAILED = 0 ]
