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
 * The STUN client's messages: the Binding request's bytes, the
 * XOR-MAPPED-ADDRESS of an answer (IPv4 and IPv6, worked out by hand
 * from RFC 8489 14.2), and every way a hostile answer is refused:
 * another transaction, truncated or overlong attributes, a wrong family
 * or length, an unknown attribute we must understand, too many.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "stun.h"
#include "check.h"

static const uint8_t	 txid[STUN_TXIDLEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
};

/* A success response with the given attributes (already padded). */
static size_t
answer(uint8_t *buf, const uint8_t *attrs, size_t alen)
{
	stun_request(buf, STUN_HDRLEN, txid);
	buf[0] = STUN_BINDING_SUCCESS >> 8;
	buf[1] = STUN_BINDING_SUCCESS & 0xff;
	buf[2] = alen >> 8;
	buf[3] = alen & 0xff;
	memcpy(buf + STUN_HDRLEN, attrs, alen);
	return (STUN_HDRLEN + alen);
}

/* 198.51.100.9 port 5060, XORed: 0x13c4 ^ 0x2112, c6336409 ^ 2112a442 */
static const uint8_t	 xor4[] = {
	0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0x32, 0xd6,
	0xe7, 0x21, 0xc0, 0x4b
};

static const char *
parse(const uint8_t *attrs, size_t alen, struct sockaddr_storage *ss)
{
	uint8_t	 buf[STUN_MAXLEN + 64];

	return (stun_response(buf, answer(buf, attrs, alen), txid, ss));
}

int
main(void)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	uint8_t			 buf[STUN_MAXLEN + 64], a[STUN_MAXLEN];
	uint8_t			 other[STUN_TXIDLEN];
	const char		*why;
	char			 text[INET6_ADDRSTRLEN];
	size_t			 n, i;

	n = stun_request(buf, sizeof(buf), txid);
	check("request", n == STUN_HDRLEN && buf[0] == 0 && buf[1] == 1 &&
	    buf[2] == 0 && buf[3] == 0 && buf[4] == 0x21 && buf[5] == 0x12 &&
	    buf[6] == 0xa4 && buf[7] == 0x42 &&
	    memcmp(buf + 8, txid, STUN_TXIDLEN) == 0, "bad request bytes");
	check("request_short", stun_request(buf, STUN_HDRLEN - 1, txid) == 0,
	    "a request into too small a buffer");
	check("is_stun", stun_is(buf, n), "our request not seen as STUN");
	check("is_not_sip", !stun_is((const uint8_t *)
	    "OPTIONS sip:x SIP/2.0\r\n\r\n", 25), "SIP seen as STUN");
	check("is_not_crlf", !stun_is((const uint8_t *)"\r\n\r\n", 4),
	    "a keepalive seen as STUN");

	why = parse(xor4, sizeof(xor4), &ss);
	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
	check("xor_ipv4", why == NULL && ss.ss_family == AF_INET &&
	    strcmp(text, "198.51.100.9") == 0 &&
	    ntohs(sin->sin_port) == 5060, "%s %s:%u", why ? why : "",
	    text, ntohs(sin->sin_port));

	/* 2001:db8::1, XORed with the cookie and our transaction id. */
	memset(a, 0, sizeof(a));
	a[1] = 0x20; a[3] = 20; a[5] = 0x02;
	a[6] = 0x13 ^ 0x21; a[7] = 0xc4 ^ 0x12;
	{
		static const uint8_t	 v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
		static const uint8_t	 key[16] = { 0x21, 0x12, 0xa4, 0x42,
		    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

		for (i = 0; i < 16; i++)
			a[8 + i] = v6[i] ^ key[i];
	}
	why = parse(a, 24, &ss);
	inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
	check("xor_ipv6", why == NULL && ss.ss_family == AF_INET6 &&
	    strcmp(text, "2001:db8::1") == 0 &&
	    ntohs(sin6->sin6_port) == 5060, "%s %s", why ? why : "", text);

	/* Another transaction's answer. */
	memcpy(other, txid, sizeof(other));
	other[11] ^= 1;
	n = answer(buf, xor4, sizeof(xor4));
	check("other_txid", stun_response(buf, n, other, &ss) != NULL,
	    "an answer to another transaction accepted");
	/* A request, not an answer. */
	buf[1] = 0x01;
	buf[0] = 0;
	check("not_success", stun_response(buf, n, txid, &ss) != NULL,
	    "a Binding request taken for an answer");
	/* Length field beyond the datagram, and short of it. */
	n = answer(buf, xor4, sizeof(xor4));
	check("truncated", stun_response(buf, n - 4, txid, &ss) != NULL,
	    "a truncated answer accepted");
	check("trailing", stun_response(buf, n + 4, txid, &ss) != NULL,
	    "bytes after the message accepted");
	/* The attribute says more than the message holds. */
	memcpy(a, xor4, sizeof(xor4));
	a[3] = 12;
	check("attr_overlong", parse(a, sizeof(xor4), &ss) != NULL,
	    "an attribute longer than the message accepted");
	a[3] = 9;	/* its padding would run past the end */
	check("attr_padding", parse(a, sizeof(xor4), &ss) != NULL,
	    "an attribute whose padding runs past the end accepted");
	/* IPv4 family with IPv6 length, unknown family. */
	memcpy(a, xor4, sizeof(xor4));
	a[5] = 0x02;
	check("family_length", parse(a, sizeof(xor4), &ss) != NULL,
	    "IPv6 in 8 bytes accepted");
	a[5] = 0x03;
	check("family_unknown", parse(a, sizeof(xor4), &ss) != NULL,
	    "family 3 accepted");
	/* No address at all; only an attribute we need not know. */
	memset(a, 0, 8);
	a[0] = 0x80; a[1] = 0x22; a[3] = 4;	/* SOFTWARE, 4 bytes */
	check("no_address", parse(a, 8, &ss) != NULL,
	    "an answer without an address accepted");
	memcpy(a + 8, xor4, sizeof(xor4));
	check("optional_skipped", parse(a, 8 + sizeof(xor4), &ss) == NULL,
	    "a SOFTWARE attribute before the address refused");
	a[0] = 0x00; a[1] = 0x2a;
	check("required_unknown", parse(a, 8 + sizeof(xor4), &ss) != NULL,
	    "an unknown comprehension-required attribute accepted");
	/* STUN_MAXATTRS optional ones, then the address: too many. */
	for (i = 0; i < STUN_MAXATTRS; i++) {
		memset(a + i * 4, 0, 4);
		a[i * 4] = 0x80;
		a[i * 4 + 1] = 0x22;
	}
	memcpy(a + STUN_MAXATTRS * 4, xor4, sizeof(xor4));
	check("too_many_attrs", parse(a, STUN_MAXATTRS * 4 + sizeof(xor4),
	    &ss) != NULL, "%d attributes accepted", STUN_MAXATTRS + 1);
	/* Over STUN_MAXLEN. */
	memset(a, 0, sizeof(a));
	n = answer(buf, a, STUN_MAXLEN - STUN_HDRLEN + 4);
	check("too_long", stun_response(buf, n, txid, &ss) != NULL,
	    "an answer over STUN_MAXLEN accepted");
	return (failures != 0);
}
