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
 * libFuzzer harness for the SDP parser and rewriter. Beyond "does not
 * crash" it checks what the engine relies on: a rewritten body parses
 * again, has the same streams, carries the ports and the address we wrote
 * (hold addresses kept), no ICE candidates, and the same codecs and
 * directions, one port a stream; a buffer one byte short is refused, not
 * overrun. sdp_check() runs on every body that parses.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sdp	sdp, sdp2;
static char		out[SDP_MAX_LEN];
static char		small[SDP_MAX_LEN];
static const uint16_t	ports[SDP_MAX_MEDIA] = { 40000, 40002, 0, 40006,
			    65535, 40010, 40012, 40014 };

static void
check_media(const struct sdp_media *m, const struct sdp_media *m2,
    uint16_t newport, const struct sockaddr_in *pub)
{
	const struct sockaddr_in	*sin;
	uint16_t			 want, rtcp;

	if (strcmp(m->type, m2->type) != 0 ||
	    strcmp(m->proto, m2->proto) != 0 || m->payload != m2->payload ||
	    m->clock_rate != m2->clock_rate ||
	    m->direction != m2->direction || m->rtcp_mux != m2->rtcp_mux)
		abort();

	/* A rejected stream stays rejected; ports[i] == 0 leaves it. */
	want = m->port == 0 || newport == 0 ? m->port : newport;
	if (m2->port != want)
		abort();
	/* The relay gives one port: a port rewritten loses its count. */
	if (m2->port_count != (m->port != 0 && newport != 0 ? 1 :
	    m->port_count))
		abort();

	/* a=rtcp: the new RTP port + 1, or the port itself if muxed. */
	rtcp = m->rtcp_port;
	if (m->rtcp_port != 0 && m->port != 0 && newport != 0) {
		if (m->rtcp_port == m->port)
			rtcp = newport;
		else if (newport != 65535)
			rtcp = newport + 1;
	}
	if (m2->rtcp_port != rtcp)
		abort();

	/* The address: ours, unless there was none or it was a hold. */
	if (m->addr.ss_family == AF_UNSPEC || m->hold_addr) {
		if (m2->addr.ss_family != m->addr.ss_family ||
		    m2->hold_addr != m->hold_addr)
			abort();
		return;
	}
	sin = (const struct sockaddr_in *)&m2->addr;
	if (m2->hold_addr || sin->sin_family != AF_INET ||
	    sin->sin_addr.s_addr != pub->sin_addr.s_addr ||
	    ntohs(sin->sin_port) != want)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*pub = (struct sockaddr_in *)&ss;
	const char		*body = (const char *)data, *err;
	size_t			 outlen, n;
	int			 i, rv;

	if (sdp_parse(body, size, &sdp, &err) == -1) {
		if (err == NULL)
			abort();
		return (0);
	}
	if (err != NULL || sdp.nmedia < 1 || sdp.nmedia > SDP_MAX_MEDIA)
		abort();

	/* The check: a reason exactly when it refuses, for either party. */
	memset(&ss, 0, sizeof(ss));
	pub->sin_family = AF_INET;
	for (i = 0; i < 2; i++) {
		pub->sin_addr.s_addr = htonl(i == 0 ? 0x7f00000a : 0xcb007109);
		rv = sdp_check(&sdp, &ss, &err);
		if ((rv == -1) != (err != NULL))
			abort();
	}

	memset(&ss, 0, sizeof(ss));
	pub->sin_family = AF_INET;
	pub->sin_addr.s_addr = htonl(0xcb007105);	/* 203.0.113.5 */
	if (sdp_rewrite(body, size, &sdp, &ss, ports, out, sizeof(out),
	    &outlen) == -1) {
		/* Only growth past the limit may fail. */
		if (size + (size_t)sdp.nedits * 64 < SDP_MAX_LEN)
			abort();
		return (0);
	}

	/* One byte short must fail, exactly right must give the same. */
	if (outlen > 0 && sdp_rewrite(body, size, &sdp, &ss, ports, small,
	    outlen - 1, &n) != -1)
		abort();
	if (sdp_rewrite(body, size, &sdp, &ss, ports, small, outlen,
	    &n) == -1 || n != outlen || memcmp(small, out, n) != 0)
		abort();

	if (sdp_parse(out, outlen, &sdp2, &err) == -1)
		abort();
	if (sdp2.nmedia != sdp.nmedia || sdp2.ice != 0)
		abort();
	for (i = 0; i < sdp.nmedia; i++)
		check_media(&sdp.media[i], &sdp2.media[i], ports[i], pub);

	/* Rewriting the rewritten body changes nothing more. */
	if (sdp_rewrite(out, outlen, &sdp2, &ss, ports, small, sizeof(small),
	    &n) == -1 || n != outlen || memcmp(small, out, n) != 0)
		abort();
	return (0);
}
