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
 * SipHash-2-4 over a list of strings. Each field goes in with its
 * length first, and the list with a domain byte that says what the MAC
 * is for, so that no two lists and no two uses share an input: one MAC
 * learned is no other MAC.
 */

#include <stdio.h>
#include <string.h>

#include "mac.h"

uint64_t
mac_fields(const SIPHASH_KEY *key, int domain, const char *const *f,
    size_t n)
{
	SIPHASH_CTX	 ctx;
	uint8_t		 d = domain, len[4];
	size_t		 i, l;

	SipHash24_Init(&ctx, key);
	SipHash24_Update(&ctx, &d, 1);
	for (i = 0; i < n; i++) {
		l = strlen(f[i]);
		len[0] = l >> 24;
		len[1] = l >> 16;
		len[2] = l >> 8;
		len[3] = l;
		SipHash24_Update(&ctx, len, sizeof(len));
		SipHash24_Update(&ctx, f[i], l);
	}
	return (SipHash24_End(&ctx));
}

/* Sixteen lower-case hex digits. */
void
mac_hex(uint64_t m, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)m);
}
