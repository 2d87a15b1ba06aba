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
 * The codec filter: what an administrator's `codec allow` and `codec
 * deny` leave of an offer, byte for byte, and that what is left still
 * parses as SDP with the same streams.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "sdp.h"
#include "check.h"

static char	out[SDP_MAX_LEN + 1];

static const char offer[] =
    "v=0\r\n"
    "o=- 1 1 IN IP4 192.168.1.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.10\r\n"
    "t=0 0\r\n"
    "m=audio 4000 RTP/AVP 0 8 18 9 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=sendrecv\r\n"
    "m=image 4002 udptl t38\r\n"
    "a=T38FaxVersion:0\r\n";

static void
rules(struct codec_rules *r, const char *allow, const char *deny)
{
	char	 buf[256], *p, *w;

	memset(r, 0, sizeof(*r));
	strlcpy(buf, allow, sizeof(buf));
	for (p = buf; (w = strsep(&p, " ")) != NULL;)
		if (*w != '\0')
			strlcpy(r->allow[r->nallow++], w, CODEC_NAMELEN);
	strlcpy(buf, deny, sizeof(buf));
	for (p = buf; (w = strsep(&p, " ")) != NULL;)
		if (*w != '\0')
			strlcpy(r->deny[r->ndeny++], w, CODEC_NAMELEN);
}

/* Filter body; out holds the result, NUL-terminated. */
static int
filter(const char *body, const struct codec_rules *r, int *emptied)
{
	size_t	 olen;
	int	 rv;

	rv = codec_filter(body, strlen(body), r, out, sizeof(out) - 1, &olen,
	    emptied);
	out[rv == -1 ? 0 : olen] = '\0';
	return (rv);
}

static void
test_deny(void)
{
	struct codec_rules	 r;
	struct sdp		 sdp;
	const char		*err;
	int			 emptied, rv;

	rules(&r, "", "g729");
	rv = filter(offer, &r, &emptied);
	check("deny_changed", rv == 1 && emptied == 0, "rv %d emptied %d",
	    rv, emptied);
	check("deny_m_line", strstr(out,
	    "m=audio 4000 RTP/AVP 0 8 9 101\r\n") != NULL, "%s", out);
	check("deny_rtpmap_and_fmtp_gone", strstr(out, ":18 ") == NULL,
	    "%s", out);
	check("deny_others_kept", strstr(out, "a=fmtp:101 0-16\r\n") !=
	    NULL && strstr(out, "a=rtpmap:8 PCMA/8000\r\n") != NULL, "%s",
	    out);
	check("deny_t38_untouched", strstr(out,
	    "m=image 4002 udptl t38\r\na=T38FaxVersion:0\r\n") != NULL,
	    "%s", out);
	check("deny_parses", sdp_parse(out, strlen(out), &sdp, &err) == 0 &&
	    sdp.nmedia == 2 && sdp.media[0].port == 4000 &&
	    sdp.media[0].payload == 0, "%s", err ? err : "");
}

static void
test_allow(void)
{
	struct codec_rules	 r;
	int			 emptied, rv;

	/* G722 is static (no rtpmap): the table names it. */
	rules(&r, "PCMA G722 telephone-event", "");
	rv = filter(offer, &r, &emptied);
	check("allow_m_line", rv == 1 && strstr(out,
	    "m=audio 4000 RTP/AVP 8 9 101\r\n") != NULL, "%s", out);
	check("allow_pcmu_gone", strstr(out, "PCMU") == NULL, "%s", out);

	/* Allowed and denied: deny wins. */
	rules(&r, "PCMA PCMU", "pcmu");
	rv = filter(offer, &r, &emptied);
	check("allow_deny_wins", rv == 1 && strstr(out,
	    "m=audio 4000 RTP/AVP 8\r\n") != NULL, "%s", out);

	/* Nothing to take out: unchanged, byte for byte. */
	rules(&r, "", "GSM");
	rv = filter(offer, &r, &emptied);
	check("allow_nothing_removed", rv == 0 && strcmp(out, offer) == 0,
	    "rv %d", rv);
}

static void
test_emptied(void)
{
	struct codec_rules	 r;
	struct sdp		 sdp;
	const char		*err;
	int			 emptied, rv;

	rules(&r, "opus", "");
	rv = filter(offer, &r, &emptied);
	check("emptied_counted", rv == 1 && emptied == 1, "rv %d emptied %d",
	    rv, emptied);
	check("emptied_rejected_stream", strstr(out,
	    "m=audio 0 RTP/AVP 0\r\n") != NULL, "%s", out);
	check("emptied_keeps_its_format_lines", strstr(out,
	    "a=rtpmap:0 PCMU/8000\r\n") != NULL && strstr(out, "G729") ==
	    NULL, "%s", out);
	check("emptied_still_sdp", sdp_parse(out, strlen(out), &sdp,
	    &err) == 0 && sdp.media[0].port == 0, "%s", err ? err : "");
}

static void
test_dynamic_unnamed(void)
{
	struct codec_rules	 r;
	const char		 body[] = "v=0\nm=audio 5 RTP/AVP 96 0\n";
	int			 emptied, rv;

	/* 96 without a=rtpmap has no name: only an allow list drops it. */
	rules(&r, "", "PCMU");
	rv = filter(body, &r, &emptied);
	check("unnamed_kept_by_deny", rv == 1 && strcmp(out,
	    "v=0\nm=audio 5 RTP/AVP 96\n") == 0, "%s", out);
	rules(&r, "PCMU", "");
	rv = filter(body, &r, &emptied);
	check("unnamed_dropped_by_allow", rv == 1 && strcmp(out,
	    "v=0\nm=audio 5 RTP/AVP 0\n") == 0, "%s", out);
}

/* What a hostile body may try. */
static void
test_hostile(void)
{
	struct codec_rules	 r;
	char			*big;
	size_t			 olen;
	int			 emptied, i;
	char			 small[16];

	rules(&r, "", "PCMU");
	check("bad_pt_refused", filter("m=audio 1 RTP/AVP 128\r\n", &r,
	    &emptied) == -1 && filter("m=audio 1 RTP/AVP 1x\r\n", &r,
	    &emptied) == -1 && filter("m=audio 1 RTP/AVP\r\n", &r,
	    &emptied) == -1 && filter("m=audio\r\n", &r, &emptied) == -1,
	    "accepted");
	check("rtpmap_out_of_range", filter("m=audio 1 RTP/AVP 0 8\r\n"
	    "a=rtpmap:999 PCMU/8000\r\na=rtpmap:8\r\n", &r, &emptied) == 1 &&
	    strcmp(out, "m=audio 1 RTP/AVP 8\r\na=rtpmap:999 PCMU/8000\r\n"
	    "a=rtpmap:8\r\n") == 0, "%s", out);
	check("small_buffer_refused", codec_filter(offer, strlen(offer), &r,
	    small, sizeof(small), &olen, &emptied) == -1, "overrun");

	if ((big = malloc(SDP_MAX_LEN + 2)) == NULL)
		abort();
	memset(big, 'x', SDP_MAX_LEN + 1);
	big[SDP_MAX_LEN + 1] = '\0';
	check("too_long_refused", codec_filter(big, SDP_MAX_LEN + 1, &r, out,
	    sizeof(out), &olen, &emptied) == -1, "accepted");
	/* Nine media lines: more than the engine relays. */
	big[0] = '\0';
	for (i = 0; i < SDP_MAX_MEDIA + 1; i++)
		strlcat(big, "m=audio 1 RTP/AVP 0\n", SDP_MAX_LEN);
	check("too_many_media_refused", filter(big, &r, &emptied) == -1,
	    "accepted");
	free(big);
}

/* The call log's codec: the first payload type of the first stream. */
static void
test_first(void)
{
	static const char dyn[] =
	    "v=0\r\nc=IN IP4 10.0.0.1\r\n"
	    "m=video 0 RTP/AVP 96\r\n"
	    "a=rtpmap:96 H264/90000\r\n"
	    "m=image 4002 udptl t38\r\n"
	    "m=audio 4000 RTP/AVP 101 0\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:101 opus/48000/2\r\n";
	static const char hostile[] =
	    "m=audio 4000 RTP/AVP 97\n"
	    "a=rtpmap:97 <script>!evil-name-much-longer-than-the-room/8000\n";
	char	 name[CODEC_NAMELEN], tiny[6];
	int	 rv;

	rv = codec_first(offer, strlen(offer), name, sizeof(name));
	check("first_static", rv == 0 && strcmp(name, "PCMU") == 0,
	    "rv %d %s", rv, name);
	rv = codec_first(dyn, strlen(dyn), name, sizeof(name));
	check("first_dynamic_after_rejected", rv == 0 &&
	    strcmp(name, "opus") == 0, "rv %d %s", rv, name);
	rv = codec_first(hostile, strlen(hostile), tiny, sizeof(tiny));
	check("first_hostile_name_bounded", rv == 0 &&
	    strcmp(tiny, "?scri") == 0, "rv %d %s", rv, tiny);
	rv = codec_first("m=audio 0 RTP/AVP 0\r\n", 21, name, sizeof(name));
	check("first_none", rv == -1, "rv %d", rv);
}

int
main(void)
{
	test_deny();
	test_allow();
	test_emptied();
	test_dynamic_unnamed();
	test_hostile();
	test_first();
	return (failures != 0);
}
