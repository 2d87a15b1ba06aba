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
# the proxy refuses, registrations surviving a crash (one a second old
# too), full call and registration tables shown, and a control client
# that does not read dropped. Each sipp checks what it received;
# sipctl's JSON must tell the same story. Prints ok, FAIL or skipped per
# case; the exit status says whether any failed.
#
# Environment: BUILD (holds sipproxd/sipproxd and sipctl/sipctl), TMPDIR,
# SIP_CASES (run only those cases).
# DIRECT=1 plays each pair of scenarios against each other without the
# daemon (checks only the proxy can satisfy relaxed), to test the
# scenarios themselves.

. regress/daemon/lib.sh
. regress/daemon/sipp.sh
. regress/sip/edge.sh
. regress/sip/tcp.sh
. regress/sip/scale.sh
. regress/sip/auth.sh
. regress/sip/guard.sh
. regress/sip/bench_limits.sh
. regress/sip/lans.sh
. regress/sip/rewrite.sh
. regress/sip/relayoff.sh
. regress/sip/wan.sh
. regress/sip/monitor.sh

S=regress/sip
INSIDE=127.0.0.2
OUTSIDE=127.0.0.3
PHONE=127.0.0.10
REGISTRAR=127.0.0.20
PEER=127.0.0.21

CASES="sip_register sip_reregister sip_register_challenge sip_deregister
sip_expiry sip_incoming_call sip_outgoing_call sip_cancel sip_hold
sip_refused sip_max_forwards sip_max_vias sip_pool_exhausted sip_restart
sip_forged_response sip_dialog_tags sip_cancel_transaction sip_spiral
sip_loop sip_restart_prompt sip_full_calls sip_full_registrations
sip_media_refused_inside sip_media_refused_outside sip_codec_filter"
CASES="$CASES $EDGE_CASES"
CASES="$CASES $TCP_CASES"
CASES="$CASES $SCALE_CASES"
CASES="$CASES $AUTH_CASES"
CASES="$CASES $GUARD_CASES"
CASES="$CASES $BN_CASES"
CASES="$CASES $LN_CASES"
CASES="$CASES $RW_CASES"
CASES="$CASES $ro_cases"
CASES="$CASES $WAN_CASES"
CASES="$CASES $MON_CASES"
# SIP_CASES: only these (by hand, while working on them)
CASES=${SIP_CASES:-$CASES}

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
	auth_stop
	ln_stop
	mon_cleanup
	daemon_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

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

# conf_add line...: the configuration with these lines added, reloaded;
# conf_back: the one before, reloaded.
conf_add() {
	cp "$CONF" "$T/conf.saved"
	printf '%s\n' "$@" >> "$CONF"
	"$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1 ||
	    bad "reload failed: $(cat "$T/reload.out")"
}
conf_back() {
	cp "$T/conf.saved" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload back failed"
}

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

# With `stealth no`: the answers a scanner gets by default none of.
sip_refused() {
	guard_conf "stealth no"
	sipp_bg "$CASE.peer" refuse_out.xml $PEER $OUTSIDE:5060
	sipp_wait
	expect calls "$NOCALL"
	guard_base
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

# `codec allow`: G729 leaves the offer and the answer, each seen on the
# wire by the other side; an offer of G729 alone gets 488 from the proxy.
sip_codec_filter() {
	cp "$CONF" "$T/plain.conf"
	echo 'codec allow { PCMU PCMA telephone-event }' >> "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
	sipp_uas "$CASE.callee" codec_callee.xml $PEER
	sipp_bg "$CASE.phone" codec_phone.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
	expect stats '.sip.codecs_filtered >= 2'
	grep -q "1 stream(s) with no codec allowed, refused" "$LOG" ||
	    bad "no log line for the 488"
	cp "$T/plain.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload back failed"
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
	crash_restart
}

# The state is written promptly, not only every few seconds: a table
# just saved (alice removed), alice registers, and a second later all
# three processes are killed; the daemon started again must know her.
sip_restart_prompt() {
	register 0 0
	sleep 1.5
	register 120 3600
	sleep 1
	crash_restart
}

# crash_restart: kill -9 the parent and its children, start again; alice
# is registered still, and a call from outside reaches her.
crash_restart() {
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

# An outside party that sees our branches forges 200s with them: one
# whose Via below ours sends it to another inside host, two whose check
# is altered. All are dropped and counted; the inside host gets nothing
# and the phone gets only the true 486.
sip_forged_response() {
	before=0
	expect stats '.sip.responses_forged >= 0' &&
	    before=$(jq '.sip.responses_forged' "$T/stats.json")
	rm -f "$T/victim.err"
	sipp -sf "$S/victim.xml" -i 127.0.0.12 -p 5062 -m 1 -nostdin \
	    -trace_err -error_file "$T/victim.err" > "$T/victim.out" 2>&1 &
	victim=$!
	sipp_uas "$CASE.callee" forge_callee.xml $PEER
	sipp_bg "$CASE.phone" forge_phone.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	sleep 0.5
	kill -TERM "$victim" 2> /dev/null
	wait "$victim"
	grep -q "SIP/2.0 200" "$T/victim.err" 2> /dev/null &&
	    bad "a forged response reached 127.0.0.12:5062"
	expect stats '.sip.responses_forged >= $n + 2' --argjson n "$before"
	expect calls "$NOCALL"
}

# In a call from outside, a BYE with a wrong From tag and a re-INVITE
# with a wrong To tag are answered 481 by the proxy and go no further:
# the call stays up with its media where they were. The true BYE ends it.
sip_dialog_tags() {
	register 120 3600
	sipp_uas "$CASE.phone" dlg_phone.xml $PHONE
	sipp_bg "$CASE.caller" dlg_caller.xml $PEER $(outside_to $PHONE) \
	    -s alice -d 2500
	n=0
	while [ $n -lt 50 ] && [ "$(cat "$T/$CASE.caller.msg" 2> /dev/null |
	    grep -c '^SIP/2.0 481')" -lt 2 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ $n -lt 50 ] || bad "the caller got no two 481s"
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	expect rtp '(.streams | length == 1) and
	    .streams[0].outside.peer == "127.0.0.21:7000" and
	    .streams[0].inside.peer == "127.0.0.10:6000"'
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

# While a call from outside rings, a CANCEL of another transaction (its
# branch not the INVITE's) gets 481 and the phone never sees it; the
# true CANCEL ends the call.
sip_cancel_transaction() {
	register 120 3600
	sipp_uas "$CASE.phone" dlg_cancel_phone.xml $PHONE
	sipp_bg "$CASE.caller" dlg_cancel_caller.xml $PEER \
	    $(outside_to $PHONE) -s alice
	sipp_wait
	expect calls "$NOCALL"
}

# A full table, shown: 1024 calls ringing (INVITEs without an offer, so
# no relay ports), then cancelled.
sip_full_calls() {
	sipp_uas "$CASE.callee" ring_callee.xml $PEER -m 1024 -timeout 120s
	sipp_bg "$CASE.phone" ring_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -m 1024 -l 1024 -r 200 -d 15000 -timeout 120s
	[ -n "$DIRECT" ] || full_show calls 1024
	sipp_wait
	expect calls "$NOCALL"
}

# Two phones of ours call each other through the provider: A's INVITE
# goes out, comes back from the provider for B's contact (our outside)
# with our Via in it, a spiral, not a loop. Two calls with one Call-ID;
# RTP from A reaches B and B's echo reaches A through both.
sip_spiral() {
	sipp_uas "$CASE.reg" dlg_registrar.xml $REGISTRAR
	sipp_bg "$CASE.rega" dlg_reg_phone.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice
	sipp_wait
	sipp_uas "$CASE.reg" dlg_registrar.xml $REGISTRAR
	sipp_bg "$CASE.regb" dlg_reg_phone.xml 127.0.0.11 \
	    $(phone_to $REGISTRAR) -s bob
	sipp_wait
	expect registrations '.registrations | length == 2'
	sipp_uas "$CASE.provider" spiral_provider.xml $REGISTRAR
	sipp_uas "$CASE.b" spiral_b.xml 127.0.0.11 -mi 127.0.0.11 -mp 6000 \
	    -rtp_echo
	sipp_bg "$CASE.a" spiral_a.xml $PHONE $(phone_to $REGISTRAR) -s bob \
	    -mp 6100 -key rtpport 7000 -d 4000
	n=0
	while [ $n -lt 50 ] && [ -z "$(port "$CASE.a")" ]; do
		sleep 0.1
		n=$((n + 1))
	done
	p=$(port "$CASE.a")
	if [ -z "$RTPPROBE" ]; then
		bad "rtpprobe does not build"
	elif [ -z "$p" ]; then
		bad "phone A got no 200 with a relay port"
	elif ! "$RTPPROBE" -b $PHONE:7000 -d $INSIDE:"$p" -n 20 -w 800 \
	    > "$T/rtpprobe.out" 2>&1; then
		bad "no RTP from B back to A: $(cat "$T/rtpprobe.out")"
	fi
	expect calls '(.calls | length == 2) and
	    ([.calls[] | select(.state == "confirmed")] | length == 2) and
	    ([.calls[].direction] | sort == ["incoming", "outgoing"])'
	expect rtp '(.streams | length == 2) and
	    all(.streams[]; .inside.packets > 0 and .outside.packets > 0)'
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	# B's registration must not answer the next cases' calls.
	sed 's/expires=120/expires=0/' "$S/dlg_registrar.xml" \
	    > "$T/unreg_registrar.xml"
	SIPP_DIR=$T sipp_uas "$CASE.reg" unreg_registrar.xml $REGISTRAR
	sed 's/Expires: 120/Expires: 0/' "$S/dlg_reg_phone.xml" \
	    > "$T/unreg.xml"
	SIPP_DIR=$T sipp_bg "$CASE.unregb" unreg.xml 127.0.0.11 \
	    $(phone_to $REGISTRAR) -s bob
	sipp_wait
}

# A request that comes back unchanged still loops: 482.
sip_loop() {
	sipp_uas "$CASE.peer" loop_peer.xml $PEER
	sipp_bg "$CASE.phone" loop_phone.xml $PHONE $(phone_to $PEER) -s loop
	sipp_wait
	expect calls "$NOCALL"
}

# The RTP of the spiral case: rtpprobe of the netns test.
RTPPROBE=$T/rtpprobe
# shellcheck disable=SC2046 # pkg-config's flags are words
${CC:-cc} -O2 -Wall $(pkg-config --cflags libbsd-overlay) -o "$RTPPROBE" \
    regress/netns/rtpprobe.c $(pkg-config --libs libbsd-overlay) \
    > "$T/cc.log" 2>&1 || RTPPROBE=

# Alice gone, 4096 phones fill the table; it is shown, and a client that
# asks for it three times and never reads is dropped while others are
# served; then all go again.
sip_full_registrations() {
	register 0 0
	register_many 600 1
	if [ -z "$DIRECT" ]; then
		full_show registrations 4096
		if [ -z "$CTLSTUCK" ]; then
			bad "ctlstuck does not build"
		else
			# answers are streamed: a client is dropped
			# when its answer has not moved for 5 s
			"$CTLSTUCK" "$SOCK" 3 7 > "$T/stuck.out" 2>&1 &
			spid=$!
			sleep 1
			expect registrations '.registrations | length == 4096'
			wait $spid || bad "stuck client: $(cat "$T/stuck.out")"
			grep -q "client does not read, dropping it" "$LOG" ||
			    bad "no log line for the dropped client"
		fi
	fi
	register_many 0 64
	expect registrations "$NOREG"
}

# register_many expires at-once: users u1 to u4096 register (expires 0:
# remove their binding), at most at-once of them waiting for an answer.
# One at a time fills a table with leftovers exactly: room for a new one
# is made at the cost of an expired one, or else of one still waiting.
register_many() {
	sipp_uas "$CASE.registrar$1" many_registrar.xml $REGISTRAR -m 4096 \
	    -timeout 120s
	sipp_bg "$CASE.phone$1" many_reg_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -key exp "$1" -m 4096 -l "$2" -r 1000 \
	    -timeout 120s
	SIPP_WAIT=1200 sipp_wait
}

# full_show what count: within 30 s the table holds count entries; then
# `show what` and `show -j what` list them all, one line each under a
# heading (text) or one element each (JSON).
full_show() {
	n=0
	while [ $n -lt 300 ]; do
		c=$("$SIPCTL" -j -s "$SOCK" show | jq ".$1" 2> /dev/null)
		[ "$c" = "$2" ] && break
		sleep 0.1
		n=$((n + 1))
	done
	[ "$c" = "$2" ] || { bad "show: $1 $c, want $2"; return; }
	"$SIPCTL" -s "$SOCK" show "$1" > "$T/full.txt" 2>&1 ||
	    bad "show $1: $(tail -n 1 "$T/full.txt")"
	c=$(wc -l < "$T/full.txt")
	[ "$c" -eq $(($2 + 1)) ] ||
	    bad "show $1: $c lines, want $2 and a heading"
	"$SIPCTL" -j -s "$SOCK" show "$1" > "$T/full.json" 2>&1 ||
	    bad "show -j $1: $(tail -n 1 "$T/full.json")"
	c=$(jq ".$1 | length" "$T/full.json" 2> /dev/null)
	[ "$c" = "$2" ] || bad "show -j $1: $c entries, want $2"
}

cat > "$CONF" <<EOF
listen on $INSIDE port 5060 udp
outside $OUTSIDE
rtp ports 20000 to 20099
registration expires 3600
registration state "$T/state"
# sip_full_registrations fills the table from one phone
limit registrations per source 4096
EOF
# the suite's own, for cases that need it as it was (monitor.sh)
cp "$CONF" "$T/base.conf"

# The scanner and listener of guard.sh.
SIPPROBE=$T/sipprobe
# shellcheck disable=SC2046
${CC:-cc} -Wall -Isipproxd -Icompat -Icompat/imsg \
    $(pkg-config --cflags libbsd-overlay libevent) -o "$SIPPROBE" \
    $S/sipprobe.c sipproxd/util.c $(pkg-config --libs libbsd-overlay) \
    > "$T/cc.log" 2>&1 || SIPPROBE=false

# The client that never reads (sip_full_registrations).
CTLSTUCK=$T/ctlstuck
# shellcheck disable=SC2046
${CC:-cc} -Wall -Isipproxd -Icompat -Icompat/imsg \
    $(pkg-config --cflags libbsd-overlay libevent) \
    -o "$CTLSTUCK" $S/ctlstuck.c > "$T/cc.log" 2>&1 || CTLSTUCK=

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
	sip_flood|sip_offer_limit|sip_register_contact|sip_ipv6_register|\
	sip_forged_response|sip_dialog_tags|sip_cancel_transaction|sip_spiral|\
	sip_loop|sip_restart_prompt|sip_media_refused_*|sip_codec_filter|\
	sip_tcp_*|sip_table_*|sip_overload|sip_acl_*|sip_ban_*|sip_scan|\
	sip_user_agent|rw_*|ln_*|bn_*|wan_*)
		# what the proxy answers itself needs the proxy
		if [ -n "$DIRECT" ]; then
			echo "skipped $c: needs the daemon"
			continue
		fi
		;;
	ro_*|mon_*)
		# relayoff.sh, monitor.sh: what the proxy does
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
