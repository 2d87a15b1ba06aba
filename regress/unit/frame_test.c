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
 * sip_frame(): messages cut from a stream by Content-Length, whole,
 * byte by byte and several in one buffer; keepalives; and every way a
 * stream cannot be framed.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_msg.h"
#include "sip_frame.h"
#include "check.h"

#define REG	"REGISTER sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n" \
		"Call-ID: x\r\nContent-Length: 3\r\n\r\nabc"

static char	 big[SIP_MAX_MSGLEN + 64];

/* One frame of s (len bytes) from a fresh state. */
static int
frame1(const char *s, size_t len, size_t *flen, const char **err)
{
	struct sip_frame	 f;
	int			 rv;

	sip_frame_init(&f);
	rv = sip_frame(&f, s, len);
	*flen = f.len;
	if (err != NULL)
		*err = f.error;
	return (rv);
}

static int
frame_str(const char *s, size_t *flen)
{
	return (frame1(s, strlen(s), flen, NULL));
}

static void
test_whole(void)
{
	const char	*s;
	size_t		 len;
	int		 rv;

	rv = frame_str(REG, &len);
	check("frame_whole", rv == SIP_FRAME_MSG && len == strlen(REG),
	    "rv %d len %zu", rv, len);
	rv = frame_str(REG "NEXT", &len);
	check("frame_rest_left", rv == SIP_FRAME_MSG && len == strlen(REG),
	    "rv %d len %zu", rv, len);
	s = "OPTIONS sip:a@b SIP/2.0\nl: 2\n\nhi";
	rv = frame_str(s, &len);
	check("frame_compact_lf", rv == SIP_FRAME_MSG && len == strlen(s),
	    "rv %d len %zu", rv, len);
	s = "OPTIONS sip:a@b SIP/2.0\r\ncontent-length :\t0 \r\n\r\n";
	rv = frame_str(s, &len);
	check("frame_cl_spaces", rv == SIP_FRAME_MSG && len == strlen(s),
	    "rv %d len %zu", rv, len);
	s = "SIP/2.0 200 OK\r\nX:\r\n y\r\nContent-Length: 0\r\n\r\n";
	rv = frame_str(s, &len);
	check("frame_response_folded", rv == SIP_FRAME_MSG &&
	    len == strlen(s), "rv %d len %zu", rv, len);
}

/* Byte by byte: MORE up to the last byte, then the message. */
static void
test_trickle(void)
{
	struct sip_frame	 f;
	const char		*s = REG;
	size_t			 i, n = strlen(s), lastscan = 0;
	int			 rv = SIP_FRAME_MORE, bad = 0;

	sip_frame_init(&f);
	for (i = 0; i <= n; i++) {
		rv = sip_frame(&f, s, i);
		if (i < n && rv != SIP_FRAME_MORE)
			bad++;
		/* Each byte is looked at once: the scan only moves on. */
		if (f.scan < lastscan || f.scan > i)
			bad++;
		lastscan = f.scan;
	}
	check("frame_trickle", bad == 0 && rv == SIP_FRAME_MSG && f.len == n,
	    "bad %d rv %d len %zu", bad, rv, f.len);
	sip_frame_init(&f);
	rv = sip_frame(&f, s, n - 1);
	check("frame_body_short", rv == SIP_FRAME_MORE && f.len == n,
	    "rv %d need %zu", rv, f.len);
}

/* Two REGISTERs in one buffer, with a keepalive between them. */
static void
test_several(void)
{
	char		 buf[512];
	size_t		 off = 0, n, len;
	int		 rv, kinds[4], i = 0;

	n = snprintf(buf, sizeof(buf), "%s\r\n\r\n%s", REG, REG);
	while (off < n && i < 4) {
		rv = frame1(buf + off, n - off, &len, NULL);
		if (rv <= 0)
			break;
		kinds[i++] = rv;
		off += len;
	}
	check("frame_several", i == 3 && off == n &&
	    kinds[0] == SIP_FRAME_MSG && kinds[1] == SIP_FRAME_PING &&
	    kinds[2] == SIP_FRAME_MSG, "%d frames, %zu of %zu bytes", i, off,
	    n);
}

static void
test_keepalive(void)
{
	size_t	 len;
	int	 rv;

	rv = frame_str("\r\n\r\n", &len);
	check("frame_ping", rv == SIP_FRAME_PING && len == 4, "rv %d", rv);
	rv = frame_str("\r\n\r\nREG", &len);
	check("frame_ping_then", rv == SIP_FRAME_PING && len == 4, "rv %d",
	    rv);
	rv = frame_str("\r\n", &len);
	check("frame_ping_partial", rv == SIP_FRAME_MORE, "rv %d", rv);
	rv = frame_str("\r\n\r", &len);
	check("frame_ping_partial3", rv == SIP_FRAME_MORE, "rv %d", rv);
	rv = frame_str("\r\nREG", &len);
	check("frame_pong", rv == SIP_FRAME_PONG && len == 2, "rv %d", rv);
	rv = frame_str("\nREG", &len);
	check("frame_stray_lf", rv == SIP_FRAME_PONG && len == 1, "rv %d",
	    rv);
	rv = frame_str("", &len);
	check("frame_empty", rv == SIP_FRAME_MORE, "rv %d", rv);
}

static void
test_errors(void)
{
	static const struct {
		const char	*name;
		const char	*msg;
		const char	*error;
	} t[] = {
		{ "frame_no_cl", "OPTIONS sip:a@b SIP/2.0\r\nX: 1\r\n\r\n",
		    "no Content-Length" },
		{ "frame_dup_cl", "OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n"
		    "Content-Length: 0\r\n\r\n", "duplicate Content-Length" },
		{ "frame_bad_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Length: 1x\r\n\r\n", "malformed Content-Length" },
		{ "frame_empty_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Length:\r\n\r\n", "malformed Content-Length" },
		{ "frame_neg_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Length: -1\r\n\r\n", "malformed Content-Length" },
		{ "frame_huge_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Length: 99999999999999999999\r\n\r\n",
		    "malformed Content-Length" },
		{ "frame_over_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Length: 65500\r\n\r\n", "message too large" },
		{ "frame_not_cl", "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Content-Lengthy: 0\r\nX-Content-Length: 0\r\n\r\n",
		    "no Content-Length" },
	};
	const char	*err;
	size_t		 i, len;
	int		 rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rv = frame1(t[i].msg, strlen(t[i].msg), &len, &err);
		check(t[i].name, rv == SIP_FRAME_ERROR && err != NULL &&
		    strcmp(err, t[i].error) == 0, "rv %d error %s", rv,
		    err != NULL ? err : "none");
	}
}

/* The bounds: header lines, bytes without an end of headers. */
static void
test_bounds(void)
{
	const char	*err;
	size_t		 n, len;
	int		 i, rv;

	n = snprintf(big, sizeof(big), "OPTIONS sip:a@b SIP/2.0\r\n");
	for (i = 0; i < SIP_MAX_HEADERS - 1; i++)
		n += snprintf(big + n, sizeof(big) - n, "X: %d\r\n", i);
	n += snprintf(big + n, sizeof(big) - n, "l: 0\r\n\r\n");
	rv = frame1(big, n, &len, &err);
	check("frame_max_headers", rv == SIP_FRAME_MSG && len == n,
	    "rv %d len %zu of %zu", rv, len, n);
	n = snprintf(big, sizeof(big), "OPTIONS sip:a@b SIP/2.0\r\n");
	for (i = 0; i < SIP_MAX_HEADERS; i++)
		n += snprintf(big + n, sizeof(big) - n, "X: %d\r\n", i);
	n += snprintf(big + n, sizeof(big) - n, "l: 0\r\n\r\n");
	rv = frame1(big, n, &len, &err);
	check("frame_too_many_headers", rv == SIP_FRAME_ERROR,
	    "rv %d", rv);

	/* Header bytes up to the limit wait, one more is the end. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "OPTIONS sip:a@b SIP/2.0\r\nX: ", 28);
	rv = frame1(big, SIP_MAX_MSGLEN, &len, &err);
	check("frame_long_headers_wait", rv == SIP_FRAME_MORE, "rv %d", rv);
	rv = frame1(big, SIP_MAX_MSGLEN + 1, &len, &err);
	check("frame_long_headers", rv == SIP_FRAME_ERROR &&
	    strcmp(err, "no end of headers") == 0, "rv %d", rv);

	/* A message of exactly the limit. */
	n = snprintf(big, sizeof(big), "OPTIONS sip:a@b SIP/2.0\r\n"
	    "Content-Length: 00000\r\n\r\n");
	snprintf(big, sizeof(big), "OPTIONS sip:a@b SIP/2.0\r\n"
	    "Content-Length: %05zu\r\n\r\n", (size_t)SIP_MAX_MSGLEN - n);
	rv = frame1(big, SIP_MAX_MSGLEN, &len, &err);
	check("frame_max_len", rv == SIP_FRAME_MSG && len == SIP_MAX_MSGLEN,
	    "rv %d len %zu", rv, len);
}

int
main(void)
{
	test_whole();
	test_trickle();
	test_several();
	test_keepalive();
	test_errors();
	test_bounds();
	return (failures != 0);
}
