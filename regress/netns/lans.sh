# The case of regress/netns/run.sh about several inside networks; sourced
# by it after its helpers (ln_netns is called once the other cases with
# sipproxd are done). A second lan namespace, 10.77.2.0/24, hangs off fw
# beside the first; sipproxd listens on both. A phone on each LAN calls
# bob in wan: the 200 each phone gets must offer the relay on its own
# LAN's address of fw, the relay must be bound there, and RTP sent there
# must come back from the callee's echo through the relay.

CASES="$CASES netns-two-lans"
LN_LAN2=spx-lan2-$$
LN_PHONE2=10.77.2.10 LN_INSIDE2=10.77.2.1

# ln_plumb: the second lan, joined to fw by its own veth pair.
ln_plumb() {
	ip netns add "$LN_LAN2" || return 1
	MADE="$MADE $LN_LAN2"
	ip -n "$LN_LAN2" link set lo up &&
	ip -n "$LN_LAN2" link add lan0 type veth peer name in1 netns "$FW" &&
	ip -n "$LN_LAN2" addr add $LN_PHONE2/24 dev lan0 &&
	ip -n "$FW" addr add $LN_INSIDE2/24 dev in1 &&
	ip -n "$LN_LAN2" link set lan0 up &&
	ip -n "$FW" link set in1 up &&
	ip -n "$LN_LAN2" route add default via $LN_INSIDE2
}

# ln_fw_start: sipproxd in fw with a listener on each LAN.
ln_fw_start() {
	rm -f "$D/ctl.sock" "$D/state"
	fw_daemon_start "listen on $LN_INSIDE2 port 5060 udp" &&
	    udp_bound "$FW" $LN_INSIDE2 5060
}

# ln_lan_call ns phone inside: the phone in ns calls through the listener
# inside; the verdict in LN_WHY (empty: ok).
ln_lan_call() {
	LN_WHY=
	fresh
	sipp_start lncallee "$WAN" callee.xml -i $PEER -p 5060 -mi $PEER \
	    -mp 8000 -rtp_echo
	if ! udp_bound "$WAN" $PEER 5060; then
		LN_WHY="the callee does not listen"
		kill -TERM "$PID_lncallee" 2> /dev/null
		sipp_wait lncallee
		return
	fi
	sipp_start lnphone "$1" ln_phone_call.xml -i "$2" -p 5060 \
	    -key rtpport 7000 -rsa "$3":5060 -d 3000 $PEER:5060
	i=0
	while [ $i -lt 100 ] && [ -z "$(learned lnphone)" ]; do
		kill -0 "$PID_lnphone" 2> /dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	# shellcheck disable=SC2046 # address and port, two words
	set -- "$@" $(learned lnphone)
	if [ "$4" != "$3" ]; then
		LN_WHY="the phone at $2 was offered media at '$4', not $3"
	elif ! udp_bound "$FW" "$3" "$5"; then
		LN_WHY="no relay port $5 bound on $3"
	elif [ -z "$RTPPROBE" ]; then
		LN_WHY="rtpprobe does not build"
	elif ! timeout -k 2 10 ip netns exec "$1" "$RTPPROBE" \
	    -b "$2":7000 -d "$3:$5" -n 20 -w 800 > "$D/rtpprobe.out" 2>&1; then
		LN_WHY="no echo through the relay at $3:$5"
	fi
	sipp_wait lnphone || LN_WHY="${LN_WHY:-phone: sipp exit $?}"
	[ -n "$LN_WHY" ] && kill -TERM "$PID_lncallee" 2> /dev/null
	sipp_wait lncallee || LN_WHY="${LN_WHY:-callee: sipp exit $?}"
}

ln_netns() {
	if ! ln_plumb; then
		fail netns-two-lans "cannot build the second lan"
		return
	fi
	if ! ln_fw_start; then
		fail netns-two-lans "sipproxd with two listeners does not start"
		daemon_stop
		return
	fi
	ln_lan_call "$LAN" $PHONE $INSIDE
	if [ -z "$LN_WHY" ]; then
		ln_lan_call "$LN_LAN2" $LN_PHONE2 $LN_INSIDE2
	fi
	if [ -z "$LN_WHY" ]; then
		pass netns-two-lans
	else
		fail netns-two-lans "$LN_WHY"
	fi
	daemon_stop
}
