#!/bin/sh
#
# siproxd2sipproxd, the converter of siproxd.conf files (etc/): siproxd's
# example configuration (written afresh for this test, every option of
# siproxd 0.8 and its plugins) converted and compared with the expected
# sipproxd.conf and report, the result checked with "sipproxd -n"; the
# password file conversion (-u); the report of what is not carried
# over; and odd or hostile input.  No daemon is started.
#
#	env BUILD=build-regress sh regress/migrate/run.sh
#	sh regress/migrate/run.sh update	rewrites the expected files
#
# Environment: BUILD (default build), OBJ (scratch directory).

cd "$(dirname "$0")/../.." || exit 1
top=$PWD
BUILD=${BUILD:-build}
case $BUILD in
/*)	bin=$BUILD/sipproxd/sipproxd ;;
*)	bin=$top/$BUILD/sipproxd/sipproxd ;;
esac
OBJ=${OBJ:-$top/regress/obj/migrate}
case $OBJ in
/*)	;;
*)	OBJ=$top/$OBJ ;;
esac
mig_tmp=$OBJ/migrate.$$
mkdir -p "$mig_tmp" || exit 1
trap 'rm -rf "$mig_tmp"' EXIT
mig_conv="sh $top/etc/siproxd2sipproxd"
mig_dir=$top/regress/migrate
mig_update=0
[ "$1" = update ] && mig_update=1
mig_fail=0

mig_bad() {
	echo "FAIL migrate $1: $2"
	mig_fail=1
}

if [ ! -x "$bin" ]; then
	echo "FAIL migrate: no binary $bin"
	exit 1
fi

# mig_run NAME ARGS...: the converter on ARGS, its output in
# $mig_tmp/NAME.out and .err, its exit status in $mig_rc; bounded in
# time, as hostile input must not make it hang.
mig_run() {
	mig_name=$1
	shift
	timeout 30 $mig_conv "$@" > "$mig_tmp/$mig_name.out" \
	    2> "$mig_tmp/$mig_name.err"
	mig_rc=$?
}

# mig_same NAME FILE WHAT: FILE equal to the expected regress/migrate/
# NAME.WHAT (or that rewritten, with "update").
mig_same() {
	if [ $mig_update = 1 ]; then
		cp "$2" "$mig_dir/$1.$3"
		return 0
	fi
	if ! diff -u "$mig_dir/$1.$3" "$2" > "$mig_tmp/diff"; then
		mig_bad "$1" "$3 differs from $1.$3"
		sed 's/^/	/' "$mig_tmp/diff"
		return 1
	fi
	return 0
}

# mig_check NAME FILE [USERS]: "sipproxd -n" takes FILE, the interface
# macros set to the loopback addresses of the test bed, and the users
# file, if any, replaced by USERS.
mig_check() {
	mig_conf=$2
	if [ -n "$3" ]; then
		sed "s|\"/etc/sipproxd.users\"|\"$3\"|" "$2" > "$2.n"
		mig_conf=$2.n
	fi
	if ! "$bin" -n -D lan=127.0.0.2 -D wan=127.0.0.3 -f "$mig_conf" \
	    > /dev/null 2> "$mig_tmp/check.err"; then
		mig_bad "$1" "sipproxd -n refuses the result:"
		sed 's/^/	/' "$mig_tmp/check.err"
		return 1
	fi
	return 0
}

# mig_convert NAME CONF: CONF converted, exit 2, output and report as
# expected in regress/migrate/NAME.out and NAME.err.
mig_convert() {
	mig_run "$1" "$2"
	[ $mig_rc -eq 2 ] || { mig_bad "$1" "exit $mig_rc, want 2"; return 1; }
	mig_same "$1" "$mig_tmp/$1.out" out || return 1
	mig_same "$1" "$mig_tmp/$1.err" err || return 1
}

# The example: everything siproxd 0.8 reads, converted; what is not
# carried over is reported; exit 2.
mig_example() {
	mig_convert example "$mig_dir/siproxd.conf" || return
	# The same from the standard input.
	timeout 30 $mig_conv < "$mig_dir/siproxd.conf" > "$mig_tmp/stdin.out" \
	    2> "$mig_tmp/stdin.err"
	if [ $? -ne 2 ] ||
	    ! cmp -s "$mig_tmp/stdin.out" "$mig_tmp/example.out" ||
	    ! cmp -s "$mig_tmp/stdin.err" "$mig_tmp/example.err"; then
		mig_bad example "converted otherwise from the standard input"
		return
	fi
	# Each report line is also a comment at the end of the output.
	sed 's/^siproxd2sipproxd: /# /' "$mig_tmp/example.err" \
	    > "$mig_tmp/example.cmt"
	if ! tail -n "$(wc -l < "$mig_tmp/example.cmt")" \
	    "$mig_tmp/example.out" | cmp -s - "$mig_tmp/example.cmt"; then
		mig_bad example "the report is not at the end of the output"
		return
	fi
	echo "ok migrate example"
}

# The example's result is a configuration sipproxd takes, with the users
# file that -u makes of siproxd's password file.
mig_example_check() {
	mig_run users -u "$mig_dir/siproxd_passwd.cfg"
	cp "$mig_tmp/users.out" "$mig_tmp/sipproxd.users"
	chmod 600 "$mig_tmp/sipproxd.users"
	mig_run example "$mig_dir/siproxd.conf"
	mig_check "example check" "$mig_tmp/example.out" \
	    "$mig_tmp/sipproxd.users" || return
	echo "ok migrate example check"
}

# A siproxd.conf as the pfSense package writes it, with the plugins
# its pages offer.
mig_pfsense() {
	mig_convert pfsense "$mig_dir/pfsense.conf" || return
	mig_check pfsense "$mig_tmp/pfsense.out" "$mig_tmp/sipproxd.users" ||
	    return
	echo "ok migrate pfsense"
}

# Only the two interfaces: all carried over, no report, exit 0, and
# sipproxd takes the result.
mig_minimal() {
	printf 'if_inbound = em1\nif_outbound = em0\n' > "$mig_tmp/min.conf"
	mig_run minimal "$mig_tmp/min.conf"
	[ $mig_rc -eq 0 ] || { mig_bad minimal "exit $mig_rc, want 0"; return; }
	if [ -s "$mig_tmp/minimal.err" ]; then
		mig_bad minimal "report: $(head -1 "$mig_tmp/minimal.err")"
		return
	fi
	mig_check minimal "$mig_tmp/minimal.out" || return
	echo "ok migrate minimal"
}

# Single options to the directives built beside this one: the relay
# off, a host name as the external address, one debug class, a domain
# without its own port.
mig_directives() {
	cat > "$mig_tmp/dir.conf" <<-'EOF'
	if_inbound = em1
	if_outbound = em0
	sip_listen_port = 5070
	rtp_proxy_enable = 0
	rtp_port_low = 7071
	rtp_port_high = 7079
	host_outbound = home.dyndns.example
	debug_level = 0x200
	outbound_domain_name = example.net
	outbound_domain_host = 192.0.2.5
	EOF
	mig_run directives "$mig_tmp/dir.conf"
	[ $mig_rc -eq 0 ] ||
	    { mig_bad directives "exit $mig_rc, want 0"; return; }
	for mig_want in 'listen on $lan port 5070 udp' \
	    'outside $wan port 5070 tcp' 'rtp relay no' \
	    'rtp ports 7072 to 7079' \
	    'external address "home.dyndns.example"' 'log verbose rtp' \
	    'outbound proxy "192.0.2.5" for domain "example.net"'; do
		grep -q -x -F "$mig_want" "$mig_tmp/directives.out" ||
		    { mig_bad directives "no line '$mig_want'"; return; }
	done
	echo "ok migrate directives"
}

# siproxd's password file as a sipproxd users file: good lines carried,
# bad ones reported by line number, never with their password.
mig_users() {
	mig_run users -u "$mig_dir/siproxd_passwd.cfg"
	[ $mig_rc -eq 2 ] || { mig_bad users "exit $mig_rc, want 2"; return; }
	mig_same users "$mig_tmp/users.out" out || return
	mig_same users "$mig_tmp/users.err" err || return
	if grep -q -e another -e rootpw "$mig_tmp/users.err"; then
		mig_bad users "a password on the standard error"
		return
	fi
	echo "ok migrate users"
}

# What cannot be carried over is reported, one line each, exit 2; the
# shared password goes nowhere, and authentication stays on (the users
# file must be made before sipproxd starts).
mig_notcarried() {
	cat > "$mig_tmp/nc.conf" <<-'EOF'
	if_inbound = em1
	if_outbound = em0
	proxy_auth_realm = office
	proxy_auth_passwd = Sh4red-Secret
	pid_file = /var/run/siproxd.pid
	debug_port = 7777
	daemonize = 0
	rtp_port_low = 80
	rtp_port_high = 7080
	no_such_option = 1
	this line has no equals sign
	EOF
	mig_run notcarried "$mig_tmp/nc.conf"
	[ $mig_rc -eq 2 ] ||
	    { mig_bad "not carried" "exit $mig_rc, want 2"; return; }
	cat > "$mig_tmp/nc.want" <<-'EOF'
	siproxd2sipproxd: line 8: rtp_port_low: out of the range sipproxd takes, 1024 to 65533
	siproxd2sipproxd: line 4: proxy_auth_passwd: sipproxd has no password shared by every user: write name:password lines into /etc/sipproxd.users (mode 600)
	siproxd2sipproxd: line 7: daemonize: a command line matter: sipproxd -d stays in the foreground
	siproxd2sipproxd: line 5: pid_file: a command line matter: sipproxd -p <file>
	siproxd2sipproxd: line 6: debug_port: no TCP debug port: sipctl monitor shows the traffic
	EOF
	# The lines of the input itself come first, as they are read.
	printf '%s\n' \
	    'siproxd2sipproxd: line 10: no_such_option: not an option of siproxd 0.8, not read' \
	    'siproxd2sipproxd: line 11: not an "option = value" line, not read' |
	    cat - "$mig_tmp/nc.want" > "$mig_tmp/nc.want2"
	if ! diff -u "$mig_tmp/nc.want2" "$mig_tmp/notcarried.err" \
	    > "$mig_tmp/diff"; then
		mig_bad "not carried" "report differs"
		sed 's/^/	/' "$mig_tmp/diff"
		return
	fi
	if grep -q Sh4red "$mig_tmp/notcarried.out" "$mig_tmp/notcarried.err"
	then
		mig_bad "not carried" "the shared password was written out"
		return
	fi
	if ! grep -q '^users file "/etc/sipproxd.users"$' \
	    "$mig_tmp/notcarried.out" ||
	    ! grep -q '^auth realm "office"$' "$mig_tmp/notcarried.out"; then
		mig_bad "not carried" "authentication not kept on"
		return
	fi
	if grep -q '^rtp ports' "$mig_tmp/notcarried.out"; then
		mig_bad "not carried" "a privileged rtp_port_low written out"
		return
	fi
	: > "$mig_tmp/empty.users"
	chmod 600 "$mig_tmp/empty.users"
	mig_check "not carried" "$mig_tmp/notcarried.out" \
	    "$mig_tmp/empty.users" || return
	echo "ok migrate not carried"
}

# Errors: exit 1, a message and nothing on the standard output.
# mig_error WHAT ARGS...: the converter on ARGS must fail so.
mig_error() {
	mig_what=$1
	shift
	mig_run errors "$@"
	if [ $mig_rc -ne 1 ] || [ -s "$mig_tmp/errors.out" ] ||
	    [ ! -s "$mig_tmp/errors.err" ]; then
		mig_bad errors "$mig_what: exit $mig_rc, want 1, an error" \
		    "and no output"
		mig_e=1
	fi
}

mig_errors() {
	mig_e=0
	: > "$mig_tmp/empty.conf"
	mig_error usage -x
	mig_error "two files" a b
	mig_error "no file" "$mig_tmp/does-not-exist"
	mig_error directory "$mig_tmp"
	mig_error "empty file" "$mig_tmp/empty.conf"
	for mig_in in 'if_inbound = em1' \
	    'if_inbound = em1\nif_outbound = em1' \
	    'if_inbound = em1" ; listen on 0.0.0.0 "x\nif_outbound = em0' \
	    'if_inbound = em1\nif_outbound = em0\nsip_listen_port = 70000'
	do
		printf "$mig_in\n" > "$mig_tmp/err.conf"
		mig_error "'$mig_in'" "$mig_tmp/err.conf"
	done
	[ $mig_e = 0 ] && echo "ok migrate errors"
}

# Hostile and odd input: CR line ends, NUL and other control bytes,
# long lines, quotes and backslashes, a comment that would swallow the
# next line, repeated options, floods of a repeated option, access lists
# of names only (which must not open the proxy to all).
mig_odd() {
	# CR LF line ends convert as LF ones do.
	sed 's/$/\r/' "$mig_dir/siproxd.conf" > "$mig_tmp/crlf.conf"
	mig_run crlf "$mig_tmp/crlf.conf"
	mig_run lf "$mig_dir/siproxd.conf"
	if ! cmp -s "$mig_tmp/crlf.out" "$mig_tmp/lf.out" ||
	    ! cmp -s "$mig_tmp/crlf.err" "$mig_tmp/lf.err"; then
		mig_bad odd "CR LF line ends convert otherwise"
		return
	fi

	{
		printf 'if_inbound = em1\nif_outbound = em0\n'
		# 3: a NUL byte in a value
		printf 'registration_file = /var/db/x\000y\n'
		# 4: an escape sequence for the terminal
		printf 'ua_string = \033[2Jgone\n'
		# 5: a line of 200000 bytes
		awk 'BEGIN { s = "rtp_timeout = "; while (length(s) < 200000)
		    s = s "9999999999"; print s }'
		# 6, 7: quotes and backslashes in a path
		printf 'registration_file = /var/db/a"b\\c\\\n'
		printf 'rtp_timeout = 100\n'
		# 8, 9: a regex description ending in a backslash,
		# which in a comment would join the next line to it
		printf 'plugin_regex_desc = eats the next line \\\n'
		printf 'load_plugin = plugin_regex.so\n'
		printf 'plugin_regex_pattern = ^x\nplugin_regex_replace = y\n'
		# 12, 13: repeated: the last one counts
		printf 'rtp_timeout = 200\nrtp_timeout = 250\n'
		# 14: value in quotes
		printf 'tcp_keepalive = "30"\n'
		# a number and a comment after it, which siproxd ignored
		printf 'tcp_timeout = 120\t# two minutes\n'
		# an allow list of host names only: nothing may be let in
		printf 'hosts_allow_sip = pbx.example.com,other.example\n'
		printf 'hosts_allow_reg = phones.example\n'
		# a deny list of one good entry and malformed ones
		printf 'hosts_deny_sip = 2001:db8::/32, 1::2::3, 010.0.0.1,'
		printf ' 10.0.0.0/33, 12345::1\n'
		# 300 load_plugin lines
		i=0
		while [ $i -lt 300 ]; do
			echo "load_plugin = plugin_demo.la"
			i=$((i + 1))
		done
	} > "$mig_tmp/odd.conf"
	mig_run odd "$mig_tmp/odd.conf"
	mig_o=$mig_tmp/odd.out
	mig_r=$mig_tmp/odd.err
	[ $mig_rc -eq 2 ] || { mig_bad odd "exit $mig_rc, want 2"; return; }
	for mig_want in 'line 3: control characters, not read' \
	    'line 4: control characters, not read' \
	    'line 5: longer than 1024 bytes, not read' \
	    'load_plugin: given more than 256 times, the rest not read' \
	    'hosts_allow_sip: 2 of its entries not an address' \
	    'hosts_deny_sip: 4 of its entries not an address'; do
		grep -q -F "$mig_want" "$mig_r" ||
		    { mig_bad odd "no report '$mig_want'"; return; }
	done
	if [ "$(grep -c 'given more than 256' "$mig_r")" -ne 1 ]; then
		mig_bad odd "the flood reported more than once"
		return
	fi
	if grep -q "$(printf '\033')" "$mig_o" "$mig_r"; then
		mig_bad odd "an escape byte written out"
		return
	fi
	if [ "$(wc -c < "$mig_o")" -gt 8192 ]; then
		mig_bad odd "output of $(wc -c < "$mig_o") bytes"
		return
	fi
	grep -q '^registration state "/var/db/a\\"b\\\\c\\\\"$' "$mig_o" ||
	    { mig_bad odd "quotes and backslashes not escaped"; return; }
	if grep -q '\\$' "$mig_o"; then
		mig_bad odd "a line ending in a backslash"
		return
	fi
	if [ "$(grep -c '^rtp timeout' "$mig_o")" -ne 1 ] ||
	    ! grep -q '^rtp timeout 250$' "$mig_o"; then
		mig_bad odd "repeated rtp_timeout: not the last one alone"
		return
	fi
	grep -q '^tcp keepalive 30$' "$mig_o" ||
	    { mig_bad odd "a quoted value not unquoted"; return; }
	grep -q '^tcp inactivity timeout 120$' "$mig_o" ||
	    { mig_bad odd "a number with a comment after it not read"; return; }
	grep -q '^deny sip from 2001:db8::/32$' "$mig_o" ||
	    { mig_bad odd "the good entry of a deny list lost"; return; }
	if ! grep -q '^deny sip from any$' "$mig_o" ||
	    grep -q '^allow sip' "$mig_o" ||
	    ! grep -q '^deny register from any$' "$mig_o"; then
		mig_bad odd "allow lists of names only open the proxy"
		return
	fi
	echo "ok migrate odd input"
}

# sipproxd.conf(5), MIGRATING FROM SIPROXD, has a row for every option
# of the example (each option of siproxd 0.8) and for every plugin.
mig_manual() {
	sed -n '/^\.Sh MIGRATING FROM SIPROXD$/,/^\.Sh /p' sipproxd.conf.5 \
	    > "$mig_tmp/section"
	mig_m=0
	for mig_opt in $(sed -n 's/^\([a-z_A-Z]*\) *=.*/\1/p' \
	    "$mig_dir/siproxd.conf" | sort -u); do
		case $mig_opt in
		plugin_*)
			mig_p=${mig_opt#plugin_}
			mig_p=${mig_p%%_*}
			case $mig_opt in
			plugin_fix_*)
				mig_p=${mig_opt#plugin_}
				mig_p=${mig_p%_networks}
				;;
			esac
			mig_pat="^\.It Cm $mig_p Ta$"
			;;
		*)	mig_pat="^\.It .*Cm $mig_opt\( ,.*\)\{0,1\} Ta$"
			;;
		esac
		if ! grep -q "$mig_pat" "$mig_tmp/section"; then
			mig_bad manual "no row for $mig_opt"
			mig_m=1
		fi
	done
	[ $mig_m = 0 ] && echo "ok migrate manual"
}

# Big input stays quick, and junk makes no endless report: 50000
# lines of an option, then 50000 of junk.
mig_big() {
	awk 'BEGIN { print "if_inbound = em1"; print "if_outbound = em0"
	    for (i = 0; i < 50000; i++) print "rtp_timeout = " (10 + i % 100)
	}' > "$mig_tmp/big.conf"
	mig_run big "$mig_tmp/big.conf"
	[ $mig_rc -eq 0 ] || { mig_bad big "exit $mig_rc, want 0"; return; }
	grep -q '^rtp timeout 109$' "$mig_tmp/big.out" ||
	    { mig_bad big "not the last rtp_timeout"; return; }
	awk 'BEGIN { for (i = 0; i < 50000; i++) print "junk" i " = 1" }' \
	    >> "$mig_tmp/big.conf"
	mig_run big "$mig_tmp/big.conf"
	[ $mig_rc -eq 2 ] || { mig_bad big "exit $mig_rc, want 2"; return; }
	if [ "$(wc -l < "$mig_tmp/big.err")" -ne 201 ] ||
	    ! tail -n 1 "$mig_tmp/big.err" | grep -q 'and 49800 more'; then
		mig_bad big "report of junk not bounded to 200 lines and a sum"
		return
	fi
	echo "ok migrate big input"
}

mig_example
mig_example_check
mig_pfsense
mig_minimal
mig_directives
mig_users
mig_notcarried
mig_errors
mig_odd
mig_manual
mig_big
exit $mig_fail
