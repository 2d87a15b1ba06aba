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
# The cases of regress/sip/run.sh about a WAN address that moves (issue
# 14, item 3); sourced by it, after its helpers. Every name here starts
# with wan_ or WAN_.

WAN_CASES="wan_max_expires wan_max_expires_hostile wan_stun"
WAN_STUN=127.0.0.32 WAN_MAPPED=198.51.100.9

# wan_conf line: the running configuration plus LINE, without an
# outbound proxy an earlier case may have left (REGISTERs go to the
# registrar of their Request-URI); wan_conf_back restores it.
wan_conf() {
	cp "$CONF" "$T/wan.conf"
	{
		grep -v '^outbound proxy' "$T/wan.conf"
		echo "$1"
	} > "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload failed"
}
wan_conf_back() {
	cp "$T/wan.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null || bad "reload back failed"
}

# wan_cap granted hdrgranted: with `registration max expires 300`,
# alice registers asking for an hour (Expires) and half of it (Contact
# parameter); the registrar checks it was asked for 300 and grants
# GRANTED (HDRGRANTED in its Expires header); alice must be told 300 in
# both places, and sipctl must keep her for 300 at most.
wan_cap() {
	wan_conf 'registration max expires 300'
	sipp_uas "$CASE.registrar" wan_registrar.xml $REGISTRAR \
	    -key granted "$1" -key hdrgranted "$2"
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice -key exp 3600 -key cparam ";expires=1800"
	sipp_wait
	# What the phone received (it sent 3600 and 1800).
	wan_c='^Contact: <sip:alice@127\.0\.0\.10:5060>;expires=300[[:cntrl:]]*$'
	grep -q "$wan_c" "$T/$CASE.phone.msg" ||
	    bad "the phone was not granted 300 in its Contact" "$CASE.phone"
	grep -q '^Expires: 300[[:cntrl:]]*$' "$T/$CASE.phone.msg" ||
	    bad "the phone was not granted 300 in Expires" "$CASE.phone"
	# this phone's binding, whatever other cases left in the table
	expect registrations '[.registrations[] |
	    select(.contact == "sip:alice@127.0.0.10:5060")] | length == 1 and
	    .[0].expires > 200 and .[0].expires <= 300'
	wan_conf_back
}

# A registrar granting more than the cap: the phone is told the cap.
wan_max_expires() {
	wan_cap 3600 3600
}

# A hostile registrar granting a number larger than any in the Contact,
# the largest the Expires header may hold: still the cap.
wan_max_expires_hostile() {
	wan_cap 99999999999999999999999999 4294967295
}

# `external address stun`: regress/sip/stund.c at 127.0.0.32 answers as a
# NAT mapping us to 198.51.100.9, after three answers an attacker could
# send (another source, a truncated attribute, another transaction):
# those are counted and dropped, the good one is taken and logged, and
# alice's REGISTER names the mapped address (the registrar checks Via
# and Contact on the wire).
wan_stun() {
	if ! ${CC:-cc} -Wall -o "$T/stund" $S/stund.c > "$T/stund.cc" 2>&1
	then
		bad "stund does not build: $(head -n 3 "$T/stund.cc")"
		return
	fi
	"$T/stund" -l $WAN_STUN -m $WAN_MAPPED -x > "$T/stund.log" 2>&1 &
	wan_spid=$!
	wan_i=0
	while [ $wan_i -lt 50 ] && ! grep -q '^ready' "$T/stund.log"; do
		sleep 0.1
		wan_i=$((wan_i + 1))
	done
	wan_conf "external address stun \"$WAN_STUN\""
	wan_i=0
	while [ $wan_i -lt 50 ] && ! grep -q \
	    "external address $WAN_STUN is $WAN_MAPPED" "$LOG"; do
		sleep 0.1
		wan_i=$((wan_i + 1))
	done
	grep -q "external address $WAN_STUN is $WAN_MAPPED" "$LOG" ||
	    bad "no log line for the mapped address"
	expect stats '.sip.stun_answers == 1 and .sip.stun_unexpected >= 2
	    and .sip.stun_malformed >= 1'
	"$SIPCTL" -j -s "$SOCK" show > "$T/wan_show.json" 2>&1
	jq -e ".external == \"$WAN_MAPPED\"" "$T/wan_show.json" > /dev/null ||
	    bad "sipctl show: $(tr -d '\n' < "$T/wan_show.json")"
	sed "s/127\\\\.0\\\\.0\\\\.3:5060/198\\\\.51\\\\.100\\\\.9:5060/g" \
	    $S/registrar.xml > "$T/wan_registrar_stun.xml"
	SIPP_DIR=$T
	sipp_uas "$CASE.registrar" wan_registrar_stun.xml $REGISTRAR \
	    -key granted 120 -set cparam ""
	SIPP_DIR=$S
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $(phone_to $REGISTRAR) \
	    -s alice -key exp 120 -key cparam ""
	sipp_wait
	expect registrations "[.registrations[] |
	    select(.contact == \"sip:alice@127.0.0.10:5060\")] |
	    length == 1 and
	    .[0].masqueraded_contact == \"sip:alice@$WAN_MAPPED:5060\""
	kill -TERM $wan_spid 2> /dev/null
	wait $wan_spid 2> /dev/null
	wan_conf_back
}
