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
 * stund: a tiny STUN server (RFC 8489 Binding only, IPv4) for the
 * regress tests, written for them, in the role of a NAT's outside.
 *
 *	stund -l address -p port -m mapped-address [-x]
 *
 * Each Binding request is answered with XOR-MAPPED-ADDRESS
 * mapped-address and the requester's port, as if a NAT had mapped it.
 * With -x, the good answer comes last, after three an attacker could
 * send: the same answer naming 203.0.113.66 from port + 1 (not the
 * server), one with a truncated attribute, and one for another
 * transaction. Prints "ready" once bound, then "request from A:P" per
 * request. SIGTERM ends it; it also ends after 60 s.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDRLEN	20
#define MAGIC	0x2112A442U

/* A success answer for req (its transaction id), naming addr:port. */
static size_t
answer(uint8_t *out, const uint8_t *req, in_addr_t addr, uint16_t port)
{
	uint32_t	 x = ntohl(addr) ^ MAGIC;
	uint16_t	 p = port ^ (MAGIC >> 16);

	memcpy(out, req, HDRLEN);
	out[0] = 0x01;
	out[1] = 0x01;
	out[2] = 0;
	out[3] = 12;
	out[20] = 0x00;
	out[21] = 0x20;
	out[22] = 0;
	out[23] = 8;
	out[24] = 0;
	out[25] = 0x01;
	out[26] = p >> 8;
	out[27] = p & 0xff;
	out[28] = x >> 24;
	out[29] = (x >> 16) & 0xff;
	out[30] = (x >> 8) & 0xff;
	out[31] = x & 0xff;
	return (HDRLEN + 12);
}

static int
bound(const char *addr, long port)
{
	struct sockaddr_in	 sin;
	int			 s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		errx(1, "bad address %s", addr);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s:%ld", addr, port);
	return (s);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 from;
	struct in_addr		 mapped, liar;
	socklen_t		 fromlen;
	uint8_t			 req[1500], out[64];
	const char		*addr = NULL, *m = NULL;
	ssize_t			 n;
	size_t			 len;
	long			 port = 3478;
	int			 ch, s, s2 = -1, hostile = 0;

	while ((ch = getopt(argc, argv, "l:m:p:x")) != -1) {
		switch (ch) {
		case 'l':
			addr = optarg;
			break;
		case 'm':
			m = optarg;
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'x':
			hostile = 1;
			break;
		default:
			goto usage;
		}
	}
	if (addr == NULL || m == NULL || port < 1 || port > 65534 ||
	    optind != argc)
		goto usage;
	if (inet_pton(AF_INET, m, &mapped) != 1 ||
	    inet_pton(AF_INET, "203.0.113.66", &liar) != 1)
		errx(1, "bad mapped address %s", m);
	setvbuf(stdout, NULL, _IOLBF, 0);
	s = bound(addr, port);
	if (hostile)
		s2 = bound(addr, port + 1);
	alarm(60);
	printf("ready\n");
	for (;;) {
		fromlen = sizeof(from);
		if ((n = recvfrom(s, req, sizeof(req), 0,
		    (struct sockaddr *)&from, &fromlen)) == -1)
			err(1, "recvfrom");
		if (n < HDRLEN || req[0] != 0 || req[1] != 1)
			continue;
		printf("request from %s:%u\n", inet_ntoa(from.sin_addr),
		    ntohs(from.sin_port));
		if (hostile) {
			len = answer(out, req, liar.s_addr,
			    ntohs(from.sin_port));
			sendto(s2, out, len, 0, (struct sockaddr *)&from,
			    fromlen);
			len = answer(out, req, mapped.s_addr,
			    ntohs(from.sin_port));
			out[23] = 12;	/* longer than what follows */
			sendto(s, out, len, 0, (struct sockaddr *)&from,
			    fromlen);
			len = answer(out, req, liar.s_addr,
			    ntohs(from.sin_port));
			out[19] ^= 0xff;	/* another transaction */
			sendto(s, out, len, 0, (struct sockaddr *)&from,
			    fromlen);
		}
		len = answer(out, req, mapped.s_addr, ntohs(from.sin_port));
		sendto(s, out, len, 0, (struct sockaddr *)&from, fromlen);
	}
 usage:
	fprintf(stderr, "usage: stund -l address [-p port] -m mapped [-x]\n");
	return (1);
}
