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
 * HTTP Digest as SIP uses it (RFC 7616, RFC 8760, qop=auth only): the
 * credentials of a Proxy-Authorization parsed, the hashes computed, our
 * stateless nonces made and checked, nonce counts kept in a window.
 * Pure code: no I/O, no allocation, every length bounded here.
 *
 *	DIGEST_MAX_VALUE	a parameter value, unquoted (username, realm,
 *				nonce, cnonce, opaque, qop, algorithm)
 *	DIGEST_MAX_URI		the uri parameter
 *	DIGEST_MAX_PARAMS	parameters in one credentials value
 */

#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

#define DIGEST_MD5		0
#define DIGEST_SHA256		1
#define DIGEST_NALG		2

#define DIGEST_MAX_HEX		64	/* SHA-256 in hex */
#define DIGEST_MAX_VALUE	256
#define DIGEST_MAX_URI		1024
#define DIGEST_MAX_PARAMS	32
#define DIGEST_NONCE_LEN	40	/* counter, time, MAC: 16 + 8 + 16 */
#define DIGEST_NC_WINDOW	64	/* counts below the highest taken */

/* One credentials value: "Digest username=..., realm=..., ...". */
struct digest_cred {
	char		 username[DIGEST_MAX_VALUE];
	char		 realm[DIGEST_MAX_VALUE];
	char		 nonce[DIGEST_MAX_VALUE];
	char		 uri[DIGEST_MAX_URI];
	char		 response[DIGEST_MAX_VALUE];
	char		 cnonce[DIGEST_MAX_VALUE];
	char		 qop[DIGEST_MAX_VALUE];
	char		 opaque[DIGEST_MAX_VALUE];
	uint32_t	 nc;		/* 0: absent */
	char		 nc_text[9];	/* as sent: 8 hex digits */
	int		 algorithm;	/* DIGEST_*, -1 unknown */
};

/* A nonce's replay window: the highest count taken and the ones below. */
struct digest_ncwin {
	uint32_t	 top;
	uint64_t	 seen;		/* bit i: top - i was taken */
};

int		 digest_parse(const char *, size_t, struct digest_cred *,
		    const char **);
int		 digest_alg_lookup(const char *);
const char	*digest_alg_name(int);
const char	*digest_alg_word(int);
size_t		 digest_hexlen(int);
int		 digest_hex_valid(const char *, int);
void		 digest_ha1(int, const char *, const char *, const char *,
		    char *);
void		 digest_response(int, const char *, const char *,
		    const char *, const char *, const char *, const char *,
		    char *);
int		 digest_challenge(char *, size_t, int, const char *,
		    const char *, int);
void		 digest_nonce_make(const SIPHASH_KEY *, uint64_t, uint32_t,
		    const char *, const char *, char *, size_t);
int		 digest_nonce_check(const SIPHASH_KEY *, const char *,
		    const char *, const char *, uint64_t *, uint32_t *);
int		 digest_nc_take(struct digest_ncwin *, uint32_t);

#endif /* DIGEST_H */
