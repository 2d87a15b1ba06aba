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
#ifndef STUN_H
#define STUN_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

/*
 * STUN (RFC 8489), the client's part we need: a Binding request and the
 * XOR-MAPPED-ADDRESS of its success response. The limits a datagram can
 * push are all here.
 */
#define STUN_HDRLEN		20
#define STUN_MAGIC		0x2112A442U
#define STUN_TXIDLEN		12
#define STUN_MAXLEN		1280	/* a longer answer is refused */
#define STUN_MAXATTRS		32	/* attributes in one answer */

#define STUN_BINDING_REQUEST	0x0001
#define STUN_BINDING_SUCCESS	0x0101
#define STUN_ATTR_XOR_MAPPED	0x0020

int		 stun_is(const uint8_t *, size_t);
size_t		 stun_request(uint8_t *, size_t, const uint8_t *);
const char	*stun_response(const uint8_t *, size_t, const uint8_t *,
		    struct sockaddr_storage *);

#endif /* STUN_H */
