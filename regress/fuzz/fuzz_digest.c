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
 * libFuzzer harness for the Digest credentials parser. Beyond "does not
 * crash": what parses has every field NUL ended within its array, a
 * count that is not zero, and goes through the response, challenge and
 * nonce code without harm.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "digest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NUL_IN(a)	(memchr((a), '\0', sizeof(a)) != NULL)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const SIPHASH_KEY	 key = { 1, 2 };
	struct digest_cred		 c;
	struct digest_ncwin		 w;
	const char			*why;
	char				 ha1[DIGEST_MAX_HEX + 1];
	char				 hex[DIGEST_MAX_HEX + 1], buf[2048];
	uint64_t			 ctr;
	uint32_t			 t;
	int				 alg;

	if (digest_parse((const char *)data, len, &c, &why) == -1) {
		if (why == NULL)
			abort();
		return (0);
	}
	if (!NUL_IN(c.username) || !NUL_IN(c.realm) || !NUL_IN(c.nonce) ||
	    !NUL_IN(c.uri) || !NUL_IN(c.response) || !NUL_IN(c.cnonce) ||
	    !NUL_IN(c.qop) || !NUL_IN(c.opaque) || !NUL_IN(c.nc_text))
		abort();
	if (c.nc_text[0] != '\0' && c.nc == 0)
		abort();
	if (c.algorithm < -1 || c.algorithm >= DIGEST_NALG)
		abort();
	for (alg = 0; alg < DIGEST_NALG; alg++) {
		digest_ha1(alg, c.username, c.realm, c.opaque, ha1);
		digest_response(alg, ha1, c.nonce, c.nc_text, c.cnonce,
		    "INVITE", c.uri, hex);
		if (!digest_hex_valid(hex, alg))
			abort();
		digest_challenge(buf, sizeof(buf), alg, c.realm, c.nonce, 1);
	}
	digest_nonce_check(&key, c.nonce, c.realm, c.username, &ctr, &t);
	memset(&w, 0, sizeof(w));
	if (c.nc != 0 && (!digest_nc_take(&w, c.nc) ||
	    digest_nc_take(&w, c.nc)))
		abort();
	return (0);
}
