# The cases of regress/sip/run.sh about what one inside source may
# register (`limit registrations per source`); sourced by it, after its
# helpers. Each reloads its own configuration and puts the one of the
# run back at its end. Everything here is prefixed bn_.

BN_CASES="bn_reg_source_limit bn_reg_source_flood"

BN_A=127.0.0.14		# a phone (or a host that floods)
BN_B=127.0.0.15		# another phone, another source
BN_C=127.0.0.16		# a host whose registrar never answers
BN_SILENT=127.0.0.26	# that registrar: nothing listens there

# bn_conf lines: the run's configuration plus lines (run.sh's
# conf_add), without the run's own limit of registrations per source,
# reloaded; conf_back puts it back.
bn_conf() {
	conf_add "$@"
	grep -v '^limit registrations per source 4096$' "$CONF" > "$T/bn.conf"
	cp "$T/bn.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
}

# bn_stat name: its value in `show stats`, 0 if none yet.
bn_stat() {
	expect stats ".sip.$1 >= 0" > /dev/null &&
	    jq ".sip.$1 // 0" "$T/stats.json"
}

# bn_held addr: the registrations `show registrations` lists from addr.
bn_held() {
	expect registrations '.registrations | length >= 0' > /dev/null
	jq --arg a "$1:" \
	    '[.registrations[] | select(.source | startswith($a))] | length' \
	    "$T/registrations.json"
}

# bn_users addr prefix: the users registered from addr, sorted, as
# "a1 a2 ..." of that prefix.
bn_users() {
	expect registrations '.registrations | length >= 0' > /dev/null
	jq -r --arg a "$1:" --arg p "sip:$2" '[.registrations[] |
	    select((.source | startswith($a)) and (.aor | startswith($p))) |
	    .aor | ltrimstr("sip:") | sub("@.*"; "")] | sort | join(" ")' \
	    "$T/registrations.json"
}

# bn_reg addr user-prefix count expires: users prefix1 to prefixN
# register from addr (expires 0: removed), each answered 200.
bn_reg() {
	sipp_uas "$CASE.registrar.$1.$4" bn_registrar.xml $REGISTRAR -m "$3"
	sipp_bg "$CASE.phone.$1.$4" bn_reg_phone.xml "$1" \
	    $(phone_to $REGISTRAR) -s "$2" -key exp "$4" -m "$3" -l 1 -r 50
	sipp_wait
}

# A phone may hold four registrations: its four register, a fifth is
# answered 503 with Retry-After by the proxy, counted and logged; one of
# the four refreshes as before; another phone registers its own four.
bn_reg_source_limit() {
	before=$(bn_stat limit_registrations)
	bn_conf "limit registrations per source 4"
	bn_reg $BN_A a 4 600
	[ "$(bn_users $BN_A a)" = "a1 a2 a3 a4" ] ||
	    bad "from $BN_A: $(bn_users $BN_A a), want a1 to a4"
	sipp_bg "$CASE.fifth" bn_reg_refused.xml $BN_A \
	    $(phone_to $REGISTRAR) -s a5
	sipp_wait
	expect stats '.sip.limit_registrations == $n + 1' \
	    --argjson n "${before:-0}"
	grep -q "refused: too many registrations from one source" "$LOG" ||
	    bad "no log line for the refused registration"
	bn_reg $BN_A a 1 600		# a1 again: a refresh
	bn_reg $BN_B b 4 600
	[ "$(bn_users $BN_A a)" = "a1 a2 a3 a4" ] ||
	    bad "from $BN_A: $(bn_users $BN_A a), want a1 to a4"
	[ "$(bn_users $BN_B b)" = "b1 b2 b3 b4" ] ||
	    bad "from $BN_B: $(bn_users $BN_B b), want b1 to b4"
	expect stats '.sip.limit_registrations == $n + 1' \
	    --argjson n "${before:-0}"
	bn_reg $BN_A a 4 0
	bn_reg $BN_B b 4 0
	[ "$(bn_held $BN_A)$(bn_held $BN_B)" = 00 ] ||
	    bad "registrations left behind"
	conf_back
}

# One host sends REGISTERs for ever new users as fast as it is let, into
# a small table with the default limit (half the table): it gets no more
# than half, the rest are 503, and a phone at another address still
# registers. A host whose registrar never answers holds no more places
# waiting than its limit either: the rest are 503 at once.
bn_reg_source_flood() {
	expect registrations '.registrations | length >= 0' > /dev/null
	k=$(jq '.registrations | length' "$T/registrations.json")
	max=$((2 * (${k:-0} + 8)))
	half=$((max / 2))
	flood=$((max + 20))
	before=$(bn_stat limit_registrations)
	bn_conf "registration max $max"
	# the registrar answers every one that gets through, however many,
	# and is stopped after the flood
	sipp -sf "$S/bn_registrar.xml" -i $REGISTRAR -p 5060 -nostdin \
	    -m "$flood" -timeout 40s > "$T/$CASE.registrar.out" 2>&1 &
	bn_rp=$!
	sleep 0.3
	sipp_bg "$CASE.flood" bn_reg_flood.xml $BN_A $(phone_to $REGISTRAR) \
	    -s x -m "$flood" -l 20 -r 200 -timeout 30s
	SIPP_WAIT=300 sipp_wait
	kill $bn_rp 2> /dev/null
	wait $bn_rp 2> /dev/null
	got=$(bn_held $BN_A)
	[ "$got" -eq "$half" ] ||
	    bad "the flood holds $got registrations, want $half"
	expect stats '.sip.limit_registrations == $n + $f - $h' \
	    --argjson n "${before:-0}" --argjson f "$flood" \
	    --argjson h "$half"
	bn_reg $BN_B b 4 600
	[ "$(bn_users $BN_B b)" = "b1 b2 b3 b4" ] ||
	    bad "from $BN_B after the flood: $(bn_users $BN_B b)"

	# waiting for a registrar that never answers: two places at most
	# (sipp's two calls that get through time out: not waited for as
	# the others)
	conf_back
	before=$(bn_stat limit_registrations)
	bn_conf "registration max $max" "limit registrations per source 2"
	timeout 20 sipp -sf "$S/bn_reg_flood.xml" -i $BN_C -p 5060 -nostdin \
	    -s y -m 10 -l 10 -r 100 -timeout 4s -rsa $INSIDE:5060 \
	    $BN_SILENT:5060 > "$T/$CASE.silent.out" 2>&1
	expect stats '.sip.limit_registrations == $n + 8' \
	    --argjson n "${before:-0}"
	conf_back
	bn_reg $BN_A x "$flood" 0
	bn_reg $BN_B b 4 0
	[ "$(bn_held $BN_A)$(bn_held $BN_B)" = 00 ] ||
	    bad "registrations left behind"
}

# bn_overload_max: the rate, each, at which two floods at once are still
# answered in full and in time: OPTIONS from outside (404) and REGISTERs
# from inside into a full registration table (503), what sip_overload
# then sends at twice that. Doubling from 500/s, a second of each a
# step, a step failing when a request is unanswered after 2 s or the
# step takes over 3 s: at most 7 steps (32000/s each), 20 s or so; sipp
# on the other core may be what fails first, and then what it measures
# is a lower bound. Prints the last rate that passed, 0 if none did.
bn_overload_max() {
	bn_r=500 bn_best=0 bn_s=0
	while [ $bn_s -lt 7 ]; do
		bn_t0=$(date +%s%N)
		timeout 10 sipp -sf "$S/bn_probe_options.xml" -i 127.0.0.25 \
		    -p 5060 -nostdin -m $bn_r -r $bn_r -l $bn_r \
		    -recv_timeout 2000 -timeout 6s -timeout_error \
		    $OUTSIDE:5060 > "$T/bn.ramp.o.$bn_r" 2>&1 &
		bn_p1=$!
		timeout 10 sipp -sf "$S/bn_probe_register.xml" -i 127.0.0.13 \
		    -p 5060 -nostdin -m $bn_r -r $bn_r -l $bn_r \
		    -recv_timeout 2000 -timeout 6s -timeout_error \
		    $INSIDE:5060 > "$T/bn.ramp.r.$bn_r" 2>&1 &
		bn_p2=$!
		wait $bn_p1
		bn_rc1=$?
		wait $bn_p2
		bn_rc2=$?
		bn_ms=$((($(date +%s%N) - bn_t0) / 1000000))
		echo "ramp $bn_r/s each: rc $bn_rc1 $bn_rc2, $bn_ms ms" \
		    >> "$T/bn.ramp"
		[ $bn_rc1 -eq 0 ] && [ $bn_rc2 -eq 0 ] && [ $bn_ms -le 3000 ] ||
		    break
		bn_best=$bn_r
		bn_r=$((bn_r * 2))
		bn_s=$((bn_s + 1))
		sleep 0.3
	done
	echo $bn_best
}
