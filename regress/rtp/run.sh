#!/bin/sh
#
# The RTP relay on loopback: streams opened through the regress build's
# control path (the engine's own imsg messages), real RTP both ways.

. regress/daemon/lib.sh

OBJ=${OBJ:-regress/obj}
D=$OBJ/rtp
rm -rf "$D"
mkdir -p "$D"
CONF=$D/sipproxd.conf SOCK=$D/ctl.sock LOG=$D/log

needs_root rtp
trap 'daemon_stop' EXIT

if ! $CC $UNIT_CFLAGS -Wall -D_GNU_SOURCE -Icompat -Icompat/imsg -Isipproxd \
    $(pkg-config --cflags libbsd-overlay libevent) -o "$D/rtp_test" \
    regress/rtp/rtp_test.c compat/imsg.c compat/imsg-buffer.c \
    $(pkg-config --libs libbsd-overlay libevent) > "$D/cc.log" 2>&1; then
	fail "rtp_test builds"
	sed 's/^/    /' "$D/cc.log"
	exit 1
fi

# run_mode mode [config lines]: a fresh daemon for each mode.
run_mode() {
	mode=$1
	cat > "$CONF" <<CONF
listen on 127.0.0.2 port 15070
outside 127.0.0.3 port 15071
rtp ports 17070 to 17079
$2
CONF
	if ! daemon_start "$CONF" "$SOCK" "$LOG"; then
		fail "rtp $mode: daemon starts"
		sed 's/^/    /' "$LOG"
		return
	fi
	relay=$(child_pid $DPID "rtp relay")
	"$D/rtp_test" "$SOCK" "$SIPCTL" "$relay" "$mode" |
	    sed "s/^\(ok\|FAIL\) /\1 rtp $mode: /"
	daemon_stop
	check "rtp $mode: daemon stops cleanly" test ! -e "$SOCK"
}

run_mode basic
run_mode strict "rtp latch strict"
run_mode oneaddr
run_mode dejitter "rtp dejitter 60"
run_mode timeout "rtp timeout 10"
run_mode late
run_mode refuse
