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
 * rewrite_conf.c: the checks of `strip header`, `default target`,
 * `trunk` and `rewrite request-uri` as the parent makes them, and the
 * substitution the engine applies to Request-URIs, with hostile ones.
 */

#include <sys/types.h>

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"
#include "rewrite.h"
#include "sip_msg.h"
#include "check.h"

static char	err[512];

/* pattern and repl compiled as the parent would, then in applied. */
static int
subst(const char *pattern, const char *repl, const char *in, char *out,
    size_t outlen)
{
	regex_t	 re;
	int	 rv;

	if (rewrite_regex_compile(&re, pattern, 0, err, sizeof(err)) == -1 ||
	    rewrite_repl_check(repl, re.re_nsub, err, sizeof(err)) == -1)
		return (-2);
	rv = rewrite_subst(&re, in, repl, out, outlen);
	regfree(&re);
	return (rv);
}

static void
test_subst(void)
{
	char	 out[URI_LEN];
	int	 rv;

	rv = subst("^sip:0([1-9][0-9]*)@([^;]*)", "sip:+41$1@$2",
	    "sip:0791234567@provider.example;user=phone", out, sizeof(out));
	check("subst_groups", rv == 1 && strcmp(out,
	    "sip:+41791234567@provider.example;user=phone") == 0,
	    "rv %d %s", rv, out);
	rv = subst("^sip:([0-9]{3})@", "sip:+4121555$1@", "sip:123@pbx",
	    out, sizeof(out));
	check("subst_rest_kept", rv == 1 &&
	    strcmp(out, "sip:+4121555123@pbx") == 0, "rv %d %s", rv, out);
	rv = subst("1", "one", "sip:121@h", out, sizeof(out));
	check("subst_first_match_only", rv == 1 &&
	    strcmp(out, "sip:one21@h") == 0, "rv %d %s", rv, out);
	rv = subst("^sip:(a)?b", "[$1][$0]$$", "sip:b@h", out, sizeof(out));
	check("subst_unset_group_dollar_whole", rv == 1 &&
	    strcmp(out, "[][sip:b]$@h") == 0, "rv %d %s", rv, out);
	rv = subst("^sip:0", "sip:", "sip:123@h", out, sizeof(out));
	check("subst_no_match", rv == 0, "rv %d", rv);
}

/* The result bounded by the buffer, at the byte. */
static void
test_bounds(void)
{
	char	 out[16], in[URI_LEN], big[URI_LEN];
	int	 rv;

	/* "a", 12 b and "@h": 15 characters and the NUL fit in 16. */
	rv = subst("^a(b+)", "a$1$1$1", "abbbb@h", out, sizeof(out));
	check("bounds_exact_fit", rv == 1 && strcmp(out,
	    "abbbbbbbbbbbb@h") == 0, "rv %d %s", rv, out);
	rv = subst("^a(b+)", "a$1$1$1", "abbbb@hx", out, sizeof(out));
	check("bounds_one_over", rv == -1, "rv %d", rv);

	/* A hostile URI of 1000 x: tripled, no buffer overrun. */
	memset(in, 0, sizeof(in));
	memcpy(in, "sip:9", 5);
	memset(in + 5, 'x', 1000);
	strlcat(in, "@h", sizeof(in));
	rv = subst("^sip:9(x+)@", "sip:$1$1$1@", in, big, sizeof(big));
	check("bounds_hostile_long", rv == -1, "rv %d", rv);
	rv = subst("^sip:9(x+)@", "sip:$1@", in, big, sizeof(big));
	check("bounds_hostile_same_length", rv == 1 &&
	    strlen(big) == strlen(in) - 1, "rv %d", rv);
}

/* An expression matching empty: refused at load, no rewrite if it may. */
static void
test_empty(void)
{
	regex_t	 re;
	char	 out[64];
	int	 rv;

	check("empty_star_refused", rewrite_regex_compile(&re, "x*", 0, err,
	    sizeof(err)) == -1 && strstr(err, "empty string") != NULL,
	    "%s", err);
	check("empty_alternative_refused", rewrite_regex_compile(&re,
	    "^(sip:|)", 0, err, sizeof(err)) == -1, "accepted");
	check("empty_pattern_refused", rewrite_regex_compile(&re, "", 0, err,
	    sizeof(err)) == -1, "accepted");
	/* Empty only where a word begins: not on "", so it loads. */
	if (rewrite_regex_compile(&re, "\\<", 0, err, sizeof(err)) == 0) {
		rv = rewrite_subst(&re, "sip:abc@h", "X", out, sizeof(out));
		check("empty_match_not_rewritten", rv == 0, "rv %d %s", rv,
		    out);
		regfree(&re);
	} else
		check("empty_match_not_rewritten", 1, "%s", "");
}

static void
test_regex_checks(void)
{
	regex_t	 re;
	char	 longre[REWRITE_REGEX_LEN + 1];

	check("backref_refused", rewrite_regex_compile(&re, "(a)\\1", 0, err,
	    sizeof(err)) == -1 && strstr(err, "back-reference") != NULL,
	    "%s", err);
	if (rewrite_regex_compile(&re, "a\\\\1", 0, err, sizeof(err)) == 0) {
		check("escaped_backslash_digit_ok", 1, "%s", "");
		regfree(&re);
	} else
		check("escaped_backslash_digit_ok", 0, "%s", err);
	check("bad_regex_refused", rewrite_regex_compile(&re, "[a", 0, err,
	    sizeof(err)) == -1, "accepted");
	memset(longre, 'a', sizeof(longre) - 1);
	longre[sizeof(longre) - 1] = '\0';
	check("long_regex_refused", rewrite_regex_compile(&re, longre, 0,
	    err, sizeof(err)) == -1, "accepted");
	check("repl_group_over", rewrite_repl_check("sip:$2", 1, err,
	    sizeof(err)) == -1, "accepted");
	check("repl_dollar_end", rewrite_repl_check("sip:$", 1, err,
	    sizeof(err)) == -1, "accepted");
	check("repl_space", rewrite_repl_check("sip:a b", 0, err,
	    sizeof(err)) == -1, "accepted");
	check("repl_angle", rewrite_repl_check("sip:a>", 0, err,
	    sizeof(err)) == -1, "accepted");
	check("repl_ok", rewrite_repl_check("sip:$$$1$0", 1, err,
	    sizeof(err)) == 0, "%s", err);
}

static void
test_headers(void)
{
	char	 name[REWRITE_NAME_LEN + 1];

	check("header_x_ok", rewrite_header_check("X-Foo", err,
	    sizeof(err)) == 0, "%s", err);
	check("header_subject_ok", rewrite_header_check("Subject", err,
	    sizeof(err)) == 0, "%s", err);
	check("header_via_refused", rewrite_header_check("via", err,
	    sizeof(err)) == -1, "accepted");
	check("header_compact_callid_refused", rewrite_header_check("I", err,
	    sizeof(err)) == -1 && strstr(err, "Call-ID") != NULL, "%s", err);
	check("header_proxy_auth_refused", rewrite_header_check(
	    "Proxy-Authorization", err, sizeof(err)) == -1, "accepted");
	check("header_space_refused", rewrite_header_check("X Foo", err,
	    sizeof(err)) == -1, "accepted");
	check("header_colon_refused", rewrite_header_check("X-Foo:", err,
	    sizeof(err)) == -1, "accepted");
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	check("header_long_refused", rewrite_header_check(name, err,
	    sizeof(err)) == -1, "accepted");
}

/* What the parent takes, the engine's URI parser takes too. */
static void
uri_both(const char *name, const char *uri)
{
	struct sip_uri	 u;
	char		 aor[URI_LEN];

	check(name, rewrite_uri_check(uri, err, sizeof(err)) == 0 &&
	    sip_uri_parse(uri, strlen(uri), &u) == 0 &&
	    sip_uri_aor(&u, aor, sizeof(aor)) > 0, "%s: %s", uri, err);
}

static void
test_uris(void)
{
	uri_both("uri_engine_plain", "sip:pbx@provider.example");
	uri_both("uri_engine_chars", "sip:a-b_c.d!e~f*g'h(i)j+41%20@h-1.x");
	uri_both("uri_engine_v6", "sips:op@[2001:db8::1]");
	check("uri_bad_escape", rewrite_uri_check("sip:a%2@h", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_semicolon_user", rewrite_uri_check("sip:a;b@h", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_question_user", rewrite_uri_check("sip:a?b@h", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_ok", rewrite_uri_check("sip:operator@pbx.example", err,
	    sizeof(err)) == 0, "%s", err);
	check("uri_v6_ok", rewrite_uri_check("sips:op@[2001:db8::1]", err,
	    sizeof(err)) == 0, "%s", err);
	check("uri_no_user", rewrite_uri_check("sip:pbx.example", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_port", rewrite_uri_check("sip:op@pbx:5060", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_params", rewrite_uri_check("sip:op@pbx;transport=tcp",
	    err, sizeof(err)) == -1, "accepted");
	check("uri_scheme", rewrite_uri_check("tel:+4121", err,
	    sizeof(err)) == -1, "accepted");
	check("uri_angle", rewrite_uri_check("sip:o>p@pbx", err,
	    sizeof(err)) == -1, "accepted");
}

int
main(void)
{
	test_subst();
	test_bounds();
	test_empty();
	test_regex_checks();
	test_headers();
	test_uris();
	return (failures != 0);
}
