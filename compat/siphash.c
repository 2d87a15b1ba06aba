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
 * SipHash-c-d as its paper defines it (Aumasson and Bernstein, 2012):
 * four 64-bit words of state seeded from the key, c rounds per 8-byte
 * little-endian block, the length in the last block's top byte, d
 * rounds to finish. Written here for the systems whose libc lacks it.
 */

#include <string.h>

#include "siphash.h"

#define ROTL64(_x, _b)	(((_x) << (_b)) | ((_x) >> (64 - (_b))))

static uint64_t	load_le64(const uint8_t *);
static void	store_le64(uint8_t *, uint64_t);
static void	sip_rounds(uint64_t *, int);
static void	sip_block(SIPHASH_CTX *, const uint8_t *, int);

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t	 x = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return (x);
}

static void
store_le64(uint8_t *p, uint64_t x)
{
	int		 i;

	for (i = 0; i < 8; i++, x >>= 8)
		p[i] = x & 0xff;
}

static void
sip_rounds(uint64_t *v, int n)
{
	while (n-- > 0) {
		v[0] += v[1];
		v[1] = ROTL64(v[1], 13);
		v[1] ^= v[0];
		v[0] = ROTL64(v[0], 32);
		v[2] += v[3];
		v[3] = ROTL64(v[3], 16);
		v[3] ^= v[2];
		v[0] += v[3];
		v[3] = ROTL64(v[3], 21);
		v[3] ^= v[0];
		v[2] += v[1];
		v[1] = ROTL64(v[1], 17);
		v[1] ^= v[2];
		v[2] = ROTL64(v[2], 32);
	}
}

static void
sip_block(SIPHASH_CTX *ctx, const uint8_t *p, int rc)
{
	uint64_t	 m = load_le64(p);

	ctx->v[3] ^= m;
	sip_rounds(ctx->v, rc);
	ctx->v[0] ^= m;
}

void
SipHash_Init(SIPHASH_CTX *ctx, const SIPHASH_KEY *key)
{
	uint8_t		 kb[SIPHASH_KEY_LENGTH];
	uint64_t	 k0, k1;

	memcpy(kb, key, sizeof(kb));
	k0 = load_le64(kb);
	k1 = load_le64(kb + 8);
	/* "somepseudorandomlygeneratedbytes" */
	ctx->v[0] = k0 ^ 0x736f6d6570736575ULL;
	ctx->v[1] = k1 ^ 0x646f72616e646f6dULL;
	ctx->v[2] = k0 ^ 0x6c7967656e657261ULL;
	ctx->v[3] = k1 ^ 0x7465646279746573ULL;
	ctx->bytes = 0;
	memset(ctx->buf, 0, sizeof(ctx->buf));
}

void
SipHash_Update(SIPHASH_CTX *ctx, int rc, int rf, const void *src, size_t len)
{
	const uint8_t	*p = src;
	size_t		 used, n;

	used = ctx->bytes % SIPHASH_BLOCK_LENGTH;
	ctx->bytes += len;	/* only its low byte is hashed */
	if (used > 0) {
		n = SIPHASH_BLOCK_LENGTH - used;
		if (n > len)
			n = len;
		memcpy(ctx->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < SIPHASH_BLOCK_LENGTH)
			return;
		sip_block(ctx, ctx->buf, rc);
	}
	for (; len >= SIPHASH_BLOCK_LENGTH; p += 8, len -= 8)
		sip_block(ctx, p, rc);
	memcpy(ctx->buf, p, len);
}

void
SipHash_Final(void *dst, SIPHASH_CTX *ctx, int rc, int rf)
{
	uint8_t		 last[SIPHASH_BLOCK_LENGTH];
	size_t		 used = ctx->bytes % SIPHASH_BLOCK_LENGTH;

	memset(last, 0, sizeof(last));
	memcpy(last, ctx->buf, used);
	last[7] = ctx->bytes & 0xff;
	sip_block(ctx, last, rc);
	ctx->v[2] ^= 0xff;
	sip_rounds(ctx->v, rf);
	store_le64(dst, ctx->v[0] ^ ctx->v[1] ^ ctx->v[2] ^ ctx->v[3]);
	explicit_bzero(ctx, sizeof(*ctx));
}

uint64_t
SipHash_End(SIPHASH_CTX *ctx, int rc, int rf)
{
	uint8_t		 d[SIPHASH_DIGEST_LENGTH];

	SipHash_Final(d, ctx, rc, rf);
	return (load_le64(d));
}

uint64_t
SipHash(const SIPHASH_KEY *key, int rc, int rf, const void *src, size_t len)
{
	SIPHASH_CTX	 ctx;

	SipHash_Init(&ctx, key);
	SipHash_Update(&ctx, rc, rf, src, len);
	return (SipHash_End(&ctx, rc, rf));
}
