# The cases of regress/sip/run.sh about the tables at their limits and
# an overload; sourced by it, after its helpers. Each makes the tables
# small by a reload (`registration max`, `call max`) and puts the
# configuration back at its end.

SCALE_CASES="sip_table_registrations sip_table_calls sip_overload"

# scale_fill n expires: users u1 to un registered (expires 0: removed).
scale_fill() {
	sipp_uas "$CASE.registrar$2" many_registrar.xml $REGISTRAR -m "$1"
	sipp_bg "$CASE.phones$2" many_reg_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -key exp "$2" -m "$1" -l 1 -r 100
	sipp_wait
}

# u1 to u8 registered, as `show registrations` lists them, besides what
# earlier cases left (which may expire meanwhile); and none of them.
U8='[.registrations[].aor | select(startswith("sip:u"))] | sort ==
    ([range(1; 9)] | map("sip:u\(.)@127.0.0.20") | sort)'
NOU='[.registrations[].aor | select(startswith("sip:u"))] | length == 0'

# scale_small [lines]: the registration table made room for eight more
# than the registrations earlier cases left ($k), with these lines;
# sets k.
scale_small() {
	expect registrations '.registrations | length >= 0' > /dev/null
	k=$(jq '.registrations | length' "$T/registrations.json")
	k=${k:-0}
	conf_add "registration max $((k + 8))" "$@"
}

# stat name: its value in `show stats`, 0 if none yet.
stat() {
	expect stats ".sip.$1 >= 0" > /dev/null &&
	    jq ".sip.$1" "$T/stats.json"
}

# Eight phones fill a table of eight (with room for what earlier cases
# left): the ninth is answered 503 with
# Retry-After, counted and logged; a phone of the eight refreshes its
# registration as before, and the eight stay.
sip_table_registrations() {
	scale_small
	before=$(stat full_registrations)
	scale_fill 8 600
	expect registrations "$U8"
	sipp_bg "$CASE.ninth" table_reg_phone.xml 127.0.0.11 \
	    $(phone_to $REGISTRAR) -s u9
	sipp_wait
	expect stats '.sip.full_registrations == $n + 1' \
	    --argjson n "${before:-0}"
	grep -q "refused: registration table full" "$LOG" ||
	    bad "no log line for the full registration table"
	# u1 again: a refresh needs no room
	scale_fill 1 600
	expect registrations "$U8"
	scale_fill 8 0
	expect registrations "$NOU"
	conf_back
}

# Eight calls ring in a table of eight: a ninth from a phone and one
# from outside are answered 503 with Retry-After; the eight ring on and
# end as they should.
sip_table_calls() {
	register 120 3600
	conf_add "call max 8"
	before=$(stat full_calls)
	sipp_uas "$CASE.callee" ring_callee.xml $PEER -m 8
	sipp_bg "$CASE.phone" ring_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -m 8 -l 8 -r 100 -d 4000
	expect calls '.calls | length == 8'
	sipp_bg "$CASE.inside" table_call_phone.xml 127.0.0.11 \
	    $(phone_to $PEER) -s bob -key host "$PEER:5060"
	sipp_bg "$CASE.outside" table_call_phone.xml $PEER:5070 \
	    $OUTSIDE:5060 -s alice -key host "$OUTSIDE:5060"
	sipp_wait_only "$CASE.inside" "$CASE.outside"
	expect stats '.sip.full_calls == $n + 2' --argjson n "${before:-0}"
	expect calls '.calls | length == 8'
	sipp_wait
	expect calls "$NOCALL"
	conf_back
	register 0 0
}

# A call with media is up and the registration table is full when two
# floods come for four seconds: OPTIONS from outside, new REGISTERs from
# inside, each at twice the rate at which the daemon was just measured
# to answer both in full (bn_overload_max, a bounded ramp), so together
# twice its maximum. Meanwhile `sipctl show` answers within a second,
# RTP through the call's relay streams comes back, and after it the
# eight registrations are there, the call ends well, the refusals were
# counted and logged at most once a second.
sip_overload() {
	# stealth no: the OPTIONS flood from outside is answered.
	scale_small "stealth no"
	scale_fill 8 600
	expect registrations "$U8"
	max=$(bn_overload_max)
	[ "$max" -gt 0 ] ||
	    bad "the floods are not answered even at 500/s: $(cat "$T/bn.ramp")"
	rate=$((2 * ${max:-500}))
	echo "    floods at $rate/s each, twice $max/s" >> "$T/bn.ramp"
	sipp_uas "$CASE.callee" out_callee.xml $PEER -mi $PEER -mp 8000 \
	    -rtp_echo
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -mp 6100 -d 9000
	expect calls '.calls | length == 1 and .[0].state == "confirmed"' ||
	    return
	in=$(jq '.calls[0].inside_port' "$T/calls.json")
	before=$(stat full_registrations)
	lines=$(grep -c 'refused: registration table full' "$LOG")

	# four seconds' worth, and four seconds at most if sipp is slower
	sipp -sf "$S/overload_options.xml" -i 127.0.0.25 -p 5060 -nostdin \
	    -m $((4 * rate)) -r $rate -l $rate -timeout 4s $OUTSIDE:5060 \
	    > "$T/flood1.out" 2>&1 &
	f1=$!
	sipp -sf "$S/overload_register.xml" -i 127.0.0.13 -p 5060 -nostdin \
	    -m $((4 * rate)) -r $rate -l $rate -timeout 4s $INSIDE:5060 \
	    > "$T/flood2.out" 2>&1 &
	f2=$!
	sleep 1
	for i in 1 2 3; do
		t0=$(date +%s%N)
		timeout 5 "$SIPCTL" -s "$SOCK" show > "$T/show.out" 2>&1 ||
		    bad "show failed under load: $(tail -n 1 "$T/show.out")"
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ "$ms" -lt 1000 ] || bad "show took $ms ms under load"
	done
	if [ -z "$RTPPROBE" ]; then
		bad "rtpprobe does not build"
	elif ! "$RTPPROBE" -b $PHONE:6000 -d $INSIDE:"$in" -n 20 -w 800 \
	    > "$T/rtpprobe.out" 2>&1; then
		bad "no RTP through the call under load: $(cat "$T/rtpprobe.out")"
	else
		got=$(sed -n 's/.*received \([0-9]*\).*/\1/p' "$T/rtpprobe.out")
		[ "${got:-0}" -ge 18 ] ||
		    bad "RTP under load: $(cat "$T/rtpprobe.out")"
	fi
	n=0
	while [ $n -lt 150 ] && kill -0 $f1 2> /dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -KILL $f1 $f2 2> /dev/null
	wait $f1 $f2 2> /dev/null
	kill -0 "$DPID" 2> /dev/null || { bad "daemon died"; return; }
	expect registrations "$U8"
	expect stats '.sip.full_registrations >= $n + 1000' \
	    --argjson n "${before:-0}"
	sipp_wait
	expect calls "$NOCALL"
	# four seconds of refusals, a line a second at most
	lines=$(($(grep -c 'refused: registration table full' "$LOG") - lines))
	[ "$lines" -ge 1 ] && [ "$lines" -le 8 ] ||
	    bad "$lines log lines for the refusals of the flood"
	scale_fill 8 0
	conf_back
}
