# The cases of regress/sip/run.sh about SIP over TCP; sourced by it,
# after its helpers. Each case reloads the suite's configuration with
# TCP listeners inside and outside and lines of its own. sipp plays TCP
# with -t t1 (one connection); tcpclient.c plays what sipp cannot:
# keepalives, a message byte by byte or two in one write, a slowloris,
# too many connections, oversized messages, a peer that never reads,
# and a port that black-holes connects.

TCP_CASES="sip_tcp_register sip_tcp_call_out sip_tcp_bridge_out
sip_tcp_bridge_in sip_tcp_reuse sip_tcp_framing sip_tcp_idle
sip_tcp_keepalive sip_tcp_connect_timeout sip_tcp_slowloris
sip_tcp_per_source sip_tcp_oversize sip_tcp_noread"

# tcp_conf [line ...]: the suite's configuration, TCP listeners and these
# lines, reloaded; tcpclient built on first use.
tcp_conf() {
	[ -f "$T/udp.conf" ] || cp "$CONF" "$T/udp.conf"
	{
		cat "$T/udp.conf"
		echo "listen on $INSIDE port 5060 tcp"
		echo "outside $OUTSIDE tcp"
		for l in "$@"; do
			echo "$l"
		done
	} > "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
	TCPCLIENT=$T/tcpclient
	[ -x "$TCPCLIENT" ] || ${CC:-cc} -Wall -O2 -o "$TCPCLIENT" \
	    $S/tcpclient.c > "$T/tcpclient.log" 2>&1 ||
	    bad "tcpclient does not build: $(head -1 "$T/tcpclient.log")"
}

# conn_stat name: a connection counter of show stats.
conn_stat() {
	"$SIPCTL" -j -s "$SOCK" show stats | jq ".sip.connections.$1"
}

# A phone registers over TCP at a provider reached over TCP: the
# provider sees our Via and the masqueraded Contact with transport=tcp,
# the phone gets its own Contact back on its connection.
sip_tcp_register() {
	tcp_conf "outbound proxy \"$REGISTRAR\" port 5060 tcp"
	sipp_uas "$CASE.registrar" tcp_registrar.xml $REGISTRAR -t t1 \
	    -s tom -key vtr TCP -key mparam ";transport=tcp"
	sipp_bg "$CASE.phone" tcp_reg_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -t t1 -s tom -key uparam ";transport=tcp"
	sipp_wait
	expect registrations '[.registrations[] |
	    select(.aor == "sip:tom@127.0.0.20")] | length == 1 and
	    .[0].contact == "sip:tom@127.0.0.10:5060;transport=tcp" and
	    .[0].masqueraded_contact == "sip:tom@127.0.0.3:5060;transport=tcp"'
}

# tcp_call phone-args: a call from the phone to bob at the provider over
# TCP, the phone as the arguments say; the call is up in between.
tcp_call() {
	tcp_conf "outbound proxy \"$REGISTRAR\" port 5060 tcp"
	sipp_uas "$CASE.callee" tcp_callee.xml $REGISTRAR -t t1 "$@"
	sipp_bg "$CASE.phone" tcp_call_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -s bob -d 1000 "$@"
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

# A phone on TCP calls out to a provider on TCP.
sip_tcp_call_out() {
	tcp_call -t t1 -key iparam ";transport=tcp"
}

# A phone on UDP calls out to a provider on TCP: Via, Record-Route and
# Contact say TCP to the provider and UDP to the phone.
sip_tcp_bridge_out() {
	tcp_call -key iparam ""
}

# A caller on TCP calls a phone registered over UDP.
sip_tcp_bridge_in() {
	tcp_conf
	register 120 3600
	sipp_uas "$CASE.phone" tcp_answer_phone.xml $PHONE -s alice \
	    -key iparam ""
	sipp_bg "$CASE.caller" tcp_caller.xml $PEER $(outside_to $PHONE) \
	    -t t1 -s alice -d 1000 -key iparam "" -key oparam ";transport=tcp"
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	sipp_wait
	expect calls "$NOCALL"
}

# A phone registered over TCP is called from outside (over UDP) on its
# own connection: its Contact's port has no listener, so a proxy that
# opened a new connection would fail the call. While the call is up,
# that connection is the only one.
sip_tcp_reuse() {
	tcp_conf
	sipp_uas "$CASE.registrar" tcp_registrar.xml $REGISTRAR -s tess \
	    -key vtr UDP -key mparam ""
	sipp_bg "$CASE.phone" tcp_reuse_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -t t1 -s tess -cid_str "reuse-$$-%u" \
	    -key iparam ";transport=tcp"
	sipp_wait_only "$CASE.registrar"
	expect registrations '[.registrations[] |
	    select(.aor == "sip:tess@127.0.0.20")] | length == 1'
	opened=$(conn_stat opened)
	sipp_bg "$CASE.caller" tcp_caller.xml $PEER $(outside_to $PHONE) \
	    -s tess -d 1000 -cid_str "reuse-$$-%u" \
	    -key iparam ";transport=tcp" -key oparam ""
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	expect connections '(.connections | length == 1) and
	    (.connections[0] | .peer == "127.0.0.10" and
	    .peer_port == 5060 and .transport == "tcp" and
	    .side == "inside" and .direction == "incoming" and
	    .bytes_in > 0 and .bytes_out > 0)'
	sipp_wait
	[ "$(conn_stat opened)" = "$opened" ] || bad "a connection was opened"
	expect calls "$NOCALL"
}

# tcp_options id: an OPTIONS for nobody here, which the proxy answers
# itself (404), from a test client on the inside.
tcp_options() {
	printf 'OPTIONS sip:nobody@%s SIP/2.0\r\n' $INSIDE
	printf 'Via: SIP/2.0/TCP 127.0.0.40:5060;branch=z9hG4bK-%s;rport\r\n' \
	    "$1"
	printf 'Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.40>;tag=%s\r\n' \
	    "$1"
	printf 'To: <sip:nobody@%s>\r\nCall-ID: %s-%s\r\n' $INSIDE "$1" $$
	printf 'CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'
}

# tcp_client name addr step...: tcpclient from addr to the inside, its
# output in $T/name.out; a failure is the case's.
tcp_client() {
	name=$1 addr=$2
	shift 2
	"$TCPCLIENT" -b "$addr" "$INSIDE" 5060 "$@" > "$T/$name.out" 2>&1 ||
	    bad "$name: $(tail -n 1 "$T/$name.out")"
}

# ms name what: the milliseconds tcpclient printed for "what after".
ms() {
	sed -n "s/^$2 after \([0-9]*\) ms\$/\1/p" "$T/$1.out"
}

# A message written a byte at a time and two messages in one write are
# both answered.
sip_tcp_framing() {
	tcp_conf
	tcp_options fr1 > "$T/fr1"
	{ tcp_options fr2; tcp_options fr3; } > "$T/fr23"
	tcp_client bytes 127.0.0.40 trickle:"$T/fr1":5 'read:SIP/2.0 404:1'
	tcp_client two 127.0.0.40 send:"$T/fr23" 'read:SIP/2.0 404:2'
}

# `tcp inactivity timeout 2`: an idle connection is listed, then closed
# 2 to 4 seconds after its last message (the clock is in whole seconds).
sip_tcp_idle() {
	tcp_conf "tcp inactivity timeout 2"
	tcp_options idle > "$T/idle"
	before=$(conn_stat idle_closed)
	tcp_client idle 127.0.0.40 send:"$T/idle" 'read:SIP/2.0 404:1' eof &
	cpid=$!
	expect connections '(.connections | length == 1) and
	    .connections[0].peer == "127.0.0.40" and
	    .connections[0].transport == "tcp"'
	wait $cpid
	t=$(ms idle eof)
	[ -n "$t" ] && [ "$t" -ge 1900 ] && [ "$t" -le 4500 ] ||
	    bad "closed after ${t:-no} ms, want 2 to 4 s"
	expect connections '.connections | length == 0'
	[ "$(conn_stat idle_closed)" -gt "$before" ] || bad "not counted"
}

# `tcp keepalive 2`: a ping is answered with a pong at once, and an idle
# connection gets a ping within 2 to 3 seconds.
sip_tcp_keepalive() {
	tcp_conf "tcp keepalive 2"
	"$TCPCLIENT" -b 127.0.0.40 -w 1 "$INSIDE" 5060 ping 'read:\r\n:1' \
	    > "$T/pong.out" 2>&1 || bad "no pong: $(tail -n 1 "$T/pong.out")"
	"$TCPCLIENT" -b 127.0.0.40 -w 4 "$INSIDE" 5060 'read:\r\n\r\n:1' \
	    > "$T/ping.out" 2>&1 || bad "no ping: $(tail -n 1 "$T/ping.out")"
}

# sipp_running tag: is that sipp still running?
sipp_running() {
	for r in $RUN; do
		[ "${r%%=*}" = "$1" ] && kill -0 "${r#*=}" 2> /dev/null &&
		    return 0
	done
	return 1
}

# `tcp connect timeout 3000`: a call to a port that black-holes connects
# gets 408 from the proxy after 3 s, and a call meanwhile goes through;
# a call to a port that refuses them gets 503 at once.
sip_tcp_connect_timeout() {
	tcp_conf "tcp connect timeout 3000"
	"$TCPCLIENT" -l 127.0.0.22 5062 15 > "$T/hole.out" 2>&1 &
	hole=$!
	n=0
	while [ $n -lt 30 ] && ! grep -q ready "$T/hole.out"; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q ready "$T/hole.out" || bad "no black hole: $(cat "$T/hole.out")"
	before=$(conn_stat connect_timeouts)
	sipp_bg "$CASE.hole" tcp_fail_phone.xml 127.0.0.11 127.0.0.22:5062 \
	    -rsa $INSIDE:5060 -s bob -key status 408
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 200
	sipp_wait_only "$CASE.callee" "$CASE.phone"
	sipp_running "$CASE.hole" || bad "408 before the other call ended"
	sipp_bg "$CASE.refused" tcp_fail_phone.xml 127.0.0.12 \
	    127.0.0.22:5063 -rsa $INSIDE:5060 -s bob -key status 503
	sipp_wait
	kill "$hole" 2> /dev/null
	wait "$hole"
	[ "$(conn_stat connect_timeouts)" -gt "$before" ] || bad "not counted"
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

# A client that trickles a message a byte a second is dropped at the
# read deadline, 10 s, and counted.
sip_tcp_slowloris() {
	tcp_conf
	tcp_options slow > "$T/slow"
	before=$(conn_stat abuse_closed)
	tcp_client slow 127.0.0.41 trickle:"$T/slow":1000
	t=$(ms slow closed)
	[ -n "$t" ] && [ "$t" -ge 9900 ] && [ "$t" -le 13500 ] ||
	    bad "closed after ${t:-no} ms, want 10 to 12 s"
	[ "$(conn_stat abuse_closed)" -gt "$before" ] || bad "not counted"
}

# 17 connections from one address: 16 are served, one is refused, while
# another address is served all the same.
sip_tcp_per_source() {
	tcp_conf
	before=$(conn_stat refused)
	pids=
	i=0
	while [ $i -lt 17 ]; do
		tcp_options ps$i > "$T/ps$i"
		"$TCPCLIENT" -b 127.0.0.30 -w 5 "$INSIDE" 5060 \
		    send:"$T/ps$i" 'read:SIP/2.0 404:1' sleep:3000 \
		    > "$T/ps$i.out" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	sleep 1
	tcp_options other > "$T/other"
	tcp_client other 127.0.0.31 send:"$T/other" 'read:SIP/2.0 404:1'
	served=0
	for p in $pids; do
		wait "$p" && served=$((served + 1))
	done
	[ $served -eq 16 ] || bad "$served of 17 served, want 16"
	[ "$(conn_stat refused)" -eq $((before + 1)) ] ||
	    bad "$(($(conn_stat refused) - before)) refused, want 1"
}

# lines n format: format printed with 0 to n - 1, and 0.
lines() {
	i=0
	while [ $i -lt "$1" ]; do
		# shellcheck disable=SC2059 # the format is the caller's
		printf "$2" $i 0
		i=$((i + 1))
	done
}

# Headers that never end and a Content-Length over the limit: the
# connection closes at once, and megabytes more are never read.
sip_tcp_oversize() {
	tcp_conf
	before=$(conn_stat abuse_closed)
	{
		printf 'OPTIONS sip:nobody@%s SIP/2.0\r\n' $INSIDE
		lines 700 'X-Pad-%03d: %090d\r\n'
	} > "$T/long"
	tcp_client long 127.0.0.42 repeat:"$T/long":200
	k=$(sed -n 's/^wrote \([0-9]*\), then .*/\1/p' "$T/long.out")
	[ -n "$k" ] && [ "$k" -lt 50 ] ||
	    bad "endless headers: $(cat "$T/long.out")"
	tcp_options huge | sed 's/^Content-Length: 0/Content-Length: 9999999/' \
	    > "$T/huge"
	tcp_client huge 127.0.0.42 send:"$T/huge" eof
	t=$(ms huge eof)
	[ -n "$t" ] && [ "$t" -le 1000 ] || bad "huge Content-Length: open"
	[ "$(conn_stat abuse_closed)" -eq $((before + 2)) ] ||
	    bad "$(($(conn_stat abuse_closed) - before)) dropped, want 2"
}

# A client that sends requests and never reads the answers is dropped
# when what waits for it reaches the bound.
sip_tcp_noread() {
	tcp_conf
	before=$(conn_stat abuse_closed)
	via='Via: SIP/2.0/TCP 127.0.0.43:5060;branch=z9hG4bK-%03d'
	{
		printf 'OPTIONS sip:nobody@%s SIP/2.0\r\n' $INSIDE
		lines 30 "$via;x-pad=%0900d\r\n"
		printf 'Max-Forwards: 70\r\nFrom: <sip:p@127.0.0.43>;tag=1\r\n'
		printf 'To: <sip:nobody@%s>\r\nCall-ID: noread-%s\r\n' \
		    $INSIDE $$
		printf 'CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'
	} > "$T/big"
	"$TCPCLIENT" -b 127.0.0.43 -r 4096 -w 5 "$INSIDE" 5060 \
	    repeat:"$T/big":1000 > "$T/noread.out" 2>&1
	k=$(sed -n 's/^wrote \([0-9]*\), then .*/\1/p' "$T/noread.out")
	[ -n "$k" ] || bad "not dropped: $(cat "$T/noread.out")"
	[ "$(conn_stat abuse_closed)" -eq $((before + 1)) ] ||
	    bad "$(($(conn_stat abuse_closed) - before)) dropped, want 1"
}
