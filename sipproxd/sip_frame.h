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
 * SIP over a stream (RFC 3261 18.3, RFC 5626 3.5.1): where the next frame
 * ends in the bytes received so far. A frame is a message, framed by its
 * Content-Length, or a keepalive between messages. Pure code: no I/O, no
 * allocation. The state remembers how far the bytes were looked at, so
 * that a message trickling in byte by byte is scanned once, not once per
 * byte.
 *
 * Limits: a message is at most SIP_MAX_MSGLEN bytes with at most
 * SIP_MAX_HEADERS header lines (the parser's, folded lines counted once),
 * and must have exactly one Content-Length; anything else cannot be
 * framed and the stream must be closed.
 */

#ifndef SIP_FRAME_H
#define SIP_FRAME_H

#include <sys/types.h>

#define SIP_FRAME_ERROR	-1	/* not a SIP stream: close it; see error */
#define SIP_FRAME_MORE	0	/* read more, then call again */
#define SIP_FRAME_MSG	1	/* a message of len bytes */
#define SIP_FRAME_PING	2	/* a CRLFCRLF keepalive: answer CRLF */
#define SIP_FRAME_PONG	3	/* a CRLF (or a stray CR or LF): skip it */

struct sip_frame {
	size_t		 len;		/* the frame's length, when found */
	const char	*error;		/* why, on SIP_FRAME_ERROR */
	int		 inmsg;		/* a message has begun */
	/* Where the last call stopped. */
	size_t		 scan;		/* bytes looked at for a line end */
	size_t		 line;		/* start of the line being read */
	int		 nhdrs;		/* header lines so far */
	long long	 clen;		/* Content-Length, -1 none yet */
	size_t		 hend;		/* end of the headers, 0 not yet */
};

void	 sip_frame_init(struct sip_frame *);
int	 sip_frame(struct sip_frame *, const char *, size_t);

#endif /* SIP_FRAME_H */
