# The cases of regress/sip/run.sh about users, proxy authentication and
# the local registrar; sourced by it, after its helpers. They run a
# daemon of their own with users (inside 127.0.0.4, outside 127.0.0.5)
# beside the one of the other cases, and digestc, a phone of ours that
# answers SHA-256 challenges too (sipp answers MD5 only).

AUTH_CASES="auth_md5 auth_sha256 auth_wrong_password auth_stale_nonce
auth_replay auth_provider_challenge auth_local_call auth_local_expired
auth_users_file auth_ban"

AINSIDE=127.0.0.4
AOUTSIDE=127.0.0.5
APID=

# auth_try [config lines]: the daemon of these cases with realm "home"
# and the lines given; its socket and log in $T. auth_start: the same,
# a failure of the case when it does not start.
auth_start() {
	auth_try "$@" && return
	bad "the daemon with users does not start: $(tail -n 1 "$ALOG")"
	return 1
}
auth_try() {
	ACONF=$T/auth.conf ASOCK=$T/auth.sock ALOG=$T/auth.log
	{
		echo "listen on $AINSIDE port 5060 udp"
		echo "outside $AOUTSIDE"
		echo "rtp ports 20100 to 20199"
		echo 'auth realm "home"'
		for l in "$@"; do
			echo "$l"
		done
	} > "$ACONF"
	chmod 600 "$ACONF"
	aside_start "$ACONF" "$ASOCK" "$ALOG" || return 1
	APID=$ASIDE_PID
}

# auth_stop: the daemon of the case goes; its log is shown on failure.
auth_stop() {
	aside_stop "$APID" "$ALOG" "daemon with users"
	APID=
}

# aexpect: expect, asking the daemon of these cases.
aexpect() {
	sock=$SOCK SOCK=$ASOCK
	expect "$@"
	rv=$?
	SOCK=$sock
	return $rv
}

# dc tag [digestc arguments]: digestc as phone 127.0.0.10 (DC_FROM) to
# the inside (DC_TO), alice/secret unless given again; fails the case
# unless it exits 0.
dc() {
	t=$1
	shift
	if ! digestc_build; then
		bad "digestc does not build: $(head -n 1 "$T/digestc.log")"
		return 1
	fi
	"$DIGESTC" -l "${DC_FROM:-$PHONE}:5060" -r "${DC_TO:-$AINSIDE}:5060" \
	    -u alice -p secret "$@" > "$T/$t.out" 2>&1 || {
		bad "$t: $(tail -n 1 "$T/$t.out")"
		return 1
	}
}

# sipp through the daemon of these cases: phone and registrar.
aphone() {
	tag=$1 sf=$2 ip=$3
	shift 3
	sipp_bg "$tag" "$sf" "$ip" $REGISTRAR:5060 -rsa $AINSIDE:5060 "$@"
}

USER_ALICE='user "alice" password "secret"'

# sipp registers through the proxy with MD5: two challenges in the
# order configured, the retry reaches the registrar without our
# credentials; the user and the counters show it.
auth_md5() {
	auth_start "$USER_ALICE" "auth algorithms { md5 sha256 }" || return
	sipp_uas "$CASE.registrar" auth_registrar.xml $REGISTRAR \
	    -key granted 90 -set cseq 2
	aphone "$CASE.phone" auth_phone.xml $PHONE -s alice \
	    -key domain $REGISTRAR -key exp 3600 -au alice -ap secret
	sipp_wait
	aexpect users '.users | length == 1 and (.[0] | .name == "alice" and
	    .accepted == 1 and .failed == 0 and
	    .last_source == "127.0.0.10:5060" and .last_auth > 0)'
	aexpect stats '.auth.challenges == 1 and .auth.accepted == 1 and
	    .auth.failed == 0'
	aexpect registrations '.registrations | length == 1 and
	    .[0].aor == "sip:alice@127.0.0.20"'
	"$SIPCTL" -s "$ASOCK" show users > "$T/users.txt" 2>&1
	grep -q '^alice .* 1 *0 *127\.0\.0\.10:5060$' "$T/users.txt" ||
	    bad "show users: $(tail -n 1 "$T/users.txt")"
	auth_stop
}

# digestc with SHA-256, offered first by default.
auth_sha256() {
	auth_start "$USER_ALICE" || return
	sipp_uas "$CASE.registrar" auth_registrar.xml $REGISTRAR \
	    -key granted 90 -set cseq 2
	dc "$CASE.dc" -a sha256 -F SHA-256 -R sip:$REGISTRAR \
	    -T sip:alice@$REGISTRAR send expect=407:fresh send expect=200
	sipp_wait
	aexpect stats '.auth.challenges == 1 and .auth.accepted == 1'
	auth_stop
}

# A wrong password: 407 again, not stale, nothing forwarded; counted
# for the user and in total, logged with the source, never the password.
auth_wrong_password() {
	auth_start "$USER_ALICE" || return
	dc "$CASE.dc" -a sha256 -p wrongpass -R sip:$REGISTRAR \
	    -T sip:alice@$REGISTRAR send expect=407 send expect=407:fresh
	aexpect users '.users[0].failed == 1 and .users[0].accepted == 0'
	aexpect stats '.auth.failed == 1 and .auth.accepted == 0 and
	    .sip.requests.REGISTER.out == 0'
	grep -q '127\.0\.0\.10:5060: authentication of alice failed: wrong' \
	    "$ALOG" || bad "no log line for the failure"
	grep -q wrongpass "$ALOG" && bad "the password is in the log"
	auth_stop
}

# Right credentials with a nonce older than `auth nonce lifetime`: 407
# with stale=true, and the new nonce works.
auth_stale_nonce() {
	auth_start "$USER_ALICE" "auth nonce lifetime 2" || return
	sipp_uas "$CASE.registrar" auth_registrar.xml $REGISTRAR \
	    -key granted 90 -set cseq 3
	dc "$CASE.dc" -a md5 -R sip:$REGISTRAR -T sip:alice@$REGISTRAR \
	    send expect=407 sleep=3 send expect=407:stale send expect=200
	sipp_wait
	aexpect stats '.auth.stale == 1 and .auth.accepted == 1 and
	    .auth.failed == 0'
	auth_stop
}

# A nonce count used again in a new request: 407 stale=true, and the
# registrar never sees it; the request's own retransmission is no
# replay and gets the registrar's 200 again.
auth_replay() {
	auth_start "$USER_ALICE" || return
	sipp_uas "$CASE.registrar" auth_registrar.xml $REGISTRAR \
	    -key granted 90 -set cseq 2 -d 2000
	dc "$CASE.dc" -a sha256 -R sip:$REGISTRAR -T sip:alice@$REGISTRAR \
	    send expect=407 send expect=200 resend expect=200 \
	    replay expect=407:stale
	sipp_wait
	aexpect stats '.auth.replayed == 1 and .auth.accepted == 2 and
	    .sip.requests.REGISTER.out == 2'
	auth_stop
}

# The provider challenges too, with 401 and then 407 of its own realms:
# both go to the phone as they are, the phone's credentials for them
# reach the provider as written, ours never do.
auth_provider_challenge() {
	auth_start "$USER_ALICE" || return
	sipp_uas "$CASE.provider" auth_provider.xml $REGISTRAR
	dc "$CASE.dc" -a sha256 -R sip:$REGISTRAR -T sip:alice@$REGISTRAR \
	    -P provider:alice:psecret -P provider2:alice:p2secret \
	    send expect=407 send expect=401 send expect=407 send expect=200
	sipp_wait
	aexpect stats '.auth.accepted == 3 and .auth.challenges == 1'
	auth_stop
}

# The local registrar: two phones register in home.arpa (no registrar
# anywhere), alice calls bob, the call goes phone to phone through the
# proxy with the media relayed; nobody else is found, alice may not
# register bob, and from outside nobody in the domain is reachable.
auth_local_call() {
	auth_start "$USER_ALICE" 'user "bob" password "bsecret"' \
	    "auth algorithms { md5 sha256 }" 'local domain "home.arpa"' ||
	    return
	aphone "$CASE.rega" auth_phone.xml $PHONE -s alice \
	    -key domain home.arpa -key exp 120 -au alice -ap secret
	sipp_wait
	aphone "$CASE.regb" auth_phone.xml 127.0.0.11 -s bob \
	    -key domain home.arpa -key exp 120 -au bob -ap bsecret
	sipp_wait
	aexpect registrations '(.registrations | length == 2) and
	    ([.registrations[] | select(.masqueraded_contact == "")] |
	    length == 2) and ([.registrations[].aor] | sort ==
	    ["sip:alice@home.arpa", "sip:bob@home.arpa"])'
	sipp_uas "$CASE.bob" local_callee.xml 127.0.0.11
	aphone "$CASE.alice" local_caller.xml $PHONE -s bob -d 2000 \
	    -au alice -ap secret
	aexpect calls '.calls | length == 1 and .[0].state == "confirmed" and
	    .[0].direction == "outgoing"'
	aexpect rtp '.streams | length == 1'
	sipp_wait
	aexpect calls '.calls | length == 0'
	aexpect rtp '.streams | length == 0'
	dc "$CASE.carol" -m INVITE -T sip:carol@home.arpa \
	    send expect=407 send expect=404
	dc "$CASE.notbob" -T sip:bob@home.arpa send expect=407 send expect=403
	# From the outside, a local domain's phone is no phone of ours: the
	# 403 refusing the call is kept from the stranger (stealth).
	DC_FROM=$PEER DC_TO=$AOUTSIDE dc "$CASE.outside" -u x -p x -m INVITE \
	    -T sip:alice@home.arpa send none=10
	aexpect stats '.auth.local_registrations == 3 and .sip.stealth == 1'
	auth_stop
}

# A binding of the local domain that expired: 480 for the call.
auth_local_expired() {
	auth_start "$USER_ALICE" 'local domain "home.arpa"' || return
	dc "$CASE.reg" -e 1 -T sip:alice@home.arpa send expect=407 \
	    send expect=200
	sleep 3
	dc "$CASE.call" -m INVITE -T sip:alice@home.arpa send expect=407 \
	    send expect=480
	auth_stop
}

# The users file: refused at start when others may read it or root does
# not own it; read at start and on reload; a bad one at reload is
# refused with the reason and the users that were there stay.
auth_users_file() {
	U=$T/users
	printf 'alice:secret\n' > "$U"
	chmod 644 "$U"
	if auth_try "users file \"$U\""; then
		bad "started with a users file others can read"
		auth_stop
	fi
	grep -q "users file $U: readable or writable by group or others" \
	    "$ALOG" || bad "no reason for the refusal: $(tail -n 1 "$ALOG")"
	chmod 600 "$U"
	chown nobody "$U"
	if auth_try "users file \"$U\""; then
		bad "started with a users file of another user"
		auth_stop
	fi
	grep -q "users file $U: owned by uid [0-9]*, not root" "$ALOG" ||
	    bad "no reason for the refusal: $(tail -n 1 "$ALOG")"
	chown root "$U"
	printf '# phones\nalice:secret\nbob:md5:%s\n' \
	    "$(printf 'bob:home:bsecret' | md5sum | cut -d ' ' -f 1)" > "$U"
	auth_start "users file \"$U\"" || return
	aexpect users '[.users[].name] == ["alice", "bob"]'
	dc "$CASE.alice" -T sip:alice@$REGISTRAR -R sip:$REGISTRAR \
	    send expect=407 send none=5
	dc "$CASE.bob" -u bob -p bsecret -T sip:bob@$REGISTRAR \
	    -R sip:$REGISTRAR send expect=407 send none=5
	aexpect stats '.auth.accepted == 2 and .auth.failed == 0'

	chmod 640 "$U"
	"$SIPCTL" -s "$ASOCK" reload > "$T/reload.out" 2>&1 &&
	    bad "reload took a users file others can read"
	grep -q "users file $U: readable or writable" "$T/reload.out" ||
	    bad "reload: $(tail -n 1 "$T/reload.out")"
	chmod 600 "$U"
	printf 'alice:secret\nbroken line\n' > "$U"
	"$SIPCTL" -s "$ASOCK" reload > "$T/reload.out" 2>&1 &&
	    bad "reload took a malformed users file"
	grep -q "users file $U:2: no ':' between name and password" \
	    "$T/reload.out" || bad "reload: $(tail -n 1 "$T/reload.out")"
	printf 'carol:c\ncarol:d\n' > "$U"
	"$SIPCTL" -s "$ASOCK" reload > "$T/reload.out" 2>&1 &&
	    bad "reload took a user twice"
	grep -q "users file $U:2: user carol given twice" "$T/reload.out" ||
	    bad "reload: $(tail -n 1 "$T/reload.out")"
	aexpect users '[.users[].name] == ["alice", "bob"] and
	    .users[0].accepted == 1'
	dc "$CASE.bob2" -u bob -p bsecret -T sip:bob@$REGISTRAR \
	    -R sip:$REGISTRAR send expect=407 send none=5

	printf 'carol:csecret\n' > "$U"
	"$SIPCTL" -s "$ASOCK" reload > "$T/reload.out" 2>&1 ||
	    bad "reload: $(tail -n 1 "$T/reload.out")"
	aexpect users '[.users[].name] == ["carol"]'
	dc "$CASE.bob3" -u bob -p bsecret -T sip:bob@$REGISTRAR \
	    -R sip:$REGISTRAR send expect=407 send expect=407:fresh
	for p in secret bsecret csecret; do
		grep -qw "$p" "$ALOG" && bad "password $p in the log"
	done
	"$SIPPROXD" -nv -f "$ACONF" 2> /dev/null | grep -q secret &&
	    bad "sipproxd -nv shows a password"
	auth_stop
}

# limit auth failures 3: the third wrong password still gets its 407,
# then the source is banned and dropped unread; sipctl unban lets it in.
auth_ban() {
	auth_start "$USER_ALICE" "limit auth failures 3" "ban time 60" ||
	    return
	dc "$CASE.dc" -a sha256 -p wrongpass -R sip:$REGISTRAR \
	    -T sip:alice@$REGISTRAR send expect=407 send expect=407:fresh \
	    send expect=407:fresh send expect=407:fresh send none=10
	aexpect bans '.bans | length == 1 and .[0].reason == "auth" and
	    (.[0].source | startswith("127.0.0.10"))'
	aexpect stats '.auth.failed == 3 and .sip.bans == 1 and
	    .sip.banned >= 1'
	"$SIPCTL" -s "$ASOCK" unban $PHONE > "$T/unban.out" 2>&1 ||
	    bad "unban: $(cat "$T/unban.out")"
	dc "$CASE.dc2" -a sha256 -R sip:$REGISTRAR -T sip:alice@$REGISTRAR \
	    send expect=407
	aexpect bans '.bans | length == 0'
	auth_stop
}

# digestc, built once into $T.
DIGESTC=
digestc_build() {
	[ -n "$DIGESTC" ] && return 0
	# shellcheck disable=SC2046 # pkg-config's flags are words
	${CC:-cc} -Wall -D_GNU_SOURCE $(pkg-config --cflags libbsd-overlay) \
	    -o "$T/digestc" regress/sip/digestc.c -lmd \
	    $(pkg-config --libs libbsd-overlay) > "$T/digestc.log" 2>&1 ||
	    return 1
	DIGESTC=$T/digestc
}

if [ -n "$DIRECT" ]; then
	for c in $AUTH_CASES; do
		echo "skipped $c: needs the daemon"
	done
	AUTH_CASES=
fi
