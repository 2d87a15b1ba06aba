# The cases of regress/sip/run.sh about sipctl monitor and the debug
# classes (log verbose); sourced by it, after its helpers. Every name
# here starts with mon_ or MON_. They use the daemon of run.sh, and for
# the configured classes a daemon of their own without -v (inside
# 127.0.0.150, outside 127.0.0.151) that answers by itself only.

MON_CASES="mon_monitor_text mon_monitor_json mon_monitor_hostile
mon_monitor_stuck mon_monitor_limit mon_log_classes mon_log_config"

MON_INSIDE=127.0.0.150
MON_OUTSIDE=127.0.0.151
MON_PIDS=

# mon_start tag [sipctl arguments]: sipctl monitor in the background,
# its output in $T/tag.out; returns once the daemon counts one more
# monitor client than before (within 3 s).
mon_start() {
	tag=$1
	shift
	mon_n=$(mon_clients)
	case $mon_n in
	''|*[!0-9]*)
		bad "show stats has no monitor_clients: $mon_n"
		mon_n=0
		;;
	esac
	"$SIPCTL" -s "$SOCK" "$@" monitor > "$T/$tag.out" 2> "$T/$tag.stderr" &
	MON_PIDS="$MON_PIDS $!"
	MON_PID=$!
	mon_wait_clients $((mon_n + 1)) || bad "$tag: not counted as a monitor"
}

# mon_conf: the suite's configuration as run.sh wrote it, whatever the
# cases before changed; mon_conf_back: theirs again.
mon_conf() {
	cp "$CONF" "$T/mon.conf.orig"
	cp "$T/base.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
}
mon_conf_back() {
	cp "$T/mon.conf.orig" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload back failed"
}

# mon_summary filter: within 3 s, sipctl -j show satisfies the jq filter.
mon_summary() {
	mon_i=0
	while [ $mon_i -lt 30 ]; do
		"$SIPCTL" -j -s "$SOCK" show > "$T/summary.json" 2>&1 &&
		    jq -e "$1" "$T/summary.json" > /dev/null 2>&1 && return 0
		sleep 0.1
		mon_i=$((mon_i + 1))
	done
	bad "show: want $1, got $(tr -d '\n' < "$T/summary.json")"
}

# mon_clients: how many monitor clients the daemon has now.
mon_clients() {
	"$SIPCTL" -j -s "$SOCK" show stats 2> /dev/null |
	    jq '.sip.monitor_clients' 2> /dev/null
}

# mon_wait_clients n: within 3 s the daemon has n monitor clients.
mon_wait_clients() {
	mon_i=0
	while [ $mon_i -lt 30 ]; do
		[ "$(mon_clients)" = "$1" ] && return 0
		sleep 0.1
		mon_i=$((mon_i + 1))
	done
	return 1
}

# mon_stop: the monitors started, gone.
mon_stop() {
	for p in $MON_PIDS; do
		kill -CONT "$p" 2> /dev/null
		kill -TERM "$p" 2> /dev/null
		daemon_wait_exit "$p" > /dev/null 2>&1
	done
	MON_PIDS=
}

# mon_grep file pattern...: each extended regular expression matches a
# line of file.
mon_grep() {
	mon_f=$1
	shift
	for re in "$@"; do
		grep -Eq -- "$re" "$mon_f" ||
		    bad "$(basename "$mon_f"): no line like: $re"
	done
}

# mon_traffic: alice registers, then calls bob (outgoing, 1 s).
mon_traffic() {
	register 120 3600
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 1000
	sipp_wait
	expect calls "$NOCALL"
	# the last events reach the monitor after the sipps are done
	sleep 0.5
}

# What a monitor must have seen of mon_traffic, as text.
mon_monitor_text() {
	mon_conf
	mon_start "$CASE"
	mon_traffic
	mon_stop
	ip='127\.0\.0'
	mon_grep "$T/$CASE.out" \
	    "^[0-9:.]+ in +inside +udp $ip\.10:5060 REGISTER from alice to alice cseq 1 REGISTER call-id [^ ]+$" \
	    "^[0-9:.]+ out +outside +udp $ip\.20:5060 REGISTER from alice to alice cseq 1 REGISTER call-id " \
	    "^[0-9:.]+ in +outside +udp $ip\.20:5060 200 from alice to alice cseq 1 REGISTER call-id " \
	    "^[0-9:.]+ out +inside +udp $ip\.10:5060 200 from alice to alice cseq 1 REGISTER call-id " \
	    "^[0-9:.]+ in +inside +udp $ip\.10:5060 INVITE from alice to bob cseq 1 INVITE call-id " \
	    "^[0-9:.]+ out +outside +udp $ip\.21:5060 INVITE from alice to bob cseq 1 INVITE call-id " \
	    "^[0-9:.]+ in +outside +udp $ip\.21:5060 200 from alice to bob cseq 1 INVITE call-id " \
	    "^[0-9:.]+ in +inside +udp $ip\.10:5060 BYE from alice to bob cseq 2 BYE call-id " \
	    "^[0-9:.]+ call outgoing setup from alice to bob call-id [^ ]+$" \
	    "^[0-9:.]+ call outgoing media started from alice to bob ports 200[0-9][0-9]/200[0-9][0-9] call-id " \
	    "^[0-9:.]+ call outgoing answered from alice to bob call-id " \
	    "^[0-9:.]+ call outgoing ended from alice to bob \(bye\) call-id "
	[ -s "$T/$CASE.stderr" ] && bad "stderr: $(cat "$T/$CASE.stderr")"
	mon_conf_back
}

# The same as JSON, one object per line.
mon_monitor_json() {
	mon_conf
	mon_start "$CASE" -j
	mon_traffic
	mon_stop
	n=$(wc -l < "$T/$CASE.out")
	[ "$(jq -c . "$T/$CASE.out" 2> /dev/null | wc -l)" = "$n" ] ||
	    bad "not one JSON object per line"
	mon_jq '.type == "sip" and .direction == "in" and
	    .side == "inside" and .transport == "udp" and
	    .peer == "127.0.0.10:5060" and .method == "REGISTER" and
	    .from == "alice" and .to == "alice" and .cseq == 1 and
	    .cseq_method == "REGISTER" and (.call_id | length > 0)'
	mon_jq '.type == "sip" and .direction == "out" and
	    .side == "inside" and .status == 200 and .cseq_method == "INVITE"
	    and .from == "alice" and .to == "bob"'
	mon_jq '.type == "call" and .event == "setup" and
	    .direction == "outgoing" and .from == "alice" and .to == "bob"'
	mon_jq '.type == "call" and .event == "media started" and
	    .inside_port >= 20000 and .outside_port <= 20099'
	mon_jq '.type == "call" and .event == "answered"'
	mon_jq '.type == "call" and .event == "ended" and .cause == "bye"'
	# the INVITE's call id is the call's
	id=$(jq -r 'select(.type == "sip" and .method == "INVITE") |
	    .call_id' "$T/$CASE.out" | head -n 1)
	mon_jq '.type == "call" and .event == "setup" and .call_id == $id' \
	    --arg id "$id"
	mon_conf_back
}

# What an outside or inside party writes reaches a monitor escaped and
# cut, its secrets not at all: a Call-ID with backslashes, a From user
# of 100 bytes with a password, a Proxy-Authorization header. Text and
# JSON lines are printable ASCII only.
mon_monitor_hostile() {
	mon_start "$CASE"
	mon_start "$CASE.j" -j
	sipp_bg "$CASE.phone" mon_hostile.xml $PHONE $(phone_to $PEER) -s bob \
	    -cid_str 'mon\\%u-%p@%s'
	sipp_wait
	sleep 0.3
	mon_stop
	u63=$(printf '%063d' 0 | tr 0 u)
	mon_grep "$T/$CASE.out" \
	    "^[0-9:.]+ in +inside +udp 127\.0\.0\.10:5060 OPTIONS from $u63 to bob cseq 1 OPTIONS call-id mon\\\\x5c\\\\x5c[^ ]+$" \
	    "^[0-9:.]+ out +inside +udp 127\.0\.0\.10:5060 483 from $u63 to bob "
	MON_JSON=$T/$CASE.j.out
	mon_jq '.method == "OPTIONS" and .from == $u and
	    (.call_id | startswith("mon\\x5c\\x5c"))' --arg u "$u63"
	MON_JSON=
	for f in "$T/$CASE.out" "$T/$CASE.j.out"; do
		grep -q secret "$f" && bad "$(basename "$f"): a secret shown"
		LC_ALL=C grep -q '[^ -~]' "$f" &&
		    bad "$(basename "$f"): not printable ASCII"
	done
	[ -s "$T/$CASE.stderr" ] && bad "stderr: $(cat "$T/$CASE.stderr")"
}

# mon_jq filter [jq arguments]: a line of the case's output (of
# $MON_JSON if set) satisfies it.
mon_jq() {
	mon_filter=$1
	shift
	[ "$(jq -c "$@" "select($mon_filter)" "${MON_JSON:-$T/$CASE.out}" \
	    2> /dev/null |
	    wc -l)" -ge 1 ] || bad "no event with $(echo "$mon_filter" |
	    tr -s ' \n\t' ' ')"
}

# A monitor that never reads and one stopped for a while: 300 phones
# register at 300 a second all the same, the events the two could not
# take are counted, the stopped one, going on, is told how many it
# lost, and the one that never reads is still connected (not dropped,
# not waited for).
mon_monitor_stuck() {
	mon_conf
	if [ -z "$CTLSTUCK" ]; then
		bad "ctlstuck does not build"
		return
	fi
	expect stats '.sip.monitor_lost >= 0'
	lost=$(jq '.sip.monitor_lost' "$T/stats.json")
	"$CTLSTUCK" "$SOCK" 1 8 monitor > "$T/$CASE.stuck" 2>&1 &
	spid=$!
	mon_wait_clients 1 || bad "ctlstuck not counted as a monitor"
	mon_start "$CASE"
	kill -STOP "$MON_PID"
	mon_phones 60
	mon_summary '.registrations >= 300'
	expect stats '.sip.monitor_lost > $n' --argjson n "$lost"
	kill -CONT "$MON_PID"
	# it reads again: the notice comes within the second
	n=0
	while [ $n -lt 30 ] && ! grep -q "lost [0-9]* events" \
	    "$T/$CASE.out"; do
		sleep 0.1
		n=$((n + 1))
	done
	mon_grep "$T/$CASE.out" '^[0-9:.]+ lost [1-9][0-9]* events$'
	wait $spid
	[ $? -eq 1 ] || bad "ctlstuck: $(cat "$T/$CASE.stuck")"
	mon_stop
	# the phones go again
	mon_phones 0
	mon_wait_clients 0 || bad "monitor clients left: $(mon_clients)"
	mon_conf_back
}

# mon_phones expires: phones u1 to u300 register at 300 a second, 32 at
# most waiting for their answer (expires 0: they go).
mon_phones() {
	sipp_uas "$CASE.registrar$1" many_registrar.xml $REGISTRAR -m 300 \
	    -timeout 30s
	sipp_bg "$CASE.phones$1" many_reg_phone.xml $PHONE \
	    $(phone_to $REGISTRAR) -key exp "$1" -m 300 -l 32 -r 300 \
	    -timeout 30s
	SIPP_WAIT=400 sipp_wait
}

# At most 8 monitors: the ninth is refused, and says so.
mon_monitor_limit() {
	for i in 1 2 3 4 5 6 7 8; do
		mon_start "$CASE.$i"
	done
	if "$SIPCTL" -s "$SOCK" monitor > "$T/$CASE.9.out" \
	    2> "$T/$CASE.9.stderr"; then
		bad "a ninth monitor was taken"
	fi
	grep -q "^sipctl: too many monitor clients: 8 already$" \
	    "$T/$CASE.9.stderr" ||
	    bad "ninth monitor: $(cat "$T/$CASE.9.stderr")"
	mon_stop
	mon_wait_clients 0 || bad "monitor clients left: $(mon_clients)"
	# room again
	mon_start "$CASE.10"
	mon_stop
}

# mon_log_from n: the daemon's log after its first n lines.
mon_log_from() {
	tail -n +"$(($1 + 1))" "$LOG"
}

# Debug classes at run time: with only sip on a call logs its SIP
# messages and not its relay stream; with only rtp the other way round.
mon_log_classes() {
	mon_conf
	out=$("$SIPCTL" -s "$SOCK" log verbose sip 2>&1)
	[ "$out" = "logging verbose: sip" ] || bad "log verbose sip: $out"
	mon_summary '.log_verbose == "sip"'
	start=$(wc -l < "$LOG")
	mon_call
	mon_log_from "$start" > "$T/$CASE.sip.log"
	mon_grep "$T/$CASE.sip.log" \
	    'sip engine\]: sip in inside udp 127\.0\.0\.10:5060 INVITE from alice to bob cseq 1 INVITE call-id '
	grep -q 'rtp stream [0-9]*: ports' "$T/$CASE.sip.log" &&
	    bad "rtp debug lines with only sip on"

	out=$("$SIPCTL" -s "$SOCK" log verbose rtp 2>&1)
	[ "$out" = "logging verbose: rtp" ] || bad "log verbose rtp: $out"
	start=$(wc -l < "$LOG")
	mon_call
	mon_log_from "$start" > "$T/$CASE.rtp.log"
	mon_grep "$T/$CASE.rtp.log" 'rtp relay\]: rtp stream [0-9]+: ports'
	grep -q 'sip engine\]: sip in ' "$T/$CASE.rtp.log" &&
	    bad "sip debug lines with only rtp on"

	out=$("$SIPCTL" -s "$SOCK" log verbose dns fax 2>&1) &&
	    bad "an unknown class taken"
	echo "$out" | grep -q "^unknown argument: fax" ||
	    bad "log verbose fax: $out"
	# the others want every class, as -v gave them
	out=$("$SIPCTL" -s "$SOCK" log verbose 2>&1)
	[ "$out" = "logging verbose: all" ] ||
	    bad "log verbose: $out"
	mon_conf_back
}

# mon_call: an outgoing call, half a second.
mon_call() {
	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.phone" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 500
	sipp_wait
	expect calls "$NOCALL"
}

# Debug classes from the configuration of a daemon without -v: only
# `log verbose sip`, so the SIP lines of a request it answers itself
# are logged and the relay's rtp lines are not; `sipctl log brief`
# ends them.
mon_log_config() {
	MON_CONF=$T/mon.conf MON_SOCK=$T/mon.sock MON_LOG=$T/mon.log
	cat > "$MON_CONF" <<EOF
listen on $MON_INSIDE port 5060 udp
outside $MON_OUTSIDE
rtp ports 20450 to 20459
log verbose sip
EOF
	"$SIPPROXD" -d -f "$MON_CONF" -s "$MON_SOCK" > "$MON_LOG" 2>&1 &
	MON_DPID=$!
	n=0
	while [ $n -lt 50 ] && [ ! -S "$MON_SOCK" ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if ! "$SIPCTL" -s "$MON_SOCK" show > "$T/$CASE.show" 2>&1; then
		bad "own daemon: $(tail -n 3 "$MON_LOG")"
		mon_daemon_stop
		return
	fi
	grep -q "^Logging: *verbose: sip$" "$T/$CASE.show" ||
	    bad "show: $(grep Logging "$T/$CASE.show")"
	sipp_bg "$CASE.phone" refuse_hops.xml $PHONE \
	    "$PEER:5060" -rsa "$MON_INSIDE:5060" -s bob
	sipp_wait
	mon_grep "$MON_LOG" \
	    'sip engine\]: sip in inside udp 127\.0\.0\.10:5060 INVITE from alice to bob cseq 1 INVITE' \
	    'sip engine\]: sip out inside udp 127\.0\.0\.10:5060 483 from alice to bob cseq 1 INVITE'
	grep -q 'rtp relay\]: rtp ports' "$MON_LOG" &&
	    bad "rtp debug lines with only sip on"
	"$SIPCTL" -s "$MON_SOCK" log brief > /dev/null ||
	    bad "log brief failed"
	start=$(wc -l < "$MON_LOG")
	sipp_bg "$CASE.phone2" refuse_hops.xml $PHONE \
	    "$PEER:5060" -rsa "$MON_INSIDE:5060" -s bob
	sipp_wait
	tail -n +"$((start + 1))" "$MON_LOG" | grep -q 'sip in inside' &&
	    bad "sip debug lines after log brief"
	mon_daemon_stop
}

mon_daemon_stop() {
	[ -n "$MON_DPID" ] || return 0
	mon_dpid=$DPID
	DPID=$MON_DPID
	daemon_stop
	DPID=$mon_dpid MON_DPID=
}

# At exit, whatever of ours is left.
mon_cleanup() {
	mon_stop
	mon_daemon_stop
}
