# sipp helpers of the SIP tests; sourced. The caller sets SIPP_DIR (the
# scenarios), SIPP_LOGS (where each sipp's logs go) and SIPP_FLAGS (more
# arguments for every sipp, may be empty); SIPCTL, SOCK and T for
# expect().

RUN=		# tag=pid of each sipp not yet waited for

# A case collects its failures in WHY and the sipp logs worth showing.
begin() {
	CASE=$1 WHY= SHOWN=
}
bad() {
	WHY="${WHY:+$WHY; }$1"
	[ -n "$2" ] && SHOWN="$SHOWN $2"
}

# sipp_bg tag scenario address[:port] [sipp arguments]: one sipp in the
# background on that local address (port 5060 unless given); its logs
# are $SIPP_LOGS/tag.*, a "port N" it logs is in tag.log.
sipp_bg() {
	tag=$1 sf=$2 ip=${3%:*} lport=5060
	case $3 in
	*:*)	lport=${3##*:} ;;
	esac
	shift 3
	rm -f "$SIPP_LOGS/$tag".*
	# shellcheck disable=SC2086
	sipp -sf "$SIPP_DIR/$sf" -i "$ip" -p "$lport" -m 1 -nostdin \
	    -timeout 15s -timeout_error $SIPP_FLAGS \
	    -trace_err -error_file "$SIPP_LOGS/$tag.err" \
	    -trace_msg -message_file "$SIPP_LOGS/$tag.msg" \
	    -trace_logs -log_file "$SIPP_LOGS/$tag.log" \
	    "$@" > "$SIPP_LOGS/$tag.out" 2>&1 &
	RUN="$RUN $tag=$!"
}

# The side answering must listen before the other one sends.
sipp_uas() {
	sipp_bg "$@"
	sleep 0.3
}

# sipp_wait: every sipp ends by its own -timeout; kill what outlives
# SIPP_WAIT tenths of a second (20 s), and fail the case for each that
# did not exit 0.
sipp_wait() {
	for r in $RUN; do
		tag=${r%%=*} pid=${r#*=}
		n=0
		while [ $n -lt "${SIPP_WAIT:-200}" ] &&
		    kill -0 "$pid" 2> /dev/null; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -KILL "$pid" 2> /dev/null
		wait "$pid"
		rc=$?
		[ $rc -eq 0 ] || bad "sipp $tag exited $rc" "$tag"
	done
	RUN=
}

# sipp_kill: at exit, whatever sipp is left.
sipp_kill() {
	for r in $RUN; do
		kill -KILL "${r#*=}" 2> /dev/null
	done
}

# sipp_wait_only tag...: sipp_wait for those sipps, the others left running.
sipp_wait_only() {
	keep= only=
	for r in $RUN; do
		case " $* " in
		*" ${r%%=*} "*)	only="$only $r" ;;
		*)		keep="$keep $r" ;;
		esac
	done
	RUN=$only
	sipp_wait
	RUN=$keep
}

# finish: the end of a case begun with begin(): ok, or FAIL with the
# logs of the sipps in SHOWN, the suite's own (case_logs) and the
# daemon's (LOG; none when DIRECT is set, the test run without it).
# case_end runs first: what a suite stops after each case.
case_end() { :; }
case_logs() { :; }
finish() {
	[ -n "$DIRECT" ] || kill -0 "$DPID" 2> /dev/null || bad "daemon died"
	case_end
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
	case_logs
	if [ -z "$DIRECT" ]; then
		echo "    --- daemon"
		tail -n 20 "$LOG" | sed 's/^/    /'
	fi
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
