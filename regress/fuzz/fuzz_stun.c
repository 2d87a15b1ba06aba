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
 * libFuzzer harness for the STUN answer parser. Beyond "does not
 * crash": an accepted answer is STUN, of our transaction (the one in
 * the input's bytes 8 to 19, so that mutations reach the attributes),
 * and gives an IPv4 or IPv6 address; a refused one says why.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stun.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sockaddr_storage	 ss;
	uint8_t			 txid[STUN_TXIDLEN];
	const char		*why;

	memset(txid, 0, sizeof(txid));
	if (len >= STUN_HDRLEN)
		memcpy(txid, data + 8, sizeof(txid));
	if ((why = stun_response(data, len, txid, &ss)) != NULL)
		return (0);
	if (!stun_is(data, len) || len > STUN_MAXLEN)
		abort();
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		abort();
	return (0);
}
