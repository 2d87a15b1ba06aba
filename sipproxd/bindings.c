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
 * The bindings of the phones registered through us in the SIP engine:
 * their contacts, expiry and persistence through the parent's state file.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"

#define REG_SAVE_DELAY_MS	200	/* a binding that came, went or moved
					   is saved this soon, with any other
					   change of that moment */
#define REG_SAVE_INTERVAL	5	/* seconds a refresh may wait */
#define REG_PENDING_MAX		32	/* seconds a REGISTER may take */
#define REG_TOMBSTONE		3600	/* seconds an expired one means 480 */
#define REG_SAVE_PART		256	/* entries queued to the parent at once */
#define REG_SAVE_PART_MS	2	/* ... and the wait for them to go */

/*
 * What the bindings from one source hold (`limit registrations per
 * source`), kept as they come, move and go, so that a REGISTER's check
 * costs no walk over the table: those registered and those waiting for
 * the registrar, not the tombstones. A source is an IPv4 address or an
 * IPv6 /64, the least a host is given of either.
 */
struct reg_source {
	RB_ENTRY(reg_source)	 entry;
	struct src_prefix	 pfx;
	unsigned int		 n;
};

RB_HEAD(regs_key, reg);
RB_HEAD(regs_user, reg);
RB_HEAD(regs_callid, reg);
RB_HEAD(reg_sources, reg_source);

static int	 reg_key_cmp(struct reg *, struct reg *);
static int	 reg_user_cmp(struct reg *, struct reg *);
static int	 reg_callid_cmp(struct reg *, struct reg *);
static int	 reg_source_cmp(struct reg_source *, struct reg_source *);
RB_PROTOTYPE(regs_key, reg, by_key, reg_key_cmp);
RB_PROTOTYPE(regs_user, reg, by_user, reg_user_cmp);
RB_PROTOTYPE(regs_callid, reg, by_callid, reg_callid_cmp);
RB_PROTOTYPE(reg_sources, reg_source, entry, reg_source_cmp);

/*
 * The table, indexed three ways so that no message costs a walk over
 * it: by address of record and contact (unique), by the user part of
 * the masqueraded contact, and the pending ones by their REGISTER's
 * Call-ID. Those not active (pending, expired) are also on a list, the
 * expired ones first: room for a new one is made at their cost.
 */
static struct regs_key		 regs = RB_INITIALIZER(&regs);
static struct regs_user		 regs_by_user = RB_INITIALIZER(&regs_by_user);
static struct regs_callid	 regs_pending = RB_INITIALIZER(&regs_pending);
static TAILQ_HEAD(reg_idle, reg) regs_idle = TAILQ_HEAD_INITIALIZER(regs_idle);
static unsigned int		 nregs;		/* all entries */
static unsigned int		 nactive;
static unsigned int		 nidle;		/* on regs_idle */
static int			 regs_dirty;
static time_t			 regs_saved;
static struct event		 regs_save_ev;
static int			 regs_save_init;
static int			 regs_saving;	/* a save is going on */
static int			 regs_soon;	/* a change that must not wait */
static struct ctl_cursor	 regs_save_cur;	/* ... from there */
static unsigned int		 regs_save_n;	/* ... after so many */
static struct event		 regs_more_ev;
static struct reg		 search;	/* the key of a lookup */
static struct reg_sources	 reg_sources = RB_INITIALIZER(&reg_sources);

static struct reg	*reg_new(const char *, const char *);
static void		 reg_free(struct reg *);
static void		 reg_masq(struct reg *, const char *);
static void		 reg_pend(struct reg *, const char *);
static void		 reg_unpend(struct reg *);
static void		 reg_activate(struct reg *);
static void		 reg_expire(struct reg *);
static struct reg	*reg_find(const char *, const char *);
static struct reg	*reg_first_aor(const char *);
static struct reg	*reg_first_user(const char *);
static int		 reg_local(const struct reg *);
static struct reg	*reg_best(int, const char *, const char *, int *);
static void		 reg_aor_brackets(char *, size_t);
static void		 reg_changed(int);
static void		 reg_save_now(int, short, void *);
static void		 reg_save_more_ev(int, short, void *);
static void		 reg_save(time_t, int);
static void		 reg_save_more(int);
static void		 reg_save_init(void);
static struct reg	*reg_after(struct ctl_cursor *);
static void		 reg_source_update(struct reg *);

RB_GENERATE(regs_key, reg, by_key, reg_key_cmp);
RB_GENERATE(regs_user, reg, by_user, reg_user_cmp);
RB_GENERATE(regs_callid, reg, by_callid, reg_callid_cmp);
RB_GENERATE(reg_sources, reg_source, entry, reg_source_cmp);

static int
reg_key_cmp(struct reg *a, struct reg *b)
{
	int	 d;

	if ((d = strcmp(a->se.aor, b->se.aor)) != 0)
		return (d);
	return (strcmp(a->se.contact, b->se.contact));
}

/*
 * Ties of a name by address; the search key sorts before all entries of
 * its name, so that RB_NFIND finds the first of them.
 */
static int
reg_ptr_cmp(struct reg *a, struct reg *b)
{
	if (a == b)
		return (0);
	if (a == &search || b == &search)
		return (a == &search ? -1 : 1);
	return ((uintptr_t)a < (uintptr_t)b ? -1 : 1);
}

static int
reg_user_cmp(struct reg *a, struct reg *b)
{
	size_t	 len = a->user_len < b->user_len ? a->user_len : b->user_len;
	int	 d;

	if ((d = memcmp(a->user, b->user, len)) != 0)
		return (d);
	if (a->user_len != b->user_len)
		return (a->user_len < b->user_len ? -1 : 1);
	return (reg_ptr_cmp(a, b));
}

static int
reg_callid_cmp(struct reg *a, struct reg *b)
{
	int	 d;

	if ((d = strcmp(a->callid, b->callid)) != 0)
		return (d);
	return (reg_ptr_cmp(a, b));
}

static int
reg_source_cmp(struct reg_source *a, struct reg_source *b)
{
	return (src_prefix_cmp(&a->pfx, &b->pfx));
}

/*
 * g counted at its source if it holds a place, registered or waiting
 * for the registrar (a tombstone asked for again too), else nowhere:
 * called whenever its source or state changes.
 */
static void
reg_source_update(struct reg *g)
{
	struct reg_source	 key, *s = NULL;

	if (!g->freeing && (g->active || g->pending || !g->expired) &&
	    src_prefix(&g->source, &key.pfx) == 0) {
		if (g->src != NULL && reg_source_cmp(g->src, &key) == 0)
			return;
		if ((s = RB_FIND(reg_sources, &reg_sources, &key)) == NULL) {
			if ((s = calloc(1, sizeof(*s))) == NULL)
				fatal(NULL);
			s->pfx = key.pfx;
			RB_INSERT(reg_sources, &reg_sources, s);
		}
		s->n++;
	}
	if (g->src != NULL && --g->src->n == 0) {
		RB_REMOVE(reg_sources, &reg_sources, g->src);
		free(g->src);
	}
	g->src = s;
}

/* The bindings source src holds, registered or waiting. */
unsigned int
bindings_source_held(const struct sockaddr_storage *src)
{
	struct reg_source	 key, *s;

	if (src_prefix(src, &key.pfx) == -1 ||
	    (s = RB_FIND(reg_sources, &reg_sources, &key)) == NULL)
		return (0);
	return (s->n);
}

/*
 * Would the binding of contact to aor be a new one for source src: it
 * is not in the table, or a tombstone, or held by another source.
 */
unsigned int
bindings_source_new(const char *aor, const char *contact,
    const struct sockaddr_storage *src)
{
	struct reg_source	 key;
	struct reg		*g;

	if ((g = reg_find(aor, contact)) == NULL || g->src == NULL ||
	    src_prefix(src, &key.pfx) == -1)
		return (1);
	return (reg_source_cmp(g->src, &key) != 0);
}

/*
 * A new entry, pending: room is made, if need be, at the cost of the
 * oldest expired one, else of the newest still waiting for the
 * registrar; NULL when all are active.
 */
static struct reg *
reg_new(const char *aor, const char *contact)
{
	struct reg	*g;

	if (nregs >= engine_global()->reg_max) {
		if ((g = TAILQ_FIRST(&regs_idle)) == NULL)
			return (NULL);
		if (!g->expired)
			g = TAILQ_LAST(&regs_idle, reg_idle);
		reg_free(g);
		if (nregs >= engine_global()->reg_max)
			return (NULL);	/* the table was made smaller */
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal(NULL);
	strlcpy(g->se.aor, aor, sizeof(g->se.aor));
	strlcpy(g->se.contact, contact, sizeof(g->se.contact));
	reg_masq(g, "");
	RB_INSERT(regs_key, &regs, g);
	TAILQ_INSERT_TAIL(&regs_idle, g, idle);
	nidle++;
	nregs++;
	return (g);
}

static void
reg_free(struct reg *g)
{
	if (g->active) {
		reg_changed(1);
		nactive--;
	} else {
		TAILQ_REMOVE(&regs_idle, g, idle);
		nidle--;
	}
	reg_unpend(g);
	g->freeing = 1;
	reg_source_update(g);
	RB_REMOVE(regs_user, &regs_by_user, g);
	RB_REMOVE(regs_key, &regs, g);
	nregs--;
	free(g);
}

/* The masqueraded contact, and its user part, by which it is found. */
static void
reg_masq(struct reg *g, const char *masq)
{
	const char	*p, *at;

	if (g->user != NULL)
		RB_REMOVE(regs_user, &regs_by_user, g);
	strlcpy(g->se.masq_contact, masq, sizeof(g->se.masq_contact));
	g->user = g->se.masq_contact;
	g->user_len = 0;
	if ((p = strchr(g->se.masq_contact, ':')) != NULL &&
	    (at = strchr(p, '@')) != NULL) {
		g->user = p + 1;
		g->user_len = at - g->user;
	}
	RB_INSERT(regs_user, &regs_by_user, g);
}

/* Waiting for the registrar's answer to the REGISTER callid. */
static void
reg_pend(struct reg *g, const char *callid)
{
	reg_unpend(g);
	strlcpy(g->callid, callid, sizeof(g->callid));
	g->pending = time(NULL);
	RB_INSERT(regs_callid, &regs_pending, g);
	reg_source_update(g);
}

static void
reg_unpend(struct reg *g)
{
	if (!g->pending)
		return;
	RB_REMOVE(regs_callid, &regs_pending, g);
	g->pending = 0;
	reg_source_update(g);
}

static void
reg_activate(struct reg *g)
{
	if (g->active)
		return;
	TAILQ_REMOVE(&regs_idle, g, idle);
	nidle--;
	g->active = 1;
	nactive++;
	reg_source_update(g);
}

/* A tombstone: it goes first when room is needed. */
static void
reg_expire(struct reg *g)
{
	if (!g->active)
		return;
	g->active = 0;
	g->expired = 1;
	reg_source_update(g);
	nactive--;
	TAILQ_INSERT_HEAD(&regs_idle, g, idle);
	nidle++;
}

static struct reg *
reg_find(const char *aor, const char *contact)
{
	if (strlcpy(search.se.aor, aor, sizeof(search.se.aor)) >=
	    sizeof(search.se.aor) || strlcpy(search.se.contact, contact,
	    sizeof(search.se.contact)) >= sizeof(search.se.contact))
		return (NULL);
	return (RB_FIND(regs_key, &regs, &search));
}

/* The first entry of an address of record, NULL if none. */
static struct reg *
reg_first_aor(const char *aor)
{
	struct reg	*g;

	if (strlcpy(search.se.aor, aor, sizeof(search.se.aor)) >=
	    sizeof(search.se.aor))
		return (NULL);
	search.se.contact[0] = '\0';
	g = RB_NFIND(regs_key, &regs, &search);
	return (g != NULL && strcmp(g->se.aor, aor) == 0 ? g : NULL);
}

/* The first entry whose masqueraded user is user, NULL if none. */
static struct reg *
reg_first_user(const char *user)
{
	struct reg	*g;

	search.user = user;
	search.user_len = strlen(user);
	g = RB_NFIND(regs_user, &regs_by_user, &search);
	return (g != NULL && g->user_len == search.user_len &&
	    memcmp(g->user, user, g->user_len) == 0 ? g : NULL);
}

/* A registration restored from the state file, checked like any input. */
void
bindings_restore(const struct binding *se)
{
	static time_t	 warned;
	struct binding	 b;
	struct reg	*g;

	if (memchr(se->aor, '\0', sizeof(se->aor)) == NULL ||
	    memchr(se->contact, '\0', sizeof(se->contact)) == NULL ||
	    memchr(se->masq_contact, '\0', sizeof(se->masq_contact)) == NULL ||
	    memchr(se->source, '\0', sizeof(se->source)) == NULL ||
	    memchr(se->user_agent, '\0', sizeof(se->user_agent)) == NULL)
		fatalx("registrar: unterminated string in state entry");
	b = *se;
	reg_aor_brackets(b.aor, sizeof(b.aor));
	if ((g = reg_find(b.aor, b.contact)) == NULL &&
	    (g = reg_new(b.aor, b.contact)) == NULL) {
		if (warned != time(NULL))
			log_warnx("registrar: table full, %s not restored",
			    b.aor);
		warned = time(NULL);
		return;
	}
	reg_masq(g, b.masq_contact);
	strlcpy(g->se.source, b.source, sizeof(g->se.source));
	strlcpy(g->se.user_agent, b.user_agent, sizeof(g->se.user_agent));
	g->se.expires_at = b.expires_at;
	reg_activate(g);
	/* The state file keeps no transport: the contact may say it. */
	g->transport = proxy_uri_transport(g->se.contact);
	if (addr_parse(se->source, &g->source) == -1)
		log_warnx("registrar: %s: bad source %s", se->aor, se->source);
	reg_source_update(g);
}

/*
 * State files of before IPv6 hosts were bracketed hold "sip:a@::1": such
 * an address of record is written as it is now, "sip:a@[::1]", so that
 * the phone is found again.
 */
static void
reg_aor_brackets(char *aor, size_t len)
{
	struct sip_uri	 u;
	struct in6_addr	 a6;
	char		 tmp[sizeof(((struct binding *)0)->aor)];
	char		*host;

	if (sip_uri_parse(aor, strlen(aor), &u) == 0)
		return;
	if ((host = strchr(aor, '@')) == NULL &&
	    (host = strchr(aor, ':')) == NULL)
		return;
	host++;
	if (inet_pton(AF_INET6, host, &a6) != 1 ||
	    snprintf(tmp, sizeof(tmp), "%.*s[%s]", (int)(host - aor), aor,
	    host) >= (int)sizeof(tmp) || sip_uri_parse(tmp, strlen(tmp),
	    &u) == -1 || sip_uri_aor(&u, tmp, sizeof(tmp)) == -1)
		return;
	strlcpy(aor, tmp, len);
}

unsigned int
bindings_count(void)
{
	return (nactive);
}

/* Is the binding of contact to aor in the table? */
int
bindings_known(const char *aor, const char *contact)
{
	return (reg_find(aor, contact) != NULL);
}

/* How many new bindings fit: free room, and those not active. */
unsigned int
bindings_free(void)
{
	unsigned int	 max = engine_global()->reg_max;

	return ((nregs < max ? max - nregs : 0) + nidle);
}

/* A phone's "Contact: *" REGISTER: every binding of the AoR is going. */
void
bindings_request(const char *aor, const struct sip_msg *m)
{
	struct sip_addr	 a;
	struct reg	*g;

	if (sip_msg_list_get(m, SIP_HDR_CONTACT, 0, &a, NULL, NULL) == -1 ||
	    !a.star)
		return;
	for (g = reg_first_aor(aor); g != NULL && strcmp(g->se.aor, aor) == 0;
	    g = RB_NEXT(regs_key, &regs, g)) {
		if (reg_local(g))
			continue;
		reg_pend(g, sip_msg_callid(m));
		g->req_expires = 0;
	}
}

/*
 * One binding of a phone's REGISTER, masqueraded: pending until the
 * registrar answers; the phone is reached where it came from, over the
 * transport tr. The expiry asked for is the contact's parameter, else
 * the Expires header, else `registration expires`.
 */
void
bindings_pending(const char *aor, const char *contact, const char *masq,
    const char *params, const struct sip_msg *m,
    const struct sockaddr_storage *src, int tr,
    const struct sockaddr_storage *local)
{
	struct reg		*g;
	struct binding	 old;
	char			 val[32];
	const char		*ua;
	long long		 expires;
	int			 i;

	if ((g = reg_find(aor, contact)) != NULL && reg_local(g)) {
		log_warnx("registrar: %s: %s is registered here", aor,
		    contact);
		return;
	}
	if (g == NULL) {
		if (strlen(aor) >= sizeof(g->se.aor) ||
		    strlen(contact) >= sizeof(g->se.contact) ||
		    strlen(masq) >= sizeof(g->se.masq_contact)) {
			log_warnx("registrar: %s: too long to keep", aor);
			return;
		}
		/* The proxy answered 503 before, unless the REGISTER
		 * repeats a contact. */
		if ((g = reg_new(aor, contact)) == NULL) {
			log_warnx("registrar: table full, %s not kept", aor);
			return;
		}
	}
	old = g->se;
	if (strcmp(g->se.masq_contact, masq) != 0)
		reg_masq(g, masq);
	g->source = *src;
	g->transport = tr;
	g->local = *local;
	strlcpy(g->se.source, addr_str((struct sockaddr *)src, 1),
	    sizeof(g->se.source));
	g->se.user_agent[0] = '\0';
	if ((i = sip_msg_hdr_find(m, SIP_HDR_USER_AGENT, 0)) >= 0 &&
	    (ua = sip_msg_hdr_value(m, i, NULL)) != NULL)
		strlcpy(g->se.user_agent, ua, sizeof(g->se.user_agent));
	/* A live binding that moved must be found there after a crash. */
	if (g->active && (strcmp(old.masq_contact, g->se.masq_contact) != 0 ||
	    strcmp(old.source, g->se.source) != 0 ||
	    strcmp(old.user_agent, g->se.user_agent) != 0))
		reg_changed(1);

	if (sip_param_get(params, strlen(params), "expires", val,
	    sizeof(val)) == 1)
		expires = strtonum(val, 0, INT32_MAX, NULL);
	else if (m->expires >= 0)
		expires = m->expires;
	else
		expires = engine_global()->reg_expires;
	g->req_expires = expires;
	reg_pend(g, sip_msg_callid(m));
}

/* The pending binding of this REGISTER whose masqueraded user is user. */
struct reg *
bindings_pending_find(const char *callid, const char *user)
{
	struct reg	*g;
	size_t		 len = strlen(user);

	if (strlcpy(search.callid, callid, sizeof(search.callid)) >=
	    sizeof(search.callid))
		return (NULL);
	for (g = RB_NFIND(regs_callid, &regs_pending, &search);
	    g != NULL && strcmp(g->callid, callid) == 0;
	    g = RB_NEXT(regs_callid, &regs_pending, g))
		if (g->user_len == len && memcmp(g->user, user, len) == 0)
			return (g);
	return (NULL);
}

/* A binding the registrar granted, expires -1 meaning what was asked. */
void
bindings_confirm(struct reg *g, long long expires)
{
	if (expires < 0)
		expires = g->req_expires;
	/* What the phone is told: it refreshes by then. */
	expires = bindings_cap(expires);
	reg_unpend(g);
	if (expires == 0) {
		log_info("%s: %s deregistered", g->se.aor, g->se.contact);
		reg_free(g);
		return;
	}
	if (!g->active)
		log_info("%s: %s registered from %s", g->se.aor,
		    g->se.contact, g->se.source);
	/* A new binding is saved at once, a refresh may wait. */
	reg_changed(!g->active);
	reg_activate(g);
	g->expired = 0;
	reg_source_update(g);
	g->se.expires_at = time(NULL) + expires;
}

/*
 * `registration max expires`: a lifetime for a phone, capped so that a
 * phone registered under an old outside address refreshes soon.
 */
long long
bindings_cap(long long expires)
{
	uint32_t	 max = engine_global()->reg_max_expires;

	return (max != 0 && expires > max ? max : expires);
}

/*
 * Contact parameters (";a=b;expires=N") with an expires above the cap
 * set to it, into out: 1 when changed, 0 when out is a plain copy, -1
 * when it does not fit. A quoted value may hold a ';'. With a cap, an
 * expires that is no number (or too long for one) is the cap too: the
 * registrar's answer comes from outside.
 */
int
bindings_cap_params(const char *params, char *out, size_t len)
{
	const char	*p, *seg, *errstr = NULL;
	char		 num[24];
	size_t		 n, o = 0;
	uint32_t	 max = engine_global()->reg_max_expires;
	long long	 v = 0;
	int		 q, changed = 0;

	out[0] = '\0';
	for (p = params; *p != '\0';) {
		seg = p++;
		for (q = 0; *p != '\0' && (q || *p != ';'); p++) {
			if (q && *p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				q = !q;
		}
		n = p - seg;
		if (max != 0 && n >= 9 && strncasecmp(seg, ";expires=", 9) == 0) {
			if (n - 9 < sizeof(num)) {
				memcpy(num, seg + 9, n - 9);
				num[n - 9] = '\0';
				v = strtonum(num, 0, LLONG_MAX, &errstr);
			}
			if (n - 9 >= sizeof(num) || errstr != NULL || v > max) {
				if (o + 9 + 10 >= len)
					return (-1);
				o += snprintf(out + o, len - o, ";expires=%u",
				    max);
				changed = 1;
				continue;
			}
		}
		if (o + n >= len)
			return (-1);
		memcpy(out + o, seg, n);
		o += n;
		out[o] = '\0';
	}
	return (changed);
}

/*
 * The Expires header of a REGISTER (add: one is added where there is
 * none, so the registrar's default cannot exceed the cap) or of its 2xx,
 * capped. Returns -1 when the edit does not fit.
 */
int
bindings_cap_header(struct sip_msg *m, int add)
{
	char	 num[16];
	int	 i;

	if (engine_global()->reg_max_expires == 0)
		return (0);
	snprintf(num, sizeof(num), "%u", engine_global()->reg_max_expires);
	if ((i = sip_msg_hdr_find(m, SIP_HDR_EXPIRES, 0)) >= 0) {
		if (m->expires >= 0 && bindings_cap(m->expires) == m->expires)
			return (0);
		return (sip_edit_value(m, i, num));
	}
	return (add ? sip_edit_insert(m, m->nhdrs, "Expires", num) : 0);
}

/*
 * The registrar's 2xx lists every binding it keeps: one of this
 * REGISTER it left out is gone.
 */
void
bindings_response_done(const char *callid)
{
	struct reg	*g, *next;

	if (strlcpy(search.callid, callid, sizeof(search.callid)) >=
	    sizeof(search.callid))
		return;
	for (g = RB_NFIND(regs_callid, &regs_pending, &search);
	    g != NULL && strcmp(g->callid, callid) == 0; g = next) {
		next = RB_NEXT(regs_callid, &regs_pending, g);
		log_info("%s: %s not kept by the registrar", g->se.aor,
		    g->se.contact);
		reg_free(g);
	}
}

/*
 * The phone a request from outside is for: by the user part of our
 * masqueraded contact, or by its address of record; the most recent.
 * *expired says whether one existed and expired. Only the entries of
 * that name are looked at.
 */
struct reg *
bindings_lookup(const char *user, const char *aor, int *expired)
{
	return (reg_best(0, user, aor, expired));
}

/*
 * The most recent live binding, of our own registrar (local) or not, by
 * the masqueraded user (user not NULL) or the address of record.
 */
static struct reg *
reg_best(int local, const char *user, const char *aor, int *expired)
{
	struct reg	*g, *best = NULL;

	*expired = 0;
	if (user != NULL)
		g = reg_first_user(user);
	else
		g = reg_first_aor(aor);
	for (; g != NULL; g = user != NULL ?
	    RB_NEXT(regs_user, &regs_by_user, g) :
	    RB_NEXT(regs_key, &regs, g)) {
		if (user != NULL ? g->user_len != search.user_len ||
		    memcmp(g->user, user, g->user_len) != 0 :
		    strcmp(g->se.aor, aor) != 0)
			break;
		if (reg_local(g) != local)
			continue;
		if (g->expired)
			*expired = 1;
		if (g->active && (best == NULL ||
		    g->se.expires_at > best->se.expires_at))
			best = g;
	}
	return (best);
}

/*
 * A binding of our own registrar (the local domain): the phone's
 * contact as it is, nothing masqueraded. Never found for the outside.
 */
static int
reg_local(const struct reg *g)
{
	return (g->se.masq_contact[0] == '\0');
}

/*
 * A binding the local registrar grants, or removes (expires 0).
 * Returns 0, or -1 when there is no room for it (LOCAL_PER_AOR for
 * one address of record, the table full of live bindings, or the same
 * contact registered through us to a provider).
 */
int
bindings_local_set(const char *aor, const char *contact,
    const struct sockaddr_storage *src, const struct sockaddr_storage *local,
    const char *ua, long long expires)
{
	struct reg	*g, *found = NULL;
	unsigned int	 n = 0;
	int		 moved;

	for (g = reg_first_aor(aor); g != NULL && strcmp(g->se.aor, aor) == 0;
	    g = RB_NEXT(regs_key, &regs, g)) {
		if (strcmp(g->se.contact, contact) == 0)
			found = g;
		else if (reg_local(g))
			n += g->active;
	}
	if (found != NULL && !reg_local(found))
		return (-1);
	if (expires == 0) {
		if (found != NULL && found->active) {
			log_info("%s: %s deregistered", aor, contact);
			reg_free(found);
		}
		return (0);
	}
	/* Within what its source may hold, as through the proxy. */
	if (bindings_source_new(aor, contact, src) &&
	    bindings_source_held(src) >= engine_global()->limit_regs) {
		sip_stats.limit_registrations++;
		return (-1);
	}
	if ((g = found) == NULL) {
		if (n >= LOCAL_PER_AOR || strlen(aor) >= sizeof(g->se.aor) ||
		    strlen(contact) >= sizeof(g->se.contact) ||
		    (g = reg_new(aor, contact)) == NULL)
			return (-1);
	}
	moved = sa_cmp(&g->source, src) != 0;
	g->source = *src;
	g->local = *local;
	strlcpy(g->se.source, addr_str((struct sockaddr *)src, 1),
	    sizeof(g->se.source));
	strlcpy(g->se.user_agent, ua, sizeof(g->se.user_agent));
	/* Calls to it go as its contact says, UDP by default. */
	g->transport = proxy_uri_transport(contact);
	if (!g->active)
		log_info("%s: %s registered here from %s", aor, contact,
		    g->se.source);
	reg_changed(!g->active || moved);
	reg_unpend(g);
	reg_activate(g);
	g->expired = 0;
	reg_source_update(g);
	g->se.expires_at = time(NULL) + expires;
	return (0);
}

/* "Contact: *": every local binding of aor goes. */
void
bindings_local_clear(const char *aor)
{
	struct reg	*g, *next;

	for (g = reg_first_aor(aor); g != NULL && strcmp(g->se.aor, aor) == 0;
	    g = next) {
		next = RB_NEXT(regs_key, &regs, g);
		if (reg_local(g) && g->active) {
			log_info("%s: %s deregistered", aor, g->se.contact);
			reg_free(g);
		}
	}
}

/*
 * The local bindings of aor as the Contact lines of a REGISTER's 2xx,
 * each with the seconds it has left. -1 if they do not fit.
 */
int
bindings_local_contacts(const char *aor, char *buf, size_t len)
{
	struct reg	*g;
	char		 line[sizeof(g->se.contact) + 48];
	time_t		 now = time(NULL);

	buf[0] = '\0';
	for (g = reg_first_aor(aor); g != NULL && strcmp(g->se.aor, aor) == 0;
	    g = RB_NEXT(regs_key, &regs, g)) {
		if (!reg_local(g) || !g->active)
			continue;
		snprintf(line, sizeof(line), "Contact: <%s>;expires=%lld\r\n",
		    g->se.contact, (long long)(g->se.expires_at > now ?
		    g->se.expires_at - now : 0));
		if (strlcat(buf, line, len) >= len)
			return (-1);
	}
	return (0);
}

/*
 * The phone of the local domain a request is for, by its address of
 * record; the most recent. *expired says whether one existed and
 * expired.
 */
struct reg *
bindings_local_lookup(const char *aor, int *expired)
{
	return (reg_best(1, NULL, aor, expired));
}

/*
 * The table changed. The parent keeps it in the state file, to be found
 * after a crash: a binding that came, went or moved is sent within
 * REG_SAVE_DELAY_MS (changes of that moment coalesce into one write),
 * what may wait (a refresh, an expiry) within REG_SAVE_INTERVAL seconds.
 */
static void
reg_changed(int soon)
{
	struct timeval	 tv = { 0, REG_SAVE_DELAY_MS * 1000 };

	regs_dirty = 1;
	if (!soon)
		return;
	regs_soon = 1;
	reg_save_init();
	if (!evtimer_pending(&regs_save_ev, NULL))
		evtimer_add(&regs_save_ev, &tv);
}

static void
reg_save_now(int fd, short event, void *arg)
{
	reg_save(time(NULL), 0);
}

static void
reg_save_more_ev(int fd, short event, void *arg)
{
	reg_save_more(0);
}

/*
 * Send the table to the parent, which writes the state file; without
 * one configured, there is nothing to send. It goes a part at a time
 * (reg_save_more()), so that a large table costs no more memory in
 * queued messages than a part; a change while it goes is saved by the
 * next save, at once if it must not wait. Forced, on the way out, it
 * goes all at once.
 */
static void
reg_save(time_t now, int force)
{
	reg_save_init();
	if (regs_saving) {
		/* The change that must not wait goes when this save ends. */
		if (!force)
			return;
		reg_save_more(1);
	}
	evtimer_del(&regs_save_ev);
	if (!regs_dirty)
		return;
	regs_dirty = regs_soon = 0;
	regs_saved = now;
	if (engine_global()->reg_state[0] == '\0')
		return;
	memset(&regs_save_cur, 0, sizeof(regs_save_cur));
	regs_save_n = 0;
	regs_saving = 1;
	reg_save_more(force);
}

static void
reg_save_init(void)
{
	if (regs_save_init)
		return;
	evtimer_set(&regs_save_ev, reg_save_now, NULL);
	evtimer_set(&regs_more_ev, reg_save_more_ev, NULL);
	regs_save_init = 1;
}

static void
reg_save_more(int force)
{
	struct timeval	 tv = { 0, REG_SAVE_PART_MS * 1000 };
	struct reg	*g;

	/*
	 * After a reload that made the table smaller it may hold more than
	 * `registration max`: the parent takes no more, nor restores them.
	 */
	for (g = reg_after(&regs_save_cur); g != NULL &&
	    regs_save_n < engine_global()->reg_max;
	    g = RB_NEXT(regs_key, &regs, g)) {
		if (!g->active)
			continue;
		if (!force && engine_parent_queued() >= REG_SAVE_PART) {
			evtimer_add(&regs_more_ev, &tv);
			return;
		}
		engine_to_parent(IMSG_STATE_ENTRY, 0, &g->se, sizeof(g->se));
		regs_save_n++;
		strlcpy(regs_save_cur.a, g->se.aor, sizeof(regs_save_cur.a));
		strlcpy(regs_save_cur.b, g->se.contact,
		    sizeof(regs_save_cur.b));
	}
	engine_to_parent(IMSG_STATE_END, 0, NULL, 0);
	regs_saving = 0;
	/* What changed meanwhile and must not wait goes now. */
	if (regs_soon)
		reg_save(time(NULL), force);
}

/*
 * The first entry after the cursor's key (the first of all when it has
 * not started), in address of record and contact order.
 */
static struct reg *
reg_after(struct ctl_cursor *cur)
{
	struct reg	*g;

	if (!cur->started) {
		cur->started = 1;
		return (RB_MIN(regs_key, &regs));
	}
	strlcpy(search.se.aor, cur->a, sizeof(search.se.aor));
	strlcpy(search.se.contact, cur->b, sizeof(search.se.contact));
	if ((g = RB_NFIND(regs_key, &regs, &search)) != NULL &&
	    reg_key_cmp(g, &search) == 0)
		g = RB_NEXT(regs_key, &regs, g);
	return (g);
}

/*
 * Called once a second: expired entries become tombstones (a call for
 * them is answered 480) and go an hour later, unanswered REGISTERs are
 * forgotten, and a change that may wait is saved REG_SAVE_INTERVAL
 * seconds after the last save at the latest (at once when forced, on
 * the way out).
 */
void
bindings_tick(time_t now, int force)
{
	struct reg	*g, *next;

	RB_FOREACH_SAFE(g, regs_key, &regs, next) {
		if (g->pending && now - g->pending > REG_PENDING_MAX)
			reg_unpend(g);
		if (g->active && g->se.expires_at <= now) {
			log_info("registration of %s expired", g->se.aor);
			reg_expire(g);
			regs_dirty = 1;
		}
		if (!g->active && !g->pending && (!g->expired ||
		    now - g->se.expires_at > REG_TOMBSTONE))
			reg_free(g);
	}
	if (force || now - regs_saved >= REG_SAVE_INTERVAL)
		reg_save(now, force);
}

/*
 * Part of `show registrations`: at most max entries after the cursor's,
 * then END once all are sent. Returns 1 when the answer is complete (or
 * the client gone), 0 when there is more.
 */
int
bindings_show(uint32_t peer, struct ctl_cursor *cur, int max)
{
	struct reg	*g;
	int		 n = 0;

	for (g = reg_after(cur); g != NULL; g = RB_NEXT(regs_key, &regs, g)) {
		if (!g->active)
			continue;
		if (n++ == max)
			return (0);
		if (control_compose(peer, IMSG_CTL_SHOW_REGISTRATIONS,
		    &g->se, sizeof(g->se)) == -1)
			return (1);
		strlcpy(cur->a, g->se.aor, sizeof(cur->a));
		strlcpy(cur->b, g->se.contact, sizeof(cur->b));
	}
	control_compose(peer, IMSG_CTL_END, NULL, 0);
	return (1);
}
