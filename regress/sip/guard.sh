# The cases of regress/sip/run.sh about who may talk to the proxy and
# what a scanner learns: access rules (IPv4, IPv6, tables from a file,
# block return and drop), scanners and rate floods banned and unbanned,
# and a scan of the outside address. Sourced by run.sh, after its
# helpers. Requests are sent with sipprobe (a scanner in a few lines),
# which also listens where a request must not arrive.

# alice registered from the phone, whatever earlier cases left.
ALICE='[.registrations[] | select(.contact == "sip:alice@127.0.0.10:5060"
    and .expires > 100)] | length == 1'

GUARD_CASES="sip_acl_ipv4 sip_acl_return sip_acl_table sip_acl_ipv6
sip_ban_scanner sip_ban_rate sip_scan sip_user_agent"

# guard_conf "lines": the base configuration with these, reloaded.
guard_conf() {
	[ -f "$T/base.conf" ] || cp "$CONF" "$T/base.conf"
	{ cat "$T/base.conf"; printf '%s\n' "$1"; } > "$CONF"
	guard_reload
}

guard_base() {
	cp "$T/base.conf" "$CONF"
	"$SIPCTL" -s "$SOCK" reload > /dev/null 2>&1 || bad "reload back failed"
}

# guard_other_start conf sock log: a second daemon; sipctl (SOCK) talks
# to it until guard_other_stop, DPID stays the first one's; 1 when it
# does not start.
guard_other_start() {
	if ! aside_start "$1" "$2" "$3"; then
		bad "the daemon of $1 does not start"
		return 1
	fi
	OPID=$ASIDE_PID OLOG=$3 OSOCK=$SOCK SOCK=$2
}

guard_other_stop() {
	SOCK=$OSOCK
	aside_stop "$OPID" "$OLOG" "the second daemon"
}

# guard_reload: the configuration of the daemon sipctl talks to, again.
guard_reload() {
	"$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1 ||
	    bad "reload: $(cat "$T/reload.out")"
}

# guard_probe_msg file source method request-uri to-uri [user-agent]: a
# request as a scanner writes it, for sipprobe (@N@: its number). The
# source is an address, port 5060, or [address]:port.
guard_probe_msg() {
	case $2 in
	\[*\]:*)	hp=$2 ;;
	*)		hp=$2:5060 ;;
	esac
	{
	printf '%s %s SIP/2.0\n' "$3" "$4"
	printf 'Via: SIP/2.0/UDP %s;branch=z9hG4bK-probe-@N@;rport\n' "$hp"
	printf 'Max-Forwards: 70\n'
	printf 'From: "100" <sip:100@%s>;tag=probe@N@\n' "${hp%:*}"
	printf 'To: <%s>\n' "$5"
	printf 'Call-ID: probe-@N@-%s-%s\n' "$3" "$$"
	printf 'CSeq: 1 %s\n' "$3"
	printf 'Contact: <sip:100@%s>\n' "$hp"
	[ -n "$6" ] && printf 'User-Agent: %s\n' "$6"
	printf 'Accept: application/sdp\n'
	printf 'Content-Length: 0\n\n'
	} > "$T/$1"
}

# guard_counter path: a counter of show stats (.sip.PATH), as a number.
guard_counter() {
	"$SIPCTL" -j -s "$SOCK" show stats 2> /dev/null | jq ".sip.$1"
}

# guard_answered file: sipprobe's output holds an answer.
guard_answered() {
	grep -q '^<<< from' "$1"
}

# guard_probe tag source destination [sipprobe arguments] file...: send, the
# answers in $T/tag.out.
guard_probe() {
	tag=$1 src=$2 dst=$3
	shift 3
	"$SIPPROBE" -b "$src" -d "$dst" -w 700 "$@" > "$T/$tag.out" 2>&1 ||
	    bad "sipprobe $tag: $(tail -n 1 "$T/$tag.out")"
}

# Only 127.0.0.10 (the phone) of the inside, 127.0.0.21 (the peer) of
# the outside may talk to us: a REGISTER from 127.0.0.11 and an INVITE
# from 127.0.0.22 for alice are dropped without an answer and go no
# further, while alice registers and is called from 127.0.0.21. Then
# the rules reversed by a reload: 127.0.0.11 passes, 127.0.0.10 not.
sip_acl_ipv4() {
	guard_conf "deny sip from 127.0.0.0/8
allow sip from { 127.0.0.10, 127.0.0.21 }"
	register 120 3600
	expect registrations "$ALICE"
	denied=$(guard_counter acl_denied)
	regout=$(guard_counter requests.REGISTER.out)
	invout=$(guard_counter requests.INVITE.out)
	guard_probe_msg reg.sip 127.0.0.11 REGISTER "sip:$REGISTRAR" \
	    "sip:bob@$REGISTRAR"
	guard_probe "$CASE.reg" 127.0.0.11 $INSIDE:5060 "$T/reg.sip"
	guard_probe_msg inv.sip 127.0.0.22 INVITE "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	guard_probe "$CASE.inv" 127.0.0.22 $OUTSIDE:5060 "$T/inv.sip"
	guard_answered "$T/$CASE.reg.out" && bad "the denied REGISTER was answered"
	guard_answered "$T/$CASE.inv.out" && bad "the denied INVITE was answered"
	expect stats '.sip.acl_denied == $n + 2 and
	    .sip.requests.REGISTER.out == $r and .sip.requests.INVITE.out == $i' \
	    --argjson n "$denied" --argjson r "$regout" --argjson i "$invout"
	sipp_uas "$CASE.phone" in_phone.xml $PHONE
	sipp_bg "$CASE.caller" in_caller.xml $PEER $OUTSIDE:5060 \
	    -s alice -d 500
	sipp_wait
	expect calls "$NOCALL"
	# Reversed: the last matching rule decides.
	guard_conf "allow sip from { 127.0.0.10, 127.0.0.11 }
deny sip from 127.0.0.10"
	regout=$(guard_counter requests.REGISTER.out)
	guard_probe "$CASE.reg2" 127.0.0.11 $INSIDE:5060 "$T/reg.sip"
	expect stats '.sip.requests.REGISTER.out == $r + 1' \
	    --argjson r "$regout"
	guard_probe "$CASE.reg3" $PHONE $INSIDE:5060 "$T/reg.sip"
	expect stats '.sip.requests.REGISTER.out == $r + 1 and
	    .sip.acl_denied == $n + 3' --argjson r "$regout" \
	    --argjson n "$denied"
	guard_base
}

# block return: the denied get 403 Forbidden, inside and outside; and
# allow register lets only its sources register, other requests pass.
sip_acl_return() {
	guard_conf "block return
allow register from 127.0.0.10
deny sip from 127.0.0.22"
	guard_probe_msg reg.sip 127.0.0.11 REGISTER "sip:$REGISTRAR" \
	    "sip:bob@$REGISTRAR"
	guard_probe "$CASE.reg" 127.0.0.11 $INSIDE:5060 "$T/reg.sip"
	grep -q '^SIP/2.0 403 Forbidden' "$T/$CASE.reg.out" ||
	    bad "REGISTER from 127.0.0.11: no 403"
	guard_probe_msg inv.sip 127.0.0.22 INVITE "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	guard_probe "$CASE.inv" 127.0.0.22 $OUTSIDE:5060 "$T/inv.sip"
	grep -q '^SIP/2.0 403 Forbidden' "$T/$CASE.inv.out" ||
	    bad "INVITE from 127.0.0.22: no 403"
	optout=$(guard_counter requests.OPTIONS.out)
	guard_probe_msg opt.sip 127.0.0.11 OPTIONS "sip:x@$PEER" "sip:x@$PEER"
	guard_probe "$CASE.opt" 127.0.0.11 $INSIDE:5060 "$T/opt.sip"
	expect stats '.sip.requests.OPTIONS.out == $o + 1' \
	    --argjson o "$optout"
	register 120 3600
	expect registrations "$ALICE"
	guard_base
}

# A table from a file, in a daemon of its own (the parent may read only
# the files it read at start-up): 127.0.0.11 listed, its OPTIONS
# dropped, 127.0.0.12's passed; the file changed and reloaded, the
# other way round.
sip_acl_table() {
	conf4=$T/table.conf sock4=$T/table.sock
	printf '127.0.0.11\n# a comment\n\n192.0.2.0/24\n' > "$T/blocked"
	cat > "$conf4" <<EOC
listen on 127.0.0.4 port 5060 udp
outside 127.0.0.5
rtp ports 20200 to 20299
table <blocked> file "$T/blocked"
deny sip from <blocked>
EOC
	guard_other_start "$conf4" "$sock4" "$T/table.log" || return
	guard_probe_msg opt11.sip 127.0.0.11 OPTIONS "sip:x@$PEER" "sip:x@$PEER"
	guard_probe_msg opt12.sip 127.0.0.12 OPTIONS "sip:x@$PEER" "sip:x@$PEER"
	guard_probe "$CASE.11" 127.0.0.11 127.0.0.4:5060 "$T/opt11.sip"
	guard_probe "$CASE.12" 127.0.0.12 127.0.0.4:5060 "$T/opt12.sip"
	expect stats '.sip.acl_denied == 1 and .sip.requests.OPTIONS.out == 1'
	printf '127.0.0.12\n' > "$T/blocked"
	guard_reload
	guard_probe "$CASE.11b" 127.0.0.11 127.0.0.4:5060 "$T/opt11.sip"
	guard_probe "$CASE.12b" 127.0.0.12 127.0.0.4:5060 "$T/opt12.sip"
	expect stats '.sip.acl_denied == 2 and .sip.requests.OPTIONS.out == 2'
	# A file that no longer parses: the reload fails, the rules stay.
	printf '127.0.0.300\n' > "$T/blocked"
	if "$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1; then
		bad "a reload with a bad table file succeeded"
	elif ! grep -q "blocked:1: 127.0.0.300: not an address" \
	    "$T/reload.out"; then
		bad "reload error: $(cat "$T/reload.out")"
	fi
	guard_probe "$CASE.12c" 127.0.0.12 127.0.0.4:5060 "$T/opt12.sip"
	expect stats '.sip.acl_denied == 3'
	guard_other_stop
}

# IPv6, on a daemon of ::1: `allow register from fd00::/8` keeps the
# phone on ::1 from registering (no answer, nothing at the registrar),
# `allow register from ::/120` lets it; `deny sip from ::1` drops its
# OPTIONS, `allow sip from ::1/128` after it lets them through.
sip_acl_ipv6() {
	conf6=$T/acl6.conf sock6=$T/acl6.sock
	cat > "$conf6.base" <<EOC
listen on ::1 port 5060 udp
outside ::1 port 5062
rtp ports 20300 to 20399
EOC
	{ cat "$conf6.base"; echo "allow register from fd00::/8"; } > "$conf6"
	guard_other_start "$conf6" "$sock6" "$T/acl6.log" || return
	guard_probe_msg reg6.sip "[::1]:5070" REGISTER "sip:[::1]:5080" \
	    "sip:alice@[::1]"
	"$SIPPROBE" -b "[::1]:5080" -w 1500 > "$T/$CASE.registrar" 2>&1 &
	lpid=$!
	sleep 0.2
	guard_probe "$CASE.reg" "[::1]:5070" "[::1]:5060" "$T/reg6.sip"
	wait $lpid
	guard_answered "$T/$CASE.reg.out" && bad "the denied REGISTER was answered"
	guard_answered "$T/$CASE.registrar" && bad "the denied REGISTER was relayed"
	expect stats '.sip.acl_denied == 1'
	{ cat "$conf6.base"; echo "allow register from ::/120"; } > "$conf6"
	guard_reload
	"$SIPPROBE" -b "[::1]:5080" -w 1500 > "$T/$CASE.registrar" 2>&1 &
	lpid=$!
	sleep 0.2
	guard_probe "$CASE.reg2" "[::1]:5070" "[::1]:5060" "$T/reg6.sip"
	wait $lpid
	grep -q '^REGISTER sip:\[::1\]:5080' "$T/$CASE.registrar" ||
	    bad "the allowed REGISTER did not reach the registrar"
	{ cat "$conf6.base"; echo "deny sip from ::1"; } > "$conf6"
	guard_reload
	guard_probe_msg opt6.sip "[::1]:5070" OPTIONS "sip:x@[::1]:5090" "sip:x@[::1]"
	guard_probe "$CASE.opt" "[::1]:5070" "[::1]:5060" "$T/opt6.sip"
	expect stats '.sip.acl_denied == 2 and .sip.requests.OPTIONS.out == 0'
	{ cat "$conf6.base"; echo "deny sip from ::1"
	    echo "allow sip from ::1/128"; } > "$conf6"
	guard_reload
	guard_probe "$CASE.opt2" "[::1]:5070" "[::1]:5060" "$T/opt6.sip"
	expect stats '.sip.acl_denied == 2 and .sip.requests.OPTIONS.out == 1'
	guard_other_stop
}

# sipvicious from 127.0.0.23: OPTIONS, REGISTER and INVITE probes with
# its User-Agent. The first is dropped and bans the source; the rest are
# dropped unread. `sipctl show bans` lists it (text and JSON); alice is
# called from 127.0.0.21 meanwhile; `sipctl unban` lifts the ban and an
# OPTIONS from 127.0.0.23 reaches alice.
sip_ban_scanner() {
	guard_conf "ban time 600"
	register 120 3600
	banned=$(guard_counter banned)
	for m in OPTIONS REGISTER INVITE; do
		guard_probe_msg "scan.$m" 127.0.0.23 $m "sip:100@$OUTSIDE" \
		    "sip:100@$OUTSIDE" "friendly-scanner"
	done
	guard_probe "$CASE.scan" 127.0.0.23 $OUTSIDE:5060 -n 20 -i 1000 \
	    "$T/scan.OPTIONS" \
	    "$T/scan.REGISTER" "$T/scan.INVITE"
	guard_answered "$T/$CASE.scan.out" && bad "the scanner got an answer"
	expect bans '.bans | length == 1 and (.[0] | .source == "127.0.0.23"
	    and .reason == "scanner" and .remaining > 590 and
	    .dropped == 59)'
	expect stats '.sip.banned == $b + 59' --argjson b "$banned"
	"$SIPCTL" -s "$SOCK" show bans > "$T/bans.txt" 2>&1
	grep -Eq '^127\.0\.0\.23 +scanner +[0-9:]+ +00:(09:[0-9]{2}|10:00) +59$' \
	    "$T/bans.txt" || bad "show bans: $(cat "$T/bans.txt")"
	sipp_uas "$CASE.phone" in_phone.xml $PHONE
	sipp_bg "$CASE.caller" in_caller.xml $PEER $OUTSIDE:5060 \
	    -s alice -d 200
	sipp_wait
	"$SIPCTL" -s "$SOCK" unban 127.0.0.23 > "$T/unban.out" 2>&1 ||
	    bad "unban: $(cat "$T/unban.out")"
	expect bans '.bans | length == 0'
	"$SIPCTL" -s "$SOCK" unban 127.0.0.23 > "$T/unban.out" 2>&1 &&
	    bad "unban of a source not banned succeeded"
	grep -q "127.0.0.23: not banned" "$T/unban.out" ||
	    bad "unban again: $(cat "$T/unban.out")"
	"$SIPPROBE" -b $PHONE:5060 -w 1500 > "$T/$CASE.alice" 2>&1 &
	apid=$!
	sleep 0.2
	guard_probe_msg alice 127.0.0.23 OPTIONS "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	guard_probe "$CASE.again" 127.0.0.23 $OUTSIDE:5060 "$T/alice"
	wait $apid
	grep -q "^OPTIONS sip:alice@$PHONE" "$T/$CASE.alice" ||
	    bad "after unban, the OPTIONS for alice did not reach her"
	guard_base
}

# A flood of 300 OPTIONS for alice from 127.0.0.28, with `limit requests
# per second 20`: the first 20 (the burst) reach alice, then the source
# is banned and the rest dropped; a source beside it is served; unban
# and the next OPTIONS goes through again.
sip_ban_rate() {
	guard_conf "limit requests per second 20
ban time 60"
	register 120 3600
	optout=$(guard_counter requests.OPTIONS.out)
	limited=$(guard_counter rate_limited)
	guard_probe_msg opt28.sip 127.0.0.28 OPTIONS "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	logged=$(wc -l < "$LOG")
	guard_probe "$CASE.flood" 127.0.0.28 $OUTSIDE:5060 -n 300 -i 1000 \
	    "$T/opt28.sip"
	expect stats '.sip.requests.OPTIONS.out >= $o + 20 and
	    .sip.requests.OPTIONS.out <= $o + 22 and
	    .sip.rate_limited == $l + 1' --argjson o "$optout" \
	    --argjson l "$limited"
	expect bans '.bans | length == 1 and (.[0] | .source == "127.0.0.28"
	    and .reason == "rate" and .remaining <= 60 and .dropped >= 277)'
	# 280 refusals in a third of a second: a log line a second at most.
	lines=$(tail -n +$((logged + 1)) "$LOG" | grep -c '127\.0\.0\.28: ')
	[ "$lines" -ge 1 ] && [ "$lines" -le 3 ] ||
	    bad "$lines log lines about 127.0.0.28"
	optout=$(guard_counter requests.OPTIONS.out)
	guard_probe_msg opt25.sip 127.0.0.25 OPTIONS "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	guard_probe "$CASE.other" 127.0.0.25 $OUTSIDE:5060 -n 5 "$T/opt25.sip"
	expect stats '.sip.requests.OPTIONS.out == $o + 5' \
	    --argjson o "$optout"
	"$SIPCTL" -s "$SOCK" unban 127.0.0.28 > "$T/unban.out" 2>&1 ||
	    bad "unban: $(cat "$T/unban.out")"
	guard_probe "$CASE.again" 127.0.0.28 $OUTSIDE:5060 -n 5 "$T/opt28.sip"
	expect stats '.sip.requests.OPTIONS.out == $o + 10' \
	    --argjson o "$optout"
	expect bans '.bans | length == 0'
	guard_base
}

# What a SIP scanner at 127.0.0.26 sees of the outside address, with
# the default configuration: OPTIONS, REGISTER and INVITE to users that
# are not registered, an INVITE and a REGISTER for hosts elsewhere (an
# open relay would pass them on), a BYE of no call, a message that does
# not parse. Nothing answers, nothing reaches the hosts elsewhere
# (127.0.0.27 listens); an OPTIONS for alice, registered, reaches her.
# Then with `stealth no` the same probes get answers, none with a
# version or a Server or User-Agent header.
sip_scan() {
	register 120 3600
	scan_src=127.0.0.26 victim=127.0.0.27
	guard_probe_msg p1 $scan_src OPTIONS "sip:$OUTSIDE" "sip:$OUTSIDE"
	guard_probe_msg p2 $scan_src OPTIONS "sip:100@$OUTSIDE" "sip:100@$OUTSIDE"
	guard_probe_msg p3 $scan_src REGISTER "sip:$OUTSIDE" "sip:100@$OUTSIDE"
	guard_probe_msg p4 $scan_src INVITE "sip:1000@$OUTSIDE" "sip:1000@$OUTSIDE"
	guard_probe_msg p5 $scan_src INVITE "sip:victim@$victim" "sip:victim@$victim"
	guard_probe_msg p6 $scan_src REGISTER "sip:$victim" "sip:100@$victim"
	guard_probe_msg p7 $scan_src INVITE "sip:+15551234@example.com" \
	    "sip:+15551234@example.com"
	guard_probe_msg p8 $scan_src BYE "sip:100@$OUTSIDE" "sip:100@$OUTSIDE"
	sed -i 's/^To: .*/&;tag=x/' "$T/p8"
	printf 'INVITE sip:1@%s SIP/2.0\nVia: nonsense\n\n' $OUTSIDE > "$T/p9"
	probes="$T/p1 $T/p2 $T/p3 $T/p4 $T/p5 $T/p6 $T/p7 $T/p8 $T/p9"
	"$SIPPROBE" -b $victim:5060 -w 2500 > "$T/$CASE.victim" 2>&1 &
	vpid=$!
	"$SIPPROBE" -b $PHONE:5060 -w 2500 > "$T/$CASE.alice" 2>&1 &
	apid=$!
	sleep 0.2
	# shellcheck disable=SC2086
	guard_probe "$CASE.scan" $scan_src:5060 $OUTSIDE:5060 $probes
	guard_probe_msg alice $scan_src OPTIONS "sip:alice@$OUTSIDE" \
	    "sip:alice@$OUTSIDE"
	guard_probe "$CASE.alice" $scan_src:5060 $OUTSIDE:5060 "$T/alice"
	wait $vpid $apid
	echo "    $CASE: what the scanner saw, stealth yes:"
	for p in $probes; do
		echo "      > $(head -n 1 "$p")"
	done
	if guard_answered "$T/$CASE.scan.out"; then
		bad "answers to the scan"
		sed 's/^/      < /' "$T/$CASE.scan.out"
	else
		echo "      < nothing"
	fi
	guard_answered "$T/$CASE.victim" && bad "a probe was relayed to $victim"
	grep -q "^OPTIONS sip:alice@$PHONE" "$T/$CASE.alice" ||
	    bad "the OPTIONS for alice did not reach her"
	guard_conf "stealth no"
	# shellcheck disable=SC2086
	guard_probe "$CASE.open" $scan_src:5060 $OUTSIDE:5060 $probes
	echo "    $CASE: what the scanner saw, stealth no:"
	grep '^SIP/2.0' "$T/$CASE.open.out" | sed 's/^/      < /'
	[ "$(grep -c '^SIP/2.0 ' "$T/$CASE.open.out")" -ge 7 ] ||
	    bad "stealth no: fewer answers than probes"
	grep -Eqi '^(Server|User-Agent):|sipproxd' "$T/$CASE.open.out" &&
	    bad "an answer names the software"
	guard_base
}

# user-agent "Acme SIP": a phone's REGISTER reaches the registrar with
# that, not the phone's own; show registrations keeps the phone's.
sip_user_agent() {
	guard_conf 'user-agent "Acme SIP"'
	guard_probe_msg ua.sip $PHONE REGISTER "sip:$REGISTRAR" \
	    "sip:carol@$REGISTRAR" \
	    "Grandstream GXP2160 1.0.11.23"
	"$SIPPROBE" -b $REGISTRAR:5060 -w 1500 > "$T/$CASE.registrar" 2>&1 &
	lpid=$!
	sleep 0.2
	guard_probe "$CASE.phone" $PHONE:5060 $INSIDE:5060 "$T/ua.sip"
	wait $lpid
	grep -q '^User-Agent: Acme SIP' "$T/$CASE.registrar" ||
	    bad "the registrar did not get User-Agent: Acme SIP"
	grep -q 'Grandstream' "$T/$CASE.registrar" &&
	    bad "the phone's User-Agent went out"
	guard_base
}
