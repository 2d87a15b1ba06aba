#!/bin/sh
#
# The real daemon on loopback, driven by sipctl: process titles, show and
# its JSON, the SIP listeners, reload (good, bad, SIGHUP), registration
# state across a restart, sipctl's errors, and a clean shutdown.

. regress/daemon/lib.sh

OBJ=${OBJ:-regress/obj}
D=$OBJ/daemon
rm -rf "$D"
mkdir -p "$D"
chmod 755 "$D"
CONF=$D/sipproxd.conf SOCK=$D/ctl.sock LOG=$D/log STATE=$D/state

needs_root daemon
trap 'daemon_stop' EXIT

write_conf() {
	cat > "$CONF" <<CONF
inside = "127.0.0.2"
listen on \$inside port 15060 udp
$1
outside 127.0.0.3 port 15061
rtp ports 17070 to 17079
registration state "$STATE"
CONF
}

# A state file from an earlier run: one live registration, one expired.
now=$(date +%s)
cat > "$STATE" <<EOF2
# sipproxd registration state, version 1
$((now + 3600))	sip:alice@example.net	sip:alice@192.168.1.10:5062	sip:alice@127.0.0.3:5060	192.168.1.10:5062	Test\\040Phone\\0401.0
$((now - 10))	sip:bob@example.net	sip:bob@192.168.1.11	sip:bob@127.0.0.3	192.168.1.11:5060	old
# end 2
EOF2

write_conf ""
if ! daemon_start "$CONF" "$SOCK" "$LOG"; then
	fail "daemon starts"
	sed 's/^/    /' "$LOG"
	exit 1
fi
ok "daemon starts"

engine=$(child_pid $DPID "sip engine")
relay=$(child_pid $DPID "rtp relay")
check "process titles show the roles" test -n "$engine" -a -n "$relay"
check "parent title" sh -c "tr '\\0' ' ' < /proc/$DPID/cmdline |
    grep -q 'sipproxd: parent'"

out=$("$SIPCTL" -s "$SOCK" show 2>&1)
echo "$out" | sed 's/^/    /'
check "show: version" sh -c "echo '$out' | grep -q '0.1'"
check "show: pids of the three processes" sh -c "echo '$out' |
    grep -q $DPID && echo '$out' | grep -q $engine &&
    echo '$out' | grep -q $relay"
check "show: listeners" sh -c "echo '$out' | grep -q '127.0.0.2:15060.*udp'"
check "show: config file" sh -c "echo '$out' | grep -q '$CONF'"

json=$("$SIPCTL" -j -s "$SOCK" show)
check "show -j is JSON" sh -c "echo '$json' | jq -e . > /dev/null"
check "show -j: pids" test "$(echo "$json" | jq .pids.engine)" = "$engine"
check "show -j: rtp pool" test \
    "$(echo "$json" | jq '.rtp.ports_total,.rtp.port_low')" = "10
17070"
check "show -j: listeners and the outside socket" test \
    "$(echo "$json" | jq '.listeners|length')" = 2
check "show -j: registration restored" test \
    "$(echo "$json" | jq .registrations)" = 1

regs=$("$SIPCTL" -j -s "$SOCK" show registrations)
check "show registrations: restored from state" test \
    "$(echo "$regs" | jq -r '.registrations[0].aor')" = \
    "sip:alice@example.net"
check "show registrations: user agent decoded" test \
    "$(echo "$regs" | jq -r '.registrations[0].user_agent')" = \
    "Test Phone 1.0"
check "show registrations: expired entry not restored" test \
    "$(echo "$regs" | jq '.registrations|length')" = 1
check "show registrations text" sh -c "'$SIPCTL' -s '$SOCK' show regis |
    grep -q 'sip:alice@example.net'"
check "show calls: empty table" test \
    "$("$SIPCTL" -j -s "$SOCK" show calls | jq '.calls|length')" = 0
check "show rtp: empty table" test \
    "$("$SIPCTL" -j -s "$SOCK" sh rtp | jq '.streams|length')" = 0

# A datagram on the SIP listener is received by the engine, and counted
# as a parse error: a request without its mandatory headers.
printf 'OPTIONS sip:x SIP/2.0\r\n\r\n' > "$D/dgram"
udp_inode() {
	awk '$2 ~ /:3AD4$/ && $2 ~ /^0200007F/ { print $10 }' /proc/net/udp
}
inode_before=$(udp_inode)
bash -c "cat '$D/dgram' > /dev/udp/127.0.0.2/15060"
sleep 0.2
stats=$("$SIPCTL" -j -s "$SOCK" show stats)
check "show stats: datagram counted" test \
    "$(echo "$stats" | jq .sip.received)" = 1
check "show stats: parse error counted" test \
    "$(echo "$stats" | jq .sip.parse_errors)" = 1
check "show stats: rtp totals present" test \
    "$(echo "$stats" | jq .rtp.packets)" = 0

check "log verbose" sh -c "'$SIPCTL' -s '$SOCK' log verbose | grep -q verbose"
check "log brief" sh -c "'$SIPCTL' -s '$SOCK' log brief | grep -q brief"

# Reload with a new listener: the unchanged one keeps its socket.
write_conf "listen on 127.0.0.2 port 15062 udp"
check "reload: good config" sh -c "'$SIPCTL' -s '$SOCK' reload"
check "reload: new listener" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq '.listeners|length')" = 3
check "reload: unchanged listener keeps its socket" test \
    -n "$inode_before" -a "$inode_before" = "$(udp_inode)"

# A broken config: file:line errors back to sipctl, daemon unchanged.
write_conf "listen on 127.0.0.2 port 99999
rtp timeout banana"
"$SIPCTL" -s "$SOCK" reload > "$D/reload.out" 2>&1
rc=$?
sed 's/^/    /' "$D/reload.out"
check "reload: bad config fails" test $rc -ne 0
check "reload: bad config reports file:line" \
    grep -q "sipproxd.conf:3:" "$D/reload.out"
check "reload: all errors reported" grep -q "sipproxd.conf:4:" "$D/reload.out"
check "reload: daemon keeps running" kill -0 $DPID
check "reload: running config kept" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq '.listeners|length')" = 3

# A TCP listener comes with a reload and is shown as such.
write_conf "listen on 127.0.0.2 port 15062 tcp"
check "reload: TCP listener" sh -c "'$SIPCTL' -s '$SOCK' reload"
check "reload: TCP listener shown" test "$("$SIPCTL" -j -s "$SOCK" show |
    jq '[.listeners[] | select(.proto == "tcp" and .port == 15062)] |
    length')" = 1

# A TLS listener without a certificate is refused, with the reason.
write_conf "listen on 127.0.0.2 port 15063 tls"
"$SIPCTL" -s "$SOCK" reload > "$D/reload.out" 2>&1
rc=$?
check "reload: TLS listener refused" sh -c "test $rc -ne 0 &&
    grep -q 'port 15063 tls: no tls certificate and key given' \
    '$D/reload.out'"
check "reload: TLS refused, running config kept" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq '.listeners|length')" = 3

# SIGHUP reloads too.
write_conf ""
r0=$("$SIPCTL" -j -s "$SOCK" show | jq .reloads)
kill -HUP $DPID
sleep 0.5
check "SIGHUP reloads" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq .reloads)" = $((r0 + 1))
check "SIGHUP: removed listener closed" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq '.listeners|length')" = 2

# sipctl's own errors: one line each, non-zero exit.
"$SIPCTL" -s "$SOCK" show bogus > "$D/err" 2>&1
check "sipctl: unknown argument" sh -c "test $? -ne 0 &&
    grep -q 'unknown argument: bogus' '$D/err'"
"$SIPCTL" -s "$SOCK" re > /dev/null 2>&1
"$SIPCTL" -s "$D/none.sock" show > "$D/err" 2>&1
check "sipctl: no daemon" sh -c "test $? -ne 0 && test \$(wc -l < '$D/err') = 1"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$SIPCTL" -s "$SOCK" show > "$D/err" 2>&1
check "sipctl: permission denied" sh -c "test $? -ne 0 &&
    grep -qi 'permission denied' '$D/err' && test \$(wc -l < '$D/err') = 1"
kill -STOP $engine
"$SIPCTL" -s "$SOCK" show > "$D/err" 2>&1
rc=$?
kill -CONT $engine
check "sipctl: daemon not answering" sh -c "test $rc -ne 0 &&
    test \$(wc -l < '$D/err') = 1"

# A second daemon must not steal the socket of a live one.
"$SIPPROXD" -d -f "$CONF" -s "$SOCK" > "$D/second" 2>&1
check "second daemon refused" sh -c "test $? -ne 0 &&
    grep -q 'in use' '$D/second'"

# Clean shutdown: no process, no socket; the state file still valid.
daemon_stop
check "SIGTERM: daemon exits" test -z "$(pgrep -f "$CONF")"
check "SIGTERM: children gone" sh -c "! kill -0 $engine 2>/dev/null &&
    ! kill -0 $relay 2>/dev/null"
check "SIGTERM: control socket removed" test ! -e "$SOCK"
check "state file kept" grep -q 'sip:alice@example.net' "$STATE"

# A corrupt state file is reported and ignored.
head -c 100 "$STATE" > "$D/state.tmp" && mv "$D/state.tmp" "$STATE"
daemon_start "$CONF" "$SOCK" "$LOG"
check "corrupt state: reported" grep -q "ignoring the file" "$LOG"
check "corrupt state: nothing restored" test \
    "$("$SIPCTL" -j -s "$SOCK" show | jq .registrations)" = 0
daemon_stop
check "no process left" test -z "$(pgrep -f "$CONF")"

# The pid file for rc(8): the parent's pid while it runs, refused to a
# second daemon, gone at exit; a stale one from a crash is taken over.
PIDF=$D/sipproxd.pid
echo 99999 > "$PIDF"
"$SIPPROXD" -d -f "$CONF" -s "$SOCK" -p "$PIDF" > "$LOG" 2>&1 &
DPID=$!
i=0
while [ $i -lt 50 ] && [ ! -S "$SOCK" ]; do sleep 0.1; i=$((i + 1)); done
check "pid file: the parent's pid" test "$(cat "$PIDF")" = "$DPID"
"$SIPPROXD" -d -f "$CONF" -s "$D/other.sock" -p "$PIDF" > "$D/second" 2>&1
check "pid file: second daemon refused" sh -c "test $? -ne 0 &&
    grep -q 'pid file .*in use by a running sipproxd' '$D/second' &&
    test ! -e '$D/other.sock'"
check "pid file: kept by the refused one" test "$(cat "$PIDF")" = "$DPID"
daemon_stop
check "pid file: removed at exit" test ! -e "$PIDF"
ln -s "$D/elsewhere" "$PIDF"
"$SIPPROXD" -d -f "$CONF" -s "$SOCK" -p "$PIDF" > "$D/second" 2>&1
check "pid file: a symlink refused" sh -c "test $? -ne 0 &&
    test ! -e '$D/elsewhere' && test ! -e '$SOCK'"
rm -f "$PIDF"
check "no process left after pid file tests" test -z "$(pgrep -f "$CONF")"
