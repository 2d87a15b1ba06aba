#!/bin/sh
#
# Unit tests: single daemon files linked with a test main(), built by make
# with the daemon's flags (regress/regress.mk lists them and what each
# links), then the process boundaries checked on the daemon's objects
# (boundaries.sh). Each test binary prints its own ok/FAIL lines.
#
# Alone, from the top of the tree (make is run first, so the tests are
# those of the sources as they are):
#	env BUILD=build-regress sh regress/unit/run.sh
#	env BUILD=build-san sh regress/unit/run.sh
# BUILD names the build: build-regress (make regress-build) or build-san
# (make san-build, ASAN_OPTIONS defaulting as in regress/run.sh); OBJ is
# the scratch directory; MAKE the GNU make to use.

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build-regress}
MAKE=${MAKE:-make}
OBJ=${OBJ:-regress/obj/unit}
mkdir -p "$OBJ"
case $BUILD in
build-regress)
	target=regress-build
	;;
build-san)
	target=san-build
	: "${ASAN_OPTIONS:=detect_leaks=0:symbolize=0}"
	export ASAN_OPTIONS
	;;
*)
	echo "FAIL unit: BUILD=$BUILD, not build-regress or build-san"
	exit 1
	;;
esac

# -k: a test that does not build fails alone, the others still run.
built=1
rc=0
if ! $MAKE -s -k "$target" > "$OBJ/make.log" 2>&1; then
	built=0
	rc=1
	echo "FAIL unit: make $target failed, see $OBJ/make.log"
	grep -E 'error|\*\*\*' "$OBJ/make.log" | head -20 | sed 's/^/    /'
fi

for name in $($MAKE -s --no-print-directory BUILD="$BUILD" \
    print-UNIT_TESTS); do
	bin=$BUILD/regress/unit/$name
	# After a failed make, a binary not up to date is an old one.
	if [ $built = 0 ] && ! $MAKE -s -q BUILD="$BUILD" "$bin" \
	    > /dev/null 2>&1; then
		echo "FAIL $name: does not build"
		continue
	fi
	"$bin" || { echo "FAIL $name: exited with status $?"; rc=1; }
done

sh regress/unit/boundaries.sh || rc=1
exit $rc
