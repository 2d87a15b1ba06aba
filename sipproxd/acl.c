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
 * Address sets and access rules: built by the parser, printed by -nv,
 * and asked by the engine (acl_imsg.c carries them over). Pure code, no
 * I/O but the reading of a table file, so the parser's tests and
 * fuzzer link it as it is.
 *
 * A set is a sorted array of prefixes, the bits past each length zero.
 * A lookup masks the address to each prefix length the set holds, the
 * longest first, and looks for it by binary search: a table of tens of
 * thousands of hosts costs a few dozen comparisons per request.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "acl.h"

#define ACL_LINE_MAX	256	/* a line of a table file */

static int	 net_cmp(const void *, const void *);

struct acl_conf *
acl_conf_new(void)
{
	return (calloc(1, sizeof(struct acl_conf)));
}

void
acl_set_free(struct acl_set *s)
{
	if (s == NULL)
		return;
	free(s->nets);
	free(s);
}

void
acl_conf_free(struct acl_conf *ac)
{
	uint32_t	 i;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->nsets; i++)
		acl_set_free(ac->sets[i]);
	free(ac->sets);
	free(ac->rules);
	free(ac);
}

/* A new set: a table when named, else a rule's list. NULL when full. */
struct acl_set *
acl_set_new(struct acl_conf *ac, const char *name)
{
	struct acl_set	*s, **sets;

	if (ac->nsets >= ACL_SETS_MAX)
		return (NULL);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	if (name != NULL && strlcpy(s->name, name, sizeof(s->name)) >=
	    sizeof(s->name)) {
		free(s);
		return (NULL);
	}
	if ((sets = recallocarray(ac->sets, ac->nsets, ac->nsets + 1,
	    sizeof(*sets))) == NULL) {
		free(s);
		return (NULL);
	}
	ac->sets = sets;
	s->id = ac->nsets;
	ac->sets[ac->nsets++] = s;
	return (s);
}

struct acl_set *
acl_set_find(struct acl_conf *ac, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < ac->nsets; i++)
		if (ac->sets[i]->name[0] != '\0' &&
		    strcmp(ac->sets[i]->name, name) == 0)
			return (ac->sets[i]);
	return (NULL);
}

/* One prefix more; -1 when the set is full or memory is out. */
int
acl_set_add(struct acl_set *s, const struct acl_net *n)
{
	struct acl_net	*nets;
	size_t		 max;

	if (s->n >= ACL_SET_NETS_MAX)
		return (-1);
	if (s->n == s->max) {
		max = s->max == 0 ? 16 : s->max * 2;
		if (max > ACL_SET_NETS_MAX)
			max = ACL_SET_NETS_MAX;
		if ((nets = recallocarray(s->nets, s->max, max,
		    sizeof(*nets))) == NULL)
			return (-1);
		s->nets = nets;
		s->max = max;
	}
	s->nets[s->n++] = *n;
	s->sorted = 0;
	return (0);
}

/* A table's prefixes into a list, `{ 10.0.0.0/8, <friends> }`. */
int
acl_set_merge(struct acl_set *dst, const struct acl_set *src)
{
	size_t	 i;

	for (i = 0; i < src->n; i++)
		if (acl_set_add(dst, &src->nets[i]) == -1)
			return (-1);
	return (0);
}

/*
 * A table file: one address or prefix per line, blank lines and
 * comments (#) allowed. NULL, or why not, with the line.
 */
const char *
acl_set_file(struct acl_set *s, const char *path)
{
	static char	 why[PATH_MAX + 128];
	struct acl_net	 n;
	struct stat	 st;
	FILE		*f;
	char		 line[ACL_LINE_MAX + 2], *p, *e;
	int		 lineno = 0;

	if (strlcpy(s->path, path, sizeof(s->path)) >= sizeof(s->path))
		return ("path too long");
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		return (why);
	}
	/* A device or fifo could block the parent or never end. */
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		fclose(f);
		snprintf(why, sizeof(why), "%s: not a regular file", path);
		return (why);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(why, sizeof(why), "%s:%d: line too long",
			    path, lineno);
			goto bad;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line + strspn(line, " \t\r\n");
		for (e = p + strlen(p); e > p && strchr(" \t\r\n", e[-1]);
		    e--)
			;
		*e = '\0';
		if (*p == '\0')
			continue;
		if (acl_net_parse(p, -1, &n) == -1) {
			snprintf(why, sizeof(why), "%s:%d: %s: not an address "
			    "or prefix", path, lineno, p);
			goto bad;
		}
		if (acl_set_add(s, &n) == -1) {
			snprintf(why, sizeof(why), "%s:%d: more than %d "
			    "entries", path, lineno, ACL_SET_NETS_MAX);
			goto bad;
		}
	}
	if (ferror(f)) {
		snprintf(why, sizeof(why), "%s: read error", path);
		goto bad;
	}
	fclose(f);
	return (NULL);
 bad:
	fclose(f);
	return (why);
}

/* A rule; -1 when there are too many. */
int
acl_rule_add(struct acl_conf *ac, int action, int what, struct acl_set *s)
{
	struct conf_acl_rule	*r;

	if (ac->nrules >= ACL_RULES_MAX)
		return (-1);
	if ((r = recallocarray(ac->rules, ac->nrules, ac->nrules + 1,
	    sizeof(*r))) == NULL)
		return (-1);
	ac->rules = r;
	r = &ac->rules[ac->nrules++];
	r->action = action;
	r->what = what;
	r->set = s->id;
	if (action == ACL_ALLOW && what == ACL_REGISTER)
		ac->allow_register = 1;
	return (0);
}

/* A User-Agent pattern; -1 when too long, empty or one too many. */
int
acl_scanner_add(struct acl_conf *ac, const char *pattern)
{
	if (ac->nscanners >= SCANNERS_MAX || pattern[0] == '\0' ||
	    strlcpy(ac->scanners[ac->nscanners], pattern, SCANNER_LEN) >=
	    SCANNER_LEN)
		return (-1);
	ac->nscanners++;
	return (0);
}

/* Every set sorted, for lookups and for a stable -nv. */
void
acl_conf_done(struct acl_conf *ac)
{
	uint32_t	 i;

	for (i = 0; i < ac->nsets; i++)
		acl_set_sort(ac->sets[i]);
}

/*
 * Sorted by family, length and address, each prefix once; and the
 * lengths present, longest first, per family.
 */
void
acl_set_sort(struct acl_set *s)
{
	size_t	 i, j;
	int	 v6;
	uint8_t	 seen[2][129];

	if (s->sorted)
		return;
	if (s->n > 1)
		qsort(s->nets, s->n, sizeof(s->nets[0]), net_cmp);
	for (i = j = 0; i < s->n; i++)
		if (j == 0 || net_cmp(&s->nets[j - 1], &s->nets[i]) != 0)
			s->nets[j++] = s->nets[i];
	s->n = j;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < s->n; i++)
		seen[s->nets[i].family == AF_INET6][s->nets[i].plen] = 1;
	for (v6 = 0; v6 < 2; v6++) {
		s->nlens[v6] = 0;
		for (i = v6 ? 129 : 33; i-- > 0; )
			if (seen[v6][i])
				s->lens[v6][s->nlens[v6]++] = i;
	}
	s->sorted = 1;
}

/* Does a prefix of the (sorted) set hold the address of n? */
int
acl_set_match(const struct acl_set *s, const struct acl_net *addr)
{
	struct acl_net	 key;
	int		 v6 = addr->family == AF_INET6, i;

	for (i = 0; i < s->nlens[v6]; i++) {
		key = *addr;
		key.plen = s->lens[v6][i];
		acl_net_mask(&key);
		if (bsearch(&key, s->nets, s->n, sizeof(s->nets[0]),
		    net_cmp) != NULL)
			return (1);
	}
	return (0);
}

static int
net_cmp(const void *a, const void *b)
{
	const struct acl_net	*x = a, *y = b;

	if (x->family != y->family)
		return (x->family < y->family ? -1 : 1);
	if (x->plen != y->plen)
		return (x->plen < y->plen ? -1 : 1);
	return (memcmp(x->addr, y->addr, sizeof(x->addr)));
}

/* The bits past the prefix length cleared. */
void
acl_net_mask(struct acl_net *n)
{
	size_t	 i, bits = n->plen;

	for (i = 0; i < sizeof(n->addr); i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			n->addr[i] &= bits == 0 ? 0 : 0xff << (8 - bits);
			bits = 0;
		}
	}
}

/*
 * "192.0.2.1", "192.0.2.0/24", "2001:db8::/32": plen -1 takes the
 * length from the text, else the text is an address and plen its
 * length. Bits past the length are cleared, as pf does; an IPv4-mapped
 * prefix of /96 or longer is the IPv4 one.
 */
int
acl_net_parse(const char *text, int plen, struct acl_net *n)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			    0xff, 0xff };
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	const char	*err;
	int		 max;

	memset(n, 0, sizeof(*n));
	if (strlcpy(buf, text, sizeof(buf)) >= sizeof(buf))
		return (-1);
	if ((slash = strchr(buf, '/')) != NULL) {
		if (plen != -1)
			return (-1);
		*slash++ = '\0';
		plen = strtonum(slash, 0, 128, &err);
		if (err != NULL)
			return (-1);
	}
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		max = 128;
	} else
		return (-1);
	if (plen == -1)
		plen = max;
	if (plen < 0 || plen > max)
		return (-1);
	/* Sources are matched as IPv4 when IPv4-mapped: so are prefixes. */
	if (n->family == AF_INET6 && plen >= 96 &&
	    memcmp(n->addr, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(n->addr, n->addr + 12, 4);
		memset(n->addr + 4, 0, sizeof(n->addr) - 4);
		n->family = AF_INET;
		plen -= 96;
	}
	n->plen = plen;
	acl_net_mask(n);
	return (0);
}

/*
 * The prefix of length plen (-1: the whole address) of a socket
 * address; an IPv4-mapped IPv6 address counts as the IPv4 one.
 */
int
acl_net_of(const struct sockaddr_storage *ss, int plen, struct acl_net *n)
{
	const struct in6_addr	*a6;
	uint32_t		 a4;

	memset(n, 0, sizeof(*n));
	if (sa_v4(ss, &a4)) {
		a4 = htonl(a4);
		memcpy(n->addr, &a4, sizeof(a4));
		n->family = AF_INET;
		n->plen = plen < 0 || plen > 32 ? 32 : plen;
	} else if ((a6 = sa_in6(ss)) != NULL) {
		memcpy(n->addr, a6, sizeof(*a6));
		n->family = AF_INET6;
		n->plen = plen < 0 || plen > 128 ? 128 : plen;
	} else
		return (-1);
	acl_net_mask(n);
	return (0);
}

/* "192.0.2.1" for a host, "2001:db8::/64" for a shorter prefix. */
const char *
acl_net_str(const struct acl_net *n)
{
	static char	 buf[INET6_ADDRSTRLEN + 8];
	char		 a[INET6_ADDRSTRLEN];
	int		 max = n->family == AF_INET6 ? 128 : 32;

	if (inet_ntop(n->family, n->addr, a, sizeof(a)) == NULL)
		strlcpy(a, "?", sizeof(a));
	if (n->plen == max)
		strlcpy(buf, a, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s/%u", a, n->plen);
	return (buf);
}

/* The set a rule says `from any` with: both families, length 0. */
int
acl_set_is_any(const struct acl_set *s)
{
	return (s->name[0] == '\0' && s->n == 2 && s->nets[0].plen == 0 &&
	    s->nets[1].plen == 0 && s->nets[0].family != s->nets[1].family);
}
