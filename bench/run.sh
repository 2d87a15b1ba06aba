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
# bench/run.sh: RTP relay benchmark. Builds bench/obj/{rtpload,minfwd,
# rtpengine_ctl}, then for each target (minfwd, the limit; rtpengine,
# userspace; sipproxd's relay when its hook exists), payload size and
# stream count:
#   (a) fixed rate, 50 pps a stream: loss, p50/p99/p99.9 one-way latency;
#   (b) flat out: the highest aggregate rate under 1 % loss, by bisection.
# Repetitions give medians. The relay runs on CPU $RELAY_CPU, the load
# generator on CPU $GEN_CPU. Loopback addresses only; every process this
# script starts is stopped by PID at exit. See bench/README.
#
# The targets sip, sip-register, sip-tcp, sip-tls, sip-calls, sip-latency
# and sip-memory are the SIP signalling benchmark of bench/sip.sh (sipp
# through sipproxd and kamailio).
#
# Environment: BENCH_QUICK=1 (one payload size, one repetition, fewer
# steps: under two minutes), BENCH_TARGETS, BENCH_PAYLOADS, BENCH_STREAMS,
# BENCH_REPS, BENCH_STEPS, BENCH_FIXED_SECS, BENCH_STEP_SECS, BENCH_BURST,
# OBJ, CC.

set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
OBJ=${OBJ:-$TOP/bench/obj}
CC=${CC:-cc}

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	PAYLOADS=${BENCH_PAYLOADS:-160}
	REPS=${BENCH_REPS:-1}
	STEPS=${BENCH_STEPS:-3}
	FIXED_SECS=${BENCH_FIXED_SECS:-2}
else
	PAYLOADS=${BENCH_PAYLOADS:-"20 160 1200"}
	REPS=${BENCH_REPS:-3}
	STEPS=${BENCH_STEPS:-4}
	FIXED_SECS=${BENCH_FIXED_SECS:-2}
fi
STEP_SECS=${BENCH_STEP_SECS:-1}
STREAMS=${BENCH_STREAMS:-"1 100 1000"}
TARGETS=${BENCH_TARGETS:-"minfwd rtpengine sipproxd sip"}
PPS_STREAM=50		# 20 ms packetisation
LOSS_MAX=1		# per cent, flat-out criterion
WARM_MS=200		# unmeasured traffic before each run
DRAIN_MS=300		# wait for stragglers after each run
GEN_RCVBUF=4194304	# rtpload's receive buffers: never the bottleneck
# BENCH_BURST=N: flat out, each stream sends GSO bursts of N packets and
# minfwd re-sends runs with GSO too (rtpengine does not survive bursts).
BURST=${BENCH_BURST:-0}
GEN_FLAT=""
FWD_GSO=""
if [ "$BURST" -gt 0 ]; then
	GEN_FLAT="-g $BURST"
	FWD_GSO="-g"
fi

# Who sends from where: stream i is A (sender) -> relay -> B (receiver).
SRC=127.0.0.10:10000+2	# rtpload senders, side A
RCV=127.0.0.30:24000+2	# rtpload receivers, side B
FWD_IN=127.0.0.20:20000+2	# minfwd inside ports
FWD_OUT=127.0.0.21:20000+2	# minfwd outside ports
NG=127.0.0.1:22222		# rtpengine ng control

LOG=$OBJ/bench.log
RES=$OBJ/results.txt
PIDS=""
TGT=""

# --- housekeeping -----------------------------------------------------

cleanup()
{
	for _p in $PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $PIDS; do
		wait "$_p" 2>/dev/null
	done
	PIDS=""
}
trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT TERM

pid_add() { PIDS="$PIDS $1"; }

pid_stop()
{
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_rest=""
	for _p in $PIDS; do
		[ "$_p" = "$1" ] || _rest="$_rest $_p"
	done
	PIDS=$_rest
}

# field NAME LINE: the value of NAME=... in an rtpload result line
field()
{
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tr -d '%'
}

median()
{
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	    END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

build()
{
	mkdir -p "$OBJ" || exit 1
	bsd=$(pkg-config --cflags --libs libbsd-overlay 2>/dev/null) || {
		echo "bench: libbsd-overlay not found (apt-get install" \
		    "libbsd-dev pkg-config)"
		exit 1
	}
	flags="-O2 -g -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes
	    -Wshadow -Wpointer-arith -Wno-unused-parameter -D_GNU_SOURCE
	    -D_FORTIFY_SOURCE=2 -fstack-protector-strong"
	for t in rtpload minfwd rtpengine_ctl; do
		# shellcheck disable=SC2086
		$CC $flags -o "$OBJ/$t" "$TOP/bench/$t.c" \
		    "$TOP/bench/common.c" $bsd || exit 1
	done
	# shellcheck disable=SC2086
	$CC $flags -DLIBBSD_OPENBSD_VIS -I"$TOP/compat" -I"$TOP/compat/imsg" \
	    -I"$TOP/sipproxd" $(pkg-config --cflags libevent) -o "$OBJ/rtpopen" \
	    "$TOP/bench/rtpopen.c" "$TOP/compat/imsg.c" \
	    "$TOP/compat/imsg-buffer.c" $bsd || exit 1
}

# run_load N PAYLOAD RATE SECS [FLAGS]: one rtpload run against $TGT;
# prints the result line and logs it. RATE 0 is unpaced.
# cpu_ticks CPU: busy and total jiffies of one CPU from /proc/stat
cpu_ticks()
{
	awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++)
	    t += $i; print t - $5 - $6, t }' /proc/stat
}

run_load()
{
	c0=$(cpu_ticks "$RELAY_CPU")
	# shellcheck disable=SC2086
	line=$(timeout $((${4%.*} + 30)) "$OBJ/rtpload" -c "$GEN_CPU" -n "$1" \
	    -s "$2" -T "$3" -d "$4" -W "$WARM_MS" -w "$DRAIN_MS" \
	    -b "$GEN_RCVBUF" -l "$SRC" -r "$RCV" -t "$TGT" ${5:-} 2>>"$LOG")
	c1=$(cpu_ticks "$RELAY_CPU")
	# the relay CPU's busy share over the run, warm-up and drain included
	line="$line relaycpu=$(echo "$c0 $c1" | awk '{ d = $4 - $2
	    printf "%.0f", (d > 0 ? 100 * ($3 - $1) / d : 0) }')"
	echo "$CUR $line" >>"$LOG"
	echo "$line"
}

# --- targets ----------------------------------------------------------
# Each target has NAME_start (once; non-zero: skip the target),
# NAME_streams N (before the runs with N streams), NAME_prepare N (before
# every single run: sets TGT, the rtpload -t range) and NAME_stop.

minfwd_start() { return 0; }

minfwd_streams()
{
	[ -n "${FWD_PID:-}" ] && pid_stop "$FWD_PID"
	: >"$OBJ/minfwd.err"
	# shellcheck disable=SC2086
	"$OBJ/minfwd" $FWD_GSO -c "$RELAY_CPU" -n "$1" -i "$FWD_IN" \
	    -o "$FWD_OUT" -d "$RCV" -t 1800 >>"$LOG" 2>"$OBJ/minfwd.err" &
	FWD_PID=$!
	pid_add "$FWD_PID"
	i=0
	while [ $i -lt 50 ] && ! grep -q ready "$OBJ/minfwd.err"; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q ready "$OBJ/minfwd.err" || {
		echo "minfwd did not start:"; cat "$OBJ/minfwd.err"; return 1;
	}
	cat "$OBJ/minfwd.err" >>"$LOG"
	TGT=$FWD_IN
}

minfwd_prepare() { TGT=$FWD_IN; }

minfwd_stop()
{
	[ -n "${FWD_PID:-}" ] && pid_stop "$FWD_PID"
	FWD_PID=""
}

# rtpengine, userspace forwarding only (--table=-1, no kernel module),
# one worker thread, every thread on the relay CPU. A stream whose
# receive queue overflowed stops forwarding for good in the version
# tested (10.5), so every run gets fresh calls: the old ones are deleted
# (--delete-delay=0 frees their ports at once) and new ones set up.
rtpengine_start()
{
	command -v rtpengine >/dev/null 2>&1 || {
		echo "rtpengine: not installed (apt-get install" \
		    "rtpengine-daemon); skipped"
		return 1
	}
	taskset -c "$RELAY_CPU" rtpengine --config-file=none --foreground \
	    --interface=127.0.0.1 --listen-ng="$NG" --port-min=30000 \
	    --port-max=40000 --num-threads=1 --table=-1 --no-fallback \
	    --delete-delay=0 --log-stderr --log-level=2 \
	    >"$OBJ/rtpengine.log" 2>&1 &
	RTPE_PID=$!
	pid_add "$RTPE_PID"
	i=0
	while [ $i -lt 50 ]; do
		"$OBJ/rtpengine_ctl" -c "$NG" -t 100 ping >/dev/null 2>&1 && break
		sleep 0.1
		i=$((i + 1))
	done
	"$OBJ/rtpengine_ctl" -c "$NG" -t 200 ping >/dev/null || {
		echo "rtpengine did not start:"; cat "$OBJ/rtpengine.log"
		pid_stop "$RTPE_PID"; return 1;
	}
	RTPE_CALLS=0
	RTPE_RUN=0
}

rtpengine_streams() { :; }

rtpengine_prepare()
{
	if [ "$RTPE_CALLS" -gt 0 ]; then
		"$OBJ/rtpengine_ctl" -c "$NG" -n "$RTPE_CALLS" -x "b$RTPE_RUN" \
		    delete >/dev/null 2>>"$LOG"
	fi
	RTPE_RUN=$((RTPE_RUN + 1))
	"$OBJ/rtpengine_ctl" -c "$NG" -n "$1" -x "b$RTPE_RUN" -a "$SRC" -b "$RCV" \
	    -o "$OBJ/rtpengine.targets" setup 2>>"$LOG" || return 1
	RTPE_CALLS=$1
	TGT=@$OBJ/rtpengine.targets
}

rtpengine_stop()
{
	[ -n "${RTPE_PID:-}" ] && pid_stop "$RTPE_PID"
	RTPE_PID=""
}

# sipproxd's relay: the daemon of the regress build (its control path
# opens relay streams with the engine's own IMSG_RTP_OPEN; the relay code
# is the one installed), started as root on loopback, its relay process
# pinned to the relay CPU. rtpopen opens the streams and holds them;
# every run gets fresh ones (closing rtpopen closes them).
SPX=$TOP/build-regress/sipproxd/sipproxd

sipproxd_start()
{
	[ "$(id -u)" = 0 ] || { echo "sipproxd: needs root; skipped"; return 1; }
	[ -x "$SPX" ] || {
		echo "sipproxd: $SPX not built (make regress-build)"
		return 1
	}
	getent passwd _sipproxd >/dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd
	getent passwd _sipproxd_rtp >/dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd_rtp
	mkdir -p /var/empty
	printf 'listen on 127.0.0.2 port 15090\noutside 127.0.0.3 port 15091\n%s\n' \
	    'rtp ports 40000 to 44999' >"$OBJ/sipproxd.conf"
	rm -f "$OBJ/sipproxd.sock"
	"$SPX" -d -f "$OBJ/sipproxd.conf" -s "$OBJ/sipproxd.sock" \
	    >"$OBJ/sipproxd.log" 2>&1 &
	SPX_PID=$!
	pid_add "$SPX_PID"
	_i=0
	while [ $_i -lt 50 ] && [ ! -S "$OBJ/sipproxd.sock" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -S "$OBJ/sipproxd.sock" ] || {
		echo "sipproxd did not start:"; cat "$OBJ/sipproxd.log"
		pid_stop "$SPX_PID"; return 1;
	}
	for _pid in $(pgrep -P "$SPX_PID"); do
		if tr '\0' ' ' </proc/"$_pid"/cmdline | grep -q "rtp relay"; then
			taskset -p -c "$RELAY_CPU" "$_pid" >/dev/null
		else
			taskset -p -c "$GEN_CPU" "$_pid" >/dev/null
		fi
	done
	taskset -p -c "$GEN_CPU" "$SPX_PID" >/dev/null
}

sipproxd_streams() { :; }

# The runs call prepare inside $(...): rtpopen's pid is kept in a file,
# not a variable, and its stdout must not hold the substitution open.
# Locals start with _: sh has no others, and the callers use p and i.
rtpopen_stop()
{
	[ -f "$OBJ/rtpopen.pid" ] || return 0
	_pid=$(cat "$OBJ/rtpopen.pid")
	kill "$_pid" 2>/dev/null
	_i=0
	while [ $_i -lt 50 ] && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	rm -f "$OBJ/rtpopen.pid"
}

sipproxd_prepare()
{
	rtpopen_stop
	rm -f "$OBJ/sipproxd.targets"
	: >"$OBJ/rtpopen.err"
	"$OBJ/rtpopen" -s "$OBJ/sipproxd.sock" -n "$1" -a "$SRC" -b "$RCV" \
	    -o "$OBJ/sipproxd.targets" >/dev/null 2>"$OBJ/rtpopen.err" &
	echo $! >"$OBJ/rtpopen.pid"
	_i=0
	while [ $_i -lt 100 ] && ! grep -q ready "$OBJ/rtpopen.err"; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q ready "$OBJ/rtpopen.err" || {
		echo "rtpopen failed:" >&2; cat "$OBJ/rtpopen.err" >&2
		return 1
	}
	TGT=@$OBJ/sipproxd.targets
}

sipproxd_stop()
{
	rtpopen_stop
	[ -n "${SPX_PID:-}" ] && pid_stop "$SPX_PID"
	SPX_PID=""
}

# --- the tests --------------------------------------------------------

# flat_out TARGET N PAYLOAD: one bisection; prints "PPS FLAG". The
# unpaced probe gives the generator's ceiling; a relay that keeps up with
# it is only known to be at least that fast (flag ">=").
flat_out()
{
	"$1_prepare" "$2" || { echo "0 = 0"; return; }
	l=$(run_load "$2" "$3" 0 "$STEP_SECS" "$GEN_FLAT")
	ceil=$(field txpps "$l")
	ceil=${ceil:-0}
	if awk -v x="$(field loss "$l")" -v m="$LOSS_MAX" \
	    'BEGIN { exit !(x != "" && x < m) }'; then
		echo "$(field rxpps "$l") >= $(field relaycpu "$l")"
		return
	fi
	lo=0
	hi=$ceil
	best=0
	bcpu=0
	s=0
	while [ $s -lt "$STEPS" ]; do
		mid=$(((lo + hi) / 2))
		[ "$mid" -gt 0 ] || break
		"$1_prepare" "$2" || break
		l=$(run_load "$2" "$3" "$mid" "$STEP_SECS" "$GEN_FLAT")
		if awk -v x="$(field loss "$l")" -v m="$LOSS_MAX" \
		    -v tx="$(field txpps "$l")" -v r="$mid" \
		    'BEGIN { exit !(x != "" && x < m && tx >= 0.97 * r) }'
		then
			lo=$mid
			best=$(field rxpps "$l")
			bcpu=$(field relaycpu "$l")
		else
			hi=$mid
		fi
		s=$((s + 1))
	done
	echo "$best = $bcpu"
}

bench_target()
{
	t=$1
	"${t}_start" || return 0
	for n in $STREAMS; do
		CUR="$t n=$n"
		"${t}_streams" "$n" || continue
		for p in $PAYLOADS; do
			CUR="$t n=$n s=$p"
			loss="" p50="" p99="" p999="" pps="" flag="="
			fcpu="" mcpu=""
			r=0
			while [ $r -lt "$REPS" ]; do
				"${t}_prepare" "$n" || break
				l=$(run_load "$n" "$p" $((PPS_STREAM * n)) \
				    "$FIXED_SECS")
				loss="$loss $(field loss "$l")"
				p50="$p50 $(field p50 "$l")"
				p99="$p99 $(field p99 "$l")"
				p999="$p999 $(field p999 "$l")"
				fcpu="$fcpu $(field relaycpu "$l")"
				# shellcheck disable=SC2046
				set -- $(flat_out "$t" "$n" "$p")
				pps="$pps $1"
				mcpu="$mcpu $3"
				[ "$2" = ">=" ] && flag=">="
				r=$((r + 1))
			done
			# shellcheck disable=SC2086
			printf '%s %s %s %s %s %s %s %s %s %s %s\n' "$t" "$p" \
			    "$n" "$(median $loss)" "$(median $p50)" \
			    "$(median $p99)" "$(median $p999)" \
			    "$(median $pps)" "$flag" "$(median $fcpu)" \
			    "$(median $mcpu)" | tee -a "$RES" |
			    awk '{ printf "  %-9s %5s B %5s streams: loss " \
			    "%s%%, p50/p99/p99.9 %s/%s/%s us, cpu %s%%; " \
			    "max %s%s pps at cpu %s%%\n", $1, $2, $3, $4, \
			    $5, $6, $7, $10, ($9 == ">=" ? ">=" : ""), $8, \
			    $11 }'
		done
	done
	"${t}_stop"
}

report()
{
	[ -s "$RES" ] || return 0
	echo
	echo "RTP relay benchmark: relay on CPU $RELAY_CPU, generator on" \
	    "CPU $GEN_CPU, $REPS repetition(s), medians"
	echo "(a) fixed rate: $PPS_STREAM pps a stream for ${FIXED_SECS} s;" \
	    "loss, one-way latency, relay CPU busy %"
	echo "(b) flat out${GEN_FLAT:+ (rtpload $GEN_FLAT, minfwd -g)}:" \
	    "highest received pps with loss under $LOSS_MAX %,"
	echo "    relay CPU busy % there,"
	echo "    and pps/cpu = max pps / busy share: the rate one full" \
	    "CPU would carry"
	echo "\">=\": the relay kept up with the unpaced generator: its" \
	    "limit is higher"
	echo
	awk '
	$1 == "minfwd" { base[$2 " " $3] = $8; ebase[$2 " " $3] = est($8, $11) }
	{ row[NR] = $0 }
	function est(pps, cpu) { return cpu > 0 ? 100 * pps / cpu : 0 }
	END {
		printf "%-9s %4s %5s|%6s %5s %5s %6s %4s|%9s %4s %8s|" \
		    "%6s %6s\n", "target", "size", "strms", "loss%",
		    "p50", "p99", "p99.9", "cpu", "max pps", "cpu",
		    "pps/cpu", "ratio", "r/cpu"
		for (i = 1; i <= NR; i++) {
			split(row[i], f, " ")
			k = f[2] " " f[3]
			e = est(f[8], f[11])
			r = re = "-"
			if (k in base && base[k] > 0)
				r = sprintf("%.2f", f[8] / base[k])
			if (k in ebase && ebase[k] > 0)
				re = sprintf("%.2f", e / ebase[k])
			printf "%-9s %4s %5s|%6s %5s %5s %6s %4s|%9s %4s %8d|" \
			    "%6s %6s\n", f[1], f[2], f[3], f[4], f[5], f[6],
			    f[7], f[10], (f[9] == ">=" ? ">" : "") f[8], f[11],
			    e, r, re
		}
		print "(latency in microseconds; ratio: max pps against" \
		    " minfwd, r/cpu: pps/cpu against minfwd)"
	}' "$RES"
}

# The SIP signalling benchmark (targets sip, sip-register, ...).
. "$TOP/bench/sip.sh"

# --- main -------------------------------------------------------------

build
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
if [ "$ncpu" -ge 2 ]; then
	GEN_CPU=${BENCH_GEN_CPU:-0}
	RELAY_CPU=${BENCH_RELAY_CPU:-1}
else
	echo "bench: one CPU only, generator and relay share it"
	GEN_CPU=0
	RELAY_CPU=0
fi
: >"$LOG"
: >"$RES"
: >"$SIP_RES"
echo "bench: targets: $TARGETS; payloads: $PAYLOADS; streams: $STREAMS;" \
    "log in $LOG"
for t in $TARGETS; do
	case $t in
	minfwd|rtpengine|sipproxd)
		echo "$t:"
		bench_target "$t"
		;;
	sip)
		for part in register tcp tls calls latency memory; do
			bench_sip "$part"
		done
		;;
	sip-register|sip-calls|sip-latency|sip-memory|sip-tcp|sip-tls)
		bench_sip "${t#sip-}"
		;;
	*)
		echo "bench: unknown target $t"
		;;
	esac
done
report
sip_report
cleanup
