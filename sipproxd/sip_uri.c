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
 * SIP, SIPS and tel URIs (RFC 3261 section 19.1 and 25, RFC 3966),
 * name-addr / addr-spec elements and ";name=value" parameter lists.
 * Every input is a (pointer, length) pair that need not be NUL ended;
 * every output is a bounded copy.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_msg.h"

#define IS_LWS(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || \
			    (c) == '\n')

static int	copy_span(char *, size_t, const char *, size_t);
static size_t	skip_lws(const char *, size_t, size_t);
static int	param_next(const char *, size_t, size_t *, size_t *, size_t *,
		    size_t *, size_t *, int *);
static int	quoted_end(const char *, size_t, size_t, size_t *);
static int	escapes_valid(const char *, size_t);
static int	uri_scheme_valid(const char *, size_t);

static int
copy_span(char *dst, size_t dsz, const char *src, size_t len)
{
	if (dsz == 0 || len >= dsz)
		return (-1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return (0);
}

static size_t
skip_lws(const char *s, size_t len, size_t i)
{
	while (i < len && IS_LWS(s[i]))
		i++;
	return (i);
}

int
sip_is_token(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (isalnum((unsigned char)s[i]))
			continue;
		if (strchr("-.!%*_+`'~", s[i]) == NULL || s[i] == '\0')
			return (0);
	}
	return (1);
}

/*
 * s[i] is a DQUOTE: find the closing one, honouring quoted-pairs. *end is
 * the index just past it.
 */
static int
quoted_end(const char *s, size_t len, size_t i, size_t *end)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\') {
			if (++i >= len || s[i] == '\r' || s[i] == '\n')
				return (-1);
		} else if (s[i] == '"') {
			*end = i + 1;
			return (0);
		}
	}
	return (-1);
}

ssize_t
sip_unquote(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	i, o = 0;

	if (outsz == 0)
		return (-1);
	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return (copy_span(out, outsz, s, len) == -1 ? -1 :
		    (ssize_t)len);
	for (i = 1; i < len - 1; i++) {
		if (s[i] == '\\') {
			if (++i >= len - 1)
				return (-1);
		}
		if (o + 1 >= outsz)
			return (-1);
		out[o++] = s[i];
	}
	out[o] = '\0';
	return ((ssize_t)o);
}

static int
escapes_valid(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			return (0);
		i += 2;
	}
	return (1);
}

ssize_t
sip_unescape(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	i, o = 0;
	char	hex[3];

	if (outsz == 0 || !escapes_valid(s, len))
		return (-1);
	for (i = 0; i < len; i++) {
		if (o + 1 >= outsz)
			return (-1);
		if (s[i] == '%') {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			hex[2] = '\0';
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return ((ssize_t)o);
}

/*
 * A host: "[IPv6]", dotted IPv4 or a host name. Sets *type to one of
 * SIP_HOST_*. Returns 1 if valid.
 */
int
sip_host_valid(const char *s, size_t len, int *type)
{
	char		 tmp[INET6_ADDRSTRLEN + 1];
	struct in6_addr	 a6;
	struct in_addr	 a4;
	size_t		 i;
	int		 alldigit = 1, label = 0;

	if (len == 0 || len >= SIP_MAX_HOSTLEN)
		return (0);
	if (s[0] == '[') {
		if (len < 3 || s[len - 1] != ']' || len - 2 >= sizeof(tmp))
			return (0);
		memcpy(tmp, s + 1, len - 2);
		tmp[len - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1)
			return (0);
		*type = SIP_HOST_IPV6;
		return (1);
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return (0);
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return (0);
		if (!isdigit((unsigned char)s[i]))
			alldigit = 0;
		if (label == 0 && s[i] == '-')
			return (0);
		label++;
	}
	if (alldigit) {
		if (len >= sizeof(tmp))
			return (0);
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		if (inet_pton(AF_INET, tmp, &a4) != 1)
			return (0);
		*type = SIP_HOST_IPV4;
		return (1);
	}
	*type = SIP_HOST_NAME;
	return (1);
}

/*
 * The next ";name[=value]" of a parameter list from *pos. LWS is allowed
 * around ';' and '=' (header parameters); values are a token-ish run, a
 * quoted string or an [IPv6] reference. Returns 1 with the spans set, 0
 * at the end, -1 if malformed.
 */
static int
param_next(const char *s, size_t len, size_t *pos, size_t *noff,
    size_t *nlen, size_t *voff, size_t *vlen, int *hasval)
{
	size_t	i = *pos, start, end;

	i = skip_lws(s, len, i);
	if (i >= len) {
		*pos = i;
		return (0);
	}
	if (s[i] != ';')
		return (-1);
	i = skip_lws(s, len, i + 1);
	start = i;
	while (i < len && !IS_LWS(s[i]) && s[i] != '=' && s[i] != ';')
		i++;
	if (!sip_is_token(s + start, i - start))
		return (-1);
	*noff = start;
	*nlen = i - start;
	*hasval = 0;
	*voff = *vlen = 0;
	i = skip_lws(s, len, i);
	if (i < len && s[i] == '=') {
		i = skip_lws(s, len, i + 1);
		start = i;
		if (i < len && s[i] == '"') {
			if (quoted_end(s, len, i, &end) == -1)
				return (-1);
			i = end;
		} else {
			while (i < len && !IS_LWS(s[i]) && s[i] != ';' &&
			    s[i] != ',' && s[i] != '"' && s[i] != '<' &&
			    s[i] != '>' && s[i] != '?' &&
			    (unsigned char)s[i] > 0x20 &&
			    (unsigned char)s[i] < 0x7f)
				i++;
			if (i == start)
				return (-1);
		}
		*voff = start;
		*vlen = i - start;
		*hasval = 1;
	}
	*pos = i;
	return (1);
}

int
sip_params_valid(const char *s, size_t len)
{
	size_t	pos = 0, no, nl, vo, vl;
	int	hv, rv;

	while ((rv = param_next(s, len, &pos, &no, &nl, &vo, &vl, &hv)) == 1)
		;
	return (rv == 0);
}

/*
 * Look a parameter up by name, case-insensitively. Returns 1 found with
 * a value (unquoted into val), 0 found without one, -1 not found, -2
 * malformed list or a value too long for val.
 */
int
sip_param_get(const char *s, size_t len, const char *name, char *val,
    size_t valsz)
{
	size_t	pos = 0, no, nl, vo, vl, namelen = strlen(name);
	int	hv, rv;

	if (valsz > 0)
		val[0] = '\0';
	while ((rv = param_next(s, len, &pos, &no, &nl, &vo, &vl, &hv)) == 1) {
		if (nl != namelen || strncasecmp(s + no, name, nl) != 0)
			continue;
		if (!hv)
			return (0);
		if (val == NULL)
			return (1);
		if (sip_unquote(s + vo, vl, val, valsz) == -1)
			return (-2);
		return (1);
	}
	return (rv == 0 ? -1 : -2);
}

static int
uri_scheme_valid(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return (0);
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return (0);
	return (1);
}

/*
 * sip:, sips: or tel: URI. Returns 0, or -1 if it is not one or is
 * malformed.
 */
int
sip_uri_parse(const char *s, size_t len, struct sip_uri *u)
{
	size_t	i, colon, at, hp, hend, pend, p;
	int	type;
	char	portbuf[8];
	const char *errstr;

	memset(u, 0, sizeof(*u));
	if (len == 0 || len >= SIP_MAX_URILEN)
		return (-1);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return (-1);
	for (colon = 0; colon < len && s[colon] != ':'; colon++)
		;
	if (colon == len || !uri_scheme_valid(s, colon))
		return (-1);
	if (colon == 3 && strncasecmp(s, "sip", 3) == 0)
		u->scheme = SIP_URI_SIP;
	else if (colon == 4 && strncasecmp(s, "sips", 4) == 0)
		u->scheme = SIP_URI_SIPS;
	else if (colon == 3 && strncasecmp(s, "tel", 3) == 0)
		u->scheme = SIP_URI_TEL;
	else
		return (-1);
	i = colon + 1;

	if (u->scheme == SIP_URI_TEL) {
		for (p = i; p < len && s[p] != ';'; p++)
			if (!isxdigit((unsigned char)s[p]) &&
			    strchr("+-.()*#", s[p]) == NULL)
				return (-1);
		if (p == i || copy_span(u->user, sizeof(u->user), s + i,
		    p - i) == -1)
			return (-1);
		if (!sip_params_valid(s + p, len - p) ||
		    copy_span(u->params, sizeof(u->params), s + p,
		    len - p) == -1)
			return (-1);
		return (0);
	}

	/* userinfo: the user part cannot hold an unescaped '@'. */
	for (at = i; at < len && s[at] != '@'; at++)
		;
	if (at < len) {
		size_t	pw;

		for (pw = i; pw < at && s[pw] != ':'; pw++)
			;
		if (pw == i || !escapes_valid(s + i, at - i))
			return (-1);
		for (p = i; p < at; p++)
			if (strchr("<>\"\\[]{}|^`", s[p]) != NULL)
				return (-1);
		if (copy_span(u->user, sizeof(u->user), s + i, pw - i) == -1)
			return (-1);
		if (pw < at) {
			u->has_password = 1;
			if (copy_span(u->password, sizeof(u->password),
			    s + pw + 1, at - pw - 1) == -1)
				return (-1);
		}
		i = at + 1;
	}

	/* hostport */
	hp = i;
	if (i < len && s[i] == '[') {
		while (i < len && s[i] != ']')
			i++;
		if (i == len)
			return (-1);
		hend = ++i;
	} else {
		while (i < len && s[i] != ':' && s[i] != ';' && s[i] != '?')
			i++;
		hend = i;
	}
	if (!sip_host_valid(s + hp, hend - hp, &type))
		return (-1);
	u->host_type = type;
	if (type == SIP_HOST_IPV6) {
		if (copy_span(u->host, sizeof(u->host), s + hp + 1,
		    hend - hp - 2) == -1)
			return (-1);
	} else if (copy_span(u->host, sizeof(u->host), s + hp,
	    hend - hp) == -1)
		return (-1);
	if (i < len && s[i] == ':') {
		p = ++i;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i == p || copy_span(portbuf, sizeof(portbuf), s + p,
		    i - p) == -1)
			return (-1);
		u->port = strtonum(portbuf, 1, 65535, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	u->hostport_off = hp;
	u->hostport_len = i - hp;

	/* uri-parameters, then headers */
	for (pend = i; pend < len && s[pend] != '?'; pend++)
		;
	if (pend > i && s[i] != ';')
		return (-1);
	if (!sip_params_valid(s + i, pend - i) ||
	    !escapes_valid(s + i, pend - i) ||
	    copy_span(u->params, sizeof(u->params), s + i, pend - i) == -1)
		return (-1);
	if (pend < len) {
		if (pend + 1 == len || !escapes_valid(s + pend, len - pend) ||
		    copy_span(u->headers, sizeof(u->headers), s + pend,
		    len - pend) == -1)
			return (-1);
	}
	return (0);
}

int
sip_uri_param(const struct sip_uri *u, const char *name, char *val,
    size_t valsz)
{
	return (sip_param_get(u->params, strlen(u->params), name, val, valsz));
}

/*
 * Write the sip:/sips: URI s with its host and port replaced (port 0:
 * none), everything else as it was. Returns the length, or -1.
 */
int
sip_uri_set_hostport(const char *s, size_t len, const char *host,
    uint16_t port, char *out, size_t outsz)
{
	struct sip_uri	u;
	struct in6_addr	a6;
	int		n, v6, type;
	char		portbuf[8] = "";
	size_t		tail;

	if (sip_uri_parse(s, len, &u) == -1 || u.scheme == SIP_URI_TEL)
		return (-1);
	/* An IPv6 host is given bare and written in brackets. */
	v6 = host[0] != '[' && strchr(host, ':') != NULL;
	if (v6 && inet_pton(AF_INET6, host, &a6) != 1)
		return (-1);
	if (!v6 && !sip_host_valid(host, strlen(host), &type))
		return (-1);
	if (port != 0)
		snprintf(portbuf, sizeof(portbuf), ":%u", port);
	tail = u.hostport_off + u.hostport_len;
	n = snprintf(out, outsz, "%.*s%s%s%s%s%.*s", (int)u.hostport_off, s,
	    v6 ? "[" : "", host, v6 ? "]" : "", portbuf, (int)(len - tail),
	    s + tail);
	if (n < 0 || (size_t)n >= outsz)
		return (-1);
	return (n);
}

/*
 * Write the sip:/sips: URI s with its transport parameter set to tr
 * ("tcp"; NULL: none), every other part as it was. Returns the length,
 * or -1.
 */
int
sip_uri_set_transport(const char *s, size_t len, const char *tr, char *out,
    size_t outsz)
{
	struct sip_uri	 u;
	const char	*p;
	size_t		 pos = 0, no, nl, vo, vl, plen, w;
	int		 hv, n;

	if (sip_uri_parse(s, len, &u) == -1 || u.scheme == SIP_URI_TEL)
		return (-1);
	w = u.hostport_off + u.hostport_len;
	if (w >= outsz)
		return (-1);
	memcpy(out, s, w);
	p = u.params;
	plen = strlen(p);
	while (param_next(p, plen, &pos, &no, &nl, &vo, &vl, &hv) == 1) {
		if (nl == 9 && strncasecmp(p + no, "transport", 9) == 0)
			continue;
		n = snprintf(out + w, outsz - w, ";%.*s", (int)((hv ? vo + vl :
		    no + nl) - no), p + no);
		if (n < 0 || (size_t)n >= outsz - w)
			return (-1);
		w += n;
	}
	n = snprintf(out + w, outsz - w, "%s%s%s", tr != NULL ?
	    ";transport=" : "", tr != NULL ? tr : "", u.headers);
	if (n < 0 || (size_t)n >= outsz - w)
		return (-1);
	return (w + n);
}

/*
 * The address of record of a parsed URI: scheme, user and host, without
 * port or parameters; an IPv6 host in its shortest form and in brackets
 * (RFC 3261 25.1), so that the same phone always has the same one. A
 * tel: URI keeps its number and parameters. Returns the length, or -1
 * if it does not fit.
 */
int
sip_uri_aor(const struct sip_uri *u, char *out, size_t outsz)
{
	struct in6_addr	a6;
	char		host[SIP_MAX_HOSTLEN + 2];
	int		n;

	if (u->scheme == SIP_URI_TEL)
		n = snprintf(out, outsz, "tel:%s%s", u->user, u->params);
	else {
		if (u->host_type == SIP_HOST_IPV6) {
			if (inet_pton(AF_INET6, u->host, &a6) != 1 ||
			    inet_ntop(AF_INET6, &a6, host + 1,
			    sizeof(host) - 2) == NULL)
				return (-1);
			host[0] = '[';
			strlcat(host, "]", sizeof(host));
		} else if (strlcpy(host, u->host, sizeof(host)) >=
		    sizeof(host))
			return (-1);
		n = snprintf(out, outsz, "%s:%s%s%s", u->scheme ==
		    SIP_URI_SIPS ? "sips" : "sip", u->user, u->user[0] !=
		    '\0' ? "@" : "", host);
	}
	if (n < 0 || (size_t)n >= outsz)
		return (-1);
	return (n);
}

/*
 * One element of From, To, Contact, Route ...: "*", a name-addr
 * (["display"] <URI> ;params) or an addr-spec (URI ;params, the
 * parameters belonging to the header). Returns 0, or -1 if malformed.
 */
int
sip_addr_parse(const char *s, size_t len, struct sip_addr *a)
{
	struct sip_uri	u;
	size_t		i, lt, gt, end, ds, de, colon;

	memset(a, 0, sizeof(*a));
	while (len > 0 && IS_LWS(s[len - 1]))
		len--;
	i = skip_lws(s, len, 0);
	s += i;
	len -= i;
	if (len == 0)
		return (-1);
	if (len == 1 && s[0] == '*') {
		a->star = 1;
		return (0);
	}
	lt = len;
	if (s[0] == '"') {
		if (quoted_end(s, len, 0, &end) == -1)
			return (-1);
		ds = 0;
		de = end;
		lt = skip_lws(s, len, end);
		if (lt >= len || s[lt] != '<')
			return (-1);
	} else {
		for (i = 0; i < len && s[i] != '<'; i++)
			;
		if (i < len) {
			lt = i;
			ds = 0;
			de = i;
			while (de > 0 && IS_LWS(s[de - 1]))
				de--;
			for (i = 0; i < de; i++)
				if (!IS_LWS(s[i]) && !sip_is_token(s + i, 1))
					return (-1);
		} else
			ds = de = 0;
	}
	if (lt < len) {
		a->angle = 1;
		if (copy_span(a->display, sizeof(a->display), s + ds,
		    de - ds) == -1)
			return (-1);
		for (gt = lt + 1; gt < len && s[gt] != '>'; gt++)
			;
		if (gt == len)
			return (-1);
		if (copy_span(a->uri, sizeof(a->uri), s + lt + 1,
		    gt - lt - 1) == -1)
			return (-1);
		i = gt + 1;
	} else {
		for (i = 0; i < len && s[i] != ';' && !IS_LWS(s[i]); i++)
			if (s[i] == '?' || s[i] == ',' || s[i] == '"' ||
			    s[i] == '>')
				return (-1);
		if (copy_span(a->uri, sizeof(a->uri), s, i) == -1)
			return (-1);
	}
	if (!sip_params_valid(s + i, len - i) ||
	    copy_span(a->params, sizeof(a->params), s + i, len - i) == -1)
		return (-1);

	/* Any absolute URI; sip, sips and tel must also be well formed. */
	for (colon = 0; a->uri[colon] != '\0' && a->uri[colon] != ':';
	    colon++)
		;
	if (a->uri[colon] != ':' || a->uri[colon + 1] == '\0' ||
	    !uri_scheme_valid(a->uri, colon))
		return (-1);
	for (i = 0; a->uri[i] != '\0'; i++)
		if ((unsigned char)a->uri[i] <= 0x20 ||
		    (unsigned char)a->uri[i] >= 0x7f)
			return (-1);
	if (((colon == 3 && (strncasecmp(a->uri, "sip", 3) == 0 ||
	    strncasecmp(a->uri, "tel", 3) == 0)) ||
	    (colon == 4 && strncasecmp(a->uri, "sips", 4) == 0)) &&
	    sip_uri_parse(a->uri, strlen(a->uri), &u) == -1)
		return (-1);
	return (0);
}
