# Test certificates, made fresh with openssl(1) for each run; sourced.
#
# tls_certs dir: in dir (created), two CAs and what they signed:
#   ca.crt           the test CA, signer of:
#     server.crt/.key  sipproxd: IP 127.0.0.2, 127.0.0.3, DNS localhost
#     peer.crt/.key    a provider or callee: IP 127.0.0.20, 127.0.0.21
#   rogue.crt        another CA, signer of:
#     rogue-peer.crt/.key  the same names as peer.crt
#     server2.crt/.key     the same names as server.crt
# Keys are mode 0600. Returns non-zero if openssl fails.

tls_certs() {
	_d=$1
	mkdir -p "$_d" || return 1
	(
	umask 077
	cd "$_d" || exit 1
	_ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	for _ca in ca rogue; do
		# shellcheck disable=SC2086
		openssl req -x509 $_ec -keyout $_ca.key -out $_ca.crt \
		    -days 2 -subj "/CN=sipproxd regress $_ca" \
		    -addext basicConstraints=critical,CA:TRUE \
		    -addext keyUsage=critical,keyCertSign,cRLSign ||
		    exit 1
	done
	_leaf() {
		# shellcheck disable=SC2086
		openssl req $_ec -keyout "$1.key" -out "$1.csr" \
		    -subj "/CN=$1" || exit 1
		printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$3" \
		    serverAuth,clientAuth > "$1.ext"
		openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
		    -CAcreateserial -days 2 -extfile "$1.ext" \
		    -out "$1.crt" || exit 1
	}
	_leaf server ca "IP:127.0.0.2,IP:127.0.0.3,DNS:localhost"
	_leaf peer ca "IP:127.0.0.20,IP:127.0.0.21,DNS:localhost"
	_leaf rogue-peer rogue "IP:127.0.0.20,IP:127.0.0.21,DNS:localhost"
	_leaf server2 rogue "IP:127.0.0.2,IP:127.0.0.3,DNS:localhost"
	rm -f ./*.csr ./*.ext ./*.srl
	chmod 644 ./*.crt
	) > "$_d/openssl.log" 2>&1
}
