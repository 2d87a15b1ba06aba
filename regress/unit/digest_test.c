/*
 * Copyright (c) 2026 The sipproxd developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Digest (sipproxd/digest.c): HA1 and responses against the examples of
 * RFC 7616 3.9.1 (MD5 and SHA-256) and RFC 2617 3.5; credentials parsed
 * in the forms clients send and refused when malformed; our nonces
 * checked, refused when altered, for another address or realm, or
 * under another key; nonce counts taken once, in or out of order.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "digest.h"
#include "check.h"

/* RFC 7616 3.9.1, and RFC 2617 3.5 with qop=auth. */
#define R7616_NONCE	"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define R7616_CNONCE	"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void
test_vectors(void)
{
	static const struct {
		const char	*name;
		int		 alg;
		const char	*user, *realm, *pass, *nonce, *cnonce;
		const char	*ha1, *response;
	} v[] = {
		{ "digest_rfc7616_md5", DIGEST_MD5, "Mufasa",
		    "http-auth@example.org", "Circle of Life", R7616_NONCE,
		    R7616_CNONCE, "3d78807defe7de2157e2b0b6573a855f",
		    "8ca523f5e9506fed4657c9700eebdbec" },
		{ "digest_rfc7616_sha256", DIGEST_SHA256, "Mufasa",
		    "http-auth@example.org", "Circle of Life", R7616_NONCE,
		    R7616_CNONCE, "7987c64c30e25f1b74be53f966b49b90"
		    "f2808aa92faf9a00262392d7b4794232",
		    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5"
		    "856cb6c1" },
		{ "digest_rfc2617_md5", DIGEST_MD5, "Mufasa",
		    "testrealm@host.com", "Circle Of Life",
		    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b",
		    "939e7578ed9e3c518a452acee763bce9",
		    "6629fae49393a05397450978507c4ef1" },
	};
	char	 ha1[DIGEST_MAX_HEX + 1], resp[DIGEST_MAX_HEX + 1];
	char	 name[64];
	size_t	 i;

	for (i = 0; i < nitems(v); i++) {
		digest_ha1(v[i].alg, v[i].user, v[i].realm, v[i].pass, ha1);
		snprintf(name, sizeof(name), "%s_ha1", v[i].name);
		check(name, strcmp(ha1, v[i].ha1) == 0, "got %s", ha1);
		digest_response(v[i].alg, ha1, v[i].nonce, "00000001",
		    v[i].cnonce, "GET", "/dir/index.html", resp);
		snprintf(name, sizeof(name), "%s_response", v[i].name);
		check(name, strcmp(resp, v[i].response) == 0, "got %s", resp);
		snprintf(name, sizeof(name), "%s_hex_valid", v[i].name);
		check(name, digest_hex_valid(resp, v[i].alg) &&
		    !digest_hex_valid(resp, !v[i].alg), "hex length");
	}
}

static int
parses(const char *s, struct digest_cred *c)
{
	const char	*why;

	return (digest_parse(s, strlen(s), c, &why) == 0);
}

static void
test_parse(void)
{
	static const char	*bad[] = {
		"",
		"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
		"Digest",
		"Digestusername=\"a\"",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",
		"Digest username=\"a\", username=\"b\", realm=\"r\", "
		    "nonce=\"n\", uri=\"u\", response=\"x\"",
		"Digest username=\"a, realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\"",
		"Digest username=\"a\" realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\"",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\", nc=0000001",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\", nc=00000000",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\", nc=0000000g",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\",",
		"Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", "
		    "uri=\"u\", response=\"x\"",
		"Digest username=\"a\\",
		"Digest =\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		    "response=\"x\"",
	};
	struct digest_cred	 c;
	char			 name[64], big[DIGEST_MAX_URI + 64];
	size_t			 i;
	int			 ok;

	/* sipp's form: no spaces, quoted and bare values mixed. */
	ok = parses("Digest username=\"alice\",realm=\"r1\","
	    "cnonce=\"6b8b4567\",nc=00000001,qop=auth,"
	    "uri=\"sip:127.0.0.60:5090\",nonce=\"n1\","
	    "response=\"89d4c1cfbf5e4a87bd2f9cee0a6f4d09\",algorithm=MD5", &c);
	check("digest_parse_sipp", ok && strcmp(c.username, "alice") == 0 &&
	    strcmp(c.realm, "r1") == 0 && strcmp(c.cnonce, "6b8b4567") == 0 &&
	    c.nc == 1 && strcmp(c.nc_text, "00000001") == 0 &&
	    strcmp(c.qop, "auth") == 0 &&
	    strcmp(c.uri, "sip:127.0.0.60:5090") == 0 &&
	    strcmp(c.nonce, "n1") == 0 && c.algorithm == DIGEST_MD5,
	    "fields wrong");
	/* Spaces and tabs around everything, names in any case. */
	ok = parses("  Digest\tUserName = \"bob\" ,REALM=\"a \\\"q\\\" b\", "
	    "nonce=\"n\",  uri=\"sip:x\", response=\"r\", "
	    "algorithm=\"sha-256\", qop=\"auth\", nc=0000001F, "
	    "cnonce=\"c\", opaque=\"o\", other=thing", &c);
	check("digest_parse_spaces", ok && strcmp(c.username, "bob") == 0 &&
	    strcmp(c.realm, "a \"q\" b") == 0 && c.nc == 0x1f &&
	    c.algorithm == DIGEST_SHA256 && strcmp(c.opaque, "o") == 0,
	    "fields wrong");
	ok = parses("Digest username=\"a\", realm=\"r\", nonce=\"n\", "
	    "uri=\"u\", response=\"x\"", &c);
	check("digest_parse_default_md5", ok && c.algorithm == DIGEST_MD5 &&
	    c.nc == 0 && c.qop[0] == '\0', "algorithm %d", c.algorithm);
	ok = parses("Digest username=\"a\", realm=\"r\", nonce=\"n\", "
	    "uri=\"u\", response=\"x\", algorithm=SHA-512-256", &c);
	check("digest_parse_unknown_algorithm", ok && c.algorithm == -1,
	    "algorithm %d", c.algorithm);
	for (i = 0; i < nitems(bad); i++) {
		snprintf(name, sizeof(name), "digest_parse_bad_%zu", i);
		check(name, !parses(bad[i], &c), "accepted: %s", bad[i]);
	}
	/* A uri up to its limit fits, one more byte does not. */
	for (i = 0; i < 2; i++) {
		snprintf(big, sizeof(big), "Digest username=\"a\", "
		    "realm=\"r\", nonce=\"n\", response=\"x\", uri=\"%0*d\"",
		    (int)(DIGEST_MAX_URI - 1 + i), 0);
		snprintf(name, sizeof(name), "digest_parse_uri_%s",
		    i == 0 ? "longest" : "too_long");
		check(name, parses(big, &c) == (i == 0), "limit");
	}
	/* More than DIGEST_MAX_PARAMS parameters. */
	strlcpy(big, "Digest username=\"a\", realm=\"r\", nonce=\"n\", "
	    "uri=\"u\", response=\"x\"", sizeof(big));
	for (i = 0; i < DIGEST_MAX_PARAMS; i++)
		strlcat(big, ", x=y", sizeof(big));
	check("digest_parse_too_many_params", !parses(big, &c), "accepted");
}

static void
test_challenge(void)
{
	char	 buf[512];

	check("digest_challenge_sha256", digest_challenge(buf,
	    sizeof(buf), DIGEST_SHA256, "home", "abc", 0) == 0 && strcmp(buf,
	    "Digest realm=\"home\", nonce=\"abc\", algorithm=SHA-256, "
	    "qop=\"auth\"") == 0, "got %s", buf);
	check("digest_challenge_md5_stale", digest_challenge(buf,
	    sizeof(buf), DIGEST_MD5, "a\"b\\c", "abc", 1) == 0 && strcmp(buf,
	    "Digest realm=\"a\\\"b\\\\c\", nonce=\"abc\", algorithm=MD5, "
	    "qop=\"auth\", stale=true") == 0, "got %s", buf);
	check("digest_challenge_too_small", digest_challenge(buf, 40,
	    DIGEST_MD5, "home", "abc", 0) == -1, "fits in 40 bytes");
}

static void
test_nonce(void)
{
	SIPHASH_KEY	 key, other;
	char		 n[DIGEST_NONCE_LEN + 1], m[DIGEST_NONCE_LEN + 1];
	uint64_t	 ctr;
	uint32_t	 t;
	int		 i, bad;

	arc4random_buf(&key, sizeof(key));
	arc4random_buf(&other, sizeof(other));
	digest_nonce_make(&key, 0x0123456789abcdefULL, 0x7654321, "home",
	    "192.168.1.10", n, sizeof(n));
	check("digest_nonce_length", strlen(n) == DIGEST_NONCE_LEN, "%zu",
	    strlen(n));
	check("digest_nonce_good", digest_nonce_check(&key, n, "home",
	    "192.168.1.10", &ctr, &t) == 0 && ctr == 0x0123456789abcdefULL &&
	    t == 0x7654321, "refused or wrong fields");
	check("digest_nonce_other_source", digest_nonce_check(&key, n, "home",
	    "192.168.1.11", &ctr, &t) == -1, "accepted");
	check("digest_nonce_other_realm", digest_nonce_check(&key, n, "home2",
	    "192.168.1.10", &ctr, &t) == -1, "accepted");
	check("digest_nonce_other_key", digest_nonce_check(&other, n, "home",
	    "192.168.1.10", &ctr, &t) == -1, "accepted");
	/* Any one digit changed, counter, time or MAC, is refused. */
	bad = 0;
	for (i = 0; i < DIGEST_NONCE_LEN; i++) {
		strlcpy(m, n, sizeof(m));
		m[i] = m[i] == '0' ? '1' : '0';
		if (digest_nonce_check(&key, m, "home", "192.168.1.10", &ctr,
		    &t) == 0)
			bad++;
	}
	check("digest_nonce_altered", bad == 0, "%d alterations accepted", bad);
	strlcpy(m, n, sizeof(m));
	m[0] = 'A';
	check("digest_nonce_upper_case", digest_nonce_check(&key, m, "home",
	    "192.168.1.10", &ctr, &t) == -1, "accepted");
	check("digest_nonce_short", digest_nonce_check(&key, "0123", "home",
	    "192.168.1.10", &ctr, &t) == -1, "accepted");
}

static void
test_nc(void)
{
	struct digest_ncwin	 w;
	int			 ok;

	memset(&w, 0, sizeof(w));
	ok = digest_nc_take(&w, 1) && digest_nc_take(&w, 2) &&
	    !digest_nc_take(&w, 1) && !digest_nc_take(&w, 2);
	check("digest_nc_replay", ok, "a count taken twice");
	ok = digest_nc_take(&w, 5) && digest_nc_take(&w, 3) &&
	    digest_nc_take(&w, 4) && !digest_nc_take(&w, 3);
	check("digest_nc_out_of_order", ok, "order");
	check("digest_nc_zero", !digest_nc_take(&w, 0), "0 taken");
	ok = digest_nc_take(&w, 5 + DIGEST_NC_WINDOW) &&
	    !digest_nc_take(&w, 5) && digest_nc_take(&w, 6) &&
	    !digest_nc_take(&w, 6);
	check("digest_nc_window", ok, "window edges");
	ok = digest_nc_take(&w, 0xffffffff) &&
	    !digest_nc_take(&w, 0xffffffff) && !digest_nc_take(&w, 7);
	check("digest_nc_jump", ok, "a jump to the top");
}

int
main(void)
{
	test_vectors();
	test_parse();
	test_challenge();
	test_nonce();
	test_nc();
	return (failures != 0);
}
