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
 * libFuzzer harness for the stream framing. The input is a stream, cut
 * into frames twice: as if it arrived at once, and byte by byte with the
 * state carried from call to call, as a connection that trickles gets
 * it. Both must give the same frames. Each frame is within its bounds,
 * and a message frame the parser takes has the body the frame gave it:
 * the framing and the parser never disagree on where a message ends.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_msg.h"
#include "sip_frame.h"

#define MAXFRAMES	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct cut {
	int	 kind;
	size_t	 len;
};

static struct sip_msg	 msg;
static struct cut	 whole[MAXFRAMES], trickle[MAXFRAMES];

/* Frames of s, from a fresh state at each; the last may be an error. */
static size_t
cut_whole(const char *s, size_t size)
{
	struct sip_frame	 f;
	size_t			 off = 0, n = 0;
	int			 rv;

	while (n < MAXFRAMES) {
		sip_frame_init(&f);
		if ((rv = sip_frame(&f, s + off, size - off)) ==
		    SIP_FRAME_MORE)
			break;
		whole[n].kind = rv;
		whole[n++].len = f.len;
		if (rv == SIP_FRAME_ERROR)
			break;
		if (f.len == 0 || f.len > size - off)
			abort();
		off += f.len;
	}
	return (n);
}

/* The same, one more byte each call. */
static size_t
cut_trickle(const char *s, size_t size)
{
	struct sip_frame	 f;
	size_t			 off = 0, end, n = 0;
	int			 rv;

	sip_frame_init(&f);
	for (end = 1; end <= size && n < MAXFRAMES; end++) {
		if ((rv = sip_frame(&f, s + off, end - off)) ==
		    SIP_FRAME_MORE)
			continue;
		trickle[n].kind = rv;
		trickle[n++].len = f.len;
		if (rv == SIP_FRAME_ERROR)
			break;
		/*
		 * A message or a ping ends at the byte that completed it; a
		 * pong may have needed the byte after it to be told apart.
		 */
		if (f.len == 0 || f.len > end - off ||
		    (rv != SIP_FRAME_PONG && f.len != end - off))
			abort();
		off += f.len;
		end = off;
		sip_frame_init(&f);
	}
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	size_t		 nw, nt, i, off = 0;

	nw = cut_whole(s, size);
	nt = cut_trickle(s, size);
	if (nw != nt)
		abort();
	for (i = 0; i < nw; i++) {
		if (whole[i].kind != trickle[i].kind ||
		    whole[i].len != trickle[i].len)
			abort();
		switch (whole[i].kind) {
		case SIP_FRAME_MSG:
			if (whole[i].len > SIP_MAX_MSGLEN)
				abort();
			if (sip_msg_parse(&msg, s + off, whole[i].len) ==
			    SIP_OK && (msg.body_off + msg.body_len !=
			    whole[i].len || msg.content_length < 0))
				abort();
			break;
		case SIP_FRAME_PING:
			if (whole[i].len != 4 || memcmp(s + off, "\r\n\r\n", 4))
				abort();
			break;
		case SIP_FRAME_PONG:
			if (whole[i].len > 2)
				abort();
			break;
		}
		off += whole[i].len;
	}
	return (0);
}
