#!/bin/sh
#
# The process boundaries, read from the daemon's objects with nm(1): each
# object of sipproxd runs in one process (engine, relay, parent) or is
# shared by all of them; an object may use symbols of its own process, of
# the shared objects and of libraries, never another process's (the
# parent's exception: it re-executes itself as each child, through
# engine_main and relay_main). Shared objects use only shared objects.
# The SIP and SDP parsers, with the leaves they link (util.c, media.c),
# use nothing but libc (with libbsd, libc's BSD half on Linux), so they
# can be fuzzed and reused alone.
#
# Prints "ok boundary ..." or "FAIL boundary ...: why" per rule, each
# offending reference indented below. Needs the build (make
# regress-build): env BUILD=build-regress sh regress/unit/boundaries.sh

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build-regress}
MAKE=${MAKE:-make}
OBJ=${OBJ:-regress/obj/unit}
mkdir -p "$OBJ"
syms=$OBJ/boundaries.syms
libc=$OBJ/boundaries.libc
fail=0

# The processes by file name. A new file goes into one of these lists.
ENGINE="engine proxy bindings call control dns rtptest sdp sip_msg sip_uri"
ENGINE="$ENGINE codec conn sip_frame tls auth localreg acl_imsg ban outbound"
ENGINE="$ENGINE rewrite calllog external stun monitor"
RELAY="relay rtp_pool rtp_stream rtp_jitter"
PARENT="sipproxd parse printconf statefile acl_send wan"
# and compat/*: portability for all three; sandbox.c is the promise
# vocabulary every process enters its sandbox with; digest.c and mac.c
# make the HA1s in the parent and check them in the engine; users.c is
# the parent's, freed with the configuration
SHARED="proc log util imsg_check config media sandbox digest users mac acl"
SHARED="$SHARED rewrite_conf"
PARSERS="sip_msg sip_uri sdp codec sip_frame"
PARSERS="$PARSERS stun"
LEAVES="util media"

bin=$BUILD/sipproxd/sipproxd
objs=$($MAKE -s --no-print-directory BUILD="$BUILD" print-SIPPROXD_OBJS)
if [ -z "$objs" ] || [ ! -f "$bin" ]; then
	echo "FAIL boundary: no build in $BUILD (make regress-build)"
	exit 1
fi

in_list() {
	case " $2 " in
	*" $1 "*)	return 0 ;;
	esac
	return 1
}

# "process object kind symbol" for every global symbol of every object,
# kind U for a use, D for a definition. Instrumentation of the sanitizer
# build and the linker's own table are no one's code.
unclassified=
for o in $objs; do
	n=${o##*/}
	n=${n%.o}
	if in_list "$n" "$ENGINE"; then p=engine
	elif in_list "$n" "$RELAY"; then p=relay
	elif in_list "$n" "$PARENT"; then p=parent
	elif in_list "$n" "$SHARED"; then p=shared
	else case $o in
		*/compat/*)	p=shared ;;
		*)		unclassified="$unclassified $n.o"; continue ;;
		esac
	fi
	nm -P -g "$o" | awk -v p="$p" -v n="$n" '
	    $1 ~ /^(__(asan|ubsan|sanitizer|sancov|lsan)_|_GLOBAL_OFFSET_TABLE_$)/ \
		{ next }
	    { print p, n, ($2 ~ /^[Uwv]$/ ? "U" : "D"), $1 }'
done > "$syms"

if [ -n "$unclassified" ]; then
	echo "FAIL boundary classified: in no process:$unclassified" \
	    "(regress/unit/boundaries.sh)"
	fail=1
else
	echo "ok boundary classified: each object in one process"
fi

# rule NAME PROCESSES FORBIDDEN ALLOWED: objects of PROCESSES use no
# symbol defined by objects of FORBIDDEN, but those in ALLOWED.
rule() {
	awk -v from=" $2 " -v forbid=" $3 " -v allow=" $4 " '
	    $3 == "D" && index(forbid, " " $1 " ") { def[$4] = $1 " " $2 ".o" }
	    $3 == "U" && index(from, " " $1 " ") { use[++n] = $2 ".o " $4 }
	    END {
		for (i = 1; i <= n; i++) {
			split(use[i], u, " ")
			if ((u[2] in def) && !index(allow, " " u[2] " "))
				print "    " u[1] " uses " u[2] " of " def[u[2]]
			}
	    }' "$syms" > "$OBJ/boundaries.out"
	if [ -s "$OBJ/boundaries.out" ]; then
		echo "FAIL boundary $1: uses symbols of $(echo "$3" |
		    sed 's/ / or /g')"
		cat "$OBJ/boundaries.out"
		fail=1
	else
		echo "ok boundary $1: no symbol of $(echo "$3" |
		    sed 's/ / or /g')${4:+ but $4}"
	fi
}

rule engine engine "relay parent"
rule relay relay "engine parent"
rule parent parent "engine relay" "engine_main relay_main"
rule shared shared "engine relay parent"

# libc as the daemon links it: its shared objects that ldd names libc
# or libbsd.
for lib in $(ldd "$bin" | awk '{ for (i = 1; i <= NF; i++)
    if ($i ~ /^\/.*\/lib(c|bsd)\.so/) print $i }'); do
	nm -D -P -g "$lib" | awk '$2 !~ /^[AUwv]$/ { sub(/@.*/, "", $1);
	    print $1 }'
done | sort -u > "$libc"
if [ ! -s "$libc" ]; then
	echo "FAIL boundary parsers: ldd $bin names no libc"
	exit 1
fi
awk -v set=" $PARSERS $LEAVES " '
    NR == FNR { libc[$1] = 1; next }
    !index(set, " " $2 " ") { next }
    $3 == "D" { def[$4] = 1 }
    $3 == "U" { use[++n] = $2 ".o " $4 }
    END {
	for (i = 1; i <= n; i++) {
		split(use[i], u, " ")
		if (!(u[2] in def) && !(u[2] in libc))
			print "    " u[1] " uses " u[2]
	}
    }' "$libc" "$syms" > "$OBJ/boundaries.out"
if [ -s "$OBJ/boundaries.out" ]; then
	echo "FAIL boundary parsers: $PARSERS use more than libc"
	cat "$OBJ/boundaries.out"
	fail=1
else
	echo "ok boundary parsers: $PARSERS (with $LEAVES) use only libc"
fi
exit $fail
