# shellcheck shell=sh
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
# A WAN address that moves, sourced by run.sh between its own daemon and
# the run without one.  sipproxd's outside is the interface out0; while
# it runs, out0 is renumbered from 192.0.2.1 to 192.0.2.2 (the new one
# added, the old one removed, as a DHCP renewal does).  The registrar and
# the callee in wan check on the wire that the next REGISTER and the next
# call name only the new address (Via, Contact, SDP c=); the log and
# sipctl show must say that the address changed.  out0 gets its old
# address back afterwards.

WAN_NEW=192.0.2.2

# wan_scn file: a copy of a scenario of this directory in $D, expecting
# the new address where it expected the old one.
wan_scn() {
	sed 's/192\\\.0\\\.2\\\.1\([:[]\)/192\\.0\\.2\\.2\1/g' "$SCN/$1" \
	    > "$D/wan-$1"
}

# wan_sipp name ns scenario args...: sipp_start with a scenario of $D.
wan_sipp() {
	wan_n=$1 wan_ns=$2 wan_f=$3
	shift 3
	wan_scndir=$SCN
	SCN=$D
	sipp_start "$wan_n" "$wan_ns" "$wan_f" "$@"
	SCN=$wan_scndir
}

# wan_register scenario-in-D-or-SCN: the phone registers through the
# proxy; sets WAN_WHY (empty: ok).
wan_register() {
	fresh
	if [ "$1" = moved ]; then
		wan_sipp registrar "$WAN" wan-registrar.xml -i $PEER -p 5060
	else
		sipp_start registrar "$WAN" registrar.xml -i $PEER -p 5060
	fi
	if ! udp_bound "$WAN" $PEER 5060; then
		WAN_WHY="the registrar does not listen"
		return
	fi
	sipp_start phone "$LAN" phone-register.xml -i $PHONE -p 5060 \
	    -rsa $INSIDE:5060 $PEER:5060
	sipp_wait phone
	wan_prc=$?
	[ $wan_prc != 0 ] && kill -TERM "$PID_registrar" 2> /dev/null
	sipp_wait registrar
	wan_rrc=$?
	if [ $wan_rrc != 0 ]; then
		WAN_WHY="registrar: sipp exit $wan_rrc"
	elif [ $wan_prc != 0 ]; then
		WAN_WHY="phone: sipp exit $wan_prc"
	else
		WAN_WHY=
	fi
}

# wan_logged pattern: wait (up to 5 s) for it in the daemon's log.
wan_logged() {
	wan_i=0
	while [ $wan_i -lt 50 ]; do
		grep -q "$1" "$D/sipproxd.log" && return 0
		sleep 0.1
		wan_i=$((wan_i + 1))
	done
	return 1
}

wan_scn registrar.xml
wan_scn callee.xml
FW_OUTSIDE=out0
if ! fw_daemon_start; then
	for wan_c in $WAN_CASES; do
		fail "$wan_c" "sipproxd does not start in $FW with outside out0"
	done
else
	wan_register
	wan_before=$WAN_WHY
	ip netns exec "$FW" sysctl -qw net.ipv4.conf.out0.promote_secondaries=1
	ip -n "$FW" addr add $WAN_NEW/24 dev out0 &&
	    ip -n "$FW" addr del $OUTSIDE/24 dev out0

	# What the administrator sees.
	if [ -n "$wan_before" ]; then
		fail wan-moved-show "before the move: $wan_before"
	elif ! wan_logged "out0: address changed from $OUTSIDE to $WAN_NEW"; then
		fail wan-moved-show "no log line for the change"
	else
		sipctl -j show > "$D/sipctl.out" 2>&1
		wan_r=$(jq -r '"\(.outside) \(.outside_changed > 0)"' \
		    "$D/sipctl.out" 2> /dev/null)
		if [ "$wan_r" != "$WAN_NEW true" ]; then
			fail wan-moved-show "sipctl show says '$wan_r'"
		elif ! sipctl show | grep -q '^Outside changed: '; then
			fail wan-moved-show "sipctl show has no Outside changed"
		else
			pass wan-moved-show
		fi
	fi

	# The next REGISTER names the new address (the registrar checks).
	wan_register moved
	if [ -n "$WAN_WHY" ]; then
		fail wan-moved-register "$WAN_WHY"
	elif [ "$(learned registrar)" != "sip:alice@$WAN_NEW:5060" ]; then
		fail wan-moved-register "registrar learned '$(learned registrar)'"
	else
		pass wan-moved-register
	fi

	# The next call too: Via, Contact and c= (the callee checks).
	fresh
	wan_sipp callee "$WAN" wan-callee.xml -i $PEER -p 5060 -mi $PEER
	if ! udp_bound "$WAN" $PEER 5060; then
		fail wan-moved-call "the callee does not listen"
	else
		sipp_start phone "$LAN" phone-call.xml -i $PHONE -p 5060 \
		    -mi $PHONE -rsa $INSIDE:5060 $PEER:5060
		sipp_wait phone
		wan_prc=$?
		[ $wan_prc != 0 ] && kill -TERM "$PID_callee" 2> /dev/null
		sipp_wait callee
		wan_crc=$?
		if [ $wan_crc != 0 ]; then
			fail wan-moved-call "callee: sipp exit $wan_crc"
		elif [ $wan_prc != 0 ]; then
			fail wan-moved-call "phone: sipp exit $wan_prc"
		else
			pass wan-moved-call
		fi
	fi
fi
daemon_stop
ip -n "$FW" addr add $OUTSIDE/24 dev out0 2> /dev/null
ip -n "$FW" addr del $WAN_NEW/24 dev out0 2> /dev/null
