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
 * The rewrites siproxd's plugins did, as directives: `strip header`,
 * `default target`, `trunk` and `rewrite request-uri`.
 *
 * rewrite_conf.c is shared: the parent checks each directive with it
 * while parsing, the engine substitutes with it. rewrite.c is the
 * engine's: it compiles the regular expressions it is sent at load and
 * reload (never a string from the network) and applies the rewrites to
 * messages.
 */

#ifndef REWRITE_H
#define REWRITE_H

#include <sys/types.h>

#include <regex.h>

/* rewrite_conf.c (shared) */
int	 rewrite_header_check(const char *, char *, size_t);
int	 rewrite_uri_check(const char *, char *, size_t);
int	 rewrite_regex_compile(regex_t *, const char *, int, char *, size_t);
int	 rewrite_repl_check(const char *, size_t, char *, size_t);
int	 rewrite_subst(const regex_t *, const char *, const char *, char *,
	    size_t);

/* rewrite.c (engine) */
struct imsg;
struct sip_msg;
struct sip_uri;
void	 rewrite_reconf(struct imsg *);
void	 rewrite_reconf_done(void);
int	 rewrite_strip(struct sip_msg *);
int	 rewrite_ruri(const char *, char *, size_t);
int	 rewrite_trunk(const struct sip_uri *, const char **, const char **);
const char *rewrite_default_target(void);
int	 rewrite_user_uri(const char *, const char *, char *, size_t);

#endif /* REWRITE_H */
