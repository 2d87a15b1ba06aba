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
 * SipHash-2-4 (compat/siphash.c) against the 64 reference vectors of
 * the SipHash paper (key 00 01 .. 0f, messages of 0 to 63 bytes 00 01
 * ..), fed whole and in pieces; and the proxy's MACs (sipproxd/mac.c):
 * other keys give unrelated branches, no two field lists collide.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"
#include "mac.h"
#include "check.h"

/* Each digest's 8 bytes in order, as the paper prints them. */
static const char *vectors[64] = {
	"310e0edd47db6f72", "fd67dc93c539f874", "5a4fa9d909806c0d",
	"2d7efbd796666785", "b7877127e09427cf", "8da699cd64557618",
	"cee3fe586e46c9cb", "37d1018bf50002ab", "6224939a79f5f593",
	"b0e4a90bdf82009e", "f3b9dd94c5bb5d7a", "a7ad6b22462fb3f4",
	"fbe50e86bc8f1e75", "903d84c02756ea14", "eef27a8e90ca23f7",
	"e545be4961ca29a1", "db9bc2577fcc2a3f", "9447be2cf5e99a69",
	"9cd38d96f0b3c14b", "bd6179a71dc96dbb", "98eea21af25cd6be",
	"c7673b2eb0cbf2d0", "883ea3e395675393", "c8ce5ccd8c030ca8",
	"94af49f6c650adb8", "eab8858ade92e1bc", "f315bb5bb835d817",
	"adcf6b0763612e2f", "a5c91da7acaa4dde", "716595876650a2a6",
	"28ef495c53a387ad", "42c341d8fa92d832", "ce7cf2722f512771",
	"e37859f94623f3a7", "381205bb1ab0e012", "ae97a10fd434e015",
	"b4a31508beff4d31", "81396229f0907902", "4d0cf49ee5d4dcca",
	"5c73336a76d8bf9a", "d0a704536ba93e0e", "925958fcd6420cad",
	"a915c29bc8067318", "952b79f3bc0aa6d4", "f21df2e41d4535f9",
	"87577519048f53a9", "10a56cf5dfcd9adb", "eb75095ccd986cd0",
	"51a9cb9ecba312e6", "96afadfc2ce666c7", "72fe52975a4364ee",
	"5a1645b276d592a1", "b274cb8ebf87870a", "6f9bb4203de7b381",
	"eaecb2a30b22a87f", "9924a43cc1315724", "bd838d3aafbf8db7",
	"0b1a2a3265d51aea", "135079a3231ce660", "932b2846e4d70666",
	"e1915f5cb1eca46c", "f325965ca16d629f", "575ff28e60381be5",
	"724506eb4c328a95"
};

static void
hex8(const uint8_t *d, char *buf)
{
	int	 i;

	for (i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02x", d[i]);
}

static void
test_vectors(void)
{
	SIPHASH_KEY	 key;
	SIPHASH_CTX	 ctx;
	uint8_t		 kb[16], in[64], d[8];
	char		 got[17], name[64];
	size_t		 i, j, step;
	int		 bad = 0, badpieces = 0, badend = 0;

	for (i = 0; i < sizeof(kb); i++)
		kb[i] = i;
	memcpy(&key, kb, sizeof(key));
	for (i = 0; i < sizeof(in); i++)
		in[i] = i;
	for (i = 0; i < 64; i++) {
		SipHash24_Init(&ctx, &key);
		SipHash24_Update(&ctx, in, i);
		SipHash24_Final(d, &ctx);
		hex8(d, got);
		if (strcmp(got, vectors[i]) != 0) {
			if (bad++ == 0)
				printf("    length %zu: %s, want %s\n", i, got,
				    vectors[i]);
		}
		/* SipHash24() gives the same digest as a number. */
		if (SipHash24(&key, in, i) != ((uint64_t)d[7] << 56 |
		    (uint64_t)d[6] << 48 | (uint64_t)d[5] << 40 |
		    (uint64_t)d[4] << 32 | (uint64_t)d[3] << 24 |
		    (uint64_t)d[2] << 16 | (uint64_t)d[1] << 8 | d[0]))
			badend++;
		/* Fed in pieces of every size. */
		for (step = 1; step < 10; step++) {
			SipHash24_Init(&ctx, &key);
			for (j = 0; j < i; j += step)
				SipHash24_Update(&ctx, in + j,
				    i - j < step ? i - j : step);
			SipHash24_Final(d, &ctx);
			hex8(d, got);
			if (strcmp(got, vectors[i]) != 0)
				badpieces++;
		}
	}
	check("siphash_vectors", bad == 0, "%d of 64 vectors wrong", bad);
	check("siphash_pieces", badpieces == 0, "%d piecewise digests wrong",
	    badpieces);
	snprintf(name, sizeof(name), "siphash_end");
	check(name, badend == 0, "%d SipHash24() values differ", badend);
}

static int
popcount64(uint64_t x)
{
	int	 n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return (n);
}

/*
 * A branch's fields as the proxy MACs them, under two random keys and
 * under keys one bit apart: about half the bits differ, on average and
 * for every single input, so that one key's branches say nothing of
 * another's (an FNV-1a seeded with the key is a seed xor away).
 */
static void
test_keys(void)
{
	SIPHASH_KEY	 k1, k2;
	const char	*f[4];
	char		 branch[32], cseq[16];
	uint64_t	 a, b;
	long		 total = 0, totalbit = 0;
	int		 i, n = 2000, bad = 0, same = 0, d;

	arc4random_buf(&k1, sizeof(k1));
	arc4random_buf(&k2, sizeof(k2));
	for (i = 0; i < n; i++) {
		snprintf(branch, sizeof(branch), "z9hG4bK-%d", i);
		snprintf(cseq, sizeof(cseq), "%d", i % 7);
		f[0] = branch;
		f[1] = "127.0.0.10";
		f[2] = "call-1@example";
		f[3] = cseq;
		a = mac_fields(&k1, 'X', f, 4);
		b = mac_fields(&k2, 'X', f, 4);
		d = popcount64(a ^ b);
		total += d;
		if (d < 8)
			bad++;
		if (a == b)
			same++;
		/* The same key with its lowest bit flipped. */
		k2 = k1;
		k2.k0 ^= 1;
		d = popcount64(a ^ mac_fields(&k2, 'X', f, 4));
		totalbit += d;
		if (d < 8)
			bad++;
		arc4random_buf(&k2, sizeof(k2));
	}
	check("mac_keys_unrelated", same == 0 && bad < 3 &&
	    total > 30L * n && total < 34L * n && totalbit > 30L * n &&
	    totalbit < 34L * n, "%d equal, %d close, %.1f and %.1f bits of 64 "
	    "differ on average", same, bad, (double)total / n,
	    (double)totalbit / n);
}

/* No two field lists or domains share an input. */
static void
test_fields(void)
{
	SIPHASH_KEY	 k;
	const char	*ab_c[] = { "ab", "c" }, *a_bc[] = { "a", "bc" };
	const char	*abc[] = { "abc" };
	uint64_t	 x, y, z;
	char		 hex[MAC_HEXLEN + 1];

	arc4random_buf(&k, sizeof(k));
	x = mac_fields(&k, 'X', ab_c, 2);
	y = mac_fields(&k, 'X', a_bc, 2);
	z = mac_fields(&k, 'X', abc, 1);
	check("mac_fields_framed", x != y && y != z && x != z,
	    "%llx %llx %llx", (unsigned long long)x, (unsigned long long)y,
	    (unsigned long long)z);
	check("mac_domains", mac_fields(&k, 'X', abc, 1) !=
	    mac_fields(&k, 'M', abc, 1), "two domains, one MAC");
	check("mac_deterministic", x == mac_fields(&k, 'X', ab_c, 2),
	    "same input, other MAC");
	mac_hex(0x0123456789abcdefULL, hex, sizeof(hex));
	check("mac_hex", strcmp(hex, "0123456789abcdef") == 0, "%s", hex);
}

int
main(void)
{
	test_vectors();
	test_keys();
	test_fields();
	return (failures != 0);
}
