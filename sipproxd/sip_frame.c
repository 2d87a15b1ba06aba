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
 * Framing of SIP over a stream: see sip_frame.h. Only the lines that
 * frame a message are looked at here (the end of the headers, the
 * Content-Length); the message itself is sip_msg_parse()'s.
 */

#include <sys/types.h>

#include <string.h>
#include <strings.h>

#include "sip_msg.h"
#include "sip_frame.h"

#define IS_WS(c)	((c) == ' ' || (c) == '\t')

static int	 frame_keepalive(struct sip_frame *, const char *, size_t);
static int	 frame_clen(const char *, size_t, long long *);
static int	 frame_error(struct sip_frame *, const char *);

void
sip_frame_init(struct sip_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->clen = -1;
}

/*
 * The frame at the start of buf (len bytes received, the same bytes as
 * the last call and maybe more): SIP_FRAME_MSG, _PING or _PONG with
 * f->len its length, SIP_FRAME_MORE, or SIP_FRAME_ERROR with f->error.
 * After a frame, the caller drops its bytes and starts over with
 * sip_frame_init().
 */
int
sip_frame(struct sip_frame *f, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 eol, end;
	long long	 v;
	int		 rv;

	f->len = 0;
	if (!f->inmsg) {
		if (len == 0)
			return (SIP_FRAME_MORE);
		/* RFC 3261 7.5: CRLFs before a start line are no message. */
		if (buf[0] == '\r' || buf[0] == '\n')
			return (frame_keepalive(f, buf, len));
		f->inmsg = 1;
	}

	/* The header lines not seen yet, up to the empty one. */
	while (f->hend == 0) {
		if ((nl = memchr(buf + f->scan, '\n', len - f->scan)) == NULL) {
			f->scan = len;
			if (len > SIP_MAX_MSGLEN)
				return (frame_error(f, "no end of headers"));
			return (SIP_FRAME_MORE);
		}
		eol = nl - buf;
		f->scan = eol + 1;
		end = eol;
		if (end > f->line && buf[end - 1] == '\r')
			end--;
		if (end == f->line) {
			f->hend = eol + 1;
			break;
		}
		/* A header line: not the start line, not a folded one. */
		if (f->line > 0 && !IS_WS(buf[f->line])) {
			if (++f->nhdrs > SIP_MAX_HEADERS)
				return (frame_error(f, "too many headers"));
			rv = frame_clen(buf + f->line, end - f->line, &v);
			if (rv == -1)
				return (frame_error(f,
				    "malformed Content-Length"));
			if (rv == 1 && f->clen != -1)
				return (frame_error(f,
				    "duplicate Content-Length"));
			if (rv == 1)
				f->clen = v;
		}
		f->line = eol + 1;
	}

	/* RFC 3261 18.3: on a stream, Content-Length is a must. */
	if (f->clen == -1)
		return (frame_error(f, "no Content-Length"));
	if (f->hend > SIP_MAX_MSGLEN ||
	    (unsigned long long)f->clen > SIP_MAX_MSGLEN - f->hend)
		return (frame_error(f, "message too large"));
	f->len = f->hend + f->clen;
	if (len < f->len)
		return (SIP_FRAME_MORE);
	return (SIP_FRAME_MSG);
}

/*
 * Between messages: CRLFCRLF is a ping to answer with CRLF, CRLF its
 * pong (RFC 5626 4.4.1); a stray CR or LF alone is skipped. What may
 * still become a ping waits for more.
 */
static int
frame_keepalive(struct sip_frame *f, const char *buf, size_t len)
{
	static const char	 ping[] = "\r\n\r\n";
	size_t			 n = len < 4 ? len : 4;

	if (memcmp(buf, ping, n) == 0) {
		if (n < 4)
			return (SIP_FRAME_MORE);
		f->len = 4;
		return (SIP_FRAME_PING);
	}
	f->len = len >= 2 && buf[0] == '\r' && buf[1] == '\n' ? 2 : 1;
	return (SIP_FRAME_PONG);
}

/*
 * A header line, without its line end: 1 with *v if it is a
 * Content-Length (long or compact form) with a value up to
 * SIP_MAX_MSGLEN, 0 if it is another header, -1 if it is a malformed
 * Content-Length.
 */
static int
frame_clen(const char *s, size_t len, long long *v)
{
	size_t	 i, name, digits;

	for (i = 0; i < len && s[i] != ':' && !IS_WS(s[i]); i++)
		;
	name = i;
	if (!(name == 14 && strncasecmp(s, "Content-Length", 14) == 0) &&
	    !(name == 1 && (s[0] == 'l' || s[0] == 'L')))
		return (0);
	while (i < len && IS_WS(s[i]))
		i++;
	if (i == len || s[i] != ':')
		return (-1);
	for (i++; i < len && IS_WS(s[i]); i++)
		;
	*v = 0;
	for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		*v = *v * 10 + (s[i] - '0');
		if (*v > SIP_MAX_MSGLEN)
			return (-1);
		digits++;
	}
	while (i < len && IS_WS(s[i]))
		i++;
	if (digits == 0 || i != len)
		return (-1);
	return (1);
}

static int
frame_error(struct sip_frame *f, const char *why)
{
	f->error = why;
	f->len = 0;
	return (SIP_FRAME_ERROR);
}
