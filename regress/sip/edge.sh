# The cases of regress/sip/run.sh about a hostile outside and odd
# registrations; sourced by it, after its helpers.

EDGE_CASES="sip_flood sip_offer_limit sip_register_contact sip_ipv6_register"

# One outside address floods bob with calls that ring (60 offering a
# stream each, so more than the relay's 50 port pairs), a second one with
# 40 offering none; meanwhile alice calls out and is called from a third
# outside address, and both calls connect. The first flood must stop at
# `limit streams per source` (by default 25, half the pool), the second
# at `limit calls per source` (32), the rest answered 503.
sip_flood() {
	register 120 3600
	sipp_uas "$CASE.registrar" edge_registrar.xml $REGISTRAR
	sipp_bg "$CASE.bobreg" edge_reg.xml 127.0.0.12 \
	    $(phone_to $REGISTRAR) -s bob -key domain $REGISTRAR \
	    -key contact "<sip:bob@127.0.0.12:5060>"
	sipp_wait
	sipp_uas "$CASE.bob" flood_phone.xml 127.0.0.12 -m 57 -d 9000
	sipp_bg "$CASE.flood1" flood_caller.xml 127.0.0.23 $OUTSIDE:5060 \
	    -s bob -m 60 -r 100 -l 100 -key mport 7000 -timeout 25s
	sipp_bg "$CASE.flood2" flood_caller.xml 127.0.0.24 $OUTSIDE:5060 \
	    -s bob -m 40 -r 100 -l 100 -key mport 0 -timeout 25s
	expect stats '.sip.limit_streams == 35 and .sip.limit_calls == 8'
	expect calls '.calls | length == 57'

	sipp_uas "$CASE.callee" out_callee.xml $PEER
	sipp_bg "$CASE.out" out_phone.xml $PHONE $(phone_to $PEER) \
	    -s bob -d 1000
	sipp_wait_only "$CASE.callee" "$CASE.out"
	sipp_uas "$CASE.phone" in_phone.xml $PHONE
	sipp_bg "$CASE.caller" in_caller.xml $PEER $OUTSIDE:5060 \
	    -s alice -d 1000
	sipp_wait_only "$CASE.phone" "$CASE.caller"

	sipp_wait
	expect calls "$NOCALL"
	expect rtp "$NORTP"
	# 43 refusals within a second or two: a line a second at most.
	lines=$(grep -c 'refused: too many' "$LOG")
	[ "$lines" -ge 1 ] && [ "$lines" -le 5 ] ||
	    bad "$lines log lines for 43 refusals"
}

# Five streams offered, from outside and from a phone: 488 both times.
sip_offer_limit() {
	register 120 3600
	sipp_bg "$CASE.outside" offer_many.xml $PEER $OUTSIDE:5060 -s alice
	sipp_bg "$CASE.inside" offer_many.xml 127.0.0.11 \
	    $(phone_to $PEER) -s bob
	sipp_wait
	expect stats '.sip.limit_media == 2'
	expect calls "$NOCALL"
	expect rtp "$NORTP"
}

# A REGISTER whose Contact we cannot route back to the phone is refused:
# our own addresses (inside, outside, on any port), loopback other than
# the phone's, tel:, sips:; a malformed one is 400. The phone's own
# address on another port is fine.
sip_register_contact() {
	nc=0
	for c in "<sip:alice@$INSIDE:5060>" "<sip:alice@$OUTSIDE:5060>" \
	    "<sip:alice@$OUTSIDE:7000>" "<sip:alice@127.0.0.1:5060>" \
	    "<sip:alice@[::1]:5060>" "<tel:+15551234>" \
	    "<sips:alice@$PHONE:5061>" "<sip:alice@0.0.0.0>"; do
		nc=$((nc + 1))
		sipp_bg "$CASE.$nc" edge_reg403.xml $PHONE \
		    $(phone_to $REGISTRAR) -s alice -key domain $REGISTRAR \
		    -key contact "$c"
		sipp_wait
	done
	sipp_bg "$CASE.bad" edge_reg400.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice -key domain $REGISTRAR -key contact "<sip:alice@[::1>"
	sipp_wait
	# Earlier cases may have left alice's usual contact registered.
	expect registrations '[.registrations[] |
	    select(.aor == "sip:alice@127.0.0.20" and
	    .contact != "sip:alice@127.0.0.10:5060")] | length == 0'
	expect stats ".sip.refused_contacts == $nc"
	sipp_uas "$CASE.registrar" edge_registrar.xml $REGISTRAR
	sipp_bg "$CASE.ok" edge_reg.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice -key domain $REGISTRAR \
	    -key contact "<sip:alice@$PHONE:5062>"
	sipp_wait
	expect registrations '[.registrations[] |
	    select(.contact == "sip:alice@127.0.0.10:5062")] | length == 1'
}

# A phone on ::1 registers through a second daemon whose inside and
# outside are on ::1: the address of record and the contacts are shown
# with the IPv6 host in brackets, and so saved.
sip_ipv6_register() {
	conf6=$T/v6.conf sock6=$T/v6.sock
	cat > "$conf6" <<EOC
listen on ::1 port 5060 udp
outside ::1 port 5062
rtp ports 20100 to 20199
registration state "$T/v6.state"
EOC
	dpid=$DPID
	if ! daemon_start "$conf6" "$sock6" "$T/v6.log"; then
		DPID=$dpid
		bad "the IPv6 daemon does not start"
		return
	fi
	dpid6=$DPID DPID=$dpid
	sipp_uas "$CASE.registrar" edge_registrar.xml "::1:5080"
	sipp_bg "$CASE.phone" edge_reg.xml "::1:5070" "[::1]:5080" \
	    -rsa "[::1]:5060" -s alice -key domain "[::1]" \
	    -key contact "<sip:alice@[::1]:5070>"
	sipp_wait
	sock=$SOCK SOCK=$sock6
	expect registrations '.registrations | length == 1 and (.[0] |
	    .aor == "sip:alice@[::1]" and
	    .contact == "sip:alice@[::1]:5070" and
	    .masqueraded_contact == "sip:alice@[::1]:5062" and
	    .source == "[::1]:5070")'
	SOCK=$sock
	w=0
	while [ $w -lt 30 ] && ! grep -qF 'sip:alice@[::1]' "$T/v6.state" \
	    2> /dev/null; do
		sleep 0.2
		w=$((w + 1))
	done
	grep -qF 'sip:alice@[::1]' "$T/v6.state" ||
	    bad "the state file has no sip:alice@[::1]"
	kill -TERM "$dpid6"
	daemon_wait_exit "$dpid6"
}
