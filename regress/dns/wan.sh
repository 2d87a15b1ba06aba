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
# Dynamic DNS for `external address "name"`, sourced by run.sh before its
# sandbox case, with the daemon running. dnsd is started again with a
# TTL of 5 s, and wan.test's address changed under the daemon:
#
#   wan-dyndns         the REGISTER names the address wan.test has; once
#                      the name moved, the next REGISTER names the new one,
#                      and the log and sipctl show say that it changed
#   wan-dyndns-hostile a name answering 0.0.0.0, then 224.0.0.1: refused
#                      and logged, the last good address kept
#
# Every name here starts with wan_ or WAN_.

WAN_CASES="wan-dyndns wan-dyndns-hostile"
WAN_OLD=198.51.100.7 WAN_NEW=198.51.100.8

# wan_dnsd address: dnsd again, on the same address and port, with
# provider.test as before and wan.test at ADDRESS, for 5 s an answer.
wan_dnsd() {
	kill -TERM "$DNSD_PID" 2> /dev/null
	wait "$DNSD_PID" 2> /dev/null
	"$D/dnsd" -l $DNS -p "$DNSPORT" -t 5 \
	    -r "_sip._udp.provider.test SRV 10 10 5070 sip1.provider.test" \
	    -r "sip1.provider.test A $REGISTRAR" \
	    -r "wan.test A $1" >> "$QLOG" 2>&1 &
	DNSD_PID=$!
	wan_i=0
	while [ $wan_i -lt 50 ] && [ "$(grep -c '^ready' "$QLOG")" -lt "$2" ]
	do
		sleep 0.1
		wan_i=$((wan_i + 1))
	done
}

# wan_logged pattern: wait (up to 15 s: a TTL, a tick and a question
# with its retries) for it in the daemon's log.
wan_logged() {
	wan_i=0
	while [ $wan_i -lt 150 ]; do
		grep -q "$1" "$LOG" && return 0
		sleep 0.1
		wan_i=$((wan_i + 1))
	done
	bad "no \"$1\" in the log"
	return 1
}

# wan_register tag address: alice registers; the registrar (a copy of
# registrar.xml expecting ADDRESS for the outside) checks the wire.
wan_register() {
	wan_re=$(echo "$2" | sed 's/\./\\\\./g')
	sed "s/127\\\\.0\\\\.0\\\\.43:5060/$wan_re:5060/g" "$S/registrar.xml" \
	    > "$D/wan-$2.xml"
	wan_sdir=$SIPP_DIR
	SIPP_DIR=$D
	sipp_uas "$1.registrar" "wan-$2.xml" $REGISTRAR:5070 -key granted 600
	SIPP_DIR=$wan_sdir
	sipp_bg "$1.phone" phone_register.xml $PHONE $INSIDE:5060
	sipp_wait
}

# wan_dns_cases: the cases, with dnsd and the daemon running.
wan_dns_cases() {
	wan_ready=$(grep -c '^ready' "$QLOG")
	wan_dnsd $WAN_OLD $((wan_ready + 1))
	begin wan-dyndns
	write_conf 'outbound proxy "provider.test"
	external address "wan.test"'
	if reload && wan_logged "external address wan.test is $WAN_OLD"; then
		wan_register dyn1 $WAN_OLD
		wan_dnsd $WAN_NEW $((wan_ready + 2))
		wan_m="changed from $WAN_OLD to $WAN_NEW"
		if wan_logged "external address wan.test: $wan_m"; then
			"$SIPCTL" -j -s "$SOCK" show > "$D/wan-show.json" 2>&1
			wan_r=$(jq -r '"\(.external) \(.external_changed > 0)"' \
			    "$D/wan-show.json" 2> /dev/null)
			[ "$wan_r" = "$WAN_NEW true" ] ||
			    bad "sipctl show says $wan_r"
			wan_register dyn2 $WAN_NEW
		fi
	fi
	finish

	begin wan-dyndns-hostile
	for wan_bad in 0.0.0.0 224.0.0.1; do
		wan_ready=$(grep -c '^ready' "$QLOG")
		wan_dnsd $wan_bad $((wan_ready + 1))
		wan_logged "external address wan.test: $wan_bad refused" || break
	done
	"$SIPCTL" -j -s "$SOCK" show > "$D/wan-show.json" 2>&1
	wan_r=$(jq -r .external "$D/wan-show.json" 2> /dev/null)
	[ "$wan_r" = "$WAN_NEW" ] || bad "sipctl show says $wan_r"
	wan_register dyn3 $WAN_NEW
	write_conf 'outbound proxy "provider.test"'
	reload
	finish
}
