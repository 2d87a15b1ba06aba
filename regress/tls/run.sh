#!/bin/sh
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
# SIP over TLS through the real daemon on loopback. Debian's sipp has no
# TLS: it speaks TCP (-t t1) to tlspipe, which speaks TLS to sipproxd
# (client mode, verifying sipproxd's certificate) or takes TLS from it
# (server mode, a provider or callee with a certificate). The CA and the
# certificates are made fresh with openssl (certs.sh). Phones on TLS and
# on UDP register and call through sipproxd to peers on TLS and UDP; a
# server whose certificate the CA did not sign, or that names another
# host, is refused with a log line saying why and the request answered
# 503; a client that speaks no TLS or nothing at all is dropped; a sips:
# target is reached over TLS or not at all. Prints ok, FAIL or skipped
# per case.
#
# Environment: BUILD (holds sipproxd/sipproxd and sipctl/sipctl), TMPDIR,
# TLS_CASES (the cases to run, default all).

. regress/daemon/lib.sh
. regress/daemon/sipp.sh
. regress/tls/certs.sh

S=regress/tls
INSIDE=127.0.0.2
OUTSIDE=127.0.0.3
PHONE=127.0.0.10
REGISTRAR=127.0.0.20
PEER=127.0.0.21

CASES="tls_register_udp_to_tls tls_register_tls_to_udp tls_call_udp_to_tls
tls_call_tls_to_tls tls_call_in tls_sips tls_sips_no_downgrade
tls_unknown_ca tls_wrong_name tls_plaintext tls_silent tls_reload"
# TLS_CASES="a b": only those.
CASES=${TLS_CASES:-$CASES}

needs_root $CASES

T=$(mktemp -d "${TMPDIR:-/tmp}/tlst.XXXXXX") || exit 1
chmod 755 "$T"
CONF=$T/sipproxd.conf SOCK=$T/ctl.sock LOG=$T/daemon.log
SIPP_DIR=$S SIPP_LOGS=$T SIPP_FLAGS=
PIPES=		# tlspipe pids
FAILED=0

cleanup() {
	sipp_kill
	pipes_stop
	daemon_stop
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# pipe tag tlspipe-arguments: one tlspipe in the background, its stderr
# in pipe.tag.log; waits (bounded) until it listens.
pipe() {
	tag=$1
	shift
	"$TLSPIPE" "$@" 2> "$T/pipe.$tag.log" &
	PIPES="$PIPES $!"
	sleep 0.2
}

case_end() {
	pipes_stop
}
case_logs() {
	for p in "$T"/pipe.*.log; do
		[ -s "$p" ] || continue
		echo "    --- ${p##*/}"
		tail -n 5 "$p" | sed 's/^/    /'
	done
}
pipes_stop() {
	for p in $PIPES; do
		kill -TERM "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	PIPES=
}

# tls_server tag addr [cert [port]]: a provider or callee on TLS,
# tlspipe at addr:port (5061) with cert (peer.crt, the test CA's), in
# front of a sipp on TCP at addr:5060.
tls_server() {
	pipe "$1" -c "$T/certs/${3:-peer}.crt" -k "$T/certs/${3:-peer}.key" \
	    -l "$2:${4:-5061}" -r "$2:5060"
}

# reg user [jq condition]: one registration of user's address of
# record, and it meets the condition.
reg() {
	echo "[.registrations[] | select(.aor == \"sip:$1@127.0.0.20\")] |
	    length == 1 and (.[0] | ${2:-true})"
}

# stat name: a connection counter of sipctl show stats.
stat() {
	"$SIPCTL" -j -s "$SOCK" show stats 2> /dev/null |
	    jq ".sip.connections.$1" 2> /dev/null
}

# A phone on UDP registers with a registrar reached over TLS (the
# Request-URI says so): the registrar sees our outside's TLS Via and a
# Contact with transport=tls; the phone gets its 200 over UDP.
tls_register_udp_to_tls() {
	sipp_uas "$CASE.registrar" registrar.xml $REGISTRAR -t t1 \
	    -set tr TLS
	tls_server registrar $REGISTRAR
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $INSIDE:5060 -s alice \
	    -key ruri "sip:$REGISTRAR:5061;transport=tls" -key vtr UDP \
	    -key cparam ""
	sipp_wait
	expect registrations "$(reg alice '.masqueraded_contact ==
	    "sip:alice@127.0.0.3:5061;transport=tls"')"
}

# A phone on TLS (sipp on TCP through tlspipe, which verifies our
# certificate) registers with a registrar on UDP.
tls_register_tls_to_udp() {
	sipp_uas "$CASE.registrar" registrar.xml $REGISTRAR -set tr UDP
	tls_phone
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $PHONE:5070 -t t1 -s bob \
	    -key ruri "sip:$REGISTRAR" -key vtr TLS \
	    -key cparam ";transport=tls"
	sipp_wait
	expect registrations "$(reg bob)"
	grep -q "handshake with $INSIDE:5061: TLSv1" "$T/pipe.phone.log" ||
	    bad "the phone's tlspipe did not verify sipproxd"
}

# tls_phone: the phone's tlspipe, from the phone's address to our
# inside TLS listener, verifying us by the test CA.
tls_phone() {
	pipe phone -C "$T/certs/ca.crt" -l $PHONE:5070 -r $INSIDE:5061 \
	    -b $PHONE
}

# call phone-transport: the phone calls bob, a callee on TLS; the call
# is up in sipctl while it lasts, gone after.
call() {
	sipp_uas "$CASE.callee" callee.xml $PEER -t t1 -set tr TLS
	tls_server callee $PEER
	if [ "$1" = tls ]; then
		tls_phone
		sipp_bg "$CASE.phone" call_phone.xml $PHONE $PHONE:5070 -t t1 \
		    -key ruri "${2:-sip:bob@$PEER:5061;transport=tls}" \
		    -key vtr TLS -key cparam ";transport=tls"
	else
		sipp_bg "$CASE.phone" call_phone.xml $PHONE $INSIDE:5060 \
		    -key ruri "${2:-sip:bob@$PEER:5061;transport=tls}" \
		    -key vtr UDP -key cparam ""
	fi
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	sipp_wait
	expect calls '.calls | length == 0'
}

# A phone on UDP calls a callee on TLS, and hangs up.
tls_call_udp_to_tls() {
	call udp
}

# A phone on TLS calls a callee on TLS.
tls_call_tls_to_tls() {
	call tls
}

# A phone registered over TLS is called from outside (on UDP) over the
# connection it registered on: the only inside connection while the call
# is up, as its Contact's port has no TLS listener.
tls_call_in() {
	sipp_uas "$CASE.registrar" registrar.xml $REGISTRAR -set tr UDP
	tls_phone
	sipp_bg "$CASE.phone" answer_phone.xml $PHONE $PHONE:5070 -t t1 \
	    -s carl -cid_str "tls-in-$$-%u"
	sipp_wait_only "$CASE.registrar"
	expect registrations "$(reg carl)"
	sipp_bg "$CASE.caller" caller.xml $PEER $OUTSIDE:5060 -s carl \
	    -cid_str "tls-in-$$-%u" -d 1000
	expect calls '.calls | length == 1 and .[0].state == "confirmed"'
	expect connections '[.connections[] | select(.side == "inside")] |
	    length == 1 and (.[0] | .transport == "tls" and
	    .peer == "127.0.0.10" and .direction == "incoming")'
	sipp_wait
	expect calls '.calls | length == 0'
}

# A phone on UDP calls a sips: URI: reached over TLS, on port 5061.
tls_sips() {
	call udp "sips:bob@$PEER"
}

# A sips: target a hop without TLS would reach is refused (480): here a
# phone registered over UDP, called from outside as sips:.
tls_sips_no_downgrade() {
	sipp_uas "$CASE.registrar" registrar.xml $REGISTRAR -set tr UDP
	sipp_bg "$CASE.phone" reg_phone.xml $PHONE $INSIDE:5060 -s dora \
	    -key ruri "sip:$REGISTRAR" -key vtr UDP -key cparam ""
	sipp_wait
	expect registrations "$(reg dora)"
	sipp_bg "$CASE.caller" refused_phone.xml $PEER $OUTSIDE:5060 \
	    -key ruri "sips:dora@$OUTSIDE" -set code 480
	sipp_wait
	grep -q "sips: target.*over udp: refused" "$LOG" ||
	    bad "no log line for the refusal"
	expect calls '.calls | length == 0'
}

# refused name addr:port cert why: a callee on TLS at addr:port shows
# cert; the phone's INVITE there is answered 503 and the log says why.
refused() {
	tls_server "$1" "${2%:*}" "$3" "${2#*:}"
	sipp_bg "$CASE.phone" refused_phone.xml $PHONE $INSIDE:5060 \
	    -key ruri "sip:bob@$2;transport=tls" -set code 503
	sipp_wait
	grep -q "connection to $2 failed: tls handshake.*$4" "$LOG" ||
	    bad "no log line saying $4"
	expect calls '.calls | length == 0'
}

# A server whose certificate another CA signed.
tls_unknown_ca() {
	refused rogue $REGISTRAR:5062 rogue-peer "certificate verification failed"
}

# A server whose certificate (the test CA's) names other hosts.
tls_wrong_name() {
	refused other 127.0.0.22:5061 peer "not present in server certificate"
}

# A client that speaks plain SIP to the TLS port is dropped at once,
# counted; the listener serves on (the cases after this one).
tls_plaintext() {
	before=$(stat abuse_closed)
	printf 'OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/TCP %s:5060\r\n\r\n' \
	    $INSIDE $PHONE | "$TLSPIPE" -p -r $INSIDE:5061 -t 5 \
	    > "$T/plain.out" 2> "$T/plain.err" ||
	    bad "still connected after 5 s: $(cat "$T/plain.err")"
	[ -s "$T/plain.out" ] && bad "it got an answer"
	expect stats '.sip.connections.abuse_closed == $n + 1' \
	    --argjson n "${before:-0}"
	grep -q "dropped: tls handshake" "$LOG" || bad "no log line"
}

# A client that connects and says nothing is dropped after the TLS
# handshake deadline (10 s), not before; meanwhile a phone registers.
tls_silent() {
	start=$(date +%s)
	"$TLSPIPE" -p -r $INSIDE:5061 -t 20 < /dev/null > /dev/null \
	    2> "$T/silent.err" &
	silent=$!
	sleep 1
	tls_register_tls_to_udp
	wait $silent || bad "still connected after 20 s"
	took=$(($(date +%s) - start))
	[ $took -ge 9 ] && [ $took -le 13 ] ||
	    bad "dropped after $took s, want 10"
}

# verified ca: a TLS handshake with our inside, from the phone's
# address, verifying us by the CA file ca.crt (or rogue.crt).
verified() {
	"$TLSPIPE" -C "$T/certs/$1.crt" -r $INSIDE:5061 -b $PHONE \
	    2>> "$T/verified.log"
}

# install name: server.crt and .key replaced by name.crt and .key, each
# renamed over the old file as renewal tools do.
install() {
	cp -p "$T/certs/$1.crt" "$T/certs/new.crt" &&
	    cp -p "$T/certs/$1.key" "$T/certs/new.key" &&
	    mv "$T/certs/new.crt" "$T/certs/server.crt" &&
	    mv "$T/certs/new.key" "$T/certs/server.key" ||
	    bad "cannot install $1"
}

# The parent reads the certificate and key again on reload, through its
# sandbox: a key others may read is refused, and the running certificate
# stays; a new pair, renamed over the old files, is what clients see
# from then on.
tls_reload() {
	for f in crt key; do
		cp -p "$T/certs/server.$f" "$T/certs/orig.$f"
	done
	verified ca || bad "not verified before the reload"
	chmod 644 "$T/certs/server2.key"
	install server2
	if "$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1; then
		bad "reload with a key others may read succeeded"
	fi
	grep -q "readable or writable by other users" "$T/reload.out" ||
	    bad "reload: $(head -1 "$T/reload.out")"
	verified ca || bad "the running certificate changed"
	chmod 600 "$T/certs/server.key"
	"$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1 ||
	    bad "reload failed: $(head -1 "$T/reload.out")"
	verified ca && bad "the old certificate is still shown"
	verified rogue || bad "the new certificate is not shown"
	install orig
	"$SIPCTL" -s "$SOCK" reload > "$T/reload.out" 2>&1 ||
	    bad "reload back failed: $(head -1 "$T/reload.out")"
	verified ca || bad "not verified after the reload back"
	grep -q "certificate verification failed" "$T/verified.log" ||
	    bad "tlspipe did not say why it failed"
}

if ! tls_certs "$T/certs"; then
	for c in $CASES; do
		fail "$c: openssl could not make the test certificates"
	done
	exit 1
fi
TLSPIPE=$T/tlspipe
# shellcheck disable=SC2046
if ! ${CC:-cc} -Wall -Icompat $(pkg-config --cflags libbsd-overlay libtls) \
    -o "$TLSPIPE" $S/tlspipe.c $(pkg-config --libs libbsd-overlay libtls) \
    > "$T/cc.log" 2>&1; then
	for c in $CASES; do
		fail "$c: tlspipe does not build"
	done
	sed 's/^/    /' "$T/cc.log"
	exit 1
fi

cat > "$CONF" <<EOF
listen on $INSIDE port 5060 udp
listen on $INSIDE tls
outside $OUTSIDE
outside $OUTSIDE tls
rtp ports 20000 to 20099
tls certificate "$T/certs/server.crt"
tls key "$T/certs/server.key"
tls ca "$T/certs/ca.crt"
EOF

if ! daemon_start "$CONF" "$SOCK" "$LOG"; then
	for c in $CASES; do
		fail "$c: daemon does not start"
	done
	tail -n 20 "$LOG" | sed 's/^/    /'
	exit 1
fi

for c in $CASES; do
	if ! kill -0 "$DPID" 2> /dev/null; then
		fail "$c: daemon died earlier"
		FAILED=$((FAILED + 1))
		continue
	fi
	begin "$c"
	"$c"
	finish
done
[ $FAILED -eq 0 ]
