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
 * SDP bodies (RFC 4566, offer/answer RFC 3264, a=rtcp RFC 3605, ICE
 * candidates RFC 5245): parse what the engine needs to set up the relay,
 * and rewrite the body so that it names the relay instead of the phone.
 * Pure code: no I/O, no allocation. A struct sdp holds no copy of the
 * body, only offsets into it: sdp_rewrite() must be given the same bytes
 * sdp_parse() saw. sdp_check() says whether the media it names may be
 * relayed at all (media.c has the rules the relay applies too).
 *
 * Limits. Everything a packet can make grow is capped here:
 *
 *	SDP_MAX_LEN	a body, in and out
 *	SDP_MAX_LINES	lines of a body (trailing empty lines not counted)
 *	SDP_MAX_MEDIA	m= lines
 *	SDP_MAX_EDITS	places sdp_rewrite() changes (at most 2 a line)
 */

#ifndef SDP_H
#define SDP_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#define SDP_MAX_LEN		65535
#define SDP_MAX_LINES		256
#define SDP_MAX_MEDIA		8
#define SDP_MAX_EDITS		(2 * SDP_MAX_LINES)

#define SDP_DIR_SENDRECV	0
#define SDP_DIR_SENDONLY	1
#define SDP_DIR_RECVONLY	2
#define SDP_DIR_INACTIVE	3

struct sdp_media {
	char		type[16];	/* "audio", "video", ... */
	char		proto[32];	/* "RTP/AVP", "RTP/SAVP", "udptl" ... */
	uint16_t	port;		/* m= port, 0: stream rejected */
	uint16_t	port_count;	/* m=audio 4000/2: 2; else 1 */
	/*
	 * The effective c= (media level, else session level) with its port
	 * set to the m= port; AF_UNSPEC if there is none.
	 */
	struct sockaddr_storage addr;
	int		hold_addr;	/* that c= was 0.0.0.0 or :: */
	uint16_t	rtcp_port;	/* a=rtcp:PORT, 0 absent */
	int		rtcp_mux;	/* a=rtcp-mux (RFC 5761) */
	int		payload;	/* first fmt of m= if 0-127, else -1 */
	uint32_t	clock_rate;	/* of that payload type, 0 unknown */
	int		direction;	/* SDP_DIR_*, media level overrides */
};

/* Private to sdp.c: one change sdp_rewrite() makes. */
struct sdp_edit {
	uint32_t	off;		/* body: the span replaced */
	uint32_t	len;
	uint8_t		type;
	int8_t		media;		/* index, -1 at session level */
};

struct sdp {
	int		nmedia;
	struct sdp_media media[SDP_MAX_MEDIA];
	int		ice;		/* candidate lines seen (and dropped) */

	/* Private: what sdp_rewrite() changes, in body order. */
	size_t		len;		/* of the body parsed */
	int		nedits;
	struct sdp_edit	edits[SDP_MAX_EDITS];
};

int	sdp_parse(const char *, size_t, struct sdp *, const char **);
int	sdp_field(const char *, size_t, size_t *, size_t *, size_t *);
const char *sdp_check_media(const struct sdp_media *,
	    const struct sockaddr_storage *);
int	sdp_check(const struct sdp *, const struct sockaddr_storage *,
	    const char **);
int	sdp_rewrite(const char *, size_t, const struct sdp *,
	    const struct sockaddr_storage *, const uint16_t [SDP_MAX_MEDIA],
	    char *, size_t, size_t *);

#endif /* SDP_H */
