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
 * STUN messages (RFC 8489): the Binding request we send and the
 * XOR-MAPPED-ADDRESS of the answer. An answer comes from the network:
 * every length is checked against the datagram before it is read, no
 * allocation, at most STUN_MAXATTRS attributes looked at.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "stun.h"

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * Whether a datagram on the SIP socket is STUN, not SIP: the two top
 * bits zero (no SIP message starts so), the magic cookie, a length that
 * is the rest of the datagram.
 */
int
stun_is(const uint8_t *buf, size_t len)
{
	return (len >= STUN_HDRLEN && (buf[0] & 0xc0) == 0 &&
	    get32(buf + 4) == STUN_MAGIC &&
	    (size_t)get16(buf + 2) + STUN_HDRLEN == len);
}

/* A Binding request with transaction id txid into buf: its length, 0. */
size_t
stun_request(uint8_t *buf, size_t len, const uint8_t *txid)
{
	if (len < STUN_HDRLEN)
		return (0);
	buf[0] = STUN_BINDING_REQUEST >> 8;
	buf[1] = STUN_BINDING_REQUEST & 0xff;
	buf[2] = buf[3] = 0;		/* no attributes */
	buf[4] = STUN_MAGIC >> 24;
	buf[5] = (STUN_MAGIC >> 16) & 0xff;
	buf[6] = (STUN_MAGIC >> 8) & 0xff;
	buf[7] = STUN_MAGIC & 0xff;
	memcpy(buf + 8, txid, STUN_TXIDLEN);
	return (STUN_HDRLEN);
}

/* XOR-MAPPED-ADDRESS's value (RFC 8489 14.2) into ss. */
static const char *
stun_xor_mapped(const uint8_t *v, size_t len, const uint8_t *hdr,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	uint16_t		 port;
	size_t			 i;

	if (len < 4)
		return ("XOR-MAPPED-ADDRESS too short");
	/* The port and the address are XORed with the cookie's bits. */
	port = get16(v + 2) ^ (STUN_MAGIC >> 16);
	memset(ss, 0, sizeof(*ss));
	switch (v[1]) {
	case 0x01:
		if (len != 8)
			return ("XOR-MAPPED-ADDRESS: IPv4 of the wrong length");
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(get32(v + 4) ^ STUN_MAGIC);
		break;
	case 0x02:
		if (len != 20)
			return ("XOR-MAPPED-ADDRESS: IPv6 of the wrong length");
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		/* cookie and transaction id: the header's bytes 4 to 19 */
		for (i = 0; i < 16; i++)
			sin6->sin6_addr.s6_addr[i] = v[4 + i] ^ hdr[4 + i];
		break;
	default:
		return ("XOR-MAPPED-ADDRESS: unknown family");
	}
	return (NULL);
}

/*
 * A success response to our request txid: its XOR-MAPPED-ADDRESS into
 * *ss. NULL, or why the answer is refused. An unknown attribute the
 * server says we must understand (below 0x8000) fails it, as RFC 8489
 * 7.3.3 says.
 */
const char *
stun_response(const uint8_t *buf, size_t len, const uint8_t *txid,
    struct sockaddr_storage *ss)
{
	const char	*why, *found = "no XOR-MAPPED-ADDRESS";
	size_t		 off, alen, n;
	uint16_t	 type;

	if (len > STUN_MAXLEN)
		return ("too long");
	if (!stun_is(buf, len))
		return ("not STUN");
	if (get16(buf) != STUN_BINDING_SUCCESS)
		return ("not a Binding success response");
	if (get16(buf + 2) % 4 != 0)
		return ("length not a multiple of 4");
	if (memcmp(buf + 8, txid, STUN_TXIDLEN) != 0)
		return ("not our transaction");
	for (off = STUN_HDRLEN, n = 0; off < len; n++) {
		if (n >= STUN_MAXATTRS)
			return ("too many attributes");
		if (len - off < 4)
			return ("truncated attribute header");
		type = get16(buf + off);
		alen = get16(buf + off + 2);
		off += 4;
		if (alen > len - off)
			return ("attribute longer than the message");
		if (type == STUN_ATTR_XOR_MAPPED) {
			/* The first one counts. */
			if (found != NULL && (why = stun_xor_mapped(buf + off,
			    alen, buf, ss)) != NULL)
				return (why);
			found = NULL;
		} else if (type < 0x8000)
			return ("unknown comprehension-required attribute");
		/* Values are padded to 4 bytes. */
		alen = (alen + 3) & ~(size_t)3;
		if (alen > len - off)
			return ("attribute padding beyond the message");
		off += alen;
	}
	return (found);
}
