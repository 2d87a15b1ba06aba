# `rtp relay no` through the daemon; sourced by run.sh, which runs the
# cases in ro_cases. With the relay off the proxy masquerades the SIP as
# ever, but each SDP reaches the far end byte for byte as the party
# wrote it (compared here from both sipps' message logs), no relay port
# is taken (show rtp, show, show stats, and the sockets themselves), and
# show calls says the call's media is not relayed. Everything here is
# prefixed ro_ so as not to collide with the other sourced files.

# shellcheck disable=SC2046 # phone_to, outside_to: sipp's arguments, words

# shellcheck disable=SC2034 # run.sh runs them
ro_cases="ro_outgoing ro_incoming ro_hostile ro_codec ro_reload"

# ro_body msgfile sent|received regex: the first message of a sipp
# message log that was sent (or received) and whose start line matches
# the regex, as its Content-Length header and exactly that many bytes of
# body. Nothing when there is none.
ro_body() {
	LC_ALL=C awk -v dir="$2" -v re="$3" '
	function out() {
		printf "Content-Length: %d\n%s", clen, substr(body, 1, clen)
		st = 5
		exit
	}
	/^-----------------------------------------------/ {
		if (st == 4)
			out()
		st = 0
		next
	}
	st == 0 && / message (sent|received)/ {
		st = index($0, " message " dir) ? 1 : -1
		next
	}
	st == 1 && $0 == "" { st = 2; next }
	st == 2 { st = $0 ~ re ? 3 : -1; next }
	st == 3 && ($0 == "\r" || $0 == "") { st = 4; next }
	st == 3 && tolower($0) ~ /^content-length[ \t]*:/ {
		v = $0
		sub(/^[^:]*:[ \t]*/, "", v)
		clen = v + 0
		next
	}
	st == 4 { body = body $0 "\n" }
	END { if (st == 4) out() }' "$1"
}

# ro_same what from to regex: the SDP of the first message matching the
# regex that sipp "from" sent reached sipp "to" byte for byte, with the
# same Content-Length.
ro_same() {
	ro_body "$T/$2.msg" sent "$4" > "$T/ro_sent"
	ro_body "$T/$3.msg" received "$4" > "$T/ro_got"
	if [ ! -s "$T/ro_sent" ] || [ ! -s "$T/ro_got" ]; then
		bad "$1: no SDP sent by $2 and received by $3" "$2 $3"
	elif ! cmp -s "$T/ro_sent" "$T/ro_got"; then
		bad "$1: SDP changed on the way: $(diff "$T/ro_sent" \
		    "$T/ro_got" | tr '\r\n' '  ')"
	fi
}

# ro_before: the relay's counters before a case's calls.
ro_before() {
	ro_opened=x
	expect stats '.rtp.streams_opened >= 0' &&
	    ro_opened=$(jq '.rtp.streams_opened' "$T/stats.json")
}

# ro_direct: while the case's calls are up, none is relayed: show calls
# says so (JSON and text), the relay has no stream, no port of the range
# is taken or bound, and the relay opened nothing.
ro_direct() {
	expect calls '(.calls | length == $n) and all(.calls[];
	    .state == "confirmed" and .relayed == false and
	    .inside_port == 0 and .outside_port == 0)' --argjson n "$1"
	"$SIPCTL" -s "$SOCK" show calls > "$T/ro_calls.txt" 2>&1
	[ "$(grep -c ' direct  *direct *$' "$T/ro_calls.txt")" = "$1" ] ||
	    bad "show calls: not $1 call(s) shown direct: $(tr '\n' ' ' \
	    < "$T/ro_calls.txt")"
	expect rtp "$NORTP"
	ro_summary '.rtp.relay == false and .rtp.streams == 0 and
	    .rtp.ports_free == .rtp.ports_total'
	ro_unbound
	ro_opened 0
}

# ro_summary filter: sipctl -j show satisfies the jq filter.
ro_summary() {
	"$SIPCTL" -j -s "$SOCK" show > "$T/ro_show.json" 2>&1
	jq -e "$1" "$T/ro_show.json" > /dev/null 2>&1 ||
	    bad "show: want $1, got $(tr -d '\n' < "$T/ro_show.json")"
}

# ro_unbound: no socket bound to a port of the relay's range.
ro_unbound() {
	ss -Huan '( sport >= :20000 and sport <= :20099 )' \
	    > "$T/ro_ss.out" 2>&1 || { bad "ss failed"; return; }
	[ -s "$T/ro_ss.out" ] &&
	    bad "relay ports bound: $(tr '\n' ' ' < "$T/ro_ss.out")"
}

# ro_opened n: the relay opened n streams since ro_before.
ro_opened() {
	[ "$ro_opened" = x ] && return
	expect stats '.rtp.streams_opened == $n' \
	    --argjson n $((ro_opened + $1))
}

# A phone that knows its public address (STUN) calls out with the relay
# off: the offer and the answer cross unchanged, the SIP masqueraded.
ro_outgoing() {
	conf_add "rtp relay no"
	ro_before
	sipp_uas "$CASE.callee" relayoff_out_callee.xml $PEER
	sipp_bg "$CASE.phone" relayoff_out_phone.xml $PHONE \
	    $(phone_to $PEER) -s bob -d 2000
	ro_crossed "$CASE.phone" "$CASE.callee"
}

# The same from outside to a registered phone.
ro_incoming() {
	conf_add "rtp relay no"
	register 120 3600
	ro_before
	sipp_uas "$CASE.phone" relayoff_in_phone.xml $PHONE
	sipp_bg "$CASE.caller" relayoff_in_caller.xml $PEER \
	    $(outside_to $PHONE) -s alice -d 2000
	ro_crossed "$CASE.caller" "$CASE.phone"
}

# ro_crossed caller callee: while their call is up it is not relayed;
# once over, the offer and the answer crossed unchanged, and the relay
# opened nothing.
ro_crossed() {
	ro_direct 1
	sipp_wait
	ro_same INVITE "$1" "$2" '^INVITE '
	ro_same 200 "$2" "$1" '^SIP/2\.0 200 '
	expect calls "$NOCALL"
	ro_opened 0
	conf_back
}

# The attacker's side: an SDP a relaying proxy refuses with 488 (media
# aimed at multicast and loopback, more streams than allowed, garbage)
# costs no relay port with the relay off; it goes to the phone as it
# is, to be judged there, and no limit of relayed streams counts it.
ro_hostile() {
	conf_add "rtp relay no"
	register 120 3600
	ro_before
	ro_media=x
	expect stats '.sip.limit_media >= 0' &&
	    ro_media=$(jq '.sip.limit_media' "$T/stats.json")
	sipp_uas "$CASE.phone" relayoff_hostile_phone.xml $PHONE
	sipp_bg "$CASE.caller" relayoff_hostile_caller.xml $PEER \
	    $(outside_to $PHONE) -s alice
	sipp_wait
	ro_same INVITE "$CASE.caller" "$CASE.phone" '^INVITE '
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	ro_unbound
	ro_opened 0
	[ "$ro_media" = x ] ||
	    expect stats '.sip.limit_media == $n' --argjson n "$ro_media"
	conf_back
}

# `codec deny` still edits the SDP with the relay off, and only that:
# the offer loses telephone-event and nothing else (the phone's address
# and ports stay), the answer, which had none, crosses unchanged.
ro_codec() {
	conf_add "rtp relay no" "codec deny telephone-event"
	ro_before
	sipp_uas "$CASE.callee" relayoff_out_callee.xml $PEER
	sipp_bg "$CASE.phone" relayoff_out_phone.xml $PHONE \
	    $(phone_to $PEER) -s bob -d 500
	sipp_wait
	ro_body "$T/$CASE.phone.msg" sent '^INVITE ' | sed 1d |
	    sed -e 's,^\(m=audio 41000 RTP/AVP 0 8\) 101,\1,' \
	    -e '/^a=rtpmap:101 /d' -e '/^a=fmtp:101 /d' > "$T/ro_want"
	{
		echo "Content-Length: $(wc -c < "$T/ro_want")"
		cat "$T/ro_want"
	} > "$T/ro_sent"
	ro_body "$T/$CASE.callee.msg" received '^INVITE ' > "$T/ro_got"
	cmp -s "$T/ro_sent" "$T/ro_got" ||
	    bad "offer not filtered as expected: $(diff "$T/ro_sent" \
	    "$T/ro_got" | tr '\r\n' '  ')"
	ro_same 200 "$CASE.callee" "$CASE.phone" '^SIP/2\.0 200 '
	ro_opened 0
	conf_back
}

# A reload that turns the relay off changes new calls only: a call
# relayed before it keeps its relay ports and stream, a call made after
# it is not relayed, both shown so.
ro_reload() {
	ro_before
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 4000
	expect calls '.calls | length == 1 and .[0].relayed == true and
	    .[0].inside_port > 0'
	conf_add "rtp relay no"
	sipp_uas "$CASE.callee2" relayoff_out_callee.xml 127.0.0.22
	sipp_bg "$CASE.phone2" relayoff_out_phone.xml 127.0.0.11 \
	    $(phone_to 127.0.0.22) -s bob -d 1000
	expect calls '(.calls | length == 2) and
	    ([.calls[] | select(.state == "confirmed")] | length == 2) and
	    ([.calls[] | select(.relayed and .inside_port >= 20000 and
	    .outside_port >= 20000)] | length == 1) and
	    ([.calls[] | select(.relayed == false and .inside_port == 0)] |
	    length == 1)'
	expect rtp '.streams | length == 1'
	ro_summary '.rtp.relay == false and .rtp.streams == 1'
	sipp_wait
	ro_same INVITE "$CASE.phone2" "$CASE.callee2" '^INVITE '
	ro_same 200 "$CASE.callee2" "$CASE.phone2" '^SIP/2\.0 200 '
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	ro_opened 1
	conf_back
}
