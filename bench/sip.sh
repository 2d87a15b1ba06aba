# bench/sip.sh: the SIP signalling benchmark, sourced by bench/run.sh
# (its helpers: pid_add, pid_stop, cpu_ticks, median; OBJ, LOG,
# GEN_CPU, RELAY_CPU). sipp (package sip-tester) drives sipproxd and
# kamailio (package kamailio, bench/kamailio.cfg: one worker, stateless
# forward() or tm's t_relay()) on loopback, the proxy pinned to
# $RELAY_CPU and every sipp to $GEN_CPU:
#   register  REGISTER/s, populations $SIP_POPS of phones cycling through
#             the proxy to a sipp registrar outside: the highest rate
#             with under 1 % failed and at least 97 % of the asked rate
#             answered, by doubling and bisection ($SIP_STEPS steps of
#             $SIP_STEP_SECS s);
#   calls     calls/s, INVITE with SDP, 200 with SDP, ACK, BYE, 200,
#             inside to outside and outside to inside (sipproxd opens and
#             closes relay streams for each), searched the same way;
#   latency   p50/p99 of REGISTER to 200 at $SIP_LAT_RATE/s, from sipp's
#             message trace, and the same straight to the registrar: the
#             difference is what the proxy adds;
#   memory    VmRSS of sipproxd's three processes at 0, 1000 and 10000
#             registrations and at 0, 500 and 1000 calls holding relay
#             streams: bytes per registration and per call;
#   tcp, tls  REGISTER/s as register, over TCP or TLS on both sides (the
#             first population only).
# Every process is stopped by PID. Loopback addresses only:
#   sipproxd inside 127.0.0.52, outside 127.0.0.53; kamailio stateless
#   127.0.0.54, tm 127.0.0.55; phones 127.0.0.60 (register), .61
#   (callee), .62 (caller); registrar 127.0.0.70; outside callee .71,
#   outside caller .72; the phones' TLS pipe .63. Port 5060 everywhere,
#   5061 for TLS.
#
# BENCH_TARGETS names the parts: sip (all), sip-register, sip-tcp,
# sip-tls, sip-calls, sip-latency, sip-memory. SIP_PROXIES (sipproxd kamailio-sl
# kamailio-tm) narrows the proxies compared.

SIP_RES=$OBJ/sip_results.txt
SIP_PROXIES=${SIP_PROXIES:-"sipproxd kamailio-sl kamailio-tm"}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SIP_POPS=${SIP_POPS:-1000}
	SIP_STEPS=${SIP_STEPS:-4}
	SIP_STEP_SECS=${SIP_STEP_SECS:-2}
	SIP_LAT_SECS=${SIP_LAT_SECS:-2}
	SIP_MEM_CALLS=${SIP_MEM_CALLS:-"500"}
else
	SIP_POPS=${SIP_POPS:-"1000 10000"}
	SIP_STEPS=${SIP_STEPS:-7}
	SIP_STEP_SECS=${SIP_STEP_SECS:-3}
	SIP_LAT_SECS=${SIP_LAT_SECS:-5}
	SIP_MEM_CALLS=${SIP_MEM_CALLS:-"500 1000"}
fi
SIP_RATE0=${SIP_RATE0:-1000}	# the first rate tried
SIP_RATE_MAX=${SIP_RATE_MAX:-64000}
SIP_LAT_RATE=${SIP_LAT_RATE:-200}
CLK_TCK=$(getconf CLK_TCK)

SPX_SIP=$TOP/build/sipproxd/sipproxd
SPX_CTL=$TOP/build/sipctl/sipctl
B=$TOP/bench
P_IN=127.0.0.52
P_OUT=127.0.0.53
K_SL=127.0.0.54
K_TM=127.0.0.55
PH_REG=127.0.0.60
PH_CALLEE=127.0.0.61
PH_CALLER=127.0.0.62
REGISTRAR=127.0.0.70
O_CALLEE=127.0.0.71
O_CALLER=127.0.0.72

# --- the proxies --------------------------------------------------------

# sip_proxy_start NAME: start it on the proxy CPU; sets PROXY (where the
# phones send) and PROXY_PID.
sip_proxy_start()
{
	case $1 in
	sipproxd)	spx_sip_start ;;
	kamailio-sl)	kam_start "$K_SL" "" ;;
	kamailio-tm)	kam_start "$K_TM" "-A TM" ;;
	esac
}

sip_proxy_stop()
{
	[ -n "${PROXY_PID:-}" ] && pid_stop "$PROXY_PID"
	PROXY_PID=""
}

spx_sip_start()
{
	[ "$(id -u)" = 0 ] || { echo "sipproxd: needs root; skipped"; return 1; }
	[ -x "$SPX_SIP" ] || { echo "sipproxd: $SPX_SIP not built"; return 1; }
	getent passwd _sipproxd >/dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd
	getent passwd _sipproxd_rtp >/dev/null ||
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd_rtp
	mkdir -p /var/empty
	rm -f "$OBJ/sip.state"
	cat >"$OBJ/sip.conf" <<-EOF
	listen on $P_IN port 5060
	EOF
	# sip_transport: the phones' listener over TCP or TLS too
	case ${SIP_XPORT:-} in
	tcp)	echo "listen on $P_IN port 5060 tcp" >>"$OBJ/sip.conf" ;;
	tls)	cat >>"$OBJ/sip.conf" <<-EOF
		listen on $P_IN port $TLS_PORT tls
		tls certificate "$OBJ/tls/server.crt"
		tls key "$OBJ/tls/server.key"
		tls ca "$OBJ/tls/ca.crt"
		EOF
		;;
	esac
	cat >>"$OBJ/sip.conf" <<-EOF
	outside $P_OUT
	rtp ports 30000 to 45999
	registration state "$OBJ/sip.state"
	registration max 20000
	limit registrations per source 20000
	call max 4096
	limit calls per source 4096
	limit streams per source 32768
	EOF
	rm -f "$OBJ/sip.sock"
	taskset -c "$RELAY_CPU" "$SPX_SIP" -d -f "$OBJ/sip.conf" \
	    -s "$OBJ/sip.sock" >"$OBJ/sipproxd-sip.log" 2>&1 &
	PROXY_PID=$!
	pid_add "$PROXY_PID"
	_i=0
	while [ $_i -lt 50 ] && [ ! -S "$OBJ/sip.sock" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -S "$OBJ/sip.sock" ] || {
		echo "sipproxd did not start:"; cat "$OBJ/sipproxd-sip.log"
		pid_stop "$PROXY_PID"; return 1;
	}
	PROXY=$P_IN
}

kam_start()
{
	command -v kamailio >/dev/null 2>&1 || {
		echo "kamailio: not installed (apt-get install kamailio);" \
		    "skipped"
		return 1
	}
	# sip_transport: TCP (and TLS, with kamailio's tls module) too
	set -- "$1" "$2"
	case ${SIP_XPORT:-} in
	tcp)	set -- "$@" -A TCP -A "TCP_ADDR=tcp:$1:5060" ;;
	tls)	set -- "$@" -A TCP -A "TCP_ADDR=tcp:$1:5060" -A TLS \
		    -A "TLS_ADDR=tls:$1:$TLS_PORT" \
		    -A "TLS_CFG=\"$OBJ/tls/kamailio-tls.cfg\"" ;;
	esac
	_addr=$1 _mode=$2
	shift 2
	# shellcheck disable=SC2086
	taskset -c "$RELAY_CPU" kamailio -f "$B/kamailio.cfg" $_mode "$@" \
	    -A "LISTEN_ADDR=udp:$_addr:5060" -DD -E -m 256 -M 16 \
	    >"$OBJ/kamailio.log" 2>&1 &
	PROXY_PID=$!
	pid_add "$PROXY_PID"
	sleep 1
	kill -0 "$PROXY_PID" 2>/dev/null || {
		echo "kamailio did not start:"; tail -5 "$OBJ/kamailio.log"
		return 1
	}
	PROXY=$_addr
}

# spx_rss: "parent engine relay" VmRSS in KiB of the SIP bench's daemon
spx_rss()
{
	_e=0 _r=0
	for _p in $(pgrep -P "$PROXY_PID"); do
		_kb=$(awk '$1 == "VmRSS:" { print $2 }' /proc/"$_p"/status)
		if tr '\0' ' ' </proc/"$_p"/cmdline | grep -q "rtp relay"; then
			_r=$_kb
		else
			_e=$_kb
		fi
	done
	echo "$(awk '$1 == "VmRSS:" { print $2 }' /proc/"$PROXY_PID"/status)" \
	    "$_e" "$_r"
}

# spx_count what: registrations or calls in `sipctl show`
spx_count()
{
	"$SPX_CTL" -j -s "$OBJ/sip.sock" show 2>/dev/null |
	    sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p"
}

# --- sipp ---------------------------------------------------------------

# sip_uas tag scenario addr [args]: a sipp answering until stopped
sip_uas()
{
	_t=$1 _sf=$2 _ip=$3
	shift 3
	taskset -c "$GEN_CPU" sipp -sf "$B/$_sf" -i "$_ip" -p 5060 -nostdin \
	    -buff_size 4194304 "$@" >"$OBJ/$_t.out" 2>&1 &
	UAS_PID=$!
	pid_add "$UAS_PID"
	sleep 0.3
}

sip_uas_stop()
{
	[ -n "${UAS_PID:-}" ] && pid_stop "$UAS_PID"
	UAS_PID=""
}

# sip_uac tag scenario addr rate count [args]: one sipp run to its end
# (bounded), its statistics in $OBJ/tag.stat; prints
# "created ok failed seconds"
sip_uac()
{
	_t=$1 _sf=$2 _ip=$3 _rate=$4 _n=$5
	shift 5
	rm -f "$OBJ/$_t.stat"
	timeout $((_n / _rate + 40)) taskset -c "$GEN_CPU" sipp \
	    -sf "$B/$_sf" -i "$_ip" -p 5060 -nostdin -r "$_rate" -m "$_n" \
	    -l $((_rate * 4 + 100)) -buff_size 4194304 -timeout $((_n / _rate + 30))s \
	    -recv_timeout 5000 -trace_stat -stf "$OBJ/$_t.stat" -fd 3600 \
	    "$@" >"$OBJ/$_t.out" 2>&1
	# the last line: created (12), successful (16), failed (18); the
	# epoch seconds end the start (1) and current (3) time fields
	tail -n 1 "$OBJ/$_t.stat" 2>/dev/null | awk -F';' '{
		split($1, s, "\t"); split($3, c, "\t")
		printf "%d %d %d %.3f\n", $12, $16, $18, c[3] - s[3] }'
}

# sip_ok rate "created ok failed seconds": under 1 % failed, and at
# least 97 % of the rate asked answered over the run
sip_ok()
{
	echo "$2" | awk -v r="$1" '{ exit !($1 > 0 && $3 < 0.01 * $1 &&
	    $4 > 0 && $2 / $4 >= 0.97 * r) }'
}

# proxy_ticks: CPU time (clock ticks) of the proxy and its children
proxy_ticks()
{
	for _p in $PROXY_PID $(pgrep -P "$PROXY_PID"); do
		cat /proc/"$_p"/stat 2>/dev/null
	done | awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

# sip_search tag scenario addr [args]: the highest rate that passes;
# prints "rate cpu%" (cpu: the proxy's processes' share of one CPU at
# that rate, from their own CPU time: others' load does not count)
sip_search()
{
	_tag=$1 _sf=$2 _ip=$3
	shift 3
	_rate=$SIP_RATE0 _lo=0 _hi=0 _best=0 _bcpu=0 _s=0
	while [ $_s -lt "$SIP_STEPS" ]; do
		_c0=$(proxy_ticks)
		_r=$(sip_uac "$_tag" "$_sf" "$_ip" "$_rate" \
		    $((_rate * SIP_STEP_SECS)) "$@")
		_c1=$(proxy_ticks)
		_cpu=$(echo "$_c0 $_c1 $_r $CLK_TCK" | awk '{
		    printf "%.0f", ($6 > 0 ? 100 * ($2 - $1) / $7 / $6 : 0) }')
		echo "$CUR rate=$_rate result=$_r cpu=$_cpu" >>"$LOG"
		if sip_ok "$_rate" "$_r"; then
			_lo=$_rate _best=$_rate _bcpu=$_cpu
		else
			_hi=$_rate
		fi
		if [ "$_hi" -eq 0 ]; then
			_rate=$((_rate * 2))
			[ $_rate -le "$SIP_RATE_MAX" ] || break
		else
			_rate=$(((_lo + _hi) / 2))
			[ $((_hi - _lo)) -gt $((_hi / 20)) ] || break
		fi
		_s=$((_s + 1))
		# what the last step left in flight goes first
		sleep 0.5
	done
	echo "$_best $_bcpu"
}

# users N: the population's CSV, p1 to pN
users()
{
	[ -f "$OBJ/users$1.csv" ] ||
	    { echo SEQUENTIAL; seq 1 "$1" | sed 's/^/p/'; } >"$OBJ/users$1.csv"
	echo "$OBJ/users$1.csv"
}

# The phones' way to the registrar: through the proxy's inside.
via_proxy() { echo "-rsa $PROXY:5060"; }

# --- the parts ----------------------------------------------------------

sip_register()
{
	for p in $SIP_PROXIES; do
		sip_proxy_start "$p" || continue
		sip_uas "$p.registrar" sipp_registrar.xml "$REGISTRAR"
		for n in $SIP_POPS; do
			CUR="register $p pop=$n"
			# the population registers once, then refreshes
			# shellcheck disable=SC2046
			sip_uac "$p.prefill" sipp_reg_phone.xml "$PH_REG" 2000 \
			    "$n" -inf "$(users "$n")" -key registrar \
			    "$REGISTRAR" $(via_proxy) "$REGISTRAR:5060" \
			    >/dev/null
			# shellcheck disable=SC2046
			set -- $(sip_search "$p.reg" sipp_reg_phone.xml \
			    "$PH_REG" -inf "$(users "$n")" -key registrar \
			    "$REGISTRAR" $(via_proxy) "$REGISTRAR:5060")
			echo "register $p $n $1 $2" | tee -a "$SIP_RES" |
			    awk '{ printf "  %-12s %6d phones: %6d " \
			    "REGISTER/s, proxy cpu %s%%\n", $2, $3, $4, $5 }'
		done
		sip_uas_stop
		sip_proxy_stop
	done
}

# The phone that takes calls from outside registers first (sipproxd
# routes by registration; kamailio by the Request-URI).
sip_calls()
{
	for p in $SIP_PROXIES; do
		sip_proxy_start "$p" || continue
		CUR="calls $p out"
		sip_uas "$p.ocallee" sipp_call_callee.xml "$O_CALLEE"
		# shellcheck disable=SC2046
		set -- $(sip_search "$p.out" sipp_call_caller.xml "$PH_CALLER" \
		    -key ruri "sip:bob@$O_CALLEE:5060" $(via_proxy) \
		    "$O_CALLEE:5060")
		echo "calls $p out $1 $2" | tee -a "$SIP_RES" |
		    awk '{ printf "  %-12s inside->outside: %6d calls/s, " \
		    "proxy cpu %s%%\n", $2, $4, $5 }'
		sip_uas_stop

		CUR="calls $p in"
		if [ "$p" = sipproxd ]; then
			sip_uas "$p.registrar" sipp_registrar.xml "$REGISTRAR"
			printf 'SEQUENTIAL\ncallee\n' >"$OBJ/callee.csv"
			sip_uac "$p.creg" sipp_reg_phone.xml "$PH_CALLEE" 10 1 \
			    -inf "$OBJ/callee.csv" -key registrar "$REGISTRAR" \
			    -rsa "$PROXY:5060" "$REGISTRAR:5060" >/dev/null
			sip_uas_stop
			ruri="sip:callee@$P_OUT:5060" to=$P_OUT
		else
			ruri="sip:callee@$PH_CALLEE:5060" to=$PROXY
		fi
		sip_uas "$p.icallee" sipp_call_callee.xml "$PH_CALLEE"
		set -- $(sip_search "$p.in" sipp_call_caller.xml "$O_CALLER" \
		    -key ruri "$ruri" "$to:5060")
		echo "calls $p in $1 $2" | tee -a "$SIP_RES" |
		    awk '{ printf "  %-12s outside->inside: %6d calls/s, " \
		    "proxy cpu %s%%\n", $2, $4, $5 }'
		sip_uas_stop
		sip_proxy_stop
	done
}

# lat_parse file: "p50 p99" in microseconds from a sipp message trace,
# REGISTER sent to its 200 received, matched by Call-ID
lat_parse()
{
	awk '
	/^-------------------------------------------* [0-9]/ {
		split($NF, t, ":"); ts = t[1] * 3600 + t[2] * 60 + t[3]; next }
	/message sent/ { dir = "s"; next }
	/message received/ { dir = "r"; next }
	/^Call-ID:/ || /^Call-ID :/ {
		id = $2
		if (dir == "s" && !(id in sent)) sent[id] = ts
		else if (dir == "r" && (id in sent) && !(id in got)) {
			got[id] = 1; d[++n] = (ts - sent[id]) * 1e6
		}
	}
	END {
		if (n == 0) { print "- -"; exit }
		for (i = 1; i <= n; i++)
			for (j = i; j > 1 && d[j - 1] > d[j]; j--) {
				x = d[j]; d[j] = d[j - 1]; d[j - 1] = x }
		i50 = int(n * 0.5); i99 = int(n * 0.99)
		if (i50 < 1) i50 = 1
		if (i99 < 1) i99 = 1
		printf "%.0f %.0f\n", d[i50], d[i99]
	}' "$1"
}

sip_latency()
{
	n=$((SIP_LAT_RATE * SIP_LAT_SECS))
	for p in direct $SIP_PROXIES; do
		CUR="latency $p"
		route=""
		if [ "$p" != direct ]; then
			sip_proxy_start "$p" || continue
			route="-rsa $PROXY:5060"
		fi
		sip_uas "$p.lregistrar" sipp_registrar.xml "$REGISTRAR"
		rm -f "$OBJ/$p.lat.msg"
		# shellcheck disable=SC2086
		sip_uac "$p.lat" sipp_reg_phone.xml "$PH_REG" "$SIP_LAT_RATE" \
		    "$n" -inf "$(users 1000)" -key registrar "$REGISTRAR" \
		    $route -trace_msg -message_file "$OBJ/$p.lat.msg" \
		    "$REGISTRAR:5060" >/dev/null
		set -- $(lat_parse "$OBJ/$p.lat.msg")
		echo "latency $p $1 $2" | tee -a "$SIP_RES" |
		    awk '{ printf "  %-12s REGISTER to 200 at '"$SIP_LAT_RATE"'/s:" \
		    " p50 %s us, p99 %s us\n", $2, $3, $4 }'
		rm -f "$OBJ/$p.lat.msg"
		sip_uas_stop
		[ "$p" != direct ] && sip_proxy_stop
	done
}

# sip_rss_point label: RSS of the three processes, logged and kept
sip_rss_point()
{
	sleep 1
	set -- $(spx_rss)
	echo "memory $MEMWHAT $MEMN $1 $2 $3" | tee -a "$SIP_RES" |
	    awk '{ printf "  %-13s %6d: parent %6d KiB, engine %6d KiB, " \
	    "relay %6d KiB\n", $2, $3, $4, $5, $6 }'
}

sip_memory()
{
	PROXY_PID=""
	spx_sip_start || return
	MEMWHAT=registrations MEMN=0
	sip_rss_point
	sip_uas "mem.registrar" sipp_registrar.xml "$REGISTRAR"
	for n in 1000 10000; do
		# shellcheck disable=SC2046
		sip_uac "mem.reg$n" sipp_reg_phone.xml "$PH_REG" 2000 "$n" \
		    -inf "$(users "$n")" -key registrar "$REGISTRAR" \
		    $(via_proxy) "$REGISTRAR:5060" >/dev/null
		MEMN=$(spx_count registrations)
		sip_rss_point
	done
	sip_uas_stop
	sip_proxy_stop

	# Calls held (relay streams open): a fresh daemon for each count.
	for n in 0 $SIP_MEM_CALLS; do
		spx_sip_start || return
		MEMWHAT=calls MEMN=0
		if [ "$n" -gt 0 ]; then
			sip_uas "mem.callee" sipp_call_callee.xml "$O_CALLEE"
			taskset -c "$GEN_CPU" sipp -sf "$B/sipp_call_caller.xml" \
			    -i "$PH_CALLER" -p 5060 -nostdin -r 500 -m "$n" \
			    -l "$n" -d 120000 -timeout 60s \
			    -key ruri "sip:bob@$O_CALLEE:5060" \
			    -rsa "$PROXY:5060" "$O_CALLEE:5060" \
			    >"$OBJ/mem.caller.out" 2>&1 &
			CALLER_PID=$!
			pid_add "$CALLER_PID"
			_i=0
			while [ $_i -lt 100 ] &&
			    [ "$(spx_count calls)" != "$n" ]; do
				sleep 0.1
				_i=$((_i + 1))
			done
			MEMN=$(spx_count calls)
		fi
		sip_rss_point
		[ -n "${CALLER_PID:-}" ] && pid_stop "$CALLER_PID"
		CALLER_PID=""
		sip_uas_stop
		sip_proxy_stop
	done
}

# --- REGISTER/s over TCP and TLS -----------------------------------------
#
# The same population and search as sip_register, over TCP or TLS on both
# sides: the phones (one sipp, -t t1: one connection) to the proxy, and
# the proxy to the registrar (the Request-URI says transport=tcp or tls,
# which sipproxd and kamailio's forward() both follow). Debian's sipp has
# no TLS, so over TLS the phones' sipp speaks TCP to the project's
# tlspipe (regress/tls), which speaks TLS to the proxy and verifies its
# certificate; the registrar's sipp sits behind a tlspipe in server mode.
# Both pipes run on the generator's CPU and cost the same for every
# proxy. kamailio needs its tls module for TLS (Debian package
# kamailio-tls-modules): run as root, this installs it when missing.
PH_TLS=127.0.0.63	# the phones' tlspipe listens here
TLS_PORT=5061

# tls_bench_certs: a CA and one certificate for every TLS server of the
# bench (the proxies' inside addresses, the registrar), made once in
# $OBJ/tls.
tls_bench_certs()
{
	[ -s "$OBJ/tls/server.crt" ] && return 0
	mkdir -p "$OBJ/tls" || return 1
	(
	umask 077
	cd "$OBJ/tls" || exit 1
	_ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	# shellcheck disable=SC2086
	openssl req -x509 $_ec -keyout ca.key -out ca.crt -days 30 \
	    -subj "/CN=sipproxd bench CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign || exit 1
	# shellcheck disable=SC2086
	openssl req $_ec -keyout server.key -out server.csr \
	    -subj "/CN=sipproxd bench" || exit 1
	printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' \
	    "IP:$P_IN,IP:$P_OUT,IP:$K_SL,IP:$K_TM,IP:$REGISTRAR" \
	    serverAuth,clientAuth >server.ext
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
	    -CAcreateserial -days 30 -extfile server.ext -out server.crt ||
	    exit 1
	chmod 644 ca.crt server.crt
	) >"$OBJ/tls/openssl.log" 2>&1 || {
		echo "  openssl could not make the certificates:"
		tail -5 "$OBJ/tls/openssl.log"
		rm -f "$OBJ/tls/server.crt"
		return 1
	}
	# kamailio's tls module: a server with the certificate, a client
	# that verifies the registrar's against the CA, as sipproxd does
	cat >"$OBJ/tls/kamailio-tls.cfg" <<-EOF
	[server:default]
	method = TLSv1.2+
	verify_certificate = no
	require_certificate = no
	certificate = $OBJ/tls/server.crt
	private_key = $OBJ/tls/server.key

	[client:default]
	method = TLSv1.2+
	verify_certificate = yes
	require_certificate = yes
	ca_list = $OBJ/tls/ca.crt
	EOF
}

# tlspipe_build: the regress TLS pipe, into $OBJ
tlspipe_build()
{
	[ "$OBJ/tlspipe" -nt "$TOP/regress/tls/tlspipe.c" ] && return 0
	# shellcheck disable=SC2046
	${CC:-cc} -O2 -Wall -I"$TOP/compat" \
	    $(pkg-config --cflags libbsd-overlay libtls) -o "$OBJ/tlspipe" \
	    "$TOP/regress/tls/tlspipe.c" \
	    $(pkg-config --libs libbsd-overlay libtls) >"$OBJ/tlspipe.log" \
	    2>&1 || { echo "  tlspipe does not build:"; \
	    tail -5 "$OBJ/tlspipe.log"; return 1; }
}

# kam_tls_module: kamailio's tls module, installed when missing (root)
kam_tls_module()
{
	command -v kamailio >/dev/null 2>&1 || return 0
	[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] && return 0
	if [ "$(id -u)" = 0 ]; then
		echo "  installing kamailio-tls-modules"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends kamailio-tls-modules >/dev/null 2>&1
	fi
	[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] || {
		echo "  kamailio over TLS: no tls module" \
		    "(apt-get install kamailio-tls-modules); skipped"
		return 1
	}
}

# pipe_start addr tlspipe-arguments: one tlspipe (its log in $OBJ), on
# the generator's CPU; waits (bounded) until it listens on addr
pipe_start()
{
	_a=$1
	shift
	taskset -c "$GEN_CPU" "$OBJ/tlspipe" "$@" \
	    >>"$OBJ/tlspipe-run.log" 2>&1 &
	pid_add "$!"
	PIPE_PIDS="${PIPE_PIDS:-} $!"
	_i=0
	while [ $_i -lt 30 ] && ! ss -ltn "src $_a" 2>/dev/null |
	    grep -q LISTEN; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

pipes_stop()
{
	for _p in ${PIPE_PIDS:-}; do
		pid_stop "$_p"
	done
	PIPE_PIDS=""
}

# sip_transport tcp|tls: REGISTER/s over that transport for each proxy;
# rows "register-tcp PROXY N RATE CPU" (or register-tls)
sip_transport()
{
	_x=$1
	SIP_XPORT=$_x
	printf 'listen on %s port 5060\nlisten on %s port 5060 %s\n' \
	    "$P_IN" "$P_IN" "$_x" >"$OBJ/xport.conf"
	printf 'outside %s\n' "$P_OUT" >>"$OBJ/xport.conf"
	if [ "$_x" = tls ]; then
		tls_bench_certs && tlspipe_build || { SIP_XPORT=; return 0; }
		printf 'tls certificate "%s"\ntls key "%s"\n' \
		    "$OBJ/tls/server.crt" "$OBJ/tls/server.key" \
		    >>"$OBJ/xport.conf"
	fi
	if ! "$SPX_SIP" -n -f "$OBJ/xport.conf" >/dev/null 2>&1; then
		echo "  skipped: sipproxd does not accept listen on ... $_x"
		SIP_XPORT=
		return 0
	fi
	n=${SIP_POPS%% *}
	for p in $SIP_PROXIES; do
		if [ "$_x" = tls ] && [ "$p" != sipproxd ]; then
			kam_tls_module || continue
		fi
		sip_proxy_start "$p" || continue
		CUR="register-$_x $p pop=$n"
		if [ "$_x" = tls ]; then
			# registrar: sipp on TCP behind a TLS server pipe
			sip_uas "$p.xregistrar" sipp_registrar.xml \
			    "$REGISTRAR" -t t1
			pipe_start "$REGISTRAR:$TLS_PORT" \
			    -c "$OBJ/tls/server.crt" -k "$OBJ/tls/server.key" \
			    -l "$REGISTRAR:$TLS_PORT" -r "$REGISTRAR:5060"
			# phones: sipp on TCP to a client pipe, which
			# verifies the proxy's certificate
			pipe_start "$PH_TLS:5060" -C "$OBJ/tls/ca.crt" \
			    -l "$PH_TLS:5060" -r "$PROXY:$TLS_PORT" -b "$PH_REG"
			to="-rsa $PH_TLS:5060"
		else
			sip_uas "$p.xregistrar" sipp_registrar.xml \
			    "$REGISTRAR" -t t1
			to=$(via_proxy)
		fi
		reg="$REGISTRAR;transport=$_x"
		# the population registers once, then refreshes
		# shellcheck disable=SC2086
		sip_uac "$p.xprefill" sipp_reg_phone.xml "$PH_REG" 2000 "$n" \
		    -t t1 -inf "$(users "$n")" -key registrar "$reg" $to \
		    "$REGISTRAR:5060" >/dev/null
		# shellcheck disable=SC2086
		set -- $(sip_search "$p.xreg" sipp_reg_phone.xml \
		    "$PH_REG" -t t1 -inf "$(users "$n")" -key registrar \
		    "$reg" $to "$REGISTRAR:5060")
		echo "register-$_x $p $n $1 $2" | tee -a "$SIP_RES" |
		    awk '{ printf "  %-12s %6d phones over %s: %6d " \
		    "REGISTER/s, proxy cpu %s%%\n", $2, $3,
		    substr($1, 10), $4, $5 }'
		pipes_stop
		sip_uas_stop
		sip_proxy_stop
	done
	SIP_XPORT=
}

sip_tcp() { sip_transport tcp; }
sip_tls() { sip_transport tls; }

sip_report()
{
	[ -s "$SIP_RES" ] || return 0
	echo
	echo "SIP signalling benchmark: proxy on CPU $RELAY_CPU, sipp on CPU" \
	    "$GEN_CPU; steps of $SIP_STEP_SECS s"
	awk -v secs="$SIP_LAT_SECS" -v lrate="$SIP_LAT_RATE" '
	{ row[NR] = $0 }
	$1 ~ /^register/ && $2 == "kamailio-sl" { reg[$1 $3] = $4
		rege[$1 $3] = est($4, $5) }
	$1 == "calls" && $2 == "kamailio-sl" { cal[$3] = $4
		cale[$3] = est($4, $5) }
	$1 == "latency" && $2 == "direct" { d50 = $3; d99 = $4 }
	$1 == "latency" { nlat++ }
	$1 == "memory" { nmem++ }
	$1 == "memory" && $3 == 0 { base[$2] = $5 }
	function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	function est(r, cpu) { return cpu > 0 ? 100 * r / cpu : 0 }
	END {
		printf "%-12s %-16s %8s %5s %8s %8s %8s\n", "proxy", "test",
		    "rate/s", "cpu%", "rate/cpu", "ratio", "r/cpu"
		for (i = 1; i <= NR; i++) {
			split(row[i], f, " ")
			if (f[1] ~ /^register/) {
				# register-tcp, register-tls: the transport
				test = "REGISTER " f[3]
				if (f[1] != "register")
					test = "REG/" toupper(substr(f[1], 10)) \
					    " " f[3]
				b = reg[f[1] f[3]]; be = rege[f[1] f[3]]
			} else if (f[1] == "calls") {
				dir = f[3] == "out" ? "in->out" : "out->in"
				test = "calls " dir
				b = cal[f[3]]; be = cale[f[3]]
			} else
				continue
			printf "%-12s %-16s %8d %5s %8d %8s %8s\n", f[2], test,
			    f[4], f[5], est(f[4], f[5]), ratio(f[4], b),
			    ratio(est(f[4], f[5]), be)
		}
		print "(rate/cpu: the rate one full CPU would carry, from the" \
		    " proxy processes'"'"' own CPU time;"
		print " ratio, r/cpu: against kamailio-sl over the same" \
		    " transport; REG/TCP, REG/TLS: over TCP, TLS)"
		if (nlat > 0)
			printf "\nREGISTER to 200 at %d/s (%d s): p50, p99 " \
			    "us; added: minus direct\n", lrate, secs
		for (i = 1; i <= NR; i++) {
			split(row[i], f, " ")
			if (f[1] != "latency")
				continue
			printf "%-12s p50 %6s p99 %6s", f[2], f[3], f[4]
			if (f[2] != "direct" && d50 != "")
				printf "  added p50 %6d p99 %6d", f[3] - d50,
				    f[4] - d99
			printf "\n"
		}
		if (nmem > 0)
			printf "\nsipproxd memory (VmRSS KiB: parent engine" \
			    " relay)\n"
		for (i = 1; i <= NR; i++) {
			split(row[i], f, " ")
			if (f[1] != "memory")
				continue
			printf "%-13s %6d: %6d %6d %6d", f[2], f[3], f[4],
			    f[5], f[6]
			what = f[2] == "calls" ? "call" : "registration"
			if (f[3] > 0 && (f[2] in base))
				printf "  engine %d B/%s",
				    (f[5] - base[f[2]]) * 1024 / f[3], what
			if (f[2] == "calls" && f[3] > 0)
				printf ", relay %d B/call",
				    (f[6] - rbase) * 1024 / f[3]
			if (f[2] == "registrations" && f[3] > 0)
				printf ", parent %d B/registration",
				    (f[4] - pbase) * 1024 / f[3]
			printf "\n"
		}
	}
	$1 == "memory" && $2 == "calls" && $3 == 0 { rbase = $6 }
	$1 == "memory" && $2 == "registrations" && $3 == 0 { pbase = $4 }
	' "$SIP_RES"
}

# bench_sip PART: one part (register, calls, latency, memory)
bench_sip()
{
	echo "sip $1:"
	"sip_$1"
}
