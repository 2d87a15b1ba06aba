#!/bin/sh
#
# The regress suite: every test directory, run against the regress build
# and again against the sanitizer build (ASan + UBSan), then the fuzzers.
# Each test prints "ok NAME", "FAIL NAME: why" or "skipped NAME: why";
# the last line says "N passed, N failed", the exit status is non-zero on
# any failure.

cd "$(dirname "$0")/.." || exit 1
export CC="${CC:-cc}"
results=regress/obj/results
mkdir -p regress/obj
: > "$results"

run() {
	label=$1
	shift
	out=regress/obj/out.$$
	"$@" > "$out" 2>&1
	rc=$?
	sed "s/^/[$label] /" "$out"
	grep -E '^(ok|FAIL|skipped) ' "$out" >> "$results"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "[$label] FAIL $label: exited with status $rc"
		echo "FAIL $label: exited with status $rc" >> "$results"
	fi
	rm -f "$out"
}

for build in build-regress build-san; do
	export BUILD=$build OBJ=$PWD/regress/obj/$build
	# make builds the unit tests with the daemon's flags; UNIT_CFLAGS
	# is for the helpers that a test directory compiles itself.
	case $build in
	build-san)
		export UNIT_CFLAGS="-O1 -g -fsanitize=address,undefined \
		    -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
		export ASAN_OPTIONS=detect_leaks=0:symbolize=0
		;;
	*)
		export UNIT_CFLAGS="-O2 -g"
		;;
	esac
	rm -rf "$OBJ"
	mkdir -p "$OBJ"
	for dir in unit config daemon sandbox rtp netns sip dns tls migrate; do
		[ -f regress/$dir/run.sh ] &&
		    run "$build $dir" sh regress/$dir/run.sh
	done
done

# The installed binary must not carry the regress-only sandbox trigger.
if grep -q SIPPROXD_REGRESS_SYSCALL build/sipproxd/sipproxd; then
	echo "FAIL release build has no regress trigger" | tee -a "$results"
elif ! grep -q SIPPROXD_REGRESS_SYSCALL build-regress/sipproxd/sipproxd
then
	echo "FAIL regress build has the regress trigger" | tee -a "$results"
else
	echo "ok release build has no regress trigger" | tee -a "$results"
fi

# The fuzzers run unsandboxed: their reports may name functions.
[ -f regress/fuzz/run.sh ] && OBJ=$PWD/regress/obj/fuzz \
    ASAN_OPTIONS=detect_leaks=0 run fuzz sh regress/fuzz/run.sh

passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^skipped ' "$results")
[ "$failed" -gt 0 ] && { echo "failures:"; grep '^FAIL ' "$results"; }
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
