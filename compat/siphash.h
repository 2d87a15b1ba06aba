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
 * SipHash, the keyed pseudo-random function of Aumasson and Bernstein,
 * with the names of OpenBSD's SipHash24(3). OpenBSD has it in libc and
 * uses its own; everywhere else compat/siphash.c provides it.
 */

#ifndef COMPAT_SIPHASH_H
#define COMPAT_SIPHASH_H

#ifdef __OpenBSD__
#include_next <siphash.h>
#else

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_BLOCK_LENGTH	8
#define SIPHASH_KEY_LENGTH	16
#define SIPHASH_DIGEST_LENGTH	8

typedef struct _SIPHASH_CTX {
	uint64_t	v[4];
	uint8_t		buf[SIPHASH_BLOCK_LENGTH];
	uint32_t	bytes;
} SIPHASH_CTX;

/* The 16 key bytes in memory order, as the reference takes them. */
typedef struct {
	uint64_t	k0;
	uint64_t	k1;
} SIPHASH_KEY;

void		SipHash_Init(SIPHASH_CTX *, const SIPHASH_KEY *);
void		SipHash_Update(SIPHASH_CTX *, int, int, const void *, size_t);
uint64_t	SipHash_End(SIPHASH_CTX *, int, int);
void		SipHash_Final(void *, SIPHASH_CTX *, int, int);
uint64_t	SipHash(const SIPHASH_KEY *, int, int, const void *, size_t);

#define SipHash24_Init(_c, _k)		SipHash_Init((_c), (_k))
#define SipHash24_Update(_c, _p, _l)	SipHash_Update((_c), 2, 4, (_p), (_l))
#define SipHash24_End(_c)		SipHash_End((_c), 2, 4)
#define SipHash24_Final(_d, _c)		SipHash_Final((_d), (_c), 2, 4)
#define SipHash24(_k, _p, _l)		SipHash((_k), 2, 4, (_p), (_l))

#endif /* __OpenBSD__ */

#endif /* COMPAT_SIPHASH_H */
