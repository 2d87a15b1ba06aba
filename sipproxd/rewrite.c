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
 * The rewrites in the engine: the configuration's `strip header`,
 * `default target`, `trunk` and `rewrite request-uri` lines, received
 * at load and reload (IMSG_RECONF_REWRITE), their regular expressions
 * compiled then, built aside and swapped in at IMSG_RECONF_DONE. Only
 * those strings are ever compiled; the network only supplies subjects.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "rewrite.h"
#include "sip_msg.h"

struct rw_strip {
	char		 name[REWRITE_NAME_LEN];
	size_t		 len;
	enum sip_hdr_id	 id;		/* SIP_HDR_OTHER: by name */
};

struct rw_trunk {
	char		 name[REWRITE_NAME_LEN];
	char		 aor[REWRITE_TEXT_LEN];	/* as bindings keep it */
	regex_t		 re;
};

struct rw_ruri {
	char		 repl[REWRITE_TEXT_LEN];
	regex_t		 re;
};

struct rw_conf {
	struct rw_strip	 strip[STRIP_MAX];
	unsigned int	 nstrip;
	char		 target[REWRITE_TEXT_LEN];	/* "": none */
	struct rw_trunk	 trunk[TRUNK_MAX];
	unsigned int	 ntrunk;
	struct rw_ruri	 ruri[RURI_REWRITE_MAX];
	unsigned int	 nruri;
};

#define STRIP_LINES_MAX	(SIP_MAX_EDITS / 2)

static struct rw_conf	*rw_cur, *rw_new;

static void		 rw_free(struct rw_conf *);
static void		 rw_aor(const char *, char *, size_t);

static void
rw_free(struct rw_conf *rc)
{
	unsigned int	 i;

	if (rc == NULL)
		return;
	for (i = 0; i < rc->ntrunk; i++)
		regfree(&rc->trunk[i].re);
	for (i = 0; i < rc->nruri; i++)
		regfree(&rc->ruri[i].re);
	free(rc);
}

/* An address of record the parent checked, in the bindings' form. */
static void
rw_aor(const char *uri, char *aor, size_t len)
{
	struct sip_uri	 u;

	if (sip_uri_parse(uri, strlen(uri), &u) == -1 ||
	    sip_uri_aor(&u, aor, len) == -1)
		fatalx("IMSG_RECONF_REWRITE: %s: not an address of record",
		    uri);
}

/* One rewrite of the configuration being loaded. */
void
rewrite_reconf(struct imsg *imsg)
{
	struct conf_rewrite	 cr;
	struct rw_strip		*s;
	struct rw_trunk		*t;
	struct rw_ruri		*r;
	char			 err[512];

	if (imsg_get_data(imsg, &cr, sizeof(cr)) == -1 ||
	    imsg_check_payload(IMSG_RECONF_REWRITE, &cr, sizeof(cr)) != NULL)
		fatalx("bad IMSG_RECONF_REWRITE");
	if (rw_new == NULL && (rw_new = calloc(1, sizeof(*rw_new))) == NULL)
		fatal(NULL);
	switch (cr.type) {
	case REWRITE_STRIP:
		if (rw_new->nstrip >= STRIP_MAX ||
		    rewrite_header_check(cr.name, err, sizeof(err)) == -1)
			fatalx("IMSG_RECONF_REWRITE: strip header %s", cr.name);
		s = &rw_new->strip[rw_new->nstrip++];
		strlcpy(s->name, cr.name, sizeof(s->name));
		s->len = strlen(s->name);
		s->id = sip_hdr_lookup(s->name, s->len);
		break;
	case REWRITE_DEFAULT:
		rw_aor(cr.a, rw_new->target, sizeof(rw_new->target));
		break;
	case REWRITE_TRUNK:
		if (rw_new->ntrunk >= TRUNK_MAX)
			fatalx("IMSG_RECONF_REWRITE: more than %d trunks",
			    TRUNK_MAX);
		t = &rw_new->trunk[rw_new->ntrunk];
		strlcpy(t->name, cr.name, sizeof(t->name));
		rw_aor(cr.a, t->aor, sizeof(t->aor));
		if (rewrite_regex_compile(&t->re, cr.b, REG_NOSUB, err,
		    sizeof(err)) == -1)
			fatalx("IMSG_RECONF_REWRITE: trunk %s: %s", cr.name,
			    err);
		rw_new->ntrunk++;
		break;
	case REWRITE_RURI:
		if (rw_new->nruri >= RURI_REWRITE_MAX)
			fatalx("IMSG_RECONF_REWRITE: more than %d rewrites",
			    RURI_REWRITE_MAX);
		r = &rw_new->ruri[rw_new->nruri];
		if (rewrite_regex_compile(&r->re, cr.a, 0, err,
		    sizeof(err)) == -1)
			fatalx("IMSG_RECONF_REWRITE: %s", err);
		if (rewrite_repl_check(cr.b, r->re.re_nsub, err,
		    sizeof(err)) == -1) {
			regfree(&r->re);
			fatalx("IMSG_RECONF_REWRITE: %s", err);
		}
		strlcpy(r->repl, cr.b, sizeof(r->repl));
		rw_new->nruri++;
		break;
	}
}

/* The new rewrites replace the old; none sent, none there. */
void
rewrite_reconf_done(void)
{
	rw_free(rw_cur);
	rw_cur = rw_new;
	rw_new = NULL;
	if (rw_cur != NULL)
		log_debug("rewrites: %u strip header, %u trunk, %u request-uri"
		    "%s", rw_cur->nstrip, rw_cur->ntrunk, rw_cur->nruri,
		    rw_cur->target[0] != '\0' ? ", a default target" : "");
}

/*
 * `strip header`: every line of each header named goes, compact forms
 * with their long ones. Returns how many went, or -1 when they cannot
 * all go: more than STRIP_LINES_MAX, half the edits a message may have
 * (the other half is for the proxy's own). It must not be sent on with
 * them.
 */
int
rewrite_strip(struct sip_msg *m)
{
	const struct sip_hdr	*h;
	const struct rw_strip	*s;
	unsigned int		 j;
	int			 i, n = 0;

	if (rw_cur == NULL || rw_cur->nstrip == 0)
		return (0);
	for (i = 0; i < m->nhdrs; i++) {
		h = &m->hdrs[i];
		for (j = 0; j < rw_cur->nstrip; j++) {
			s = &rw_cur->strip[j];
			if (s->id != SIP_HDR_OTHER ? h->id == s->id :
			    h->id == SIP_HDR_OTHER && h->name_len == s->len &&
			    strncasecmp(m->buf + h->line_off, s->name,
			    s->len) == 0)
				break;
		}
		if (j == rw_cur->nstrip)
			continue;
		if (n >= STRIP_LINES_MAX || sip_edit_delete(m, i) == -1)
			return (-1);
		n++;
	}
	return (n);
}

/*
 * `rewrite request-uri`: the first rule whose expression matches the
 * Request-URI in rewrites it into out. Returns that rule's number (from
 * 1), 0 when none matches, -1 when the result would not fit.
 */
int
rewrite_ruri(const char *ruri, char *out, size_t outlen)
{
	unsigned int	 i;
	int		 rv;

	if (rw_cur == NULL)
		return (0);
	for (i = 0; i < rw_cur->nruri; i++) {
		rv = rewrite_subst(&rw_cur->ruri[i].re, ruri,
		    rw_cur->ruri[i].repl, out, outlen);
		if (rv == -1)
			return (-1);
		if (rv == 1)
			return (i + 1);
	}
	return (0);
}

/*
 * `trunk`: the first trunk whose numbers match the user part of u (the
 * number of a tel: URI). Its name and account's address of record go
 * to name and aor; 0 when there is none.
 */
int
rewrite_trunk(const struct sip_uri *u, const char **name, const char **aor)
{
	unsigned int	 i;

	if (rw_cur == NULL || u->user[0] == '\0')
		return (0);
	for (i = 0; i < rw_cur->ntrunk; i++)
		if (regexec(&rw_cur->trunk[i].re, u->user, 0, NULL, 0) == 0) {
			*name = rw_cur->trunk[i].name;
			*aor = rw_cur->trunk[i].aor;
			return (1);
		}
	return (0);
}

/* `default target`: its address of record, or NULL. */
const char *
rewrite_default_target(void)
{
	if (rw_cur == NULL || rw_cur->target[0] == '\0')
		return (NULL);
	return (rw_cur->target);
}

/*
 * A contact with its user part replaced by user (a number the trunk's
 * expression matched): scheme, user, @, then the contact's host, port
 * and parameters as they were. -1 when the result is no URI or does not
 * fit.
 */
int
rewrite_user_uri(const char *contact, const char *user, char *out,
    size_t outlen)
{
	struct sip_uri	 u;
	int		 n;

	if (sip_uri_parse(contact, strlen(contact), &u) == -1 ||
	    u.scheme == SIP_URI_TEL || u.hostport_off > strlen(contact))
		return (-1);
	n = snprintf(out, outlen, "%s:%s@%s", u.scheme == SIP_URI_SIPS ?
	    "sips" : "sip", user, contact + u.hostport_off);
	if (n < 0 || (size_t)n >= outlen ||
	    sip_uri_parse(out, strlen(out), &u) == -1)
		return (-1);
	return (0);
}
