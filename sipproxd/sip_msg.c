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
 * SIP messages: parse (RFC 3261 section 7 and 25), read, edit and write.
 *
 * The parser copies the message into the struct, finds the start line and
 * the header lines, and records each header as offsets: the raw line, the
 * raw value (folds and all) and an unfolded copy of the value in vbuf.
 * Nothing is allocated. Edits are records; sip_msg_write() walks the
 * original bytes and applies them, so whatever was not edited goes out
 * byte for byte, and fixes Content-Length to the body it writes.
 */

#include <sys/types.h>

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip_msg.h"

#define IS_WS(c)	((c) == ' ' || (c) == '\t')
#define IS_LWS(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || \
			    (c) == '\n')

static const struct {
	const char	*name;
	const char	*compact;
	enum sip_hdr_id	 id;
	int		 list;		/* comma-separated values */
} sip_hdrtab[] = {
	{ "Via",		"v",	SIP_HDR_VIA,			1 },
	{ "From",		"f",	SIP_HDR_FROM,			0 },
	{ "To",			"t",	SIP_HDR_TO,			0 },
	{ "Call-ID",		"i",	SIP_HDR_CALL_ID,		0 },
	{ "CSeq",		NULL,	SIP_HDR_CSEQ,			0 },
	{ "Contact",		"m",	SIP_HDR_CONTACT,		1 },
	{ "Max-Forwards",	NULL,	SIP_HDR_MAX_FORWARDS,		0 },
	{ "Content-Length",	"l",	SIP_HDR_CONTENT_LENGTH,		0 },
	{ "Content-Type",	"c",	SIP_HDR_CONTENT_TYPE,		0 },
	{ "Content-Encoding",	"e",	SIP_HDR_CONTENT_ENCODING,	1 },
	{ "Route",		NULL,	SIP_HDR_ROUTE,			1 },
	{ "Record-Route",	NULL,	SIP_HDR_RECORD_ROUTE,		1 },
	{ "Expires",		NULL,	SIP_HDR_EXPIRES,		0 },
	{ "Min-Expires",	NULL,	SIP_HDR_MIN_EXPIRES,		0 },
	{ "Subject",		"s",	SIP_HDR_SUBJECT,		0 },
	{ "Supported",		"k",	SIP_HDR_SUPPORTED,		1 },
	{ "Require",		NULL,	SIP_HDR_REQUIRE,		1 },
	{ "Proxy-Require",	NULL,	SIP_HDR_PROXY_REQUIRE,		1 },
	{ "Unsupported",	NULL,	SIP_HDR_UNSUPPORTED,		1 },
	{ "Allow",		NULL,	SIP_HDR_ALLOW,			1 },
	{ "Event",		"o",	SIP_HDR_EVENT,			0 },
	{ "Refer-To",		"r",	SIP_HDR_REFER_TO,		0 },
	{ "Referred-By",	"b",	SIP_HDR_REFERRED_BY,		0 },
	{ "Allow-Events",	"u",	SIP_HDR_ALLOW_EVENTS,		1 },
	{ "Session-Expires",	"x",	SIP_HDR_SESSION_EXPIRES,	0 },
	{ "Authorization",	NULL,	SIP_HDR_AUTHORIZATION,		0 },
	{ "Proxy-Authorization", NULL,	SIP_HDR_PROXY_AUTHORIZATION,	0 },
	{ "WWW-Authenticate",	NULL,	SIP_HDR_WWW_AUTHENTICATE,	0 },
	{ "Proxy-Authenticate",	NULL,	SIP_HDR_PROXY_AUTHENTICATE,	0 },
	{ "User-Agent",		NULL,	SIP_HDR_USER_AGENT,		0 },
	{ "Server",		NULL,	SIP_HDR_SERVER,			0 },
	{ "Path",		NULL,	SIP_HDR_PATH,			1 },
	{ "Service-Route",	NULL,	SIP_HDR_SERVICE_ROUTE,		1 },
	{ "Accept",		NULL,	SIP_HDR_ACCEPT,			1 },
	{ "Timestamp",		NULL,	SIP_HDR_TIMESTAMP,		0 },
};

static const char *sip_methods[] = {
	[SIP_METHOD_UNKNOWN] = "",
	[SIP_INVITE] = "INVITE",
	[SIP_ACK] = "ACK",
	[SIP_BYE] = "BYE",
	[SIP_CANCEL] = "CANCEL",
	[SIP_REGISTER] = "REGISTER",
	[SIP_OPTIONS] = "OPTIONS",
	[SIP_INFO] = "INFO",
	[SIP_UPDATE] = "UPDATE",
	[SIP_REFER] = "REFER",
	[SIP_NOTIFY] = "NOTIFY",
	[SIP_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_MESSAGE] = "MESSAGE",
	[SIP_PRACK] = "PRACK",
	[SIP_PUBLISH] = "PUBLISH",
};

struct wbuf {
	char	*p;
	size_t	 sz;
	size_t	 len;
	int	 err;
};

struct span {
	uint32_t off;
	uint32_t len;
};

static int	fail(struct sip_msg *, int, const char *);
static int	hdr_is_list(enum sip_hdr_id);
static int	split(const char *, size_t, struct span *, int);
static int	digits(const char *, size_t, long long, long long,
		    long long *);
static int	ruri_valid(const char *, size_t);
static int	parse_start(struct sip_msg *, size_t);
static int	parse_header(struct sip_msg *, struct sip_hdr *);
static int	check_headers(struct sip_msg *);
static int	parse_via(const char *, size_t, struct sip_via *);
static int	parse_cseq(struct sip_msg *, const char *, size_t);
static int	list_elem(const struct sip_msg *, enum sip_hdr_id, int,
		    const char **, size_t *, int *, int *);
static int	add_edit(struct sip_msg *, enum sip_edit_type, int, int,
		    const char *, size_t, const char *, size_t);
static int	find_edit(const struct sip_msg *, enum sip_edit_type, int,
		    int);
static int	text_valid(const char *);
static void	put(struct wbuf *, const char *, size_t);
static void	puts_(struct wbuf *, const char *);
static void	write_elems(const struct sip_msg *, const struct sip_hdr *,
		    int, struct wbuf *);

static int
fail(struct sip_msg *m, int code, const char *why)
{
	m->error = why;
	return (code);
}

const char *
sip_msg_error(const struct sip_msg *m)
{
	return (m->error != NULL ? m->error : "");
}

const char *
sip_method_name(enum sip_method meth)
{
	if ((size_t)meth >= sizeof(sip_methods) / sizeof(sip_methods[0]))
		return ("");
	return (sip_methods[meth]);
}

enum sip_method
sip_method_lookup(const char *s, size_t len)
{
	size_t	i;

	for (i = 1; i < sizeof(sip_methods) / sizeof(sip_methods[0]); i++)
		if (strlen(sip_methods[i]) == len &&
		    memcmp(sip_methods[i], s, len) == 0)
			return ((enum sip_method)i);
	return (SIP_METHOD_UNKNOWN);
}

enum sip_hdr_id
sip_hdr_lookup(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(sip_hdrtab) / sizeof(sip_hdrtab[0]); i++) {
		if (strlen(sip_hdrtab[i].name) == len &&
		    strncasecmp(sip_hdrtab[i].name, s, len) == 0)
			return (sip_hdrtab[i].id);
		if (len == 1 && sip_hdrtab[i].compact != NULL &&
		    tolower((unsigned char)s[0]) == sip_hdrtab[i].compact[0])
			return (sip_hdrtab[i].id);
	}
	return (SIP_HDR_OTHER);
}

const char *
sip_hdr_name(enum sip_hdr_id id)
{
	size_t	i;

	for (i = 0; i < sizeof(sip_hdrtab) / sizeof(sip_hdrtab[0]); i++)
		if (sip_hdrtab[i].id == id)
			return (sip_hdrtab[i].name);
	return ("");
}

static int
hdr_is_list(enum sip_hdr_id id)
{
	size_t	i;

	for (i = 0; i < sizeof(sip_hdrtab) / sizeof(sip_hdrtab[0]); i++)
		if (sip_hdrtab[i].id == id)
			return (sip_hdrtab[i].list);
	return (0);
}

/*
 * Split a comma-separated header value into trimmed elements, commas
 * inside quoted strings and <...> not counting. Works on raw values
 * (folds are LWS). Returns the count, -1 if malformed (unbalanced, empty
 * element), -2 if more than max.
 */
static int
split(const char *s, size_t len, struct span *el, int max)
{
	size_t	i, start = 0, a, b;
	int	n = 0, angle = 0;

	for (i = 0; i < len && IS_LWS(s[i]); i++)
		;
	if (i == len)
		return (0);
	for (i = 0; i <= len; i++) {
		if (i == len || (s[i] == ',' && !angle)) {
			a = start;
			b = i;
			while (a < b && IS_LWS(s[a]))
				a++;
			while (b > a && IS_LWS(s[b - 1]))
				b--;
			if (a == b)
				return (-1);
			if (n == max)
				return (-2);
			el[n].off = a;
			el[n].len = b - a;
			n++;
			start = i + 1;
			continue;
		}
		if (s[i] == '"' && !angle) {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\' && ++i >= len)
					return (-1);
			if (i >= len)
				return (-1);
		} else if (s[i] == '<') {
			if (angle)
				return (-1);
			angle = 1;
		} else if (s[i] == '>') {
			if (!angle)
				return (-1);
			angle = 0;
		}
	}
	if (angle)
		return (-1);
	return (n);
}

/* 1*DIGIT in [min, max]; returns 0 or -1. */
static int
digits(const char *s, size_t len, long long min, long long max,
    long long *res)
{
	long long	v = 0;
	size_t		i;

	if (len == 0 || len > 18)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return (-1);
	*res = v;
	return (0);
}

/* Any absolute URI; sip, sips and tel must be well formed. */
static int
ruri_valid(const char *s, size_t len)
{
	struct sip_uri	u;
	size_t		i, colon = len;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return (0);
		if (s[i] == ':' && colon == len)
			colon = i;
	}
	if (colon == 0 || colon + 1 >= len || !isalpha((unsigned char)s[0]))
		return (0);
	for (i = 1; i < colon; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return (0);
	if ((colon == 3 && (strncasecmp(s, "sip", 3) == 0 ||
	    strncasecmp(s, "tel", 3) == 0)) ||
	    (colon == 4 && strncasecmp(s, "sips", 4) == 0))
		return (sip_uri_parse(s, len, &u) == 0);
	return (1);
}

static int
parse_start(struct sip_msg *m, size_t ce)
{
	const char	*b = m->buf;
	size_t		 i, s1, s2;
	long long	 v;

	if (ce >= 4 && strncasecmp(b, "SIP/", 4) == 0) {
		m->request = 0;
		for (s1 = 0; s1 < ce && b[s1] != ' '; s1++)
			;
		if (s1 != 7 || strncasecmp(b, "SIP/2.0", 7) != 0)
			return (fail(m, SIP_EVERSION,
			    "Version Not Supported"));
		if (s1 + 4 > ce || digits(b + s1 + 1, 3, 100, 699, &v) == -1 ||
		    (s1 + 4 < ce && b[s1 + 4] != ' '))
			return (fail(m, SIP_EBAD,
			    "Bad Request - Malformed Status-Line"));
		m->status = v;
		m->reason_off = s1 + 4 < ce ? s1 + 5 : ce;
		m->reason_len = ce - m->reason_off;
		for (i = m->reason_off; i < ce; i++)
			if ((unsigned char)b[i] < 0x20 && b[i] != '\t')
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Status-Line"));
		return (SIP_OK);
	}
	m->request = 1;
	for (s1 = 0; s1 < ce && b[s1] != ' '; s1++)
		;
	for (s2 = s1 + 1; s2 < ce && b[s2] != ' '; s2++)
		;
	if (s1 >= ce || s2 >= ce || !sip_is_token(b, s1))
		return (fail(m, SIP_EBAD, "Bad Request - Malformed Request-Line"));
	if (ce - s2 - 1 != 7 || strncasecmp(b + s2 + 1, "SIP/2.0", 7) != 0) {
		if (ce - s2 - 1 > 4 && strncasecmp(b + s2 + 1, "SIP/", 4) == 0)
			return (fail(m, SIP_EVERSION,
			    "Version Not Supported"));
		return (fail(m, SIP_EBAD, "Bad Request - Malformed Request-Line"));
	}
	m->method_off = 0;
	m->method_len = s1;
	m->method = sip_method_lookup(b, s1);
	m->ruri_off = s1 + 1;
	m->ruri_len = s2 - s1 - 1;
	if (m->ruri_len == 0 || m->ruri_len >= SIP_MAX_URILEN)
		return (fail(m, SIP_EBAD, "Bad Request - Malformed Request-URI"));
	if (!ruri_valid(b + m->ruri_off, m->ruri_len))
		return (fail(m, SIP_EBAD, "Bad Request - Malformed Request-URI"));
	return (SIP_OK);
}

/* Name, raw value, unfolded value of one header line. */
static int
parse_header(struct sip_msg *m, struct sip_hdr *h)
{
	const char	*b = m->buf;
	size_t		 i, end, ns, o;

	end = h->line_off + h->line_len;
	for (i = h->line_off; i < end && b[i] != ':' && !IS_WS(b[i]); i++)
		;
	h->name_len = i - h->line_off;
	if (!sip_is_token(b + h->line_off, h->name_len))
		return (fail(m, SIP_EBAD, "Bad Request - Malformed header"));
	while (i < end && IS_WS(b[i]))
		i++;
	if (i >= end || b[i] != ':')
		return (fail(m, SIP_EBAD, "Bad Request - Malformed header"));
	i++;
	while (i < end && IS_LWS(b[i]))
		i++;
	while (end > i && IS_LWS(b[end - 1]))
		end--;
	h->raw_off = i;
	h->raw_len = end - i;
	h->id = sip_hdr_lookup(b + h->line_off, h->name_len);
	h->compact = h->name_len == 1 && h->id != SIP_HDR_OTHER;

	/* Unfold: CRLF and the whitespace around it become one SP. */
	if (m->vlen + h->raw_len + 1 > sizeof(m->vbuf))
		return (fail(m, SIP_ETOOBIG, "Message Too Large"));
	h->val_off = m->vlen;
	o = m->vlen;
	for (ns = i; ns < end; ns++) {
		if (b[ns] == '\r' || b[ns] == '\n') {
			while (o > h->val_off && IS_WS(m->vbuf[o - 1]))
				o--;
			while (ns + 1 < end && IS_LWS(b[ns + 1]))
				ns++;
			m->vbuf[o++] = ' ';
			continue;
		}
		m->vbuf[o++] = b[ns];
	}
	m->vbuf[o++] = '\0';
	h->val_len = o - 1 - h->val_off;
	m->vlen = o;
	if (m->hdr_first[h->id] == -1)
		m->hdr_first[h->id] = h - m->hdrs;
	return (SIP_OK);
}

static int
parse_via(const char *s, size_t len, struct sip_via *v)
{
	size_t	i = 0, st, k, part;
	int	type, rv;
	char	tmp[8];
	const char *errstr;

	memset(v, 0, sizeof(*v));
	v->rport = -1;
	/* sent-protocol: "SIP" SLASH "2.0" SLASH transport, LWS allowed */
	for (part = 0; part < 3; part++) {
		while (i < len && IS_LWS(s[i]))
			i++;
		st = i;
		while (i < len && !IS_LWS(s[i]) && s[i] != '/')
			i++;
		if (!sip_is_token(s + st, i - st))
			return (-1);
		if (part == 0 && (i - st != 3 || strncasecmp(s + st, "SIP",
		    3) != 0))
			return (-1);
		if (part == 1 && (i - st != 3 || memcmp(s + st, "2.0", 3) != 0))
			return (-1);
		if (part == 2) {
			if (i - st >= sizeof(v->transport))
				return (-1);
			for (k = 0; k < i - st; k++)
				v->transport[k] = toupper((unsigned char)
				    s[st + k]);
			v->transport[k] = '\0';
			break;
		}
		while (i < len && IS_LWS(s[i]))
			i++;
		if (i >= len || s[i] != '/')
			return (-1);
		i++;
	}
	if (i >= len || !IS_LWS(s[i]))
		return (-1);
	while (i < len && IS_LWS(s[i]))
		i++;
	/* sent-by */
	st = i;
	if (i < len && s[i] == '[') {
		while (i < len && s[i] != ']')
			i++;
		if (i == len)
			return (-1);
		i++;
	} else
		while (i < len && (isalnum((unsigned char)s[i]) ||
		    s[i] == '.' || s[i] == '-'))
			i++;
	if (!sip_host_valid(s + st, i - st, &type))
		return (-1);
	v->host_ipv6 = type == SIP_HOST_IPV6;
	if (v->host_ipv6) {
		memcpy(v->host, s + st + 1, i - st - 2);
		v->host[i - st - 2] = '\0';
	} else {
		memcpy(v->host, s + st, i - st);
		v->host[i - st] = '\0';
	}
	k = i;
	while (k < len && IS_LWS(s[k]))
		k++;
	if (k < len && s[k] == ':') {
		k++;
		while (k < len && IS_LWS(s[k]))
			k++;
		st = k;
		while (k < len && isdigit((unsigned char)s[k]))
			k++;
		if (k == st || k - st >= sizeof(tmp))
			return (-1);
		memcpy(tmp, s + st, k - st);
		tmp[k - st] = '\0';
		v->port = strtonum(tmp, 1, 65535, &errstr);
		if (errstr != NULL)
			return (-1);
		i = k;
	}
	/* via-params */
	if (!sip_params_valid(s + i, len - i) ||
	    len - i >= sizeof(v->params))
		return (-1);
	memcpy(v->params, s + i, len - i);
	v->params[len - i] = '\0';
	if (sip_param_get(s + i, len - i, "branch", v->branch,
	    sizeof(v->branch)) < -1 ||
	    sip_param_get(s + i, len - i, "received", v->received,
	    sizeof(v->received)) < -1 ||
	    sip_param_get(s + i, len - i, "maddr", v->maddr,
	    sizeof(v->maddr)) < -1)
		return (-1);
	rv = sip_param_get(s + i, len - i, "rport", tmp, sizeof(tmp));
	if (rv == -2)
		return (-1);
	if (rv == 0)
		v->rport = 0;
	else if (rv == 1) {
		v->rport = strtonum(tmp, 1, 65535, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	return (0);
}

static int
parse_cseq(struct sip_msg *m, const char *s, size_t len)
{
	size_t		i, st;
	long long	v;

	for (i = 0; i < len && isdigit((unsigned char)s[i]); i++)
		;
	if (digits(s, i, 0, 0x7fffffffLL, &v) == -1)
		return (-1);
	m->cseq = v;
	st = i;
	while (i < len && IS_LWS(s[i]))
		i++;
	if (i == st || !sip_is_token(s + i, len - i) ||
	    len - i >= sizeof(m->cseq_method_text))
		return (-1);
	memcpy(m->cseq_method_text, s + i, len - i);
	m->cseq_method_text[len - i] = '\0';
	m->cseq_method = sip_method_lookup(s + i, len - i);
	return (0);
}

/* What each known header must look like, and what a request needs. */
static int
check_headers(struct sip_msg *m)
{
	struct span	 el[SIP_MAX_ELEMS];
	struct sip_addr	 a;
	struct sip_via	 v;
	struct sip_hdr	*h;
	const char	*val;
	long long	 n;
	int		 i, j, cnt, seen[SIP_HDR_MAX];
	size_t		 k;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < m->nhdrs; i++) {
		h = &m->hdrs[i];
		val = m->vbuf + h->val_off;
		seen[h->id]++;
		switch (h->id) {
		case SIP_HDR_VIA:
			cnt = split(val, h->val_len, el, SIP_MAX_ELEMS);
			if (cnt <= 0)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Via"));
			for (j = 0; j < cnt; j++) {
				if (m->nvias >= SIP_MAX_VIAS)
					return (fail(m, SIP_EBAD,
					    "Bad Request - Too many Via"));
				if (parse_via(val + el[j].off, el[j].len,
				    m->nvias == 0 ? &m->via : &v) == -1)
					return (fail(m, SIP_EBAD,
					    "Bad Request - Malformed Via"));
				m->nvias++;
			}
			break;
		case SIP_HDR_FROM:
		case SIP_HDR_TO:
			if (seen[h->id] > 1)
				return (fail(m, SIP_EBAD, h->id ==
				    SIP_HDR_FROM ? "Bad Request - Duplicate From" :
				    "Bad Request - Duplicate To"));
			if (sip_addr_parse(val, h->val_len, &a) == -1 ||
			    a.star || sip_param_get(a.params,
			    strlen(a.params), "tag", h->id == SIP_HDR_FROM ?
			    m->from_tag : m->to_tag, SIP_MAX_TOKEN) == -2)
				return (fail(m, SIP_EBAD, h->id ==
				    SIP_HDR_FROM ? "Bad Request - Malformed From" :
				    "Bad Request - Malformed To"));
			break;
		case SIP_HDR_CALL_ID:
			if (seen[h->id] > 1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Duplicate Call-ID"));
			for (k = 0; k < h->val_len; k++)
				if ((unsigned char)val[k] <= 0x20 ||
				    (unsigned char)val[k] >= 0x7f)
					break;
			if (h->val_len == 0 || k < h->val_len ||
			    h->val_len >= SIP_MAX_TOKEN)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Call-ID"));
			break;
		case SIP_HDR_CSEQ:
			if (seen[h->id] > 1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Duplicate CSeq"));
			if (parse_cseq(m, val, h->val_len) == -1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed CSeq"));
			break;
		case SIP_HDR_MAX_FORWARDS:
			if (seen[h->id] > 1 ||
			    digits(val, h->val_len, 0, 255, &n) == -1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Max-Forwards"));
			m->max_forwards = n;
			break;
		case SIP_HDR_CONTENT_LENGTH:
			if (seen[h->id] > 1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Duplicate Content-Length"));
			if (digits(val, h->val_len, 0, SIP_MAX_MSGLEN, &n) == -1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Content-Length"));
			m->content_length = n;
			break;
		case SIP_HDR_EXPIRES:
			if (seen[h->id] > 1 ||
			    digits(val, h->val_len, 0, 0xffffffffLL, &n) == -1)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Expires"));
			m->expires = n;
			break;
		case SIP_HDR_CONTENT_TYPE:
			if (seen[h->id] > 1 || h->val_len == 0 ||
			    memchr(val, '/', h->val_len) == NULL)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed Content-Type"));
			break;
		case SIP_HDR_CONTACT:
		case SIP_HDR_ROUTE:
		case SIP_HDR_RECORD_ROUTE:
			cnt = split(val, h->val_len, el, SIP_MAX_ELEMS);
			for (j = 0; j < cnt; j++)
				if (sip_addr_parse(val + el[j].off, el[j].len,
				    &a) == -1 || (a.star && (cnt > 1 ||
				    h->id != SIP_HDR_CONTACT)))
					break;
			if (cnt < 0 || j < cnt || (cnt == 0 &&
			    h->id != SIP_HDR_CONTACT))
				return (fail(m, SIP_EBAD, h->id ==
				    SIP_HDR_CONTACT ?
				    "Bad Request - Malformed Contact" :
				    h->id == SIP_HDR_ROUTE ?
				    "Bad Request - Malformed Route" :
				    "Bad Request - Malformed Record-Route"));
			break;
		default:
			break;
		}
	}
	if (!seen[SIP_HDR_VIA])
		return (fail(m, SIP_EBAD, "Bad Request - Missing Via"));
	if (!seen[SIP_HDR_FROM])
		return (fail(m, SIP_EBAD, "Bad Request - Missing From"));
	if (!seen[SIP_HDR_TO])
		return (fail(m, SIP_EBAD, "Bad Request - Missing To"));
	if (!seen[SIP_HDR_CALL_ID])
		return (fail(m, SIP_EBAD, "Bad Request - Missing Call-ID"));
	if (!seen[SIP_HDR_CSEQ])
		return (fail(m, SIP_EBAD, "Bad Request - Missing CSeq"));
	if (m->request && (strlen(m->cseq_method_text) != m->method_len ||
	    memcmp(m->cseq_method_text, m->buf + m->method_off,
	    m->method_len) != 0))
		return (fail(m, SIP_EBAD, "Bad Request - CSeq method mismatch"));
	return (SIP_OK);
}

/*
 * Parse one message (a UDP datagram, or one frame of a stream as
 * sip_frame() cut it). Returns SIP_OK, or SIP_EBAD / SIP_EVERSION /
 * SIP_ETOOBIG with sip_msg_error() the reason phrase to answer with.
 */
int
sip_msg_parse(struct sip_msg *m, const char *data, size_t len)
{
	size_t		 pos, nl, ce, i;
	struct sip_hdr	*h;
	int		 rv, cur = -1;
	const char	*p;

	memset(&m->error, 0, sizeof(*m) - offsetof(struct sip_msg, error));
	memset(m->hdr_first, 0xff, sizeof(m->hdr_first));
	m->len = m->vlen = m->elen = 0;
	m->max_forwards = -1;
	m->expires = -1;
	m->content_length = -1;
	m->eol = "\r\n";
	m->via.rport = -1;
	/* RFC 3261 7.5: CRLFs before the start line are ignored. */
	while (len > 0 && (*data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	if (len > SIP_MAX_MSGLEN)
		return (fail(m, SIP_ETOOBIG, "Message Too Large"));
	if (len == 0)
		return (fail(m, SIP_EBAD, "Bad Request - Empty message"));
	memcpy(m->buf, data, len);
	m->buf[len] = '\0';
	m->len = len;

	for (pos = 0;; pos = nl + 1) {
		if (pos >= len || (p = memchr(m->buf + pos, '\n',
		    len - pos)) == NULL)
			return (fail(m, SIP_EBAD,
			    "Bad Request - Missing end of headers"));
		nl = p - m->buf;
		ce = nl;
		if (ce > pos && m->buf[ce - 1] == '\r')
			ce--;
		for (i = pos; i < ce; i++)
			if (m->buf[i] == '\0' || m->buf[i] == '\r')
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed header"));
		if (pos == 0) {
			if (ce == nl)
				m->eol = "\n";
			m->start_len = nl + 1;
			if ((rv = parse_start(m, ce)) != SIP_OK)
				return (rv);
			continue;
		}
		if (ce == pos) {
			m->hdr_end = pos;
			m->body_off = nl + 1;
			break;
		}
		if (IS_WS(m->buf[pos])) {
			if (cur < 0)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Malformed header"));
		} else {
			if (m->nhdrs >= SIP_MAX_HEADERS)
				return (fail(m, SIP_EBAD,
				    "Bad Request - Too many headers"));
			cur = m->nhdrs++;
			m->hdrs[cur].line_off = pos;
		}
		m->hdrs[cur].line_len = nl + 1 - m->hdrs[cur].line_off;
		if (m->hdrs[cur].line_len > SIP_MAX_HDRLEN)
			return (fail(m, SIP_EBAD,
			    "Bad Request - Header too long"));
	}
	for (cur = 0; cur < m->nhdrs; cur++) {
		h = &m->hdrs[cur];
		if ((rv = parse_header(m, h)) != SIP_OK)
			return (rv);
	}
	if ((rv = check_headers(m)) != SIP_OK)
		return (rv);

	/* Framing: the body is Content-Length bytes, or the rest (UDP). */
	if (m->content_length >= 0) {
		if ((size_t)m->content_length > len - m->body_off)
			return (fail(m, SIP_EBAD,
			    "Bad Request - Content-Length mismatch"));
		m->body_len = m->content_length;
	} else
		m->body_len = len - m->body_off;
	return (SIP_OK);
}

/*
 * Reading.
 */

int
sip_msg_is_request(const struct sip_msg *m)
{
	return (m->request);
}

enum sip_method
sip_msg_method(const struct sip_msg *m)
{
	return (m->method);
}

static size_t
copy_out(char *dst, size_t dsz, const char *src, size_t len)
{
	if (dsz == 0)
		return (len);
	if (len < dsz) {
		memcpy(dst, src, len);
		dst[len] = '\0';
	} else {
		memcpy(dst, src, dsz - 1);
		dst[dsz - 1] = '\0';
	}
	return (len);
}

/* Like strlcpy: the length it wanted to write, truncated if >= size. */
size_t
sip_msg_method_text(const struct sip_msg *m, char *out, size_t outsz)
{
	return (copy_out(out, outsz, m->buf + m->method_off, m->method_len));
}

size_t
sip_msg_ruri(const struct sip_msg *m, char *out, size_t outsz)
{
	return (copy_out(out, outsz, m->buf + m->ruri_off, m->ruri_len));
}

int
sip_msg_status(const struct sip_msg *m)
{
	return (m->status);
}

size_t
sip_msg_reason(const struct sip_msg *m, char *out, size_t outsz)
{
	return (copy_out(out, outsz, m->buf + m->reason_off, m->reason_len));
}

uint32_t
sip_msg_cseq(const struct sip_msg *m, enum sip_method *meth,
    const char **text)
{
	if (meth != NULL)
		*meth = m->cseq_method;
	if (text != NULL)
		*text = m->cseq_method_text;
	return (m->cseq);
}

const char *
sip_msg_callid(const struct sip_msg *m)
{
	int	i = m->hdr_first[SIP_HDR_CALL_ID];

	return (i < 0 ? "" : m->vbuf + m->hdrs[i].val_off);
}

const char *
sip_msg_from_tag(const struct sip_msg *m)
{
	return (m->from_tag);
}

const char *
sip_msg_to_tag(const struct sip_msg *m)
{
	return (m->to_tag);
}

const struct sip_via *
sip_msg_top_via(const struct sip_msg *m)
{
	return (&m->via);
}

int
sip_msg_via_count(const struct sip_msg *m)
{
	return (m->nvias);
}

int
sip_msg_max_forwards(const struct sip_msg *m)
{
	return (m->max_forwards);
}

long long
sip_msg_expires(const struct sip_msg *m)
{
	return (m->expires);
}

const char *
sip_msg_content_type(const struct sip_msg *m)
{
	int	i = m->hdr_first[SIP_HDR_CONTENT_TYPE];

	return (i < 0 ? NULL : m->vbuf + m->hdrs[i].val_off);
}

const char *
sip_msg_body(const struct sip_msg *m, size_t *len)
{
	*len = m->body_len;
	return (m->buf + m->body_off);
}

/* The next header with this id at or after index start, or -1. */
int
sip_msg_hdr_find(const struct sip_msg *m, enum sip_hdr_id id, int start)
{
	int	i;

	for (i = start < 0 ? 0 : start; i < m->nhdrs; i++)
		if (m->hdrs[i].id == id)
			return (i);
	return (-1);
}

/* By name, case-insensitive; compact and long forms are the same. */
int
sip_msg_hdr_find_name(const struct sip_msg *m, const char *name, int start)
{
	enum sip_hdr_id	 id;
	size_t		 len = strlen(name);
	int		 i;

	if ((id = sip_hdr_lookup(name, len)) != SIP_HDR_OTHER)
		return (sip_msg_hdr_find(m, id, start));
	for (i = start < 0 ? 0 : start; i < m->nhdrs; i++)
		if (m->hdrs[i].id == SIP_HDR_OTHER &&
		    m->hdrs[i].name_len == len && strncasecmp(m->buf +
		    m->hdrs[i].line_off, name, len) == 0)
			return (i);
	return (-1);
}

/* The unfolded value, NUL ended. */
const char *
sip_msg_hdr_value(const struct sip_msg *m, int i, size_t *len)
{
	if (i < 0 || i >= m->nhdrs)
		return (NULL);
	if (len != NULL)
		*len = m->hdrs[i].val_len;
	return (m->vbuf + m->hdrs[i].val_off);
}

/* Elements of header i: a list header's count, else 1. */
int
sip_msg_elem_count(const struct sip_msg *m, int i)
{
	struct span	el[SIP_MAX_ELEMS];
	int		n;

	if (i < 0 || i >= m->nhdrs)
		return (-1);
	if (!hdr_is_list(m->hdrs[i].id))
		return (1);
	n = split(m->vbuf + m->hdrs[i].val_off, m->hdrs[i].val_len, el,
	    SIP_MAX_ELEMS);
	return (n < 0 ? -1 : n);
}

/* Element j of header i (unfolded, not NUL ended). Returns 0 or -1. */
int
sip_msg_elem(const struct sip_msg *m, int i, int j, const char **p,
    size_t *len)
{
	struct span	 el[SIP_MAX_ELEMS];
	const char	*val;
	int		 n;

	if (i < 0 || i >= m->nhdrs || j < 0)
		return (-1);
	val = m->vbuf + m->hdrs[i].val_off;
	if (!hdr_is_list(m->hdrs[i].id)) {
		if (j != 0)
			return (-1);
		*p = val;
		*len = m->hdrs[i].val_len;
		return (0);
	}
	n = split(val, m->hdrs[i].val_len, el, SIP_MAX_ELEMS);
	if (j >= n)
		return (-1);
	*p = val + el[j].off;
	*len = el[j].len;
	return (0);
}

/* Elements over all header lines of this id (Contact, Route ...). */
int
sip_msg_list_count(const struct sip_msg *m, enum sip_hdr_id id)
{
	int	i, n, total = 0;

	for (i = sip_msg_hdr_find(m, id, 0); i >= 0;
	    i = sip_msg_hdr_find(m, id, i + 1))
		if ((n = sip_msg_elem_count(m, i)) > 0)
			total += n;
	return (total);
}

/* Element idx over all header lines of this id: its text and place. */
static int
list_elem(const struct sip_msg *m, enum sip_hdr_id id, int idx,
    const char **p, size_t *len, int *hdrp, int *elemp)
{
	int	 i, n;

	if (idx < 0)
		return (-1);
	for (i = sip_msg_hdr_find(m, id, 0); i >= 0;
	    i = sip_msg_hdr_find(m, id, i + 1)) {
		if ((n = sip_msg_elem_count(m, i)) <= 0)
			continue;
		if (idx >= n) {
			idx -= n;
			continue;
		}
		if (sip_msg_elem(m, i, idx, p, len) == -1)
			return (-1);
		if (hdrp != NULL)
			*hdrp = i;
		if (elemp != NULL)
			*elemp = idx;
		return (0);
	}
	return (-1);
}

/*
 * Element idx over all header lines of this id, parsed as a name-addr;
 * *hdrp and *elemp (if not NULL) say where it is, for the edit calls.
 */
int
sip_msg_list_get(const struct sip_msg *m, enum sip_hdr_id id, int idx,
    struct sip_addr *a, int *hdrp, int *elemp)
{
	const char	*p;
	size_t		 len;

	if (list_elem(m, id, idx, &p, &len, hdrp, elemp) == -1)
		return (-1);
	return (a == NULL ? 0 : sip_addr_parse(p, len, a));
}

int
sip_msg_via(const struct sip_msg *m, int idx, struct sip_via *v)
{
	const char	*p;
	size_t		 len;

	if (list_elem(m, SIP_HDR_VIA, idx, &p, &len, NULL, NULL) == -1)
		return (-1);
	return (parse_via(p, len, v));
}

int
sip_msg_from(const struct sip_msg *m, struct sip_addr *a)
{
	return (sip_msg_list_get(m, SIP_HDR_FROM, 0, a, NULL, NULL));
}

int
sip_msg_to(const struct sip_msg *m, struct sip_addr *a)
{
	return (sip_msg_list_get(m, SIP_HDR_TO, 0, a, NULL, NULL));
}

/*
 * Editing. Each call records one edit; nothing changes until
 * sip_msg_write(). Header indexes are the parsed ones (0 .. nhdrs-1);
 * an insert before index nhdrs goes at the end of the headers. One
 * delete or value edit per header line; element edits only on lines
 * without one. All return 0, or -1 (bad argument, conflict, no room).
 */

void
sip_edit_reset(struct sip_msg *m)
{
	m->nedits = 0;
	m->elen = 0;
}

static int
text_valid(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return (0);
	return (1);
}

static int
find_edit(const struct sip_msg *m, enum sip_edit_type type, int hdr,
    int elem)
{
	int	i;

	for (i = 0; i < m->nedits; i++)
		if (m->edits[i].type == type && m->edits[i].hdr == hdr &&
		    (elem < 0 || m->edits[i].elem == elem))
			return (i);
	return (-1);
}

static int
add_edit(struct sip_msg *m, enum sip_edit_type type, int hdr, int elem,
    const char *a, size_t alen, const char *b, size_t blen)
{
	struct sip_edit	*e;

	if (m->nedits >= SIP_MAX_EDITS ||
	    alen + blen > sizeof(m->ebuf) - m->elen)
		return (-1);
	e = &m->edits[m->nedits++];
	e->type = type;
	e->hdr = hdr;
	e->elem = elem;
	e->del = 0;
	e->off = m->elen;
	e->len = alen + blen;
	if (alen > 0)
		memcpy(m->ebuf + m->elen, a, alen);
	if (blen > 0)
		memcpy(m->ebuf + m->elen + alen, b, blen);
	m->elen += alen + blen;
	return (0);
}

int
sip_edit_insert(struct sip_msg *m, int before, const char *name,
    const char *value)
{
	if (before < 0 || before > m->nhdrs ||
	    !sip_is_token(name, strlen(name)) || !text_valid(value))
		return (-1);
	if (add_edit(m, SIP_EDIT_INSERT, before, 0, name, strlen(name),
	    ": ", 2) == -1)
		return (-1);
	if (strlen(value) > sizeof(m->ebuf) - m->elen) {
		m->nedits--;
		m->elen -= m->edits[m->nedits].len;
		return (-1);
	}
	memcpy(m->ebuf + m->elen, value, strlen(value));
	m->elen += strlen(value);
	m->edits[m->nedits - 1].len += strlen(value);
	return (0);
}

int
sip_edit_delete(struct sip_msg *m, int hdr)
{
	if (hdr < 0 || hdr >= m->nhdrs ||
	    find_edit(m, SIP_EDIT_DELETE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_VALUE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_ELEM, hdr, -1) != -1)
		return (-1);
	return (add_edit(m, SIP_EDIT_DELETE, hdr, 0, NULL, 0, NULL, 0));
}

int
sip_edit_value(struct sip_msg *m, int hdr, const char *value)
{
	if (hdr < 0 || hdr >= m->nhdrs || !text_valid(value) ||
	    find_edit(m, SIP_EDIT_DELETE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_VALUE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_ELEM, hdr, -1) != -1)
		return (-1);
	return (add_edit(m, SIP_EDIT_VALUE, hdr, 0, value, strlen(value),
	    NULL, 0));
}

/* Replace element elem of header hdr; value NULL removes the element. */
int
sip_edit_elem(struct sip_msg *m, int hdr, int elem, const char *value)
{
	int	n;

	if (hdr < 0 || hdr >= m->nhdrs || elem < 0 ||
	    (n = sip_msg_elem_count(m, hdr)) <= elem ||
	    (value != NULL && (!text_valid(value) || *value == '\0')) ||
	    find_edit(m, SIP_EDIT_DELETE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_VALUE, hdr, -1) != -1 ||
	    find_edit(m, SIP_EDIT_ELEM, hdr, elem) != -1)
		return (-1);
	if (value == NULL) {
		if (add_edit(m, SIP_EDIT_ELEM, hdr, elem, NULL, 0, NULL,
		    0) == -1)
			return (-1);
		m->edits[m->nedits - 1].del = 1;
		return (0);
	}
	return (add_edit(m, SIP_EDIT_ELEM, hdr, elem, value, strlen(value),
	    NULL, 0));
}

int
sip_edit_body(struct sip_msg *m, const void *body, size_t len)
{
	if (find_edit(m, SIP_EDIT_BODY, 0, -1) != -1 || len > SIP_MAX_MSGLEN)
		return (-1);
	return (add_edit(m, SIP_EDIT_BODY, 0, 0, body, len, NULL, 0));
}

int
sip_edit_ruri(struct sip_msg *m, const char *uri)
{
	size_t	i, len = strlen(uri);

	if (!m->request || len == 0 || len >= SIP_MAX_URILEN ||
	    find_edit(m, SIP_EDIT_RURI, 0, -1) != -1)
		return (-1);
	for (i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= 0x20 ||
		    (unsigned char)uri[i] >= 0x7f)
			return (-1);
	return (add_edit(m, SIP_EDIT_RURI, 0, 0, uri, len, NULL, 0));
}

/*
 * Writing.
 */

static void
put(struct wbuf *w, const char *s, size_t n)
{
	if (w->err || n > w->sz - w->len || n > SIP_MAX_MSGLEN - w->len) {
		w->err = 1;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void
puts_(struct wbuf *w, const char *s)
{
	put(w, s, strlen(s));
}

/* A list header with element edits: kept elements, original separators. */
static void
write_elems(const struct sip_msg *m, const struct sip_hdr *h, int hi,
    struct wbuf *w)
{
	struct span		 el[SIP_MAX_ELEMS];
	const struct sip_edit	*e;
	const char		*raw = m->buf + h->raw_off;
	int			 n, j, ei, kept = 0;

	n = split(raw, h->raw_len, el, SIP_MAX_ELEMS);
	for (j = 0; j < n; j++) {
		ei = find_edit(m, SIP_EDIT_ELEM, hi, j);
		e = ei >= 0 ? &m->edits[ei] : NULL;
		if (e != NULL && e->del)
			continue;
		if (kept > 0) {
			if (j > 0)
				put(w, raw + el[j - 1].off + el[j - 1].len,
				    el[j].off - el[j - 1].off - el[j - 1].len);
			else
				puts_(w, ", ");
		}
		if (e != NULL)
			put(w, m->ebuf + e->off, e->len);
		else
			put(w, raw + el[j].off, el[j].len);
		kept++;
	}
}

/*
 * Write the message with its edits applied and Content-Length set to the
 * body written. Returns 0 with *outlen set, or -1 if it does not fit in
 * outsz, SIP_MAX_MSGLEN or SIP_MAX_HEADERS. Not NUL ended.
 */
int
sip_msg_write(const struct sip_msg *m, char *out, size_t outsz,
    size_t *outlen)
{
	struct wbuf		 w = { out, outsz, 0, 0 };
	const struct sip_hdr	*h;
	const struct sip_edit	*e;
	const char		*body;
	size_t			 blen, rend, lend;
	char			 num[40];
	int			 i, j, ei, cl_done = 0, n, alldel, lines = 0;

	*outlen = 0;
	body = m->buf + m->body_off;
	blen = m->body_len;
	if ((ei = find_edit(m, SIP_EDIT_BODY, 0, -1)) != -1) {
		body = m->ebuf + m->edits[ei].off;
		blen = m->edits[ei].len;
	}

	if ((ei = find_edit(m, SIP_EDIT_RURI, 0, -1)) != -1) {
		put(&w, m->buf, m->ruri_off);
		put(&w, m->ebuf + m->edits[ei].off, m->edits[ei].len);
		put(&w, m->buf + m->ruri_off + m->ruri_len,
		    m->start_len - m->ruri_off - m->ruri_len);
	} else
		put(&w, m->buf, m->start_len);

	for (i = 0; i <= m->nhdrs; i++) {
		for (j = 0; j < m->nedits; j++) {
			e = &m->edits[j];
			if (e->type == SIP_EDIT_INSERT && e->hdr == i) {
				put(&w, m->ebuf + e->off, e->len);
				puts_(&w, m->eol);
				lines++;
			}
		}
		if (i == m->nhdrs)
			break;
		h = &m->hdrs[i];
		rend = h->raw_off + h->raw_len;
		lend = h->line_off + h->line_len;
		if (find_edit(m, SIP_EDIT_DELETE, i, -1) != -1)
			continue;
		lines++;
		if (h->id == SIP_HDR_CONTENT_LENGTH && !cl_done) {
			cl_done = 1;
			put(&w, m->buf + h->line_off, h->raw_off - h->line_off);
			if ((long long)blen == m->content_length)
				put(&w, m->buf + h->raw_off, h->raw_len);
			else {
				snprintf(num, sizeof(num), "%zu", blen);
				puts_(&w, num);
			}
			put(&w, m->buf + rend, lend - rend);
			continue;
		}
		if ((ei = find_edit(m, SIP_EDIT_VALUE, i, -1)) != -1) {
			put(&w, m->buf + h->line_off, h->raw_off - h->line_off);
			put(&w, m->ebuf + m->edits[ei].off, m->edits[ei].len);
			put(&w, m->buf + rend, lend - rend);
			continue;
		}
		if (find_edit(m, SIP_EDIT_ELEM, i, -1) != -1) {
			n = sip_msg_elem_count(m, i);
			alldel = 1;
			for (j = 0; j < n; j++) {
				ei = find_edit(m, SIP_EDIT_ELEM, i, j);
				if (ei < 0 || !m->edits[ei].del)
					alldel = 0;
			}
			if (alldel)
				continue;
			put(&w, m->buf + h->line_off, h->raw_off - h->line_off);
			write_elems(m, h, i, &w);
			put(&w, m->buf + rend, lend - rend);
			continue;
		}
		put(&w, m->buf + h->line_off, h->line_len);
	}
	/*
	 * Added when missing, unless nothing was edited (byte identity):
	 * over a stream the receiver frames by it (RFC 3261 18.3), 0 too.
	 */
	if (!cl_done && m->nedits > 0) {
		snprintf(num, sizeof(num), "Content-Length: %zu", blen);
		puts_(&w, num);
		puts_(&w, m->eol);
		lines++;
	}
	put(&w, m->buf + m->hdr_end, m->body_off - m->hdr_end);
	put(&w, body, blen);
	/* What we write, we would parse: no more header lines than that. */
	if (w.err || lines > SIP_MAX_HEADERS)
		return (-1);
	*outlen = w.len;
	return (0);
}

/*
 * A response to request req: Via(s), From, To (with totag added if it
 * has no tag and totag is not NULL), Call-ID, CSeq, then extra (header
 * lines each ended by CRLF, or NULL) and Content-Length: 0.
 */
int
sip_msg_response(const struct sip_msg *req, int status, const char *reason,
    const char *totag, const char *extra, char *out, size_t outsz,
    size_t *outlen)
{
	struct wbuf		 w = { out, outsz, 0, 0 };
	const struct sip_hdr	*h;
	char			 line[64];
	int			 i;
	static const enum sip_hdr_id copy[] = { SIP_HDR_VIA, SIP_HDR_FROM,
	    SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ };
	size_t			 c;

	*outlen = 0;
	if (!req->request || status < 100 || status > 699 ||
	    !text_valid(reason) || strlen(reason) >= SIP_MAX_REASON ||
	    (totag != NULL && !sip_is_token(totag, strlen(totag))))
		return (-1);
	snprintf(line, sizeof(line), "SIP/2.0 %d ", status);
	puts_(&w, line);
	puts_(&w, reason);
	puts_(&w, "\r\n");
	for (c = 0; c < sizeof(copy) / sizeof(copy[0]); c++) {
		for (i = 0; i < req->nhdrs; i++) {
			h = &req->hdrs[i];
			if (h->id != copy[c])
				continue;
			puts_(&w, sip_hdr_name(h->id));
			puts_(&w, ": ");
			put(&w, req->vbuf + h->val_off, h->val_len);
			if (h->id == SIP_HDR_TO && totag != NULL &&
			    req->to_tag[0] == '\0') {
				puts_(&w, ";tag=");
				puts_(&w, totag);
			}
			puts_(&w, "\r\n");
		}
	}
	if (extra != NULL)
		puts_(&w, extra);
	puts_(&w, "Content-Length: 0\r\n\r\n");
	if (w.err)
		return (-1);
	*outlen = w.len;
	return (0);
}

/*
 * The error response to a request that did not parse, built from its
 * raw lines: the start line must be a request other than ACK, and the
 * Via, From, To, Call-ID and CSeq lines a response copies must be
 * there and clean (no folding, no control characters). Returns 0, or
 * -1 when no response can be made.
 */
int
sip_msg_reject(const char *data, size_t len, int status, const char *reason,
    char *out, size_t outsz, size_t *outlen)
{
	static const struct {
		const char	*name, *compact;
	} need[] = {
		{ "Via", "v" }, { "From", "f" }, { "To", "t" },
		{ "Call-ID", "i" }, { "CSeq", NULL }
	};
	struct wbuf	 w = { out, outsz, 0, 0 };
	const char	*line, *nl, *colon;
	size_t		 i, n, llen, nlen, k;
	unsigned int	 found = 0;
	char		 first[64];

	*outlen = 0;
	if (len > SIP_MAX_MSGLEN || status < 400 || status > 699 ||
	    !text_valid(reason) || strlen(reason) >= SIP_MAX_REASON)
		return (-1);
	/* The start line: a request, not a response, not an ACK. */
	if ((nl = memchr(data, '\n', len)) == NULL ||
	    (size_t)(nl - data) < 4 || memcmp(data, "SIP/", 4) == 0 ||
	    memcmp(data, "ACK ", 4) == 0)
		return (-1);
	snprintf(first, sizeof(first), "SIP/2.0 %d ", status);
	puts_(&w, first);
	puts_(&w, reason);
	puts_(&w, "\r\n");

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		for (line = nl + 1; line < data + len; line = nl + 1) {
			if ((nl = memchr(line, '\n', data + len - line)) ==
			    NULL)
				break;
			llen = nl - line;
			if (llen > 0 && line[llen - 1] == '\r')
				llen--;
			if (llen == 0)
				break;	/* end of headers */
			if ((colon = memchr(line, ':', llen)) == NULL)
				continue;
			for (nlen = colon - line; nlen > 0 &&
			    (line[nlen - 1] == ' ' || line[nlen - 1] == '\t');
			    nlen--)
				;
			if (!((strlen(need[i].name) == nlen &&
			    strncasecmp(line, need[i].name, nlen) == 0) ||
			    (need[i].compact != NULL && nlen == 1 &&
			    tolower((unsigned char)line[0]) ==
			    need[i].compact[0])))
				continue;
			if (llen > SIP_MAX_HDRLEN)
				return (-1);
			for (k = 0; k < llen; k++)
				if ((unsigned char)line[k] < 0x20 &&
				    line[k] != '\t')
					return (-1);
			put(&w, line, llen);
			puts_(&w, "\r\n");
			found |= 1U << i;
		}
		nl = memchr(data, '\n', len);
	}
	n = sizeof(need) / sizeof(need[0]);
	if (found != (1U << n) - 1)
		return (-1);
	puts_(&w, "Content-Length: 0\r\n\r\n");
	if (w.err)
		return (-1);
	*outlen = w.len;
	return (0);
}
