# The cases of regress/sip/run.sh about the rewrites siproxd's plugins
# did: strip header, rewrite request-uri, trunk, default target and the
# call log; sourced by it, after its helpers. Each case adds its lines
# to the daemon's configuration, reloads, and puts it back at the end.

RW_CASES="rw_strip rw_rewrite rw_trunk rw_default rw_calllog rw_calllog_ring"

# rw_reload line...: conf_add with these lines and "stealth no": the
# refusals of the hostile cases are answered, so that the test sees
# which answer each got.
rw_reload() {
	conf_add "stealth no" "$@"
}

# `strip header`: X-Secret in any case of its name and Subject in its
# long and compact forms go from a request and from its response, each
# seen by the other side, the SDP and the body whole, X-Secret-Keep
# kept. An INVITE with more X-Secret lines than can go is answered 500
# by the proxy and goes nowhere (bob's first INVITE is the second).
rw_strip() {
	rw_reload 'strip header "X-Secret"' 'strip header "Subject"'
	sipp_uas "$CASE.callee" rw_strip_callee.xml $PEER
	sipp_bg "$CASE.phone" rw_strip_phone.xml $PHONE $(phone_to $PEER) -s bob
	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	grep -q "more headers to strip than can be, refused" "$LOG" ||
	    bad "no log line for the 500"
	conf_back
}

# rw_far tag address: the far side (rw_uas.xml) on address, answering
# the INVITE it gets 486.
rw_far() {
	sipp_uas "$CASE.$1" rw_uas.xml "$2"
}

# rw_seen tag what line: the far side tag logged this request line
# (what: invite or ack), exactly.
rw_seen() {
	got=$(sed -n "s/^$2 //p" "$T/$CASE.$1.log" 2> /dev/null | head -n 1)
	[ "$got" = "$3" ] || bad "$1 got \"$got\", want \"$3\""
}

# rw_send from to ruri: an INVITE from address from to to, for ruri,
# answered 486 by the far side.
rw_send() {
	sipp_bg "$CASE.send" rw_uri_phone.xml "$1" $2 -key ruri "$3"
	sipp_wait_only "$CASE.send"
}

# rw_refused from to ruri status: an INVITE for ruri, answered by the
# proxy itself with status.
rw_refused() {
	sipp_bg "$CASE.refused" rw_uri_refused.xml "$1" $2 -key ruri "$3"
	sipp_wait_only "$CASE.refused"
	got=$(sed -n 's/^status //p' "$T/$CASE.refused.log" 2> /dev/null)
	case $got in
	"SIP/2.0 $4 "*)	;;
	*)	bad "$3: got \"$got\", want $4" ;;
	esac
}

# `rewrite request-uri`, first match wins: a number with a leading 0
# gets +41 (the Request-URI's parameters kept), a short number 00; the
# result of the first rule is not rewritten again by the second. The
# INVITE and the ACK of its 486 reach bob rewritten alike. Hostile
# Request-URIs: one whose rewrite would be longer than a URI may be is
# answered 414, one whose rewrite is no URI 500, neither is forwarded
# (bob's first INVITE is the one he expects).
rw_rewrite() {
	# A user part may have 255 characters: 250 x, five times over.
	long=sip:9$(printf '%0250d' 0 | tr 0 x)@$PEER:5060
	rw_reload \
	    'rewrite request-uri "^sip:0([1-9][0-9]*)@([^;]*)" to "sip:+41$1@$2"' \
	    'rewrite request-uri "^sip:\+?([0-9]+)@" to "sip:00$1@"' \
	    'rewrite request-uri "^sip:9(x+)@" to "sip:$1$1$1$1$1@"' \
	    'rewrite request-uri "^sip:bad([^@]*)@[^;]*" to "sip:$1@"'
	rw_far bob $PEER
	rw_refused $PHONE "$(phone_to $PEER)" "$long" 414
	rw_refused $PHONE "$(phone_to $PEER)" "sip:badbob@$PEER:5060" 500
	rw_send $PHONE "$(phone_to $PEER)" \
	    "sip:0791234567@$PEER:5060;user=phone"
	sipp_wait
	rw_seen bob invite "INVITE sip:+41791234567@$PEER:5060;user=phone SIP/2.0"
	rw_seen bob ack "ACK sip:+41791234567@$PEER:5060;user=phone SIP/2.0"
	rw_far bob $PEER
	rw_send $PHONE "$(phone_to $PEER)" "sip:123@$PEER:5060"
	sipp_wait
	rw_seen bob invite "INVITE sip:00123@$PEER:5060 SIP/2.0"
	rw_seen bob ack "ACK sip:00123@$PEER:5060 SIP/2.0"
	grep -q "rewrite request-uri: .*: result too long, refused" "$LOG" ||
	    bad "no log line for the 414"
	expect calls "$NOCALL"
	conf_back
}

# `trunk`: the PBX registers as pbx@127.0.0.20 from 127.0.0.13; a call
# from outside for a number of its block reaches it, the Request-URI its
# contact with the number called (the caller's maddr and transport
# parameters gone), the ACK of its 486 too. Hostile:
# a number one digit longer, the + escaped, a block of no registered PBX:
# 404 from the proxy, nothing forwarded (the PBX's first INVITE is the
# one it expects).
rw_trunk() {
	rw_reload \
	    'trunk "pbx" account "sip:pbx@127.0.0.20" numbers "^\+4121555[0-9]{4}$"' \
	    'trunk "gone" account "sip:gone@127.0.0.20" numbers "^\+4122[0-9]+$"'
	rw_register pbx 127.0.0.13
	rw_far pbx 127.0.0.13
	rw_refused $PEER "$(outside_to 127.0.0.13)" \
	    "sip:+412155512345@$OUTSIDE:5060" 404
	rw_refused $PEER "$(outside_to 127.0.0.13)" \
	    "sip:%2B41215551234@$OUTSIDE:5060" 404
	rw_refused $PEER "$(outside_to 127.0.0.13)" \
	    "sip:+41221234567@$OUTSIDE:5060" 404
	rw_send $PEER "$(outside_to 127.0.0.13)" \
	    "sip:+41215551234@$OUTSIDE:5060;maddr=127.0.0.99;transport=tcp"
	sipp_wait
	rw_seen pbx invite "INVITE sip:+41215551234@127.0.0.13:5060 SIP/2.0"
	rw_seen pbx ack "ACK sip:+41215551234@127.0.0.13:5060 SIP/2.0"
	grep -q "call for +41215551234: to trunk pbx" "$LOG" ||
	    bad "no log line for the trunk"
	grep -q "trunk gone: no phone registered as sip:gone@127.0.0.20" \
	    "$LOG" || bad "no log line for the trunk without its PBX"
	expect calls "$NOCALL"
	rw_unregister pbx 127.0.0.13
	conf_back
}

# rw_register user address: a phone on address registers as
# user@127.0.0.20 (the registrar grants 120 s). rw_unregister user
# address: its binding goes again (the registrar grants 0).
rw_register() {
	sipp_uas "$CASE.registrar" edge_registrar.xml $REGISTRAR
	sipp_bg "$CASE.reg" edge_reg.xml "$2" $(phone_to $REGISTRAR) \
	    -s "$1" -key domain $REGISTRAR -key contact "<sip:$1@$2:5060>"
	sipp_wait
	expect registrations '[.registrations[] | select(.aor == $aor)] |
	    length == 1' --arg aor "sip:$1@$REGISTRAR"
}
rw_unregister() {
	sed 's/expires=120/expires=0/' "$S/edge_registrar.xml" \
	    > "$T/rw_unreg.xml"
	SIPP_DIR=$T sipp_uas "$CASE.unreg" rw_unreg.xml $REGISTRAR
	sipp_bg "$CASE.unregphone" edge_reg.xml "$2" $(phone_to $REGISTRAR) \
	    -s "$1" -key domain $REGISTRAR -key contact "<sip:$1@$2:5060>"
	sipp_wait
	expect registrations '[.registrations[] | select(.aor == $aor)] |
	    length == 0' --arg aor "sip:$1@$REGISTRAR"
}

# `default target`: the operator's phone registered (127.0.0.14), a
# call from outside for a user of ours with no phone goes to it, its
# Request-URI the operator's contact; logged. Hostile: one for a foreign
# host still gets 403 (no open relay to the target); with the operator
# gone too, 404 as before.
rw_default() {
	rw_reload 'default target "sip:operator@127.0.0.20"'
	rw_register operator 127.0.0.14
	rw_far operator 127.0.0.14
	rw_refused $PEER "$(outside_to 127.0.0.14)" "sip:nobody@example.com" \
	    403
	rw_send $PEER "$(outside_to 127.0.0.14)" "sip:nobody@$OUTSIDE:5060"
	sipp_wait
	rw_seen operator invite "INVITE sip:operator@127.0.0.14:5060 SIP/2.0"
	rw_seen operator ack "ACK sip:operator@127.0.0.14:5060 SIP/2.0"
	grep -q "call for nobody: no registered phone, to the default target sip:operator@127.0.0.20" \
	    "$LOG" || bad "no log line for the default target"
	rw_unregister operator 127.0.0.14
	rw_refused $PEER "$(outside_to 127.0.0.14)" \
	    "sip:nobody@$OUTSIDE:5060" 404
	expect calls "$NOCALL"
	conf_back
}

# rw_ended filter [jq arguments]: expect for `sipctl -j show calls
# ended` (in $T/calls.json), through a sipctl that adds "ended".
rw_ended() {
	printf '#!/bin/sh\nexec "%s" "$@" ended\n' "$SIPCTL" > "$T/rw_sipctl"
	chmod 755 "$T/rw_sipctl"
	sipctl=$SIPCTL SIPCTL=$T/rw_sipctl
	expect calls "$@"
	rv=$?
	SIPCTL=$sipctl
	return $rv
}

# The call log: an outgoing call, 20 RTP packets from the phone through
# the relay, bob's sipp echoing them; at its BYE the call is logged with
# its codec, duration, direction and the relay's counts each way, and
# `show calls ended` (text and JSON) has the same record.
rw_calllog() {
	sipp_uas "$CASE.callee" out_callee.xml $PEER -mi $PEER -mp 8000 \
	    -rtp_echo
	# The phone's sipp takes another media port: rtpprobe is its media.
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 3000 -mp 6100
	n=0
	while [ $n -lt 50 ] && [ -z "$(port "$CASE.phone")" ]; do
		sleep 0.1
		n=$((n + 1))
	done
	p=$(port "$CASE.phone")
	if [ -z "$RTPPROBE" ] || [ -z "$p" ]; then
		bad "no rtpprobe, or no relay port for the phone"
		sipp_wait
		return
	fi
	"$RTPPROBE" -b $PHONE:6000 -d $INSIDE:"$p" -n 20 -w 800 \
	    > "$T/rw_probe.out" 2>&1 ||
	    bad "no RTP back: $(cat "$T/rw_probe.out")"
	back=$(sed -n 's/^sent 20 received \([0-9]*\).*/\1/p' "$T/rw_probe.out")
	sipp_wait
	callid=$(sed -n 's/^Call-ID: *//p' "$T/$CASE.phone.msg" 2> /dev/null |
	    head -n 1 | tr -d '\r')
	rw_ended '.calls_ended | last | .call_id == $id and
	    .direction == "outgoing" and .codec == "PCMU" and
	    .from == "sip:alice@127.0.0.20" and
	    .to == "sip:bob@127.0.0.21:5060" and .cause == "bye" and
	    .duration >= 2 and .duration <= 5 and .started > 0 and
	    .inside.packets == 20 and .inside.lost == 0 and
	    .outside.packets == $back and .outside.lost == 0' \
	    --arg id "$callid" --argjson back "${back:-0}"
	grep -q "call log: start [0-9T:-]*Z duration [2-5] direction outgoing from sip:alice@127.0.0.20 to sip:bob@127.0.0.21:5060 codec PCMU inside 20/0 outside $back/0 cause bye call-id $callid\$" \
	    "$LOG" || bad "no call log line for $callid"
	"$SIPCTL" -s "$SOCK" show calls ended > "$T/ended.txt" 2>&1 ||
	    bad "show calls ended: $(tail -n 1 "$T/ended.txt")"
	head -n 1 "$T/ended.txt" | grep -q "^Started.*Call-ID.*Codec" ||
	    bad "show calls ended: no heading"
	grep -q "$callid.*outgoing.*PCMU.* $back .* 20 .*bye" \
	    "$T/ended.txt" || bad "show calls ended: no line for $callid"
}

# The call log is a ring: 105 calls refused by bob (486) later, it holds
# the last 100, the oldest kept the sixth, each logged all the same.
rw_calllog_ring() {
	sipp_uas "$CASE.bob" rw_uas.xml $PEER -m 105 -timeout 60s
	sipp_bg "$CASE.phone" rw_uri_phone.xml $PHONE $(phone_to $PEER) \
	    -key ruri "sip:bob@$PEER:5060" -m 105 -r 50 -l 10 -timeout 60s
	sipp_wait
	rw_ended '(.calls_ended | length == 100) and
	    (.calls_ended[0].call_id | startswith("6-")) and
	    (.calls_ended[99].call_id | startswith("105-")) and
	    all(.calls_ended[]; .cause == "rejected" and .duration == 0)'
	n=$(grep -c "call log: .* direction outgoing .* cause rejected " "$LOG")
	[ "$n" -ge 105 ] || bad "$n call log lines, want 105 at least"
}
