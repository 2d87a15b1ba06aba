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
# The real daemon's sandbox seen from /proc (Linux, root): the engine runs
# as _sipproxd, the relay as _sipproxd_rtp (so the engine's uid cannot
# bind a live relay port), both in /var/empty with NoNewPrivs and a
# seccomp filter, the parent is filtered too, and a child making a forbidden system call
# (SIPPROXD_REGRESS_SYSCALL, regress build only) is killed by SIGSYS and
# takes the daemon down with nothing left behind; so does a child that
# sends the parent a message our code never sends (SIPPROXD_REGRESS_IMSG).
#
# Environment: BUILD (holds sipproxd/sipproxd, a -DSIPPROXD_REGRESS build),
# OBJ (scratch directory).

BUILD=${BUILD:-build-regress}
OBJ=${OBJ:-regress/obj}/sandbox
DAEMON=$BUILD/sipproxd/sipproxd
RUSER=_sipproxd
RTPUSER=_sipproxd_rtp
ADDR=127.0.0.2
PORT=15060
# 127.0.0.2:15060 as /proc/net/{udp,tcp} write it
NETADDR=0200007F:3AD4
TIMEOUT=50		# tenths of a second

CHECKS="sandbox_start sandbox_engine_found sandbox_relay_found
sandbox_engine_uid sandbox_engine_gid sandbox_engine_nonewprivs
sandbox_engine_seccomp sandbox_engine_root sandbox_engine_rlimits
sandbox_relay_uid sandbox_relay_gid sandbox_relay_nonewprivs
sandbox_relay_seccomp sandbox_relay_root sandbox_relay_rlimits
sandbox_engine_fds sandbox_relay_fds
sandbox_parent_nonewprivs sandbox_parent_seccomp sandbox_parent_caps
sandbox_engine_reuseport_refused sandbox_relay_reuseport_own_uid sandbox_stop
sandbox_stop_clean sandbox_engine_syscall_killed sandbox_engine_syscall_log
sandbox_engine_syscall_clean sandbox_relay_syscall_killed
sandbox_relay_syscall_log sandbox_relay_syscall_clean
sandbox_engine_imsg_state_stop sandbox_engine_imsg_state_log
sandbox_engine_imsg_state_clean sandbox_engine_imsg_verbose_stop
sandbox_engine_imsg_verbose_log sandbox_engine_imsg_verbose_clean
sandbox_relay_imsg_type_stop sandbox_relay_imsg_type_log
sandbox_relay_imsg_type_clean sandbox_parent_no_shadow
sandbox_parent_no_shadow_clean sandbox_parent_no_route
sandbox_parent_no_route_clean sandbox_parent_no_kill
sandbox_parent_no_kill_killed"

FAILED=0

ok() {
	echo "ok $1"
}

fail() {
	echo "FAIL $1: $2"
	FAILED=1
}

all() {
	for c in $CHECKS; do
		echo "$1 $c: $2"
	done
}

if [ "$(uname -s)" != Linux ]; then
	all skipped "needs Linux /proc"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	all skipped "needs root"
	exit 0
fi
if [ ! -x "$DAEMON" ]; then
	all FAIL "$DAEMON not built"
	exit 1
fi

MARKER=
WRAP=

# What make install sets up.
for u in "$RUSER" "$RTPUSER"; do
	getent passwd "$u" >/dev/null && continue
	useradd -r -d /var/empty -s /usr/sbin/nologin "$u" ||
	    { all FAIL "cannot create user $u"; exit 1; }
done
mkdir -p /var/empty

mkdir -p "$OBJ" || exit 1
OBJ=$(cd "$OBJ" && pwd)
CONF=$OBJ/sandbox.conf
SOCK=$OBJ/sandbox.sock
cat >"$CONF" <<EOF
listen on $ADDR port $PORT
outside 127.0.0.3 port 15063
rtp ports 17070 to 17079
EOF
MARKER=$OBJ/stray-fd-marker
: >"$MARKER"
# Runs its arguments in a network namespace of their own, same pid.
cat >"$OBJ/netns.sh" <<'EOF'
ip link set lo up && exec "$@"
EOF

# A process of some user binding a live relay port (SO_REUSEPORT).
REUSEPORT=$OBJ/reuseport
if ! ${CC:-cc} $UNIT_CFLAGS -Wall -D_GNU_SOURCE -Icompat -Icompat/imsg \
    -Isipproxd $(pkg-config --cflags libbsd-overlay) -o "$REUSEPORT" \
    regress/sandbox/reuseport.c sipproxd/util.c compat/imsg.c \
    compat/imsg-buffer.c $(pkg-config --libs libbsd-overlay) >"$OBJ/cc.log" 2>&1; then
	sed 's/^/# /' "$OBJ/cc.log"
	REUSEPORT=
fi

DPID=
CATPID=
KIDS=

# field FILE KEY: the first value after "KEY:".
field() {
	awk -v k="$2:" '$1 == k { print $2; exit }' "$1" 2>/dev/null
}

# children PID: the processes whose parent is PID.
children() {
	cat /proc/[0-9]*/stat 2>/dev/null |
	    sed -n 's/^\([0-9]*\) .*) [A-Za-z] \([0-9]*\) .*/\1 \2/p' |
	    awk -v p="$1" '$2 == p { print $1 }'
}

# alive PID: running, not a zombie.
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) \([A-Za-z]\) .*/\1/' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

role() {
	tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
}

remember_kids() {
	for k in $(children "$DPID"); do
		case " $KIDS " in
		*" $k "*) ;;
		*) KIDS="$KIDS $k" ;;
		esac
	done
}

# start [VAR=value]: the daemon in the foreground, stderr through a fifo
# (a file would be exempt from the children's RLIMIT_FSIZE of 0), with
# $MARKER open on fd 9 as a stray descriptor of its caller, through $WRAP
# (a command that execs its arguments) when set.
start() {
	rm -f "$SOCK" "$OBJ/stderr" "$OBJ/stderr.fifo"
	mkfifo "$OBJ/stderr.fifo" || exit 1
	cat "$OBJ/stderr.fifo" >"$OBJ/stderr" &
	CATPID=$!
	$WRAP env ${1:+"$1"} "$DAEMON" -d -f "$CONF" -s "$SOCK" \
	    >"$OBJ/stdout" 2>"$OBJ/stderr.fifo" 9<"$MARKER" &
	DPID=$!
	KIDS=
}

# wait_exit: bounded wait for the daemon to end; sets DSTATUS.
wait_exit() {
	i=0
	while alive "$DPID" && [ $i -lt $TIMEOUT ]; do
		remember_kids
		sleep 0.1
		i=$((i + 1))
	done
	if alive "$DPID"; then
		DSTATUS=timeout
		return 1
	fi
	wait "$DPID"
	DSTATUS=$?
	return 0
}

# went_down NAME: the daemon stopped by itself (bounded), non-zero; then
# the writers are gone and cat has drained the fifo into $OBJ/stderr.
went_down() {
	if ! wait_exit; then
		fail "$1" "daemon still running after 5 s (regress build?)"
		kill -TERM "$DPID"
		wait_exit
	elif [ "$DSTATUS" -eq 0 ]; then
		fail "$1" "daemon exited 0"
	else
		ok "$1"
	fi
	drain
}

# drain: the writers are gone, let cat empty the fifo (bounded).
drain() {
	i=0
	while alive "$CATPID" && [ $i -lt $TIMEOUT ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# Whatever is still running of ours, by PID.
cleanup() {
	for p in $DPID $KIDS; do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	[ -n "$DPID" ] && wait "$DPID" 2>/dev/null
	[ -n "$CATPID" ] && kill "$CATPID" 2>/dev/null
	[ -n "$CATPID" ] && wait "$CATPID" 2>/dev/null
	rm -f "$OBJ/stderr.fifo"
	DPID=
	CATPID=
}
trap 'cleanup; exit 1' INT TERM HUP

# clean NAME: no process and no socket left.
clean() {
	left=
	for p in $DPID $KIDS; do
		alive "$p" && left="$left $p"
	done
	i=0
	while [ -n "$left" ] && [ $i -lt $TIMEOUT ]; do
		sleep 0.1
		i=$((i + 1))
		l2=
		for p in $left; do
			alive "$p" && l2="$l2 $p"
		done
		left=$l2
	done
	if [ -n "$left" ]; then
		fail "$1" "processes left:$left"
	elif [ -e "$SOCK" ]; then
		fail "$1" "control socket $SOCK left"
	elif grep -q " $NETADDR " /proc/net/udp /proc/net/tcp; then
		fail "$1" "$ADDR:$PORT still bound"
	else
		ok "$1"
	fi
}

# reuse NAME USER STATUS: the reuseport helper as USER ends with STATUS
# (0: every bind refused, 1: a bind worked).
reuse() {
	"$REUSEPORT" "$SOCK" $ADDR 127.0.0.3 "$2" >"$OBJ/reuse.out" 2>&1
	rc=$?
	if [ $rc -eq "$3" ]; then
		ok "$1"
	else
		fail "$1" "status $rc: $(tr '\n' ' ' <"$OBJ/reuse.out")"
	fi
}

# check_child NAME PID USER
check_child() {
	s=/proc/$2/status
	UID_=$(id -u "$3")
	GID_=$(id -g "$3")
	uids=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "$s")
	if [ "$uids" = "$UID_ $UID_ $UID_ $UID_" ]; then
		ok "sandbox_$1_uid"
	else
		fail "sandbox_$1_uid" "Uid $uids, want $UID_ ($3)"
	fi
	gids=$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "$s")
	groups=$(awk '$1 == "Groups:" { $1 = ""; print }' "$s" |
	    sed 's/^ *//; s/ *$//')
	if [ "$gids" = "$GID_ $GID_ $GID_ $GID_" ] &&
	    [ "$groups" = "$GID_" ]; then
		ok "sandbox_$1_gid"
	else
		fail "sandbox_$1_gid" "Gid $gids Groups $groups, want $GID_"
	fi
	v=$(field "$s" NoNewPrivs)
	[ "$v" = 1 ] && ok "sandbox_$1_nonewprivs" ||
	    fail "sandbox_$1_nonewprivs" "NoNewPrivs: $v"
	v=$(field "$s" Seccomp)
	[ "$v" = 2 ] && ok "sandbox_$1_seccomp" ||
	    fail "sandbox_$1_seccomp" "Seccomp: $v"
	v=$(readlink "/proc/$2/root")
	[ "$v" = /var/empty ] && ok "sandbox_$1_root" ||
	    fail "sandbox_$1_root" "root is $v"
	stray=$(ls -l "/proc/$2/fd" 2>/dev/null | grep -F "$MARKER")
	if [ -z "$stray" ]; then
		ok "sandbox_$1_fds"
	else
		fail "sandbox_$1_fds" "inherited the caller's fd: $stray"
	fi
	np=$(awk '/^Max processes/ { print $3, $4 }' "/proc/$2/limits")
	fs=$(awk '/^Max file size/ { print $4, $5 }' "/proc/$2/limits")
	if [ "$np" = "0 0" ] && [ "$fs" = "0 0" ]; then
		ok "sandbox_$1_rlimits"
	else
		fail "sandbox_$1_rlimits" "nproc $np, fsize $fs"
	fi
}

# --- 1. a normal start ---------------------------------------------------

start
i=0
while [ ! -S "$SOCK" ] && alive "$DPID" && [ $i -lt $TIMEOUT ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -S "$SOCK" ]; then
	fail sandbox_start "no control socket $SOCK after 5 s"
else
	ok sandbox_start
fi

# Both children found and all three processes inside their sandbox.
ENGINE=
RELAY=
i=0
while [ $i -lt $TIMEOUT ] && alive "$DPID"; do
	remember_kids
	for k in $KIDS; do
		case "$(role "$k")" in
		*"sip engine"*) ENGINE=$k ;;
		*"rtp relay"*) RELAY=$k ;;
		esac
	done
	if [ -n "$ENGINE" ] && [ -n "$RELAY" ] &&
	    [ "$(field /proc/$DPID/status Seccomp)" = 2 ] &&
	    [ "$(field /proc/$ENGINE/status Seccomp)" = 2 ] &&
	    [ "$(field /proc/$RELAY/status Seccomp)" = 2 ]; then
		break
	fi
	sleep 0.1
	i=$((i + 1))
done

for r in engine relay; do
	if [ $r = engine ]; then pid=$ENGINE; else pid=$RELAY; fi
	if [ -z "$pid" ] || ! alive "$pid"; then
		fail "sandbox_${r}_found" "no $r child (children:$KIDS)"
		for c in uid gid nonewprivs seccomp root fds rlimits; do
			fail "sandbox_${r}_$c" "no $r process"
		done
		continue
	fi
	ok "sandbox_${r}_found"
	if [ $r = engine ]; then
		check_child "$r" "$pid" "$RUSER"
	else
		check_child "$r" "$pid" "$RTPUSER"
	fi
done

# The engine's uid must not reach a live relay port; the relay's own uid
# can (SO_REUSEPORT): that shows the helper would see a theft.
if [ -z "$REUSEPORT" ]; then
	fail sandbox_engine_reuseport_refused "reuseport.c does not build"
	fail sandbox_relay_reuseport_own_uid "reuseport.c does not build"
elif [ -z "$RELAY" ] || ! alive "$RELAY"; then
	fail sandbox_engine_reuseport_refused "no relay"
	fail sandbox_relay_reuseport_own_uid "no relay"
else
	reuse sandbox_engine_reuseport_refused "$RUSER" 0
	ruid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$RELAY/status")
	reuse sandbox_relay_reuseport_own_uid \
	    "$(getent passwd "$ruid" | cut -d: -f1)" 1
fi

if alive "$DPID"; then
	v=$(field "/proc/$DPID/status" NoNewPrivs)
	[ "$v" = 1 ] && ok sandbox_parent_nonewprivs ||
	    fail sandbox_parent_nonewprivs "NoNewPrivs: $v"
	v=$(field "/proc/$DPID/status" Seccomp)
	[ "$v" = 2 ] && ok sandbox_parent_seccomp ||
	    fail sandbox_parent_seccomp "Seccomp: $v"
	# CAP_KILL (5) for its children, CAP_NET_BIND_SERVICE (10) for a
	# low port at reload: 0x420, and nothing it could pass on.
	caps=$(awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { printf "%s ", $2 }' \
	    "/proc/$DPID/status")
	want="0000000000000000 0000000000000420 0000000000000420"
	want="$want 0000000000000420 0000000000000000 "
	[ "$caps" = "$want" ] && ok sandbox_parent_caps ||
	    fail sandbox_parent_caps "Inh Prm Eff Bnd Amb: $caps"
	kill -TERM "$DPID"
	if wait_exit; then
		ok sandbox_stop
	else
		fail sandbox_stop "daemon still running 5 s after SIGTERM"
	fi
else
	wait "$DPID"
	fail sandbox_parent_nonewprivs "daemon exited early, status $?"
	fail sandbox_parent_seccomp "daemon exited early"
	fail sandbox_parent_caps "daemon exited early"
	fail sandbox_stop "daemon exited early"
	sed 's/^/# /' "$OBJ/stderr"
fi
clean sandbox_stop_clean
cleanup

# --- 2. a forbidden system call in each child ----------------------------

for r in engine relay; do
	if [ $r = engine ]; then title="sip engine"; else title="rtp relay"; fi
	start "SIPPROXD_REGRESS_SYSCALL=$r"
	went_down "sandbox_${r}_syscall_killed"
	if grep -q "$title.*signal 31" "$OBJ/stderr"; then
		ok "sandbox_${r}_syscall_log"
	else
		fail "sandbox_${r}_syscall_log" \
		    "no \"$title ... signal 31\" line on stderr"
		sed 's/^/# /' "$OBJ/stderr"
	fi
	clean "sandbox_${r}_syscall_clean"
	cleanup
done

# --- 3. a child that sends what our code never sends ----------------------
#
# SIPPROXD_REGRESS_IMSG (regress build only) makes a child write a bad
# message to the parent, as a compromised one could: the parent must say
# which child and why, and take the daemon down with nothing left.

for t in engine-state engine-verbose relay-type; do
	r=${t%%-*}
	name=sandbox_${r}_imsg_${t#*-}
	if [ $r = engine ]; then title="sip engine"; else title="rtp relay"; fi
	start "SIPPROXD_REGRESS_IMSG=$t"
	went_down "${name}_stop"
	if grep -q "parent.*$title (pid [0-9]*) compromised: bad imsg" \
	    "$OBJ/stderr"; then
		ok "${name}_log"
	else
		fail "${name}_log" "no \"$title ... compromised\" line"
		sed 's/^/# /' "$OBJ/stderr"
	fi
	clean "${name}_clean"
	cleanup
done

# --- 4. what the parent itself cannot do ---------------------------------
#
# SIPPROXD_REGRESS_PARENT (regress build only) makes the sandboxed parent
# try it and log the result.

# parent_try NAME WHAT EXPECT: start with the trigger, look for the line,
# stop, nothing left.
parent_try() {
	start "SIPPROXD_REGRESS_PARENT=$2"
	i=0
	while [ ! -S "$SOCK" ] && alive "$DPID" && [ $i -lt $TIMEOUT ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive "$DPID" && kill -TERM "$DPID"
	wait_exit
	drain
	if grep -q "parent.*regress: $3" "$OBJ/stderr"; then
		ok "$1"
	else
		fail "$1" "no \"regress: $3\" line"
		sed 's/^/# /' "$OBJ/stderr"
	fi
	clean "${1}_clean"
	cleanup
}

# The configuration where it is installed, beside /etc/shadow: the parent
# reads its files only, not their directory.
ETCCONF=/etc/sipproxd-regress.$$.conf
trap 'rm -f "$ETCCONF"; cleanup; exit 1' INT TERM HUP
cp "$CONF" "$ETCCONF"
OCONF=$CONF
CONF=$ETCCONF
parent_try sandbox_parent_no_shadow open:/etc/shadow \
    "open /etc/shadow: Permission denied"
CONF=$OCONF
rm -f "$ETCCONF"

# A route, in a network namespace of the test's own.
WRAP="unshare -n sh $OBJ/netns.sh"
parent_try sandbox_parent_no_route route \
    "route add: Operation not permitted"
WRAP=

# A process of someone else: the filter kills the parent that tries.
sleep 30 &
VICTIM=$!
start "SIPPROXD_REGRESS_PARENT=kill:$VICTIM"
went_down sandbox_parent_no_kill_killed
if alive "$VICTIM"; then
	ok sandbox_parent_no_kill
	kill "$VICTIM"
else
	fail sandbox_parent_no_kill "the parent killed pid $VICTIM"
	sed 's/^/# /' "$OBJ/stderr"
fi
wait "$VICTIM" 2>/dev/null
cleanup

rm -f "$CONF" "$MARKER" "$OBJ/netns.sh" "$OBJ/stdout" "$OBJ/stderr"
exit $FAILED
