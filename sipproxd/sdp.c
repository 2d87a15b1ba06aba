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
 * SDP parser and rewriter. The body is a (pointer, length) pair that is
 * not NUL ended and may end without a newline. Parsing records, besides
 * what struct sdp_media shows, the spans sdp_rewrite() replaces; the
 * rewriter copies every other byte as it came, so line endings, attribute
 * order and unknown lines survive untouched.
 *
 * Leniency, where real phones need it: fields may be split by several
 * blanks, a line may end in blanks, empty lines may close the body, and
 * names compare without case. Strictness, where an address could leak or
 * a port could be misread: every c=, o=, m= and a=rtcp line must have the
 * shape we rewrite, or the body is refused.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "media.h"
#include "sdp.h"

/* struct sdp_edit types */
#define EDIT_ADDR	1	/* "IN IP4 addr": our address */
#define EDIT_PORT	2	/* m= port: ports[media] */
#define EDIT_RTCP	3	/* a=rtcp port: ports[media] + 1 */
#define EDIT_DROP	4	/* a whole line with its line end */

#define IS_BLANK(c)	((c) == ' ' || (c) == '\t')

/* sdp_conn() results */
#define CONN_OK		0
#define CONN_BAD	-1
#define CONN_NAME	-2	/* well formed, but a host name */

/* What parsing keeps until the last line has been seen. */
struct sdp_state {
	struct sdp		*sdp;
	int			 cur;		/* media index, -1: session */
	struct sockaddr_storage	 sess_addr;
	int			 sess_hold;
	int			 sess_dir;
	int			 have_c[SDP_MAX_MEDIA];
	int			 dir[SDP_MAX_MEDIA];	/* -1: none given */
	uint32_t		 rtpmap_clock[SDP_MAX_MEDIA];
};

struct sdp_wbuf {
	char	*p;
	size_t	 sz;
	size_t	 len;
	int	 err;
};

static int	sdp_number(const char *, size_t, uint32_t, uint32_t *);
static int	sdp_visible(const char *, size_t);
static int	sdp_hostname(const char *, size_t);
static int	sdp_name_is(const char *, size_t, const char *);
static int	sdp_edit_add(struct sdp *, size_t, size_t, int, int);
static int	sdp_conn(const char *, size_t, size_t *,
		    struct sockaddr_storage *, int *, size_t *, size_t *);
static const char *sdp_line_o(struct sdp_state *, const char *, size_t,
		    size_t);
static const char *sdp_line_c(struct sdp_state *, const char *, size_t,
		    size_t);
static const char *sdp_line_m(struct sdp_state *, const char *, size_t,
		    size_t);
static const char *sdp_line_a(struct sdp_state *, const char *, size_t,
		    size_t, size_t, size_t);
static void	sdp_rtcp_attr(struct sdp_state *, const char *, size_t,
		    size_t, const char **);
static void	sdp_rtpmap(struct sdp_state *, const char *, size_t);
static void	sdp_finish(struct sdp_state *);
static void	sdp_put(struct sdp_wbuf *, const char *, size_t);
static uint16_t	sdp_new_rtcp(const char *, const struct sdp *,
		    const struct sdp_edit *, const uint16_t *);

/*
 * The next blank-separated field of s at or after *i: [*fo, *fo + *fl).
 * Returns 0 when only blanks are left.
 */
int
sdp_field(const char *s, size_t len, size_t *i, size_t *fo, size_t *fl)
{
	size_t	p = *i;

	while (p < len && IS_BLANK(s[p]))
		p++;
	if (p >= len)
		return (0);
	*fo = p;
	while (p < len && !IS_BLANK(s[p]))
		p++;
	*fl = p - *fo;
	*i = p;
	return (1);
}

/* Decimal digits only, at most 10 of them, value <= max. */
static int
sdp_number(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t	n = 0;
	size_t		i;

	if (len == 0 || len > 10)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > max)
		return (-1);
	*v = (uint32_t)n;
	return (0);
}

static int
sdp_visible(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return (0);
	return (1);
}

/* Looks like a host name rather than line noise: for a better error. */
static int
sdp_hostname(const char *s, size_t len)
{
	size_t	i;
	int	alpha = 0;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return (0);
	}
	return (alpha);
}

static int
sdp_name_is(const char *s, size_t len, const char *name)
{
	return (strlen(name) == len && strncasecmp(s, name, len) == 0);
}

static int
sdp_edit_add(struct sdp *sdp, size_t off, size_t len, int type, int media)
{
	struct sdp_edit	*e;

	/* Two edits a line at most, so this is a bug, not a packet. */
	if (sdp->nedits >= SDP_MAX_EDITS || off > SDP_MAX_LEN ||
	    len > SDP_MAX_LEN)
		return (-1);
	e = &sdp->edits[sdp->nedits++];
	e->off = (uint32_t)off;
	e->len = (uint32_t)len;
	e->type = (uint8_t)type;
	e->media = (int8_t)media;
	return (0);
}

/*
 * "IN IP4 addr" or "IN IP6 addr" from s[*i] to the end of s, with nothing
 * after it but blanks. The address must be numeric; a multicast one may
 * carry "/ttl" or "/count" suffixes. *so and *sl get the span from "IN"
 * to the end of the address, which is what the rewriter replaces.
 */
static int
sdp_conn(const char *s, size_t len, size_t *i, struct sockaddr_storage *ss,
    int *hold, size_t *so, size_t *sl)
{
	const struct in6_addr	*a6;
	char			 tmp[INET6_ADDRSTRLEN];
	size_t			 no, nl, to, tl, ao, al, x, xl, p, q, alen;
	uint32_t		 n, a4;
	int			 af, mcast, nsuffix = 0;

	if (!sdp_field(s, len, i, &no, &nl) ||
	    !sdp_field(s, len, i, &to, &tl) ||
	    !sdp_field(s, len, i, &ao, &al) ||
	    sdp_field(s, len, i, &x, &xl))
		return (CONN_BAD);
	if (!sdp_name_is(s + no, nl, "IN"))
		return (CONN_BAD);
	if (sdp_name_is(s + to, tl, "IP4"))
		af = AF_INET;
	else if (sdp_name_is(s + to, tl, "IP6"))
		af = AF_INET6;
	else
		return (CONN_BAD);

	for (alen = 0; alen < al && s[ao + alen] != '/'; alen++)
		;
	if (alen == 0)
		return (CONN_BAD);
	if (alen >= sizeof(tmp))
		return (sdp_hostname(s + ao, alen) ? CONN_NAME : CONN_BAD);
	memcpy(tmp, s + ao, alen);
	tmp[alen] = '\0';

	if (sa_from_host(af, tmp, 0, ss) == -1)
		return (sdp_hostname(tmp, alen) ? CONN_NAME : CONN_BAD);
	*hold = sa_unspecified(ss);
	if ((a6 = sa_in6(ss)) != NULL)
		mcast = IN6_IS_ADDR_MULTICAST(a6);
	else
		mcast = sa_v4(ss, &a4) && IN_MULTICAST(a4);

	/* IP4 multicast: /ttl[/count]; IP6 multicast: /count. */
	for (p = ao + alen; p < ao + al; p = q) {
		if (!mcast || ++nsuffix > (af == AF_INET ? 2 : 1))
			return (CONN_BAD);
		for (q = p + 1; q < ao + al && s[q] != '/'; q++)
			;
		if (sdp_number(s + p + 1, q - p - 1, 65535, &n) == -1)
			return (CONN_BAD);
	}
	*so = no;
	*sl = ao + al - no;
	return (CONN_OK);
}

/*
 * o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>:
 * the address names the phone's host, an FQDN is allowed, so it is not
 * checked, only replaced with the nettype and addrtype before it.
 */
static const char *
sdp_line_o(struct sdp_state *st, const char *v, size_t vlen, size_t voff)
{
	size_t	i = 0, fo = 0, fl = 0, start = 0;
	int	n;

	for (n = 0; n < 7 && sdp_field(v, vlen, &i, &fo, &fl); n++)
		if (n == 3)
			start = fo;
	if (n != 6)
		return ("bad o= line");
	if (sdp_edit_add(st->sdp, voff + start, fo + fl - start, EDIT_ADDR,
	    st->cur) == -1)
		return ("too many edits");
	return (NULL);
}

static const char *
sdp_line_c(struct sdp_state *st, const char *v, size_t vlen, size_t voff)
{
	struct sockaddr_storage	 ss;
	size_t			 i = 0, so, sl;
	int			 hold = 0, rv;

	if ((rv = sdp_conn(v, vlen, &i, &ss, &hold, &so, &sl)) != CONN_OK)
		return (rv == CONN_NAME ? "c= not a numeric address" :
		    "bad c= line");
	/* The first c= of a level counts; more are multicast layers. */
	if (st->cur == -1) {
		if (st->sess_addr.ss_family == AF_UNSPEC) {
			st->sess_addr = ss;
			st->sess_hold = hold;
		}
	} else if (!st->have_c[st->cur]) {
		st->have_c[st->cur] = 1;
		st->sdp->media[st->cur].addr = ss;
		st->sdp->media[st->cur].hold_addr = hold;
	}
	/* RFC 2543 hold: 0.0.0.0 must reach the peer as it is. */
	if (hold)
		return (NULL);
	if (sdp_edit_add(st->sdp, voff + so, sl, EDIT_ADDR, st->cur) == -1)
		return ("too many edits");
	return (NULL);
}

/* m=<media> <port>[/<count>] <proto> <fmt> ... */
static const char *
sdp_line_m(struct sdp_state *st, const char *v, size_t vlen, size_t voff)
{
	struct sdp		*sdp = st->sdp;
	struct sdp_media	*m;
	size_t			 i = 0, to, tl, po, pl, ro, rl, fo, fl, slash;
	uint32_t		 port, count = 1, pt;

	if (sdp->nmedia >= SDP_MAX_MEDIA)
		return ("too many media");
	if (!sdp_field(v, vlen, &i, &to, &tl) ||
	    !sdp_field(v, vlen, &i, &po, &pl) ||
	    !sdp_field(v, vlen, &i, &ro, &rl) ||
	    !sdp_field(v, vlen, &i, &fo, &fl))
		return ("bad m= line");
	if (!sdp_visible(v + to, tl) || tl >= sizeof(m->type) ||
	    !sdp_visible(v + ro, rl) || rl >= sizeof(m->proto) ||
	    !sdp_visible(v + fo, fl))
		return ("bad m= line");
	for (slash = 0; slash < pl && v[po + slash] != '/'; slash++)
		;
	if (sdp_number(v + po, slash, 65535, &port) == -1)
		return ("bad m= line");
	if (slash < pl && sdp_number(v + po + slash + 1, pl - slash - 1,
	    65535, &count) == -1)
		return ("bad m= line");
	if (count == 0)
		return ("bad m= line");

	st->cur = sdp->nmedia++;
	st->dir[st->cur] = -1;
	m = &sdp->media[st->cur];
	memcpy(m->type, v + to, tl);
	m->type[tl] = '\0';
	memcpy(m->proto, v + ro, rl);
	m->proto[rl] = '\0';
	m->port = (uint16_t)port;
	m->port_count = (uint16_t)count;
	m->payload = -1;
	if (sdp_number(v + fo, fl, 127, &pt) == 0)
		m->payload = (int)pt;

	/* The rest of the formats must be fields too, and sane. */
	while (sdp_field(v, vlen, &i, &fo, &fl))
		if (!sdp_visible(v + fo, fl))
			return ("bad m= line");

	/*
	 * A rejected stream (port 0) stays rejected: no edit. The edit
	 * takes a port count along: the relay gives one port.
	 */
	if (port != 0 && sdp_edit_add(sdp, voff + po, pl, EDIT_PORT,
	    st->cur) == -1)
		return ("too many edits");
	return (NULL);
}

/* a=rtcp:<port> [<nettype> <addrtype> <address>] (RFC 3605) */
static void
sdp_rtcp_attr(struct sdp_state *st, const char *v, size_t vlen,
    size_t voff, const char **err)
{
	struct sockaddr_storage	 ss;
	size_t			 i = 0, po, pl, so, sl, x, xl;
	uint32_t		 port;
	int			 hold = 0, rv;

	*err = "bad a=rtcp line";
	if (!sdp_field(v, vlen, &i, &po, &pl) ||
	    sdp_number(v + po, pl, 65535, &port) == -1)
		return;
	if (st->cur >= 0 && st->sdp->media[st->cur].rtcp_port == 0)
		st->sdp->media[st->cur].rtcp_port = (uint16_t)port;
	/* Like m=, a port of 0 stays 0. */
	if (port != 0 && sdp_edit_add(st->sdp, voff + po, pl, EDIT_RTCP,
	    st->cur) == -1) {
		*err = "too many edits";
		return;
	}
	x = i;
	if (!sdp_field(v, vlen, &x, &so, &xl)) {
		*err = NULL;
		return;
	}
	if ((rv = sdp_conn(v, vlen, &i, &ss, &hold, &so, &sl)) != CONN_OK) {
		if (rv == CONN_NAME)
			*err = "a=rtcp not a numeric address";
		return;
	}
	if (!hold && sdp_edit_add(st->sdp, voff + so, sl, EDIT_ADDR,
	    st->cur) == -1) {
		*err = "too many edits";
		return;
	}
	*err = NULL;
}

/*
 * a=rtpmap:<pt> <encoding>/<clock>[/<parameters>]: only the clock rate of
 * the first payload type of the stream matters. A malformed one is left
 * to the peer to complain about; it changes nothing we rewrite.
 */
static void
sdp_rtpmap(struct sdp_state *st, const char *v, size_t vlen)
{
	struct sdp_media	*m;
	size_t			 i = 0, po, pl, eo, el, s1, s2;
	uint32_t		 pt, clock;

	if (st->cur < 0)
		return;
	m = &st->sdp->media[st->cur];
	if (m->payload < 0 || st->rtpmap_clock[st->cur] != 0)
		return;
	if (!sdp_field(v, vlen, &i, &po, &pl) ||
	    sdp_number(v + po, pl, 127, &pt) == -1 || (int)pt != m->payload)
		return;
	if (!sdp_field(v, vlen, &i, &eo, &el))
		return;
	for (s1 = 0; s1 < el && v[eo + s1] != '/'; s1++)
		;
	if (s1 == 0 || s1 == el)
		return;
	for (s2 = s1 + 1; s2 < el && v[eo + s2] != '/'; s2++)
		;
	if (sdp_number(v + eo + s1 + 1, s2 - s1 - 1, UINT32_MAX,
	    &clock) == -1 || clock == 0)
		return;
	st->rtpmap_clock[st->cur] = clock;
}

/*
 * a=<name>[:<value>]. lo and next delimit the whole line in the body,
 * for the lines we drop.
 */
static const char *
sdp_line_a(struct sdp_state *st, const char *v, size_t vlen, size_t voff,
    size_t lo, size_t next)
{
	const char	*err = NULL;
	size_t		 nl, i;
	int		 dir = -1;

	for (nl = 0; nl < vlen && v[nl] != ':'; nl++)
		;
	i = nl < vlen ? nl + 1 : vlen;

	/* ICE candidates carry the phone's private addresses. */
	if (sdp_name_is(v, nl, "candidate") ||
	    sdp_name_is(v, nl, "remote-candidates")) {
		st->sdp->ice = 1;
		if (sdp_edit_add(st->sdp, lo, next - lo, EDIT_DROP,
		    st->cur) == -1)
			return ("too many edits");
		return (NULL);
	}
	if (sdp_name_is(v, nl, "rtcp") && nl < vlen) {
		sdp_rtcp_attr(st, v + i, vlen - i, voff + i, &err);
		return (err);
	}
	if (sdp_name_is(v, nl, "rtpmap") && nl < vlen) {
		sdp_rtpmap(st, v + i, vlen - i);
		return (NULL);
	}

	/* The rest are flags: a value means some other attribute. */
	if (nl < vlen)
		return (NULL);
	while (nl > 0 && IS_BLANK(v[nl - 1]))
		nl--;
	if (sdp_name_is(v, nl, "rtcp-mux")) {
		if (st->cur >= 0)
			st->sdp->media[st->cur].rtcp_mux = 1;
	} else if (sdp_name_is(v, nl, "sendrecv"))
		dir = SDP_DIR_SENDRECV;
	else if (sdp_name_is(v, nl, "sendonly"))
		dir = SDP_DIR_SENDONLY;
	else if (sdp_name_is(v, nl, "recvonly"))
		dir = SDP_DIR_RECVONLY;
	else if (sdp_name_is(v, nl, "inactive"))
		dir = SDP_DIR_INACTIVE;
	if (dir != -1) {
		if (st->cur == -1)
			st->sess_dir = dir;
		else
			st->dir[st->cur] = dir;
	}
	return (NULL);
}

/* Session level values fill in what a stream did not say itself. */
static void
sdp_finish(struct sdp_state *st)
{
	struct sdp_media	*m;
	int			 i;

	for (i = 0; i < st->sdp->nmedia; i++) {
		m = &st->sdp->media[i];
		if (!st->have_c[i]) {
			m->addr = st->sess_addr;
			m->hold_addr = st->sess_hold;
		}
		sa_set_port(&m->addr, m->port);
		m->direction = st->dir[i] != -1 ? st->dir[i] : st->sess_dir;
		if (st->rtpmap_clock[i] != 0)
			m->clock_rate = st->rtpmap_clock[i];
		else if (m->payload >= 0)
			m->clock_rate = media_static_clock(m->payload);
	}
}

/*
 * Parse body[0..len), which need not be NUL ended. Returns 0, or -1 with
 * *err a short static reason ("no m= line", "bad c= line" ...) fit for a
 * log line. A body without m= is refused: there is nothing to relay, and
 * its c= would leak.
 */
int
sdp_parse(const char *body, size_t len, struct sdp *sdp, const char **err)
{
	struct sdp_state	 st;
	const char		*why = NULL, *v;
	size_t			 off, e, next, llen, vlen, i, nlines = 0;
	char			 type;

	memset(sdp, 0, sizeof(*sdp));
	memset(&st, 0, sizeof(st));
	st.sdp = sdp;
	st.cur = -1;
	st.sess_dir = SDP_DIR_SENDRECV;
	*err = NULL;

	if (len > SDP_MAX_LEN) {
		*err = "body too long";
		return (-1);
	}
	sdp->len = len;
	for (off = 0; off < len; off = next) {
		for (e = off; e < len && body[e] != '\n'; e++)
			if (body[e] == '\0') {
				*err = "NUL in body";
				return (-1);
			}
		next = e < len ? e + 1 : len;
		llen = e - off;
		if (llen > 0 && body[off + llen - 1] == '\r')
			llen--;
		if (memchr(body + off, '\r', llen) != NULL) {
			*err = "bad line ending";
			return (-1);
		}

		/* Some phones end the body with an empty line or two. */
		if (llen == 0) {
			for (i = off; i < len; i++)
				if (body[i] != '\r' && body[i] != '\n')
					break;
			if (i == len)
				break;
			*err = "empty line";
			return (-1);
		}

		if (++nlines > SDP_MAX_LINES) {
			*err = "too many lines";
			return (-1);
		}
		type = body[off];
		if (llen < 2 || body[off + 1] != '=' || type < 'a' ||
		    type > 'z') {
			*err = nlines == 1 ? "no v= line" : "malformed line";
			return (-1);
		}
		v = body + off + 2;
		vlen = llen - 2;
		if (nlines == 1 || type == 'v') {
			if (type != 'v') {
				*err = "no v= line";
				return (-1);
			}
			while (vlen > 0 && IS_BLANK(v[vlen - 1]))
				vlen--;
			if (nlines != 1 || vlen != 1 || v[0] != '0') {
				*err = "bad v= line";
				return (-1);
			}
			continue;
		}

		switch (type) {
		case 'o':
			why = sdp_line_o(&st, v, vlen, off + 2);
			break;
		case 'c':
			why = sdp_line_c(&st, v, vlen, off + 2);
			break;
		case 'm':
			why = sdp_line_m(&st, v, vlen, off + 2);
			break;
		case 'a':
			why = sdp_line_a(&st, v, vlen, off + 2, off, next);
			break;
		default:
			break;
		}
		if (why != NULL) {
			*err = why;
			return (-1);
		}
	}
	if (nlines == 0) {
		*err = "no v= line";
		return (-1);
	}
	if (sdp->nmedia == 0) {
		*err = "no m= line";
		return (-1);
	}
	sdp_finish(&st);
	return (0);
}

/*
 * Why one stream of an SDP from a party whose SIP came from src may not
 * be relayed, or NULL: more than one port (m=audio 4000/2), or an address
 * media_addr_refused() refuses. A rejected stream (port 0) and a held one
 * (c= 0.0.0.0 or ::) are sent nothing, so their address does not matter.
 */
const char *
sdp_check_media(const struct sdp_media *m, const struct sockaddr_storage *src)
{
	if (m->port_count > 1)
		return ("more than one port");
	if (m->port == 0 || m->hold_addr)
		return (NULL);
	return (media_addr_refused(&m->addr, src));
}

/* 0 when every stream may be relayed, else -1 with *why the first reason. */
int
sdp_check(const struct sdp *sdp, const struct sockaddr_storage *src,
    const char **why)
{
	int	 i;

	*why = NULL;
	for (i = 0; i < sdp->nmedia && i < SDP_MAX_MEDIA; i++)
		if ((*why = sdp_check_media(&sdp->media[i], src)) != NULL)
			return (-1);
	return (0);
}

static void
sdp_put(struct sdp_wbuf *w, const char *s, size_t n)
{
	if (w->err || n > w->sz - w->len || n > SDP_MAX_LEN - w->len) {
		w->err = 1;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

/*
 * The port an a=rtcp line gets: RTP port + 1, or the RTP port itself if
 * the phone multiplexed RTCP on it (RFC 5761 says a=rtcp names the m=
 * port then). 0: leave the line's port alone.
 */
static uint16_t
sdp_new_rtcp(const char *body, const struct sdp *sdp,
    const struct sdp_edit *e, const uint16_t *ports)
{
	const struct sdp_media	*m;
	uint32_t		 old;

	if (e->media < 0 || e->media >= sdp->nmedia || ports == NULL ||
	    ports[e->media] == 0)
		return (0);
	m = &sdp->media[e->media];
	if (m->port == 0 ||
	    sdp_number(body + e->off, e->len, 65535, &old) == -1)
		return (0);
	if (old == m->port)
		return (ports[e->media]);
	if (ports[e->media] == 65535)
		return (0);
	return (ports[e->media] + 1);
}

/*
 * Write body as the relay's: every c= address (session and media level)
 * and the a=rtcp address becomes addr, "IN IP4" or "IN IP6" after its
 * family, unless it is a hold address (0.0.0.0, ::), which is kept; the
 * o= address becomes addr too, it names the phone's host. The port of
 * m= line i becomes ports[i] (ports NULL or ports[i] 0: kept, and a port
 * 0 stays 0), a=rtcp's ports[i] + 1 (ports[i] if it named the RTP port,
 * RFC 5761 multiplexing). a=candidate and a=remote-candidates lines go.
 * Every other byte is copied as it came, line ends included. body, len
 * must be what sdp was parsed from. Returns 0, or -1 if out is too small,
 * the result is longer than SDP_MAX_LEN or addr is not IPv4 or IPv6.
 */
int
sdp_rewrite(const char *body, size_t len, const struct sdp *sdp,
    const struct sockaddr_storage *addr, const uint16_t ports[SDP_MAX_MEDIA],
    char *out, size_t outsz, size_t *outlen)
{
	struct sdp_wbuf		 w = { out, outsz, 0, 0 };
	const struct sdp_edit	*e;
	char			 a[INET6_ADDRSTRLEN], conn[sizeof(a) + 16];
	char			 num[8];
	const char		*atype;
	size_t			 cur = 0;
	uint16_t		 p;
	int			 i, n;

	*outlen = 0;
	if (addr->ss_family == AF_INET)
		atype = "IP4";
	else if (addr->ss_family == AF_INET6)
		atype = "IP6";
	else
		return (-1);
	if (strlcpy(a, addr_str((const struct sockaddr *)addr, 0),
	    sizeof(a)) >= sizeof(a))
		return (-1);
	n = snprintf(conn, sizeof(conn), "IN %s %s", atype, a);
	if (n < 0 || (size_t)n >= sizeof(conn))
		return (-1);

	/* The edits must be the ones parsing this very body made. */
	if (len != sdp->len || sdp->nedits < 0 ||
	    sdp->nedits > SDP_MAX_EDITS)
		return (-1);
	for (i = 0; i < sdp->nedits; i++) {
		e = &sdp->edits[i];
		if (e->off < cur || e->off > len || e->len > len - e->off)
			return (-1);
		sdp_put(&w, body + cur, e->off - cur);
		p = 0;
		switch (e->type) {
		case EDIT_ADDR:
			sdp_put(&w, conn, strlen(conn));
			break;
		case EDIT_PORT:
			if (e->media >= 0 && e->media < sdp->nmedia &&
			    ports != NULL)
				p = ports[e->media];
			break;
		case EDIT_RTCP:
			p = sdp_new_rtcp(body, sdp, e, ports);
			break;
		case EDIT_DROP:
			break;
		default:
			return (-1);
		}
		if (e->type == EDIT_PORT || e->type == EDIT_RTCP) {
			if (p == 0)
				sdp_put(&w, body + e->off, e->len);
			else {
				n = snprintf(num, sizeof(num), "%u", p);
				if (n < 0 || (size_t)n >= sizeof(num))
					return (-1);
				sdp_put(&w, num, (size_t)n);
			}
		}
		cur = e->off + e->len;
	}
	sdp_put(&w, body + cur, len - cur);
	if (w.err)
		return (-1);
	*outlen = w.len;
	return (0);
}
