# The cases of regress/sip/run.sh about outbound proxies per domain and
# several inside networks; sourced by it, after its helpers. They run a
# daemon of their own (inside 127.0.0.46 and 127.0.0.56, outside
# 127.0.0.47) beside the one of the other cases, and sipps playing
# providers' proxies on 127.0.0.41 to 127.0.0.43.

LN_CASES="ln_outbound_domains ln_two_lans"

LN_INSIDE=127.0.0.46
LN_INSIDE2=127.0.0.56
LN_OUTSIDE=127.0.0.47
LN_PROXY_A=127.0.0.41
LN_PROXY_B=127.0.0.42
LN_PROXY_G=127.0.0.43
LN_PEER=127.0.0.44
LN_PHONE1=127.0.0.10:5081
LN_PHONE2=127.0.0.11:5082
LN_PID=

# ln_start [config lines]: the daemon of these cases with the lines
# given; its socket and log in $T.
ln_start() {
	LN_CONF=$T/ln.conf LN_SOCK=$T/ln.sock LN_LOG=$T/ln.log
	{
		echo "listen on $LN_INSIDE port 5060 udp"
		echo "outside $LN_OUTSIDE"
		echo "rtp ports 20700 to 20799"
		for l in "$@"; do
			echo "$l"
		done
	} > "$LN_CONF"
	if ! aside_start "$LN_CONF" "$LN_SOCK" "$LN_LOG"; then
		bad "the daemon does not start: $(tail -n 1 "$LN_LOG")"
		return 1
	fi
	LN_PID=$ASIDE_PID
}

# ln_stop: the daemon of the case goes; its log is shown on failure.
ln_stop() {
	aside_stop "$LN_PID" "$LN_LOG" "daemon of the ln_ cases"
	LN_PID=
}

# ln_reload [config lines]: the daemon's configuration replaced.
ln_reload() {
	for l in "$@"; do
		echo "$l"
	done >> "$LN_CONF"
	"$SIPCTL" -s "$LN_SOCK" reload > "$T/ln.reload" 2>&1 ||
	    bad "reload: $(tail -n 1 "$T/ln.reload")"
}

# ln_saw tag domain...: the proxy sipp tag got the REGISTER and the
# INVITE of each domain given, and no REGISTER or INVITE of another.
ln_saw() {
	ln_tag=$1
	shift
	ln_got=$(sed -n 's/^\(REGISTER\|INVITE\) sip:\([^ ]*\) SIP\/2\.0.*/\1 \2/p' \
	    "$T/$ln_tag.msg" 2> /dev/null | tr -d '\r' | sort | tr '\n' ' ')
	ln_want=$(for d in "$@"; do
		echo "INVITE bob@$d"
		echo "REGISTER $d"
	done | sort | tr '\n' ' ')
	[ "$ln_got" = "$ln_want" ] ||
	    bad "$ln_tag saw [$ln_got], want [$ln_want]" "$ln_tag"
}

# ln_calls na nb ng domain...: the three proxies take as many calls as
# given, a phone (each on a port of its own) registers and calls in
# each domain, all at once.
ln_calls() {
	ln_na=$1 ln_nb=$2 ln_ng=$3
	shift 3
	[ "$ln_na" -gt 0 ] && sipp_bg "$CASE.a" ln_ob_proxy.xml \
	    $LN_PROXY_A -m "$ln_na"
	[ "$ln_nb" -gt 0 ] && sipp_bg "$CASE.b" ln_ob_proxy.xml \
	    $LN_PROXY_B:5070 -m "$ln_nb"
	[ "$ln_ng" -gt 0 ] && sipp_bg "$CASE.g" ln_ob_proxy.xml \
	    $LN_PROXY_G -m "$ln_ng"
	sleep 0.3
	ln_port=5071
	for d in "$@"; do
		sipp_bg "$CASE.$d" ln_ob_phone.xml $PHONE:$ln_port \
		    $LN_INSIDE:5060 -key dom "$d"
		ln_port=$((ln_port + 1))
	done
	sipp_wait
}

# Requests from a phone for a domain with a proxy of its own go there,
# the longest domain that covers the Request-URI's host winning; for a
# domain without one (and a host that only ends like one) to the
# global outbound proxy. A reload replaces the whole set.
ln_outbound_domains() {
	ln_start "outbound proxy \"$LN_PROXY_G\"" \
	    "outbound proxy \"$LN_PROXY_A\" for domain \"a.test\"" \
	    "outbound proxy \"$LN_PROXY_B\" port 5070 for domain \"b.test\"" \
	    "outbound proxy \"$LN_PROXY_A\" udp for domain \"C.B.test\"" ||
	    return
	ln_calls 2 3 3 a.test c.b.test b.test sip.B.test x.b.test \
	    d.test xa.test a.test.evil
	ln_saw "$CASE.a" a.test c.b.test
	ln_saw "$CASE.b" b.test sip.B.test x.b.test
	ln_saw "$CASE.g" d.test xa.test a.test.evil
	"$SIPPROXD" -nv -f "$LN_CONF" > "$T/ln.nv" 2>&1
	grep -q "^outbound proxy \"$LN_PROXY_A\" for domain \"C.B.test\"$" \
	    "$T/ln.nv" || bad "sipproxd -nv: $(grep for "$T/ln.nv")"

	# Reloaded: a.test goes to B, c.b.test is b.test's again.
	# In place: the sandbox lets the parent read this file, not another.
	sed '/for domain/d' "$LN_CONF" > "$T/ln.tmp"
	cat "$T/ln.tmp" > "$LN_CONF"
	ln_reload "outbound proxy \"$LN_PROXY_B\" port 5070 for domain \"a.test\"" \
	    "outbound proxy \"$LN_PROXY_B\" port 5070 for domain \"b.test\""
	ln_calls 0 2 0 a.test c.b.test
	ln_saw "$CASE.b" a.test c.b.test
	ln_stop
}

# ln_lan tag inside [other]: the SDP and the Record-Route the phone of
# sipp tag was sent name the inside address given, never the other one,
# and its relay port is bound there.
ln_lan() {
	tr -d '\r' < "$T/$1.msg" > "$T/ln.msg"
	grep -q "^c=IN IP4 $2$" "$T/ln.msg" ||
	    bad "$1 was sent no SDP with c=IN IP4 $2" "$1"
	grep -q "^Record-Route: .*<sip:$2:5060;lr;r2=on>" "$T/ln.msg" ||
	    bad "$1 was sent no Record-Route of $2" "$1"
	if [ -n "$3" ] && grep -q "$3" "$T/ln.msg"; then
		bad "$1 was sent $3, the other LAN's address" "$1"
	fi
	ln_p=$(port "$1")
	[ -n "$ln_p" ] && grep -q " $2:$ln_p " "$T/ln.ss" ||
	    bad "$1: relay port ${ln_p:-none} not bound on $2"
}

# ln_bound: the UDP sockets of the daemon's relay, while the calls are up.
ln_bound() {
	sleep 1
	ss -Hlun > "$T/ln.ss" 2>&1
}

# Two inside networks: a phone on each registers through its own
# listener and calls out; then a call comes in for each. Each phone is
# sent SDP and Record-Route with its own LAN's address, and relay ports
# bound on that address: the one its SIP came in on, though both phones'
# addresses are as near to one listener as to the other.
ln_two_lans() {
	ln_start "listen on $LN_INSIDE2 port 5060 udp" || return
	sipp_uas "$CASE.peer" ln_ob_proxy.xml $LN_PEER -m 2
	sipp_bg "$CASE.out1" ln_ob_phone.xml $LN_PHONE1 $LN_INSIDE:5060 \
	    -key dom $LN_PEER -s alice -d 2000
	sipp_bg "$CASE.out2" ln_ob_phone.xml $LN_PHONE2 $LN_INSIDE2:5060 \
	    -key dom $LN_PEER -s bob -d 2000
	ln_bound
	sipp_wait
	ln_lan "$CASE.out1" $LN_INSIDE $LN_INSIDE2
	ln_lan "$CASE.out2" $LN_INSIDE2 $LN_INSIDE

	sipp_uas "$CASE.in1" ln_lan_answer.xml $LN_PHONE1 -s alice
	sipp_uas "$CASE.in2" ln_lan_answer.xml $LN_PHONE2 -s bob
	sipp_bg "$CASE.caller1" ln_lan_caller.xml $LN_PEER:5091 \
	    $LN_OUTSIDE:5060 -s alice -d 2000
	sipp_bg "$CASE.caller2" ln_lan_caller.xml $LN_PEER:5092 \
	    $LN_OUTSIDE:5060 -s bob -d 2000
	ln_bound
	sipp_wait
	ln_lan "$CASE.in1" $LN_INSIDE $LN_INSIDE2
	ln_lan "$CASE.in2" $LN_INSIDE2 $LN_INSIDE
	tr -d '\r' < "$T/$CASE.caller2.msg" | grep -q "^c=IN IP4 $LN_OUTSIDE$" ||
	    bad "the caller was not sent the outside address" "$CASE.caller2"
	ln_stop
}
