#!/bin/sh
#
# Unit tests: single daemon files linked with a test main(). Each test
# binary prints its own ok/FAIL lines.

CC=${CC:-cc}
OBJ=${OBJ:-regress/obj/unit}
mkdir -p "$OBJ"
FLAGS="$UNIT_CFLAGS -Wall -Wextra -DLIBBSD_OPENBSD_VIS -D_GNU_SOURCE -Icompat \
    -Icompat/imsg -Isipproxd \
    $(pkg-config --cflags libbsd-overlay libevent libseccomp libcares)"
LIBS="$(pkg-config --libs libbsd-overlay libevent libseccomp libcares)"
IMSG="compat/imsg.c compat/imsg-buffer.c"

# name: sources
TESTS="
imsg_test: $IMSG
imsg_check_test: sipproxd/imsg_check.c sipproxd/util.c $IMSG
acl_test: sipproxd/acl.c sipproxd/acl_imsg.c sipproxd/ban.c sipproxd/imsg_check.c sipproxd/printconf.c sipproxd/config.c sipproxd/util.c sipproxd/sip_msg.c sipproxd/sip_uri.c sipproxd/log.c $IMSG
sandbox_test: sipproxd/sandbox.c compat/sandbox_linux.c sipproxd/log.c
sandbox_parse_test: sipproxd/sandbox.c sipproxd/log.c
parse_test: $OBJ/parse.c sipproxd/config.c sipproxd/util.c sipproxd/printconf.c sipproxd/acl.c sipproxd/log.c
state_test: sipproxd/statefile.c sipproxd/proc.c sipproxd/sandbox.c compat/sandbox_linux.c sipproxd/imsg_check.c sipproxd/log.c $IMSG
sip_test: sipproxd/sip_msg.c sipproxd/sip_uri.c sipproxd/log.c
sdp_test: sipproxd/sdp.c sipproxd/media.c sipproxd/util.c sipproxd/log.c
json_test: sipctl/json.c
siphash_test: compat/siphash.c sipproxd/mac.c
dns_test: -DSIPPROXD_REGRESS sipproxd/dns.c sipproxd/util.c sipproxd/log.c
"

byacc -o "$OBJ/parse.c" sipproxd/parse.y 2>/dev/null

echo "$TESTS" | while IFS=: read -r name srcs; do
	[ -n "$name" ] || continue
	if [ ! -f "regress/unit/$name.c" ]; then
		continue
	fi
	if ! $CC $FLAGS -Iregress/unit -o "$OBJ/$name" "regress/unit/$name.c" \
	    $srcs $LIBS > "$OBJ/$name.log" 2>&1; then
		echo "FAIL $name: does not build"
		sed 's/^/    /' "$OBJ/$name.log" | head -20
		continue
	fi
	"$OBJ/$name" || echo "FAIL $name: exited with status $?"
done
