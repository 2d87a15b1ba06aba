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
 * Access control (acl.c): address sets (tables and the { } lists of
 * rules), the allow and deny rules over them, and the User-Agent
 * patterns of scanners. The parent builds them from the configuration
 * and sends them; the engine rebuilds them and asks them per request.
 */

#ifndef ACL_H
#define ACL_H

#include "sipproxd.h"

/* A set: a table (named) or the { } list of a rule. */
struct acl_set {
	char			 name[ACL_NAME_LEN];	/* "": a list */
	char			 path[PATH_MAX];	/* its file, or "" */
	uint32_t		 id;
	struct acl_net		*nets;
	size_t			 n;
	size_t			 max;
	size_t			 want;		/* engine: nets announced */
	int			 sorted;
	/* The prefix lengths it holds, longest first; [1]: IPv6. */
	uint8_t			 lens[2][129];
	int			 nlens[2];
};

struct acl_conf {
	struct acl_set		**sets;		/* by id */
	uint32_t		 nsets;
	struct conf_acl_rule	*rules;		/* in the order written */
	size_t			 nrules;
	int			 allow_register; /* a rule of that kind */
	char			 scanners[SCANNERS_MAX][SCANNER_LEN];
	size_t			 nscanners;
};

/* Parent: building while parsing, then sending (printconf.c prints). */
struct acl_conf	*acl_conf_new(void);
void		 acl_conf_free(struct acl_conf *);
struct acl_set	*acl_set_new(struct acl_conf *, const char *);
struct acl_set	*acl_set_find(struct acl_conf *, const char *);
int		 acl_set_add(struct acl_set *, const struct acl_net *);
int		 acl_set_merge(struct acl_set *, const struct acl_set *);
const char	*acl_set_file(struct acl_set *, const char *);
int		 acl_rule_add(struct acl_conf *, int, int, struct acl_set *);
int		 acl_scanner_add(struct acl_conf *, const char *);
void		 acl_conf_done(struct acl_conf *);
void		 acl_set_free(struct acl_set *);
void		 acl_set_sort(struct acl_set *);
int		 acl_set_match(const struct acl_set *, const struct acl_net *);
int		 acl_set_is_any(const struct acl_set *);
void		 acl_send(struct acl_conf *, struct imsgev *);

/* Both: a prefix from text, and back. */
int		 acl_net_parse(const char *, int, struct acl_net *);
const char	*acl_net_str(const struct acl_net *);
void		 acl_net_mask(struct acl_net *);
int		 acl_net_of(const struct sockaddr_storage *, int,
		    struct acl_net *);

/* acl_imsg.c (engine): rebuilt from the parent's messages, then asked. */
void		 acl_reconf(struct imsg *);
void		 acl_reconf_done(void);
int		 acl_check(const struct sockaddr_storage *, int);
const char	*acl_scanner(const char *);

#endif /* ACL_H */
