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
 * libFuzzer harness for the codec filter. Beyond "does not crash": what
 * it makes of an SDP body that parses still parses, with the same
 * streams (a stream left without codecs rejected, port 0), never longer
 * than it came; a buffer one byte short is refused, not overrun; and
 * filtering again takes nothing more out. The call log's codec of any
 * body is a NUL-terminated name of the size given, or none.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "sdp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sdp		 sdp, sdp2;
static char			 out[SDP_MAX_LEN], again[SDP_MAX_LEN];
static const struct codec_rules	 rules = {
	.allow = { "PCMA", "G722", "telephone-event", "opus" },
	.nallow = 4,
	.deny = { "G729", "opus" },
	.ndeny = 2
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data, *err;
	char		 name[8];
	size_t		 olen, n;
	int		 i, emptied, e2, rv;

	memset(name, 'x', sizeof(name));
	if (codec_first(body, size, name, sizeof(name)) == 0 &&
	    (memchr(name, '\0', sizeof(name)) == NULL || name[0] == '\0'))
		abort();
	if (sdp_parse(body, size, &sdp, &err) == -1)
		return (0);
	if ((rv = codec_filter(body, size, &rules, out, sizeof(out), &olen,
	    &emptied)) == -1)
		return (0);
	if (rv == 0 && emptied != 0)
		abort();
	if (olen > size + (size_t)sdp.nmedia)	/* "0" for a port "" */
		abort();
	if (olen > 0 && codec_filter(body, size, &rules, again, olen - 1, &n,
	    &e2) != -1)
		abort();
	if (sdp_parse(out, olen, &sdp2, &err) == -1 ||
	    sdp2.nmedia != sdp.nmedia)
		abort();
	for (i = 0; i < sdp.nmedia; i++)
		if (strcmp(sdp.media[i].type, sdp2.media[i].type) != 0 ||
		    strcmp(sdp.media[i].proto, sdp2.media[i].proto) != 0 ||
		    (sdp2.media[i].port != sdp.media[i].port &&
		    sdp2.media[i].port != 0))
			abort();
	if (codec_filter(out, olen, &rules, again, sizeof(again), &n,
	    &e2) == -1 || n != olen || memcmp(again, out, n) != 0 ||
	    e2 != emptied)
		abort();
	return (0);
}
