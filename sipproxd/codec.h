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
 * The codec filter (`codec allow`, `codec deny`): payload types taken out
 * of the RTP media lines of an SDP body, with their a=rtpmap, a=fmtp and
 * a=rtcp-fb lines. Pure code: no I/O, no allocation.
 */

#ifndef CODEC_H
#define CODEC_H

#include <stddef.h>
#include <stdint.h>

#define CODEC_MAX	16	/* names in each list */
#define CODEC_NAMELEN	32	/* an encoding name, NUL included */

/* An empty allow list allows every codec the deny list does not name. */
struct codec_rules {
	char		 allow[CODEC_MAX][CODEC_NAMELEN];
	char		 deny[CODEC_MAX][CODEC_NAMELEN];
	uint32_t	 nallow;
	uint32_t	 ndeny;
};

int	codec_allowed(const struct codec_rules *, const char *, size_t);
int	codec_filter(const char *, size_t, const struct codec_rules *,
	    char *, size_t, size_t *, int *);
const char *codec_static_name(unsigned int);
int	codec_first(const char *, size_t, char *, size_t);

#endif /* CODEC_H */
