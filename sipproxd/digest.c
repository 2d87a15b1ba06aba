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
 * The Digest scheme (RFC 7616; RFC 8760 brings SHA-256 to SIP), the part
 * of it a proxy needs with qop=auth: credentials parsed, HA1 and the
 * response computed, nonces made and checked, nonce counts taken once.
 *
 * A nonce of ours carries no state: a counter (each challenge gets its
 * own nonce), the time it was made, and a MAC of both, the realm and
 * the address it was given to, under a key drawn at start. It cannot be
 * forged, used from another address, or used after a restart.
 */

#include <sys/types.h>

#include <ctype.h>
#include <md5.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "digest.h"
#include "mac.h"

struct digest_ctx {
	int		 alg;
	union {
		MD5_CTX		 md5;
		SHA2_CTX	 sha2;
	}		 u;
};

static const struct {
	const char	*name;		/* as in the algorithm parameter */
	const char	*word;		/* in sipproxd.conf and users files */
	size_t		 hexlen;
} algs[DIGEST_NALG] = {
	[DIGEST_MD5] = { "MD5", "md5", MD5_DIGEST_LENGTH * 2 },
	[DIGEST_SHA256] = { "SHA-256", "sha256", SHA256_DIGEST_LENGTH * 2 }
};

static void	 ctx_init(struct digest_ctx *, int);
static void	 ctx_add(struct digest_ctx *, const char *);
static void	 ctx_hex(struct digest_ctx *, char *);
static int	 is_tchar(int);
static int	 param_store(struct digest_cred *, const char *, size_t,
		    const char *, unsigned int *, const char **);
static int	 put_quoted(char *, size_t, size_t *, const char *);

static void
ctx_init(struct digest_ctx *c, int alg)
{
	c->alg = alg;
	if (alg == DIGEST_SHA256)
		SHA256Init(&c->u.sha2);
	else
		MD5Init(&c->u.md5);
}

static void
ctx_add(struct digest_ctx *c, const char *s)
{
	if (c->alg == DIGEST_SHA256)
		SHA256Update(&c->u.sha2, (const uint8_t *)s, strlen(s));
	else
		MD5Update(&c->u.md5, (const uint8_t *)s, strlen(s));
}

/* The digest in lower-case hex, NUL ended; the context is wiped. */
static void
ctx_hex(struct digest_ctx *c, char *hex)
{
	uint8_t		 d[SHA256_DIGEST_LENGTH];
	size_t		 i, n;

	if (c->alg == DIGEST_SHA256) {
		SHA256Final(d, &c->u.sha2);
		n = SHA256_DIGEST_LENGTH;
	} else {
		MD5Final(d, &c->u.md5);
		n = MD5_DIGEST_LENGTH;
	}
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	explicit_bzero(d, sizeof(d));
	explicit_bzero(c, sizeof(*c));
}

/* The algorithm parameter's value (case does not matter), or -1. */
int
digest_alg_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < DIGEST_NALG; i++)
		if (strcasecmp(name, algs[i].name) == 0)
			return (i);
	return (-1);
}

const char *
digest_alg_name(int alg)
{
	return (algs[alg].name);
}

const char *
digest_alg_word(int alg)
{
	return (algs[alg].word);
}

size_t
digest_hexlen(int alg)
{
	return (algs[alg].hexlen);
}

/* Exactly a digest of alg in lower-case hex. */
int
digest_hex_valid(const char *s, int alg)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return (0);
	return (i == algs[alg].hexlen);
}

/* HA1 = H(username ":" realm ":" password), in hex. */
void
digest_ha1(int alg, const char *user, const char *realm, const char *password,
    char *hex)
{
	struct digest_ctx	 c;

	ctx_init(&c, alg);
	ctx_add(&c, user);
	ctx_add(&c, ":");
	ctx_add(&c, realm);
	ctx_add(&c, ":");
	ctx_add(&c, password);
	ctx_hex(&c, hex);
}

/*
 * With qop=auth: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2),
 * HA2 = H(method ":" uri), in hex.
 */
void
digest_response(int alg, const char *ha1, const char *nonce, const char *nc,
    const char *cnonce, const char *method, const char *uri, char *hex)
{
	struct digest_ctx	 c;
	char			 ha2[DIGEST_MAX_HEX + 1];

	ctx_init(&c, alg);
	ctx_add(&c, method);
	ctx_add(&c, ":");
	ctx_add(&c, uri);
	ctx_hex(&c, ha2);

	ctx_init(&c, alg);
	ctx_add(&c, ha1);
	ctx_add(&c, ":");
	ctx_add(&c, nonce);
	ctx_add(&c, ":");
	ctx_add(&c, nc);
	ctx_add(&c, ":");
	ctx_add(&c, cnonce);
	ctx_add(&c, ":auth:");
	ctx_add(&c, ha2);
	ctx_hex(&c, hex);
}

/* RFC 3261 25.1 token characters. */
static int
is_tchar(int ch)
{
	return (isalnum(ch) || (ch != '\0' && strchr("-.!%*_+`'~", ch) !=
	    NULL));
}

/*
 * Credentials: the scheme "Digest", then name=value pairs separated by
 * commas, a value a token or a quoted-string (either is taken for any
 * parameter: clients differ). A known parameter given twice, a count
 * that is not 8 hex digits, a value too long or a byte that has no
 * place in a header make the whole value malformed. Unknown parameters
 * are skipped. Returns 0, or -1 with *why.
 */
int
digest_parse(const char *s, size_t len, struct digest_cred *c,
    const char **why)
{
	char		 val[DIGEST_MAX_URI];
	const char	*name;
	size_t		 i = 0, nlen, o, nparams = 0;
	unsigned int	 seen = 0;

	memset(c, 0, sizeof(*c));
	c->algorithm = DIGEST_MD5;	/* RFC 7616 3.3: absent means MD5 */
	*why = "not Digest";
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 7 || strncasecmp(s + i, "Digest", 6) != 0 ||
	    (s[i + 6] != ' ' && s[i + 6] != '\t'))
		return (-1);
	i += 6;
	*why = "malformed Digest credentials";
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		name = s + i;
		for (nlen = 0; i < len && is_tchar((unsigned char)s[i]); i++)
			nlen++;
		if (nlen == 0 || ++nparams > DIGEST_MAX_PARAMS)
			return (-1);
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len || s[i++] != '=')
			return (-1);
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		o = 0;
		if (i < len && s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && ++i >= len)
					return (-1);
				if (((unsigned char)s[i] < 0x20 &&
				    s[i] != '\t') || s[i] == 0x7f)
					return (-1);
				if (o + 1 >= sizeof(val))
					return (-1);
				val[o++] = s[i];
			}
			if (i++ >= len)
				return (-1);
		} else {
			for (; i < len && is_tchar((unsigned char)s[i]); i++) {
				if (o + 1 >= sizeof(val))
					return (-1);
				val[o++] = s[i];
			}
			if (o == 0)
				return (-1);
		}
		val[o] = '\0';
		if (param_store(c, name, nlen, val, &seen, why) == -1)
			return (-1);
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (s[i++] != ',')
			return (-1);
	}
	*why = "Digest credentials incomplete";
	if ((seen & 0x1f) != 0x1f)	/* username realm nonce uri response */
		return (-1);
	return (0);
}

/* One parameter into its field; bits of seen, in this order. */
static int
param_store(struct digest_cred *c, const char *name, size_t nlen,
    const char *val, unsigned int *seen, const char **why)
{
	static const char	*names[] = { "username", "realm", "nonce",
				    "uri", "response", "cnonce", "qop",
				    "opaque", "nc", "algorithm" };
	char			*field[] = { c->username, c->realm, c->nonce,
				    c->uri, c->response, c->cnonce, c->qop,
				    c->opaque, NULL, NULL };
	size_t			 size[] = { sizeof(c->username),
				    sizeof(c->realm), sizeof(c->nonce),
				    sizeof(c->uri), sizeof(c->response),
				    sizeof(c->cnonce), sizeof(c->qop),
				    sizeof(c->opaque), 0, 0 };
	size_t			 k;

	for (k = 0; k < nitems(names); k++)
		if (strlen(names[k]) == nlen &&
		    strncasecmp(names[k], name, nlen) == 0)
			break;
	if (k == nitems(names))
		return (0);
	if (*seen & (1U << k)) {
		*why = "Digest parameter given twice";
		return (-1);
	}
	*seen |= 1U << k;
	if (field[k] != NULL) {
		if (strlcpy(field[k], val, size[k]) >= size[k]) {
			*why = "Digest parameter too long";
			return (-1);
		}
		return (0);
	}
	if (strcmp(names[k], "algorithm") == 0) {
		c->algorithm = digest_alg_lookup(val);
		return (0);
	}
	/* nc: exactly 8 hex digits, never 0 */
	if (strlen(val) != 8 || strspn(val, "0123456789abcdefABCDEF") != 8) {
		*why = "Digest nc not 8 hex digits";
		return (-1);
	}
	strlcpy(c->nc_text, val, sizeof(c->nc_text));
	c->nc = strtoul(val, NULL, 16);
	if (c->nc == 0) {
		*why = "Digest nc zero";
		return (-1);
	}
	return (0);
}

/* A quoted-string of s at buf + *off, escaping what must be. */
static int
put_quoted(char *buf, size_t len, size_t *off, const char *s)
{
	if (*off + 1 >= len)
		return (-1);
	buf[(*off)++] = '"';
	for (; *s != '\0'; s++) {
		if (*off + 3 >= len)
			return (-1);
		if (*s == '"' || *s == '\\')
			buf[(*off)++] = '\\';
		buf[(*off)++] = *s;
	}
	buf[(*off)++] = '"';
	buf[*off] = '\0';
	return (0);
}

/*
 * The value of a Proxy-Authenticate: one challenge for one algorithm.
 * Returns -1 if it does not fit.
 */
int
digest_challenge(char *buf, size_t len, int alg, const char *realm,
    const char *nonce, int stale)
{
	size_t	 off;
	int	 n;

	if (len == 0 || strlcpy(buf, "Digest realm=", len) >= len)
		return (-1);
	off = strlen(buf);
	if (put_quoted(buf, len, &off, realm) == -1)
		return (-1);
	n = snprintf(buf + off, len - off, ", nonce=\"%s\", algorithm=%s, "
	    "qop=\"auth\"%s", nonce, algs[alg].name, stale ? ", stale=true" :
	    "");
	if (n < 0 || (size_t)n >= len - off)
		return (-1);
	return (0);
}

/*
 * A nonce: the counter and the time in hex, and the MAC of both, the
 * realm and the address (host only) it is given to.
 */
void
digest_nonce_make(const SIPHASH_KEY *key, uint64_t counter, uint32_t t,
    const char *realm, const char *src, char *buf, size_t len)
{
	const char	*f[4];
	char		 ctr[17], ts[9], mac[MAC_HEXLEN + 1];

	snprintf(ctr, sizeof(ctr), "%016llx", (unsigned long long)counter);
	snprintf(ts, sizeof(ts), "%08x", t);
	f[0] = ctr;
	f[1] = ts;
	f[2] = realm;
	f[3] = src;
	mac_hex(mac_fields(key, 'N', f, nitems(f)), mac, sizeof(mac));
	snprintf(buf, len, "%s%s%s", ctr, ts, mac);
}

/*
 * A nonce of ours, for this realm and address: 0 with its counter and
 * time, -1 when it is not one (forged, altered, given to another
 * address, or from before a restart). The MAC is compared in constant
 * time.
 */
int
digest_nonce_check(const SIPHASH_KEY *key, const char *nonce,
    const char *realm, const char *src, uint64_t *counter, uint32_t *t)
{
	char		 ctr[17], ts[9], want[DIGEST_NONCE_LEN + 1];

	if (strlen(nonce) != DIGEST_NONCE_LEN ||
	    strspn(nonce, "0123456789abcdef") != DIGEST_NONCE_LEN)
		return (-1);
	memcpy(ctr, nonce, 16);
	ctr[16] = '\0';
	memcpy(ts, nonce + 16, 8);
	ts[8] = '\0';
	*counter = strtoull(ctr, NULL, 16);
	*t = strtoul(ts, NULL, 16);
	digest_nonce_make(key, *counter, *t, realm, src, want, sizeof(want));
	if (timingsafe_bcmp(want, nonce, DIGEST_NONCE_LEN) != 0)
		return (-1);
	return (0);
}

/*
 * Take nonce count nc: 1 if it was never taken and is above the window's
 * floor, else 0 (a replay, or too old to tell). Counts may come out of
 * order, as UDP delivers them, within DIGEST_NC_WINDOW of the highest.
 */
int
digest_nc_take(struct digest_ncwin *w, uint32_t nc)
{
	uint32_t	 d;

	if (nc == 0)
		return (0);
	if (nc > w->top) {
		d = nc - w->top;
		w->seen = d >= DIGEST_NC_WINDOW ? 0 : w->seen << d;
		w->seen |= 1;
		w->top = nc;
		return (1);
	}
	d = w->top - nc;
	if (d >= DIGEST_NC_WINDOW || (w->seen & (1ULL << d)) != 0)
		return (0);
	w->seen |= 1ULL << d;
	return (1);
}
