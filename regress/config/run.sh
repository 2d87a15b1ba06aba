#!/bin/sh
#
# Configuration parser tests.  For each regress/config/NN.conf (NN of
# two or three digits), run "sipproxd -nv -f NN.conf" from regress/config
# (plus the arguments in NN.args, if any).  NN.ok: exit 0, stdout equal
# to NN.ok, and that output parses again and prints itself.  NN.err:
# exit 1, stderr equal to NN.err.  "sh regress/config/run.sh update"
# rewrites .ok and .err.  @TMP@ in NN.args is the scratch directory,
# where tls/ holds the test
# certificates (regress/tls/certs.sh); it is @TMP@ again in the output.
#
# Environment: BUILD (default build), OBJ (scratch directory).

cd "$(dirname "$0")/../.." || exit 1
top=$PWD
BUILD=${BUILD:-build}
case $BUILD in
/*)	bin=$BUILD/sipproxd/sipproxd ;;
*)	bin=$top/$BUILD/sipproxd/sipproxd ;;
esac
OBJ=${OBJ:-$top/regress/obj/config}
case $OBJ in
/*)	;;
*)	OBJ=$top/$OBJ ;;
esac
tmp=$OBJ/config.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
update=0
[ "$1" = update ] && update=1

if [ ! -x "$bin" ]; then
	echo "FAIL config: no binary $bin"
	exit 1
fi

fail=0
bad() {
	echo "FAIL config $1: $2"
	fail=1
}

# TLS files, good and bad, for the tests that name them.
. regress/tls/certs.sh
if tls_certs "$tmp/tls"; then
	t=$tmp/tls
	cp -p "$t/server.key" "$t/world.key" && chmod 644 "$t/world.key"
	cp -p "$t/server.key" "$t/group.key" && chmod 660 "$t/group.key"
	cp -p "$t/server.key" "$t/groupread.key" &&
	    chmod 640 "$t/groupread.key"
	cp -p "$t/server.key" "$t/nobody.key" &&
	    chown nobody "$t/nobody.key" 2> /dev/null
	: > "$t/empty.crt"
	echo "not a certificate" > "$t/text.crt"
	echo "not a key" > "$t/textkey.key" && chmod 600 "$t/textkey.key"
else
	bad tls "openssl could not make the test certificates"
fi

cd regress/config || exit 1
for conf in [0-9][0-9].conf [0-9][0-9][0-9].conf; do
	[ -f "$conf" ] || continue
	n=${conf%.conf}
	args=
	[ -f "$n.args" ] && args=$(sed "s|@TMP@|$tmp|g" "$n.args")
	# $args is split on purpose: it holds options like "-D lan=lo".
	"$bin" $args -nv -f "$conf" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	sed "s|$tmp|@TMP@|g" "$tmp/out" > "$tmp/out.n"
	sed "s|$tmp|@TMP@|g" "$tmp/err" > "$tmp/err.n"
	if [ $update = 1 ]; then
		if [ $rc -eq 0 ]; then
			cp "$tmp/out.n" "$n.ok" && rm -f "$n.err"
		else
			cp "$tmp/err.n" "$n.err" && rm -f "$n.ok"
		fi
		echo "ok config $n: updated (exit $rc)"
		continue
	fi
	if [ -f "$n.ok" ]; then
		if [ $rc -ne 0 ]; then
			bad "$n" "exit $rc, want 0: $(head -1 "$tmp/err")"
			continue
		fi
		if ! diff -u "$n.ok" "$tmp/out.n" > "$tmp/diff"; then
			bad "$n" "output differs"
			sed 's/^/	/' "$tmp/diff"
			continue
		fi
		# The canonical output parses and prints itself again.
		if ! "$bin" -n -f "$tmp/out" > /dev/null 2> "$tmp/err2"; then
			bad "$n" "-nv output does not parse:" \
			    "$(head -1 "$tmp/err2")"
			continue
		fi
		"$bin" -nv -f "$tmp/out" > "$tmp/out2" 2> /dev/null
		if ! cmp -s "$tmp/out" "$tmp/out2"; then
			bad "$n" "-nv of the -nv output differs"
			diff -u "$tmp/out" "$tmp/out2" | sed 's/^/	/'
			continue
		fi
		echo "ok config $n"
	elif [ -f "$n.err" ]; then
		if [ $rc -ne 1 ]; then
			bad "$n" "exit $rc, want 1"
			continue
		fi
		if [ -s "$tmp/out" ]; then
			bad "$n" "output on stdout despite the error"
			continue
		fi
		if ! diff -u "$n.err" "$tmp/err.n" > "$tmp/diff"; then
			bad "$n" "errors differ"
			sed 's/^/	/' "$tmp/diff"
			continue
		fi
		echo "ok config $n"
	else
		bad "$n" "neither $n.ok nor $n.err"
	fi
done

# The example configurations shipped in etc/.
cd "$top" || exit 1
if "$bin" -n -D lan=127.0.0.2 -D wan=127.0.0.3 -f etc/sipproxd.conf > /dev/null \
    2> "$tmp/err"; then
	echo "ok config example"
else
	bad example "etc/sipproxd.conf: $(head -1 "$tmp/err")"
fi
if "$bin" -n -f etc/sipproxd-demo.conf > /dev/null 2> "$tmp/err"; then
	echo "ok config demo"
else
	bad demo "etc/sipproxd-demo.conf: $(head -1 "$tmp/err")"
fi

exit $fail
