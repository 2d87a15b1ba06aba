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
 * The codec filter. Two passes over the body: the first learns, media by
 * media, which payload types the m= line lists and what each is called
 * (a=rtpmap, else the static table of RFC 3551), the second writes the
 * body again without the ones the rules take out. Only RTP profiles are
 * filtered: the formats of other media (T.38's udptl, say) are not
 * payload types.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "sdp.h"

#define PT_MAX		128
#define IS_BLANK(c)	((c) == ' ' || (c) == '\t')

struct codec_media {
	int		 rtp;		/* its formats are payload types */
	uint8_t		 listed[PT_MAX];
	uint8_t		 named[PT_MAX];	/* an a=rtpmap decided it */
	uint8_t		 drop[PT_MAX];
	int		 first;		/* the first format, for a rejection */
	int		 kept;		/* formats left */
};

struct codec_scan {
	const struct codec_rules *rules;
	struct codec_media	 media[SDP_MAX_MEDIA];
	int			 nmedia;
};

struct codec_line {
	const char	*v;		/* the line, without its end */
	size_t		 len;
	size_t		 off;		/* in the body, line end included */
	size_t		 next;
};

static int	codec_next_line(const char *, size_t, struct codec_line *);
static int	codec_pt(const char *, size_t);
static int	codec_attr_pt(const char *, size_t);
static int	codec_scan_m(struct codec_scan *, const char *, size_t);
static void	codec_scan_rtpmap(struct codec_scan *, const char *, size_t);
static int	codec_write_m(const struct codec_media *, const char *,
		    size_t, char *, size_t, size_t *);
static int	codec_drop_attr(const struct codec_media *, const char *,
		    size_t);

/* The encoding names of RFC 3551's static payload types. */
static const char *const static_names[] = {
	[0] = "PCMU", [3] = "GSM", [4] = "G723", [5] = "DVI4",
	[6] = "DVI4", [7] = "LPC", [8] = "PCMA", [9] = "G722",
	[10] = "L16", [11] = "L16", [12] = "QCELP", [13] = "CN",
	[14] = "MPA", [15] = "G728", [16] = "DVI4", [17] = "DVI4",
	[18] = "G729", [25] = "CelB", [26] = "JPEG", [28] = "nv",
	[31] = "H261", [32] = "MPV", [33] = "MP2T", [34] = "H263",
};

const char *
codec_static_name(unsigned int pt)
{
	if (pt >= sizeof(static_names) / sizeof(static_names[0]))
		return (NULL);
	return (static_names[pt]);
}

/* Encoding names compare without case (RFC 4855 3). */
int
codec_allowed(const struct codec_rules *r, const char *name, size_t len)
{
	uint32_t	 i;
	int		 listed = 0;

	for (i = 0; i < r->ndeny && i < CODEC_MAX; i++)
		if (strlen(r->deny[i]) == len &&
		    strncasecmp(r->deny[i], name, len) == 0)
			return (0);
	for (i = 0; i < r->nallow && i < CODEC_MAX; i++)
		if (strlen(r->allow[i]) == len &&
		    strncasecmp(r->allow[i], name, len) == 0)
			listed = 1;
	return (r->nallow == 0 || listed);
}

/* Lines end in LF or CRLF, the last one maybe in neither. */
static int
codec_next_line(const char *body, size_t len, struct codec_line *l)
{
	size_t	 e;

	l->off = l->next;
	if (l->off >= len)
		return (0);
	for (e = l->off; e < len && body[e] != '\n'; e++)
		;
	l->next = e < len ? e + 1 : len;
	l->v = body + l->off;
	l->len = e - l->off;
	if (l->len > 0 && l->v[l->len - 1] == '\r')
		l->len--;
	return (1);
}

/* A payload type, 0 to 127 in at most three digits; -1 otherwise. */
static int
codec_pt(const char *s, size_t len)
{
	size_t	 i;
	int	 v = 0;

	if (len == 0 || len > 3)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v < PT_MAX ? v : -1);
}

/* The payload type an a=rtpmap:, a=fmtp: or a=rtcp-fb: line is about. */
static int
codec_attr_pt(const char *v, size_t len)
{
	static const char *const attrs[] = { "a=rtpmap:", "a=fmtp:",
	    "a=rtcp-fb:" };
	size_t	 i, n, e;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		n = strlen(attrs[i]);
		if (len <= n || strncmp(v, attrs[i], n) != 0)
			continue;
		for (e = n; e < len && !IS_BLANK(v[e]); e++)
			;
		return (codec_pt(v + n, e - n));
	}
	return (-1);
}

/* m=<media> <port> <proto> <fmt> ... */
static int
codec_scan_m(struct codec_scan *sc, const char *v, size_t len)
{
	struct codec_media	*m;
	size_t			 i = 2, fo, fl, po, pl;
	int			 pt;

	if (sc->nmedia >= SDP_MAX_MEDIA)
		return (-1);
	m = &sc->media[sc->nmedia++];
	memset(m, 0, sizeof(*m));
	m->first = -1;
	if (!sdp_field(v, len, &i, &fo, &fl) ||
	    !sdp_field(v, len, &i, &fo, &fl) ||
	    !sdp_field(v, len, &i, &po, &pl))
		return (-1);
	/* RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF: RTP (RFC 4566 5.14). */
	m->rtp = (pl >= 4 && strncmp(v + po, "RTP/", 4) == 0) ||
	    (pl >= 12 && strncmp(v + po, "UDP/TLS/RTP/", 12) == 0);
	if (!m->rtp)
		return (0);
	while (sdp_field(v, len, &i, &fo, &fl)) {
		if ((pt = codec_pt(v + fo, fl)) == -1)
			return (-1);
		if (m->first == -1)
			m->first = pt;
		m->listed[pt] = 1;
	}
	return (m->first == -1 ? -1 : 0);
}

/* a=rtpmap:<pt> <name>/<clock>[/<channels>]: the name decides. */
static void
codec_scan_rtpmap(struct codec_scan *sc, const char *v, size_t len)
{
	struct codec_media	*m;
	size_t			 i, no, nl, slash;
	int			 pt;

	if (sc->nmedia == 0 || len < 9 || strncmp(v, "a=rtpmap:", 9) != 0)
		return;
	m = &sc->media[sc->nmedia - 1];
	if (!m->rtp || (pt = codec_attr_pt(v, len)) == -1 || !m->listed[pt])
		return;
	for (i = 9; i < len && !IS_BLANK(v[i]); i++)
		;
	if (!sdp_field(v, len, &i, &no, &nl))
		return;
	for (slash = 0; slash < nl && v[no + slash] != '/'; slash++)
		;
	m->named[pt] = 1;
	m->drop[pt] = !codec_allowed(sc->rules, v + no, slash);
}

/*
 * The m= line with only the formats kept; with none left, the stream is
 * rejected (port 0, RFC 3264 6) and keeps its first format, as a media
 * line must have one.
 */
static int
codec_write_m(const struct codec_media *m, const char *v, size_t len,
    char *out, size_t outsz, size_t *olen)
{
	size_t	 i = 2, o = 0, fo, fl, po, pl;
	int	 pt, kept = m->kept;

#define PUT(s, l) do {							\
	if ((l) > outsz - o)						\
		return (-1);						\
	memcpy(out + o, (s), (l));					\
	o += (l);							\
} while (0)

	/* Media, port and proto: codec_scan_m() saw them. */
	if (!sdp_field(v, len, &i, &fo, &fl) ||
	    !sdp_field(v, len, &i, &po, &pl))
		return (-1);
	PUT(v, po);
	if (kept == 0)
		PUT("0", 1);
	else
		PUT(v + po, pl);
	if (!sdp_field(v, len, &i, &fo, &fl))
		return (-1);
	PUT(v + po + pl, fo + fl - (po + pl));
	while (sdp_field(v, len, &i, &fo, &fl)) {
		pt = codec_pt(v + fo, fl);
		if (kept == 0 ? pt != m->first : m->drop[pt])
			continue;
		PUT(" ", 1);
		PUT(v + fo, fl);
	}
#undef PUT
	*olen = o;
	return (kept == 0);
}

/*
 * An a= line of a payload type taken out goes with it; a rejected stream
 * keeps those of the format it keeps, which they describe.
 */
static int
codec_drop_attr(const struct codec_media *m, const char *v, size_t len)
{
	int	 pt;

	if (!m->rtp || (pt = codec_attr_pt(v, len)) == -1)
		return (0);
	return (m->listed[pt] && m->drop[pt] &&
	    !(m->kept == 0 && pt == m->first));
}

/*
 * Filter body into out. *emptied counts the media lines that were left
 * with no codec, now rejected streams: a request carrying such an offer
 * is the caller's to refuse. Returns 1 when something was taken out,
 * 0 when out holds the body unchanged, -1 when the body is not SDP this
 * can filter (too many media, a bad m= line) or out is too small.
 */
int
codec_filter(const char *body, size_t len, const struct codec_rules *rules,
    char *out, size_t outsz, size_t *outlen, int *emptied)
{
	struct codec_scan	 sc;
	struct codec_line	 l;
	struct codec_media	*m = NULL;
	size_t			 o = 0, n;
	int			 i, pt, changed = 0, rv;

	*outlen = 0;
	*emptied = 0;
	if (len > SDP_MAX_LEN)
		return (-1);
	memset(&sc, 0, sizeof(sc));
	sc.rules = rules;
	memset(&l, 0, sizeof(l));
	while (codec_next_line(body, len, &l)) {
		if (l.len >= 2 && strncmp(l.v, "m=", 2) == 0) {
			if (codec_scan_m(&sc, l.v, l.len) == -1)
				return (-1);
		} else
			codec_scan_rtpmap(&sc, l.v, l.len);
	}
	/* Payload types no a=rtpmap named go by the static table. */
	for (i = 0; i < sc.nmedia; i++) {
		m = &sc.media[i];
		for (pt = 0; pt < PT_MAX; pt++) {
			const char *name = codec_static_name(pt);

			if (!m->rtp || !m->listed[pt] || m->named[pt])
				continue;
			/* Unknown: allowed only when nothing is listed. */
			m->drop[pt] = name == NULL ? rules->nallow > 0 :
			    !codec_allowed(rules, name, strlen(name));
		}
		for (pt = 0; pt < PT_MAX; pt++) {
			changed |= m->rtp && m->listed[pt] && m->drop[pt];
			m->kept += m->listed[pt] && !m->drop[pt];
		}
	}

	i = -1;
	memset(&l, 0, sizeof(l));
	while (codec_next_line(body, len, &l)) {
		if (l.len >= 2 && strncmp(l.v, "m=", 2) == 0) {
			m = &sc.media[++i];
			if (m->rtp) {
				if ((rv = codec_write_m(m, l.v, l.len,
				    out + o, outsz - o, &n)) == -1)
					return (-1);
				*emptied += rv;
				o += n;
				/* The line end as it came. */
				n = l.next - l.off - l.len;
				if (n > outsz - o)
					return (-1);
				memcpy(out + o, l.v + l.len, n);
				o += n;
				continue;
			}
		} else if (i >= 0 && codec_drop_attr(m, l.v, l.len))
			continue;
		n = l.next - l.off;
		if (n > outsz - o)
			return (-1);
		memcpy(out + o, body + l.off, n);
		o += n;
	}
	*outlen = o;
	return (changed);
}

/*
 * The codec of the first RTP stream an SDP does not reject: the encoding
 * name of its first payload type, from its a=rtpmap or RFC 3551's table,
 * into name (a token, else "?"). 0 when found, -1 when there is none.
 */
int
codec_first(const char *body, size_t len, char *name, size_t namelen)
{
	struct codec_line	 l;
	size_t			 i, fo, fl, po, pl, no, nl;
	const char		*sname;
	int			 pt = -1, inm = 0, n;

	if (namelen == 0)
		return (-1);
	memset(&l, 0, sizeof(l));
	while (codec_next_line(body, len, &l)) {
		if (l.len >= 2 && strncmp(l.v, "m=", 2) == 0) {
			if (pt != -1)
				break;
			i = 2;
			inm = sdp_field(l.v, l.len, &i, &fo, &fl) &&
			    sdp_field(l.v, l.len, &i, &po, &pl) &&
			    !(po < l.len && l.v[po] == '0' && pl == 1) &&
			    sdp_field(l.v, l.len, &i, &fo, &fl) &&
			    fl >= 4 && strncmp(l.v + fo, "RTP/", 4) == 0 &&
			    sdp_field(l.v, l.len, &i, &fo, &fl) &&
			    (pt = codec_pt(l.v + fo, fl)) != -1;
			continue;
		}
		if (!inm || codec_attr_pt(l.v, l.len) != pt ||
		    l.len < 9 || strncmp(l.v, "a=rtpmap:", 9) != 0)
			continue;
		for (i = 9; i < l.len && !IS_BLANK(l.v[i]); i++)
			;
		if (!sdp_field(l.v, l.len, &i, &no, &nl))
			continue;
		for (n = 0; (size_t)n < nl && (size_t)n < namelen - 1 &&
		    l.v[no + n] != '/'; n++)
			name[n] = isalnum((unsigned char)l.v[no + n]) ||
			    l.v[no + n] == '-' || l.v[no + n] == '.' ||
			    l.v[no + n] == '_' ? l.v[no + n] : '?';
		name[n] = '\0';
		return (n > 0 ? 0 : -1);
	}
	if (pt == -1 || (sname = codec_static_name(pt)) == NULL)
		return (-1);
	strlcpy(name, sname, namelen);
	return (0);
}
