# `rtp relay no` across the firewall namespace; sourced by run.sh, which
# runs ro_netns once its cases with the relay are done (alice is
# registered then). sipproxd in fw is reloaded with "rtp relay no" and
# the caller in wan calls alice; the phone answers, as a STUN phone
# would, for fw's outside address and a port of the range that
# etc/sipproxd-norelay.nft forwards to it, and echoes the media.
#
#   netns-norelay-unforwarded  with fw's rules for the relay (no forward
#       of the range) the call is set up but the media cannot reach the
#       phone: the proof that the rules below are what carries it
#   netns-norelay  with etc/sipproxd-norelay.nft on fw, the caller's RTP
#       reaches the phone and its echo comes back, straight, no relay
#
# Each call uses media ports of its own, away from the ports the relay
# took before: a conntrack entry left by an earlier flow would carry the
# packets past the rules under test. Everything is prefixed ro_.

# shellcheck disable=SC2154 # PID_name, set by eval in sipp_start

ro_netns_cases="netns-norelay-unforwarded netns-norelay"
ro_nft=$PWD/etc/sipproxd-norelay.nft

# ro_rules file defines...: fw's rules, from an nft file of etc/.
ro_rules() {
	ro_f=$1
	shift
	ip netns exec "$FW" nft -D wan=out0 -D lan_net=10.77.1.0/24 \
	    -D sip_port=5060 "$@" -f "$ro_f"
}

# ro_opened: the streams the relay opened so far.
ro_opened() {
	sipctl -j show stats | jq '.rtp.streams_opened' 2> /dev/null
}

# ro_call port: a call from wan to alice, the phone echoing media on
# port. ro_why: why the call failed (empty: it did not); RTP_WHY: why the
# media did not come back (media_check); ro_relayed: what show calls
# said of it meanwhile.
ro_call() {
	fresh
	ro_why='' ro_relayed=''
	ro_contact=$(sipctl -j show registrations | jq -r '.registrations[] |
	    select(.aor == "sip:alice@192.0.2.20") | .masqueraded_contact' \
	    2> /dev/null)
	if [ -z "$ro_contact" ]; then
		ro_why="alice is not registered"
		return
	fi
	sipp_start phone "$LAN" relayoff-phone.xml -i $PHONE -p 5060 \
	    -mi $PHONE -mp "$1" -rtp_echo
	if ! udp_bound "$LAN" $PHONE 5060; then
		ro_why="the phone does not listen"
		return
	fi
	sipp_start caller "$WAN" caller.xml -i $PEER -p 5060 -mi $PEER \
	    -key ruri "$ro_contact" -key rtpport 7000 "${ro_contact#*@}"
	media_check
	ro_relayed=$(sipctl -j show calls | jq '[.calls[].relayed]' -c \
	    2> /dev/null)
	sipp_wait caller
	ro_crc=$?
	[ $ro_crc != 0 ] && kill -TERM "$PID_phone" 2> /dev/null
	sipp_wait phone
	ro_prc=$?
	if [ $ro_crc != 0 ]; then
		ro_why="caller: sipp exit $ro_crc"
	elif [ $ro_prc != 0 ]; then
		ro_why="phone: sipp exit $ro_prc"
	elif [ "$ro_relayed" != "[false]" ]; then
		ro_why="show calls: relayed $ro_relayed, want [false]"
	fi
}

ro_netns() {
	if [ -z "$DPID" ] || ! kill -0 "$DPID" 2> /dev/null; then
		for ro_c in $ro_netns_cases; do
			fail "$ro_c" "sipproxd is not running in $FW"
		done
		return
	fi
	cp "$D/sipproxd.conf" "$D/ro_relay.conf"
	echo "rtp relay no" >> "$D/sipproxd.conf"
	if ! sipctl reload > "$D/ro_reload.out" 2>&1; then
		for ro_c in $ro_netns_cases; do
			fail "$ro_c" "reload: $(cat "$D/ro_reload.out")"
		done
		return
	fi
	ro_before=$(ro_opened)

	# fw still has the rules for the relay
	ro_call 20060
	if [ -n "$ro_why" ]; then
		fail netns-norelay-unforwarded "$ro_why"
	elif [ -z "$RTP_WHY" ]; then
		fail netns-norelay-unforwarded \
		    "media reached the phone with no rule forwarding it"
	else
		pass netns-norelay-unforwarded
	fi

	if ! ro_rules "$ro_nft" -D phone=$PHONE -D phone_rtp=20050-20059; then
		fail netns-norelay "$ro_nft does not load"
	else
		ro_call 20050
		if [ -n "$ro_why" ]; then
			fail netns-norelay "$ro_why"
		elif [ -n "$RTP_WHY" ]; then
			fail netns-norelay "$RTP_WHY"
		elif [ "$(ro_opened)" != "$ro_before" ]; then
			fail netns-norelay "the relay opened streams"
		else
			pass netns-norelay
		fi
	fi

	# As the cases after these expect it: the relay and its rules.
	cp "$D/ro_relay.conf" "$D/sipproxd.conf"
	sipctl reload > /dev/null 2>&1 ||
	    fail netns-norelay "reload back to the relay failed"
	ro_rules "$NFT" -D rtp_ports=20000-20099 ||
	    fail netns-norelay "$NFT does not load again"
}
