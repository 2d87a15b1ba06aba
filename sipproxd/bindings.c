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

static TAILQ_HEAD(, reg)	 regs = TAILQ_HEAD_INITIALIZER(regs);
static unsigned int		 nregs;		/* all entries */
static int			 regs_dirty;
static time_t			 regs_saved;
static struct event		 regs_save_ev;
static int			 regs_save_init;

static struct reg	*reg_new(void);
static void		 reg_free(struct reg *);
static int		 reg_user(const struct reg *, const char *);
static int		 reg_local(const struct reg *);
static struct reg	*reg_best(int, const char *, const char *, int *);
static void		 reg_aor_brackets(char *, size_t);
static void		 reg_changed(int);
static void		 reg_save_now(int, short, void *);
static void		 reg_save(time_t);

static struct reg *
reg_new(void)
{
	struct reg	*g, *old = NULL;

	if (nregs >= REG_MAX) {
		/* Make room at the cost of an expired or unconfirmed one. */
		TAILQ_FOREACH(g, &regs, entry)
			if (!g->active)
				old = g;
		if (old == NULL)
			return (NULL);
		reg_free(old);
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal(NULL);
	TAILQ_INSERT_TAIL(&regs, g, entry);
	nregs++;
	return (g);
}

static void
reg_free(struct reg *g)
{
	if (g->active)
		reg_changed(1);
	TAILQ_REMOVE(&regs, g, entry);
	nregs--;
	free(g);
}

/* A registration restored from the state file, checked like any input. */
void
bindings_restore(const struct binding *se)
{
	struct reg	*g;

	if (memchr(se->aor, '\0', sizeof(se->aor)) == NULL ||
	    memchr(se->contact, '\0', sizeof(se->contact)) == NULL ||
	    memchr(se->masq_contact, '\0', sizeof(se->masq_contact)) == NULL ||
	    memchr(se->source, '\0', sizeof(se->source)) == NULL ||
	    memchr(se->user_agent, '\0', sizeof(se->user_agent)) == NULL)
		fatalx("registrar: unterminated string in state entry");
	if ((g = reg_new()) == NULL) {
		log_warnx("registrar: table full, %s not restored", se->aor);
		return;
	}
	g->se = *se;
	reg_aor_brackets(g->se.aor, sizeof(g->se.aor));
	g->active = 1;
	if (addr_parse(se->source, &g->source) == -1)
		log_warnx("registrar: %s: bad source %s", se->aor, se->source);
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
	struct reg	*g;
	unsigned int	 n = 0;

	TAILQ_FOREACH(g, &regs, entry)
		if (g->active)
			n++;
	return (n);
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
	TAILQ_FOREACH(g, &regs, entry) {
		if (strcmp(g->se.aor, aor) != 0 || reg_local(g))
			continue;
		strlcpy(g->callid, sip_msg_callid(m), sizeof(g->callid));
		g->pending = time(NULL);
		g->req_expires = 0;
	}
}

/*
 * One binding of a phone's REGISTER, masqueraded: pending until the
 * registrar answers. The expiry asked for is the contact's parameter,
 * else the Expires header, else `registration expires`.
 */
void
bindings_pending(const char *aor, const char *contact, const char *masq,
    const char *params, const struct sip_msg *m,
    const struct sockaddr_storage *src)
{
	struct reg		*g;
	struct binding	 old;
	char			 val[32];
	const char		*ua;
	long long		 expires;
	int			 i;

	TAILQ_FOREACH(g, &regs, entry)
		if (strcmp(g->se.aor, aor) == 0 &&
		    strcmp(g->se.contact, contact) == 0 && !reg_local(g))
			break;
	if (g == NULL) {
		if (strlen(aor) >= sizeof(g->se.aor) ||
		    strlen(contact) >= sizeof(g->se.contact) ||
		    strlen(masq) >= sizeof(g->se.masq_contact)) {
			log_warnx("registrar: %s: too long to keep", aor);
			return;
		}
		if ((g = reg_new()) == NULL) {
			log_warnx("registrar: table full, %s not kept", aor);
			return;
		}
		strlcpy(g->se.aor, aor, sizeof(g->se.aor));
		strlcpy(g->se.contact, contact, sizeof(g->se.contact));
	}
	old = g->se;
	strlcpy(g->se.masq_contact, masq, sizeof(g->se.masq_contact));
	g->source = *src;
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
	strlcpy(g->callid, sip_msg_callid(m), sizeof(g->callid));
	g->pending = time(NULL);
}

/* The pending binding of this REGISTER whose masqueraded user is user. */
struct reg *
bindings_pending_find(const char *callid, const char *user)
{
	struct reg	*g;

	TAILQ_FOREACH(g, &regs, entry)
		if (g->pending && strcmp(g->callid, callid) == 0 &&
		    reg_user(g, user))
			return (g);
	return (NULL);
}

/* A binding the registrar granted, expires -1 meaning what was asked. */
void
bindings_confirm(struct reg *g, long long expires)
{
	if (expires < 0)
		expires = g->req_expires;
	g->pending = 0;
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
	g->active = 1;
	g->expired = 0;
	g->se.expires_at = time(NULL) + expires;
}

/*
 * The registrar's 2xx lists every binding it keeps: one of this
 * REGISTER it left out is gone.
 */
void
bindings_response_done(const char *callid)
{
	struct reg	*g, *next;

	TAILQ_FOREACH_SAFE(g, &regs, entry, next) {
		if (!g->pending || strcmp(g->callid, callid) != 0)
			continue;
		log_info("%s: %s not kept by the registrar", g->se.aor,
		    g->se.contact);
		reg_free(g);
	}
}

/*
 * The phone a request from outside is for: by the user part of our
 * masqueraded contact, or by its address of record; the most recent.
 * *expired says whether one existed and expired.
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
	TAILQ_FOREACH(g, &regs, entry) {
		if (reg_local(g) != local || (user != NULL ?
		    !reg_user(g, user) : strcmp(g->se.aor, aor) != 0))
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
 * one address of record, or the table full of live bindings).
 */
int
bindings_local_set(const char *aor, const char *contact,
    const struct sockaddr_storage *src, const char *ua, long long expires)
{
	struct reg	*g;
	unsigned int	 n = 0;
	int		 moved;

	TAILQ_FOREACH(g, &regs, entry) {
		if (!reg_local(g) || strcmp(g->se.aor, aor) != 0)
			continue;
		if (strcmp(g->se.contact, contact) == 0)
			break;
		n += g->active;
	}
	if (expires == 0) {
		if (g != NULL && g->active) {
			log_info("%s: %s deregistered", aor, contact);
			reg_free(g);
		}
		return (0);
	}
	if (g == NULL) {
		if (n >= LOCAL_PER_AOR || strlen(aor) >= sizeof(g->se.aor) ||
		    strlen(contact) >= sizeof(g->se.contact) ||
		    (g = reg_new()) == NULL)
			return (-1);
		strlcpy(g->se.aor, aor, sizeof(g->se.aor));
		strlcpy(g->se.contact, contact, sizeof(g->se.contact));
	}
	moved = sa_cmp(&g->source, src) != 0;
	g->source = *src;
	strlcpy(g->se.source, addr_str((struct sockaddr *)src, 1),
	    sizeof(g->se.source));
	strlcpy(g->se.user_agent, ua, sizeof(g->se.user_agent));
	if (!g->active)
		log_info("%s: %s registered here from %s", aor, contact,
		    g->se.source);
	reg_changed(!g->active || moved);
	g->active = 1;
	g->expired = 0;
	g->pending = 0;
	g->se.expires_at = time(NULL) + expires;
	return (0);
}

/* "Contact: *": every local binding of aor goes. */
void
bindings_local_clear(const char *aor)
{
	struct reg	*g, *next;

	TAILQ_FOREACH_SAFE(g, &regs, entry, next)
		if (reg_local(g) && g->active && strcmp(g->se.aor, aor) == 0) {
			log_info("%s: %s deregistered", aor, g->se.contact);
			reg_free(g);
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
	TAILQ_FOREACH(g, &regs, entry) {
		if (!reg_local(g) || !g->active || strcmp(g->se.aor, aor) != 0)
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

/* Does the masqueraded contact's user part equal user? */
static int
reg_user(const struct reg *g, const char *user)
{
	const char	*p = g->se.masq_contact, *at;
	size_t		 len;

	if ((p = strchr(p, ':')) == NULL || (at = strchr(p, '@')) == NULL)
		return (user[0] == '\0');
	p++;
	len = at - p;
	return (strlen(user) == len && strncmp(p, user, len) == 0);
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
	if (!regs_save_init) {
		evtimer_set(&regs_save_ev, reg_save_now, NULL);
		regs_save_init = 1;
	}
	if (!evtimer_pending(&regs_save_ev, NULL))
		evtimer_add(&regs_save_ev, &tv);
}

static void
reg_save_now(int fd, short event, void *arg)
{
	reg_save(time(NULL));
}

/* Send the table to the parent, which writes the state file. */
static void
reg_save(time_t now)
{
	struct reg	*g;

	if (regs_save_init)
		evtimer_del(&regs_save_ev);
	if (!regs_dirty)
		return;
	TAILQ_FOREACH(g, &regs, entry)
		if (g->active)
			engine_to_parent(IMSG_STATE_ENTRY, 0, &g->se,
			    sizeof(g->se));
	engine_to_parent(IMSG_STATE_END, 0, NULL, 0);
	regs_dirty = 0;
	regs_saved = now;
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

	TAILQ_FOREACH_SAFE(g, &regs, entry, next) {
		if (g->pending && now - g->pending > REG_PENDING_MAX)
			g->pending = 0;
		if (g->active && g->se.expires_at <= now) {
			log_info("registration of %s expired", g->se.aor);
			g->active = 0;
			g->expired = 1;
			regs_dirty = 1;
		}
		if (!g->active && !g->pending && (!g->expired ||
		    now - g->se.expires_at > REG_TOMBSTONE))
			reg_free(g);
	}
	if (force || now - regs_saved >= REG_SAVE_INTERVAL)
		reg_save(now);
}

void
bindings_show(uint32_t peer)
{
	struct reg	*g;

	TAILQ_FOREACH(g, &regs, entry)
		if (g->active)
			control_compose(peer, IMSG_CTL_SHOW_REGISTRATIONS,
			    &g->se, sizeof(g->se));
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}
