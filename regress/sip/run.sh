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
# SIP through the real daemon on loopback, played by sipp with the
# scenarios next to this file: registration (plain, refreshed, challenged,
# removed, expired), calls both ways, a cancelled call, hold, the requests
# the proxy refuses, and registrations surviving a crash. Each sipp checks
# what it received; sipctl's JSON must tell the same story. Prints ok,
# FAIL or skipped per case; the exit status says whether any failed.
#
# Environment: BUILD (holds sipproxd/sipproxd and sipctl/sipctl), TMPDIR.
# DIRECT=1 plays each pair of scenarios against each other without the
# daemon (checks only the proxy can satisfy relaxed), to test the
# scenarios themselves.

. regress/daemon/lib.sh
. regress/daemon/sipp.sh

S=regress/sip
INSIDE=127.0.0.2
OUTSIDE=127.0.0.3
PHONE=127.0.0.10
REGISTRAR=127.0.0.20
PEER=127.0.0.21

CASES="sip_register sip_reregister sip_register_challenge sip_deregister
sip_expiry sip_incoming_call sip_outgoing_call sip_cancel sip_hold
sip_refused sip_max_forwards sip_max_vias sip_pool_exhausted sip_restart
sip_media_refused_inside sip_media_refused_outside"

if [ -n "$DIRECT" ]; then
	MODE="-set mode direct"
else
	MODE=
	needs_root $CASES
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/sipt.XXXXXX") || exit 1
chmod 755 "$T"
CONF=$T/sipproxd.conf SOCK=$T/ctl.sock LOG=$T/daemon.log
SIPP_DIR=$S SIPP_LOGS=$T SIPP_FLAGS=$MODE
FAILED=0

cleanup() {
	sipp_kill
	daemon_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# A case: begin, its steps (bad() notes a failure), finish.
finish() {
	[ -n "$DIRECT" ] || kill -0 "$DPID" 2> /dev/null || bad "daemon died"
	if [ -z "$WHY" ]; then
		ok "$CASE"
		return
	fi
	fail "$CASE: $WHY"
	FAILED=$((FAILED + 1))
	for tag in $SHOWN; do
		f=$T/$tag.err
		[ -s "$f" ] || f=$T/$tag.out
		echo "    --- sipp $tag"
		tail -n 20 "$f" | sed 's/^/    /'
	done
	if [ -z "$DIRECT" ]; then
		echo "    --- daemon"
		tail -n 20 "$LOG" | sed 's/^/    /'
	fi
}

# A phone's requests go to the proxy's inside, an outside caller's to its
# outside; with DIRECT both go straight to the far side.
phone_to() {
	if [ -n "$DIRECT" ]; then
		echo "$1:5060"
	else
		echo "$1:5060 -rsa $INSIDE:5060"
	fi
}
outside_to() {
	if [ -n "$DIRECT" ]; then
		echo "$1:5060"
	else
		echo "$OUTSIDE:5060"
	fi
}

# port tag: the relay port that sipp logged
port() {
	sed -n 's/^port \([0-9]*\).*/\1/p' "$T/$1.log" 2> /dev/null | head -n 1
}

# expect what filter [jq arguments]: sipctl -j show WHAT satisfies the jq
# filter, within 3 s (the daemon updates its tables asynchronously); the
# last answer stays in $T/what.json.
expect() {
	what=$1 filter=$2
	shift 2
	[ -n "$DIRECT" ] && return 0
	n=0
	while :; do
		"$SIPCTL" -j -s "$SOCK" show "$what" > "$T/$what.json" 2>&1 &&
		    jq -e "$@" "$filter" "$T/$what.json" > /dev/null 2>&1 &&
		    return 0
		[ $n -ge 30 ] && break
		sleep 0.1
		n=$((n + 1))
	done
	bad "show $what: want $filter, got $(tr -d '\n' < "$T/$what.json")"
	return 1
}

# The registration of alice the phone made, as sipctl must show it.
REG='.registrations | length == 1 and (.[0] |
    .aor == "sip:alice@127.0.0.20" and
    .contact == "sip:alice@127.0.0.10:5060" and
    .masqueraded_contact == "sip:alice@127.0.0.3:5060" and
    .source == "127.0.0.10:5060" and .user_agent == "sipp-regress" and
    .expires > $lo and .expires <= $hi)'
NOREG='.registrations | length == 0'

# A call in progress, its relay ports those the two sipps were given.
CALL='.calls | length == 1 and (.[0] | .direction == $dir and
    .state == "confirmed" and
    .inside_port >= 20000 and .inside_port <= 20099 and
    .outside_port >= 20000 and .outside_port <= 20099)'
NOCALL='.calls | length == 0'
RTP='[.streams[] | select(.inside.port == $in and .outside.port == $out)] |
    length == 1'
NORTP='.streams | length == 0'

# register granted expires [contact-parameters]: alice registers through
# the proxy asking for EXPIRES seconds, the registrar grants GRANTED.
register() {
	sipp_uas "$CASE.registrar" registrar.xml $REGISTRAR \
	    -key granted "$1" -set cparam "$3"
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice -key exp "$2" -key cparam "$3"
	sipp_wait
}

# call_check direction inside-tag outside-tag: while the call is up, the
# calls table has it with the ports the inside and outside sipp got.
call_check() {
	[ -n "$DIRECT" ] && return
	expect calls "$CALL" --arg dir "$1" || return
	in=$(jq '.calls[0].inside_port' "$T/calls.json")
	out=$(jq '.calls[0].outside_port' "$T/calls.json")
	expect rtp "$RTP" --argjson in "$in" --argjson out "$out"
	sipp_wait
	[ "$(port "$2")" = "$in" ] ||
	    bad "$2 got port $(port "$2"), calls say inside_port $in"
	[ "$(port "$3")" = "$out" ] ||
	    bad "$3 got port $(port "$3"), calls say outside_port $out"
}

sip_register() {
	register 120 3600
	expect registrations "$REG" --argjson lo 100 --argjson hi 120
}

# A refresh with another lifetime, this time in a Contact parameter the
# registrar must see, replaces the entry.
sip_reregister() {
	register 60 3600 ";expires=1800"
	expect registrations "$REG" --argjson lo 40 --argjson hi 60
}

sip_register_challenge() {
	sipp_uas "$CASE.registrar" registrar_auth.xml $REGISTRAR \
	    -key granted 90
	sipp_bg "$CASE.phone" reg_auth_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -s alice -key exp 3600 -au alice -ap secret
	sipp_wait
	expect registrations "$REG" --argjson lo 70 --argjson hi 90
}

sip_deregister() {
	register 0 0
	expect registrations "$NOREG"
}

# Granted 2 s, the entry must be gone from the list 4 s later.
sip_expiry() {
	register 2 3600
	expect registrations "$REG" --argjson lo 0 --argjson hi 2
	sleep 4
	expect registrations "$NOREG"
}

sip_incoming_call() {
	register 120 3600
	sipp_uas "$CASE.phone" in_phone.xml $PHONE
	sipp_bg "$CASE.caller" in_caller.xml $PEER $(outside_to $PHONE) \
	    -s alice -d 3000
	call_check incoming "$CASE.phone" "$CASE.caller"
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

sip_outgoing_call() {
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 3000
	call_check outgoing "$CASE.phone" "$CASE.callee"
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

sip_cancel() {
	sipp_uas "$CASE.callee" cancel_callee.xml $PEER
	sipp_bg "$CASE.phone" cancel_phone.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

sip_hold() {
	sipp_uas "$CASE.callee" hold_callee.xml $PEER
	sipp_bg "$CASE.phone" hold_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 500
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

sip_refused() {
	sipp_bg "$CASE.peer" refuse_out.xml $PEER $OUTSIDE:5060
	sipp_wait
	expect calls "$NOCALL"
}

sip_max_forwards() {
	sipp_bg "$CASE.phone" refuse_hops.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
}

sip_max_vias() {
	sipp_bg "$CASE.phone" refuse_vias.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
}

# SDP naming a multicast or broadcast address, or a port count, gets 488
# from the proxy, from inside and from outside: no call, no relay stream.
sip_media_refused_inside() {
	sipp_bg "$CASE.phone" refuse_media.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	grep -q "multicast address, refused" "$LOG" ||
	    bad "no log line for the multicast 488"
}

sip_media_refused_outside() {
	register 120 3600
	sipp_bg "$CASE.caller" refuse_media.xml $PEER $OUTSIDE:5060 -s alice
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

# With one port pair left in the relay (a reload shrinks the range), a
# call holds it and a second INVITE is answered 503 by the proxy.
sip_pool_exhausted() {
	sed 's/^rtp ports .*/rtp ports 20000 to 20001/' "$CONF" > "$T/pool.conf"
	cp "$CONF" "$T/full.conf"
	cp "$T/pool.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 2000
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	sipp_bg "$CASE.phone2" pool_phone.xml 127.0.0.11 $(phone_to $PEER) \
	    -s bob
	sipp_wait
	grep -q "No RTP ports" "$LOG" || bad "no log line for the 503"
	cp "$T/full.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload back failed"
}

# A crash loses nothing saved: the state is written at most a second or
# so after a change, so give it 2 s, then kill all three processes.
sip_restart() {
	register 120 3600
	sleep 2
	kids=$(pgrep -P "$DPID")
	kill -KILL "$DPID" $kids 2> /dev/null
	wait "$DPID" 2> /dev/null
	for k in $kids; do
		n=0
		while [ $n -lt 50 ] && kill -0 "$k" 2> /dev/null; do
			sleep 0.1
			n=$((n + 1))
		done
	done
	# The dead daemon's socket is still there: wait for an answer.
	LOG=$LOG.2
	if ! daemon_start "$CONF" "$SOCK" "$LOG" ||
	    ! expect stats '.sip.received >= 0'; then
		bad "daemon does not start again"
		return
	fi
	expect registrations "$REG" --argjson lo 100 --argjson hi 120
	sipp_uas "$CASE.phone" in_phone.xml $PHONE
	sipp_bg "$CASE.caller" in_caller.xml $PEER $OUTSIDE:5060 \
	    -s alice -d 200
	sipp_wait
}

cat > "$CONF" <<EOF
listen on $INSIDE port 5060 udp
outside $OUTSIDE
rtp ports 20000 to 20099
registration expires 3600
registration state "$T/state"
EOF

if [ -z "$DIRECT" ] && ! daemon_start "$CONF" "$SOCK" "$LOG"; then
	for c in $CASES; do
		fail "$c: daemon does not start"
	done
	tail -n 20 "$LOG" | sed 's/^/    /'
	exit 1
fi

for c in $CASES; do
	case $c in
	sip_refused|sip_max_forwards|sip_max_vias|sip_pool_exhausted|sip_restart|\
	sip_media_refused_*)
		# what the proxy answers itself needs the proxy
		if [ -n "$DIRECT" ]; then
			echo "skipped $c: needs the daemon"
			continue
		fi
		;;
	esac
	# After a crash the rest would only wait for their timeouts.
	if [ -z "$DIRECT" ] && ! kill -0 "$DPID" 2> /dev/null; then
		fail "$c: daemon died earlier"
		FAILED=$((FAILED + 1))
		continue
	fi
	begin "$c"
	"$c"
	finish
done
[ $FAILED -eq 0 ]
