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
 * The rewrites as the configuration gives them: what the parent checks
 * while parsing, so that the engine is only ever given what passed, and
 * the substitution of `rewrite request-uri`. Shared by both, pure: no
 * I/O, no allocation beyond regcomp()'s.
 */

#include <sys/types.h>

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "rewrite.h"

/*
 * Headers the proxy reads or writes to route, masquerade, register,
 * relay media or authenticate: never stripped. Compact forms beside
 * their names (RFC 3261 7.3.3).
 */
static const struct {
	const char	*name;
	const char	*compact;
} rewrite_needed[] = {
	{ "Via", "v" }, { "From", "f" }, { "To", "t" }, { "Call-ID", "i" },
	{ "CSeq", NULL }, { "Contact", "m" }, { "Max-Forwards", NULL },
	{ "Content-Length", "l" }, { "Content-Type", "c" },
	{ "Content-Encoding", "e" }, { "Route", NULL },
	{ "Record-Route", NULL }, { "Expires", NULL }, { "Min-Expires", NULL },
	{ "Require", NULL }, { "Proxy-Require", NULL },
	{ "Authorization", NULL }, { "Proxy-Authorization", NULL },
	{ "WWW-Authenticate", NULL }, { "Proxy-Authenticate", NULL },
	{ "Path", NULL }, { "Service-Route", NULL }
};

/* RFC 3261 25.1 token characters. */
static int
rewrite_token_char(int c)
{
	return (isalnum(c) || strchr("-.!%*_+`'~", c) != NULL);
}

/*
 * `strip header NAME`: a header name (a token), short enough, and not
 * one the proxy needs, by its name or its compact form.
 */
int
rewrite_header_check(const char *name, char *err, size_t errlen)
{
	size_t	 i, len = strlen(name);

	if (len == 0 || len >= REWRITE_NAME_LEN) {
		snprintf(err, errlen, "strip header \"%s\": a name of 1 to %d "
		    "characters expected", name, REWRITE_NAME_LEN - 1);
		return (-1);
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80 ||
		    !rewrite_token_char((unsigned char)name[i])) {
			snprintf(err, errlen, "strip header \"%s\": not a "
			    "header name", name);
			return (-1);
		}
	for (i = 0; i < nitems(rewrite_needed); i++)
		if (strcasecmp(name, rewrite_needed[i].name) == 0 ||
		    (rewrite_needed[i].compact != NULL &&
		    strcasecmp(name, rewrite_needed[i].compact) == 0)) {
			snprintf(err, errlen, "strip header \"%s\": the proxy "
			    "needs %s, it cannot be stripped", name,
			    rewrite_needed[i].name);
			return (-1);
		}
	return (0);
}

/*
 * An address of record (`default target`, `trunk ... account`):
 * sip: or sips:, a user, @, a host name or address; no port, no
 * parameters, as the phones register it. The user's characters are the
 * unreserved ones and %XX escapes, so that the engine's URI parser
 * takes whatever passes here.
 */
int
rewrite_uri_check(const char *uri, char *err, size_t errlen)
{
	const char	*p, *at, *host;
	size_t		 len = strlen(uri);

	if (len >= REWRITE_TEXT_LEN)
		goto bad;
	if (strncasecmp(uri, "sip:", 4) == 0)
		p = uri + 4;
	else if (strncasecmp(uri, "sips:", 5) == 0)
		p = uri + 5;
	else
		goto bad;
	if ((at = strchr(p, '@')) == NULL || at == p)
		goto bad;
	for (; p < at; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			p += 2;
			continue;
		}
		if ((unsigned char)*p >= 0x80 || (!isalnum((unsigned char)*p) &&
		    strchr("-_.!~*'()+", *p) == NULL))
			goto bad;
	}
	host = at + 1;
	if (*host == '[') {
		for (p = host + 1; *p != '\0' && *p != ']'; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				goto bad;
		if (*p != ']' || p == host + 1 || p[1] != '\0')
			goto bad;
		return (0);
	}
	if (*host == '\0')
		goto bad;
	for (p = host; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 ||
		    (!isalnum((unsigned char)*p) && *p != '-' && *p != '.'))
			goto bad;
	return (0);
 bad:
	snprintf(err, errlen, "\"%s\": not an address of record like "
	    "\"sip:user@example.com\" (at most %d characters, no port or "
	    "parameters)", uri, REWRITE_TEXT_LEN - 1);
	return (-1);
}

/*
 * A regular expression of the configuration (POSIX extended), compiled
 * into re. Refused: one too long, one with a back-reference (which
 * makes matching exponential in the subject), one that matches the
 * empty string (it would match anything anywhere).
 */
int
rewrite_regex_compile(regex_t *re, const char *pattern, int cflags,
    char *err, size_t errlen)
{
	char	 ebuf[128];
	size_t	 i, len = strlen(pattern);
	int	 rv;

	if (len == 0 || len >= REWRITE_REGEX_LEN) {
		snprintf(err, errlen, "\"%s\": a regular expression of 1 to "
		    "%d characters expected", pattern, REWRITE_REGEX_LEN - 1);
		return (-1);
	}
	for (i = 0; i + 1 < len; i++) {
		if (pattern[i] != '\\')
			continue;
		if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
			snprintf(err, errlen, "\"%s\": back-references are "
			    "not allowed", pattern);
			return (-1);
		}
		i++;
	}
	if ((rv = regcomp(re, pattern, REG_EXTENDED | cflags)) != 0) {
		regerror(rv, re, ebuf, sizeof(ebuf));
		snprintf(err, errlen, "\"%s\": %s", pattern, ebuf);
		return (-1);
	}
	if (regexec(re, "", 0, NULL, 0) == 0) {
		regfree(re);
		snprintf(err, errlen, "\"%s\": matches the empty string",
		    pattern);
		return (-1);
	}
	return (0);
}

/*
 * The replacement of `rewrite request-uri`: printable characters that
 * may stand in a URI, $0 (the match) to $N, N the groups of the
 * expression, and $$ for a dollar sign.
 */
int
rewrite_repl_check(const char *repl, size_t nsub, char *err, size_t errlen)
{
	const char	*p;

	if (*repl == '\0' || strlen(repl) >= REWRITE_TEXT_LEN) {
		snprintf(err, errlen, "\"%s\": a replacement of 1 to %d "
		    "characters expected", repl, REWRITE_TEXT_LEN - 1);
		return (-1);
	}
	for (p = repl; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>' || *p == '"') {
			snprintf(err, errlen, "\"%s\": a space, control "
			    "character, <, > or \" cannot be in a URI", repl);
			return (-1);
		}
		if (*p != '$')
			continue;
		p++;
		if (*p == '$')
			continue;
		if (*p < '0' || *p > '9' || (size_t)(*p - '0') > nsub) {
			snprintf(err, errlen, "\"%s\": $ must be followed by "
			    "$ or a group number, 0 to %zu", repl, nsub);
			return (-1);
		}
	}
	return (0);
}

/*
 * The first match of re in `in` replaced by repl, its $N expanded, into
 * out. Returns 1 when rewritten, 0 when re does not match (or matches
 * only the empty string: nothing to replace), -1 when the result does
 * not fit in outlen.
 */
int
rewrite_subst(const regex_t *re, const char *in, const char *repl,
    char *out, size_t outlen)
{
	regmatch_t	 pm[10];
	const char	*p, *from;
	size_t		 len, o = 0;
	int		 g;

	if (outlen == 0 || regexec(re, in, nitems(pm), pm, 0) != 0 ||
	    pm[0].rm_so < 0 || pm[0].rm_eo <= pm[0].rm_so)
		return (0);

#define PUT(s, n) do {							\
	if ((n) >= outlen - o)						\
		return (-1);						\
	memcpy(out + o, (s), (n));					\
	o += (n);							\
} while (0)

	PUT(in, (size_t)pm[0].rm_so);
	for (p = repl; *p != '\0'; p++) {
		if (*p != '$' || p[1] == '\0') {
			PUT(p, 1);
			continue;
		}
		p++;
		if (*p == '$') {
			PUT(p, 1);
			continue;
		}
		if (*p < '0' || *p > '9')
			return (-1);	/* rewrite_repl_check() refused it */
		g = *p - '0';
		if (pm[g].rm_so < 0 || pm[g].rm_eo < pm[g].rm_so)
			continue;	/* a group that took no part */
		from = in + pm[g].rm_so;
		len = pm[g].rm_eo - pm[g].rm_so;
		PUT(from, len);
	}
	len = strlen(in + pm[0].rm_eo);
	PUT(in + pm[0].rm_eo, len);
#undef PUT
	out[o] = '\0';
	return (1);
}
