# Helpers shared by the daemon tests: start and stop a sipproxd on
# loopback addresses, report results. Sourced, not run.

SIPPROXD=${BUILD:-build-regress}/sipproxd/sipproxd
SIPCTL=${BUILD:-build-regress}/sipctl/sipctl

ok() { echo "ok $*"; }
fail() { echo "FAIL $*"; }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

needs_root() {
	if [ "$(id -u)" != 0 ]; then
		for t in "$@"; do echo "skipped $t: needs root"; done
		exit 0
	fi
	getent passwd _sipproxd > /dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd
	getent passwd _sipproxd_rtp > /dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd_rtp
	mkdir -p /var/empty
}

# daemon_start conf sock log [env...]: start in the foreground, in the
# background of this shell; waits (bounded) for the control socket.
daemon_start() {
	conf=$1 sock=$2 log=$3
	shift 3
	env "$@" "$SIPPROXD" -d -v -f "$conf" -s "$sock" > "$log" 2>&1 &
	DPID=$!
	i=0
	while [ $i -lt 50 ] && [ ! -S "$sock" ]; do
		kill -0 $DPID 2> /dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$sock" ]
}

# daemon_wait_exit pid: wait up to 5 s for it to go, then its status.
daemon_wait_exit() {
	i=0
	while [ $i -lt 50 ] && kill -0 "$1" 2> /dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2> /dev/null; then
		kill -KILL "$1"
		return 255
	fi
	wait "$1"
}

daemon_stop() {
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2> /dev/null
	daemon_wait_exit "$DPID"
	DPID=
}

# aside_start conf sock log: one more daemon, beside the one in DPID,
# which stays; its pid in ASIDE_PID.  1 when it does not start.
aside_start() {
	aside_dpid=$DPID
	if ! daemon_start "$1" "$2" "$3"; then
		wait "$DPID" 2> /dev/null
		DPID=$aside_dpid
		return 1
	fi
	ASIDE_PID=$DPID DPID=$aside_dpid
}
# aside_stop pid log title: stop such a daemon; when the case failed
# (WHY), the end of its log under the title.
aside_stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2> /dev/null
	daemon_wait_exit "$1"
	if [ -n "$WHY" ]; then
		echo "    --- $3"
		tail -n 20 "$2" | sed 's/^/    /'
	fi
}

# children of a pid, by role title
child_pid() {
	for p in $(pgrep -P "$1"); do
		if tr '\0' ' ' < /proc/$p/cmdline | grep -q "$2"; then
			echo "$p"
			return
		fi
	done
}
