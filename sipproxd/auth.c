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
 * Proxy authentication of the phones, in the SIP engine: the users (by
 * their HA1s, from the parent), the challenges (407 with one
 * Proxy-Authenticate per algorithm offered, the stronger first), the
 * check of a phone's Proxy-Authorization, and what is counted.
 *
 * Nonces carry no state (digest.c): a nonce is refused when its MAC
 * does not check out (forged, for another address, from before a
 * restart) and is stale once older than `auth nonce lifetime`. What is
 * kept is the use of each nonce once its credentials were right: the
 * nonce counts taken (a window, digest_nc_take()), so that a request
 * cannot be replayed with them. That table is bounded in total and per
 * source address, the least recently used entry going first; a floor
 * remembers the highest nonce counter whose entry went, and a nonce
 * without an entry at or below it is taken for a replay (stale). An
 * exact retransmission of the last request a nonce count was taken for
 * (the same bytes, within a transaction's lifetime) is no replay: UDP
 * phones retransmit, and a message that waited for DNS or relay ports
 * is checked again.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vis.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"
#include "digest.h"
#include "mac.h"

#define NONCE_USES_MAX		1024	/* nonces in use, in total */
#define NONCE_USES_PER_SOURCE	16	/* ... per source address */
#define RETRANSMIT_WINDOW	32	/* seconds: 64 * T1, RFC 3261 17 */

_Static_assert(CTL_MAX_QUEUE > USERS_MAX, "show users fits a queue");
_Static_assert(AUTH_HA1_LEN > DIGEST_MAX_HEX, "AUTH_HA1_LEN");
_Static_assert(AUTH_ALGS == DIGEST_NALG, "AUTH_ALGS");

struct auth_user {
	struct conf_user	 cu;
	struct ctl_user		 st;
};

struct nonce_use {
	TAILQ_ENTRY(nonce_use)	 entry;		/* least recently used first */
	uint64_t		 counter;
	uint32_t		 issued;
	struct sockaddr_storage	 src;		/* host, port 0 */
	uint64_t		 floor;		/* src's entries that went */
	struct digest_ncwin	 win;
	uint64_t		 last_fp;	/* the request of last_nc */
	uint32_t		 last_nc;
	time_t			 last_time;
};

static int		 user_cmp(const void *, const void *);
static struct auth_user	*user_lookup(const char *);
static time_t		 mono(void);
static int		 challenge(const struct sockaddr_storage *, int, char *,
			    size_t);
static int		 nonce_take(const struct digest_cred *, uint64_t,
			    uint32_t, const struct sockaddr_storage *,
			    uint64_t);
static struct nonce_use	*nonce_new(uint64_t, uint32_t,
			    const struct sockaddr_storage *);
static void		 nonce_free(struct nonce_use *);
static uint64_t		 request_fp(const struct sip_msg *);
static void		 failed(const struct sockaddr_storage *,
			    struct auth_user *, const char *, const char *);
static void		 host_of(const struct sockaddr_storage *,
			    struct sockaddr_storage *);

static struct auth_user	*users, *nusers_tab;
static size_t		 nusers, nnew, nnew_max;
static SIPHASH_KEY	 nonce_key;	/* nonces, request fingerprints */
static uint64_t		 nonce_counter;
static TAILQ_HEAD(, nonce_use) nonce_uses = TAILQ_HEAD_INITIALIZER(nonce_uses);
static unsigned int	 nnonce_uses;
static uint64_t		 nonce_floor;	/* entries that went, any source */
static struct ctl_auth_stats auth_st;

void
auth_init(void)
{
	arc4random_buf(&nonce_key, sizeof(nonce_key));
	/* Counters start anywhere: a nonce tells nothing of the others. */
	nonce_counter = arc4random() | (uint64_t)1 << 40;
}

static int
user_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct auth_user *)a)->cu.name,
	    ((const struct auth_user *)b)->cu.name));
}

static struct auth_user *
user_lookup(const char *name)
{
	struct auth_user	 key;

	if (nusers == 0 || strlcpy(key.cu.name, name, sizeof(key.cu.name)) >=
	    sizeof(key.cu.name))
		return (NULL);
	return (bsearch(&key, users, nusers, sizeof(*users), user_cmp));
}

/* A user of the configuration being loaded, checked like any input. */
void
auth_reconf_user(struct imsg *imsg)
{
	struct auth_user	*t;

	if (nnew >= USERS_MAX)
		fatalx("IMSG_RECONF_USER: more than %d users", USERS_MAX);
	if (nnew == nnew_max) {
		nnew_max = nnew_max == 0 ? 64 : nnew_max * 2;
		if ((t = recallocarray(nusers_tab, nnew, nnew_max,
		    sizeof(*t))) == NULL)
			fatal(NULL);
		nusers_tab = t;
	}
	t = &nusers_tab[nnew];
	memset(t, 0, sizeof(*t));
	if (imsg_get_data(imsg, &t->cu, sizeof(t->cu)) == -1 ||
	    imsg_check_payload(IMSG_RECONF_USER, &t->cu, sizeof(t->cu)) !=
	    NULL)
		fatalx("bad IMSG_RECONF_USER");
	strlcpy(t->st.name, t->cu.name, sizeof(t->st.name));
	nnew++;
}

/*
 * The new users replace the old at the swap; a user still there keeps
 * what was counted. The old HA1s are wiped.
 */
void
auth_reconf_done(void)
{
	struct auth_user	*old;
	size_t			 i;

	if (nnew > 0)
		qsort(nusers_tab, nnew, sizeof(*nusers_tab), user_cmp);
	for (i = 0; i < nnew; i++)
		if (i > 0 && strcmp(nusers_tab[i - 1].cu.name,
		    nusers_tab[i].cu.name) == 0)
			fatalx("IMSG_RECONF_USER: user %s twice",
			    nusers_tab[i].cu.name);
	for (i = 0; i < nnew; i++)
		if ((old = user_lookup(nusers_tab[i].cu.name)) != NULL)
			nusers_tab[i].st = old->st;
	if (users != NULL)
		freezero(users, nusers * sizeof(*users));
	users = nusers_tab;
	nusers = nnew;
	nusers_tab = NULL;
	nnew = nnew_max = 0;
	log_debug("%zu users", nusers);
}

/* Users are configured: requests are challenged. */
int
auth_enabled(void)
{
	return (engine_global()->auth);
}

/*
 * A request from inside that must carry our credentials: a new one
 * (no To tag) of a method of `auth methods`.
 */
int
auth_required(const struct sip_msg *m)
{
	return (auth_enabled() && m->to_tag[0] == '\0' &&
	    (engine_global()->auth_methods & (1U << m->method)) != 0);
}

static time_t
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* The address alone: nonces are per host, not per port. */
static void
host_of(const struct sockaddr_storage *src, struct sockaddr_storage *host)
{
	*host = *src;
	sa_set_port(host, 0);
}

/*
 * The Proxy-Authenticate lines of a 407, one per algorithm offered, each
 * with a fresh nonce for this source.
 */
static int
challenge(const struct sockaddr_storage *src, int stale, char *extra,
    size_t len)
{
	const struct conf_global *g = engine_global();
	char		 nonce[DIGEST_NONCE_LEN + 1], val[512];
	int		 i;

	extra[0] = '\0';
	digest_nonce_make(&nonce_key, nonce_counter++, mono(), g->auth_realm,
	    addr_str((const struct sockaddr *)src, 0), nonce, sizeof(nonce));
	for (i = 0; i < AUTH_ALGS; i++) {
		if (g->auth_alg[i] == -1)
			continue;
		if (digest_challenge(val, sizeof(val), g->auth_alg[i],
		    g->auth_realm, nonce, stale) == -1 ||
		    strlcat(extra, "Proxy-Authenticate: ", len) >= len ||
		    strlcat(extra, val, len) >= len ||
		    strlcat(extra, "\r\n", len) >= len)
			return (-1);
	}
	auth_st.challenges++;
	return (0);
}

/*
 * The credentials of a request that must carry them. AUTH_OK with the
 * user's name in user; else AUTH_CHALLENGE with the 407's
 * Proxy-Authenticate lines in extra. first: not the second pass of a
 * message that waited, which was taken already.
 */
int
auth_check(const struct sip_msg *m, const struct sockaddr_storage *src,
    int first, char *user, size_t ulen, char *extra, size_t elen)
{
	const struct conf_global *g = engine_global();
	struct digest_cred	 c;
	struct auth_user	*u;
	const char		*val, *why, *ha1;
	char			 want[DIGEST_MAX_HEX + 1];
	char			 got[DIGEST_MAX_HEX + 1];
	char			 method[SIP_MAX_TOKEN], srchost[ADDRSTR_LEN];
	uint64_t		 counter;
	uint32_t		 issued;
	size_t			 len, i;
	int			 h, found = 0, offered = 0, stale = 0;

	for (h = sip_msg_hdr_find(m, SIP_HDR_PROXY_AUTHORIZATION, 0); h >= 0;
	    h = sip_msg_hdr_find(m, SIP_HDR_PROXY_AUTHORIZATION, h + 1)) {
		val = sip_msg_hdr_value(m, h, &len);
		if (digest_parse(val, len, &c, &why) == 0 &&
		    strcmp(c.realm, g->auth_realm) == 0) {
			found = 1;
			break;
		}
		/* Ours, by its realm, but malformed. */
		if (strstr(val, g->auth_realm) != NULL && first)
			auth_st.malformed++;
	}
	if (!found)
		goto challenge;

	for (i = 0; i < AUTH_ALGS; i++)
		if (c.algorithm != -1 && g->auth_alg[i] == c.algorithm)
			offered = 1;
	if (!offered || strcmp(c.qop, "auth") != 0 || c.nc == 0 ||
	    c.cnonce[0] == '\0') {
		if (first)
			auth_st.malformed++;
		goto challenge;
	}
	u = user_lookup(c.username);
	ha1 = u != NULL ? u->cu.ha1[c.algorithm] : "";
	sip_msg_method_text(m, method, sizeof(method));
	/* Unknown or not: the same work, no time told apart. */
	digest_response(c.algorithm, ha1, c.nonce, c.nc_text, c.cnonce,
	    method, c.uri, want);
	for (i = 0; c.response[i] != '\0' && i < sizeof(got) - 1; i++)
		got[i] = tolower((unsigned char)c.response[i]);
	got[i] = '\0';
	if (!digest_hex_valid(got, c.algorithm) || ha1[0] == '\0' ||
	    timingsafe_bcmp(want, got, digest_hexlen(c.algorithm)) != 0) {
		if (first)
			failed(src, u, c.username, u == NULL ?
			    "unknown user" : ha1[0] == '\0' ?
			    "no HA1 for the algorithm" : "wrong credentials");
		goto challenge;
	}

	/* The credentials are right: now the nonce. */
	strlcpy(srchost, addr_str((const struct sockaddr *)src, 0),
	    sizeof(srchost));
	stale = 1;
	if (digest_nonce_check(&nonce_key, c.nonce, g->auth_realm, srchost,
	    &counter, &issued) == -1 ||
	    mono() - (time_t)issued > (time_t)g->auth_nonce_lifetime ||
	    (time_t)issued > mono()) {
		if (first)
			auth_st.stale++;
		goto challenge;
	}
	if (first && !nonce_take(&c, counter, issued, src, request_fp(m))) {
		auth_st.replayed++;
		log_debug("%s: nonce count %s of %s used again",
		    addr_str((const struct sockaddr *)src, 1), c.nc_text,
		    u->cu.name);
		goto challenge;
	}
	if (first) {
		auth_st.accepted++;
		u->st.accepted++;
		u->st.last_auth = time(NULL);
		strlcpy(u->st.last_source, addr_str((const struct sockaddr *)
		    src, 1), sizeof(u->st.last_source));
	}
	strlcpy(user, u->cu.name, ulen);
	explicit_bzero(want, sizeof(want));
	return (AUTH_OK);

 challenge:
	explicit_bzero(want, sizeof(want));
	if (challenge(src, stale, extra, elen) == -1)
		fatalx("auth: challenge does not fit");
	return (AUTH_CHALLENGE);
}

/*
 * Our own Proxy-Authorization (our realm) goes before the request is
 * forwarded; credentials for anyone else's realm stay as they are.
 */
void
auth_strip(struct sip_msg *m)
{
	struct digest_cred	 c;
	const char		*val, *why;
	size_t			 len;
	int			 h;

	if (!auth_enabled())
		return;
	for (h = sip_msg_hdr_find(m, SIP_HDR_PROXY_AUTHORIZATION, 0); h >= 0;
	    h = sip_msg_hdr_find(m, SIP_HDR_PROXY_AUTHORIZATION, h + 1)) {
		val = sip_msg_hdr_value(m, h, &len);
		if (digest_parse(val, len, &c, &why) == 0 &&
		    strcmp(c.realm, engine_global()->auth_realm) == 0)
			sip_edit_delete(m, h);
	}
}

/*
 * The request as it arrived, keyed: its retransmission has the same
 * fingerprint, another request with the same credentials does not.
 */
static uint64_t
request_fp(const struct sip_msg *m)
{
	SIPHASH_CTX	 ctx;
	uint8_t		 d = 'R';

	SipHash24_Init(&ctx, &nonce_key);
	SipHash24_Update(&ctx, &d, 1);
	SipHash24_Update(&ctx, m->buf, m->len);
	return (SipHash24_End(&ctx));
}

/*
 * Take the nonce count of right credentials: 1 when it was never taken
 * (or the request is the exact retransmission of the one that took it),
 * 0 for a replay.
 */
static int
nonce_take(const struct digest_cred *c, uint64_t counter, uint32_t issued,
    const struct sockaddr_storage *src, uint64_t fp)
{
	struct sockaddr_storage	 host;
	struct nonce_use	*e, *n;
	uint64_t		 floor = nonce_floor;
	time_t			 now = time(NULL);

	host_of(src, &host);
	TAILQ_FOREACH(e, &nonce_uses, entry)
		if (e->counter == counter)
			break;
	if (e == NULL) {
		TAILQ_FOREACH(n, &nonce_uses, entry)
			if (sa_cmp(&n->src, &host) == 0 && n->floor > floor)
				floor = n->floor;
		/* Its entry may have gone: it cannot be told from a replay. */
		if (counter <= floor)
			return (0);
		e = nonce_new(counter, issued, &host);
	} else if (sa_cmp(&e->src, &host) != 0)
		return (0);	/* the MAC binds it to one address */
	TAILQ_REMOVE(&nonce_uses, e, entry);
	TAILQ_INSERT_TAIL(&nonce_uses, e, entry);
	if (c->nc == e->last_nc && fp == e->last_fp &&
	    now - e->last_time <= RETRANSMIT_WINDOW)
		return (1);
	if (!digest_nc_take(&e->win, c->nc))
		return (0);
	e->last_nc = c->nc;
	e->last_fp = fp;
	e->last_time = now;
	return (1);
}

/*
 * An entry for a nonce used for the first time. A source at its limit
 * loses its least recently used one, whose counter becomes the floor
 * of the new; a full table loses its least recently used one, whose
 * counter (and floor) raise the floor of all.
 */
static struct nonce_use *
nonce_new(uint64_t counter, uint32_t issued,
    const struct sockaddr_storage *host)
{
	struct nonce_use	*e, *oldest = NULL;
	uint64_t		 floor = 0;
	unsigned int		 n = 0;

	TAILQ_FOREACH(e, &nonce_uses, entry)
		if (sa_cmp(&e->src, host) == 0) {
			if (oldest == NULL)
				oldest = e;
			n++;
		}
	if (n >= NONCE_USES_PER_SOURCE) {
		floor = oldest->counter > oldest->floor ? oldest->counter :
		    oldest->floor;
		TAILQ_REMOVE(&nonce_uses, oldest, entry);
		nnonce_uses--;
		free(oldest);
	} else if (nnonce_uses >= NONCE_USES_MAX)
		nonce_free(TAILQ_FIRST(&nonce_uses));
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal(NULL);
	e->counter = counter;
	e->issued = issued;
	e->src = *host;
	e->floor = floor;
	TAILQ_INSERT_TAIL(&nonce_uses, e, entry);
	nnonce_uses++;
	return (e);
}

/* An entry goes: what it covered is covered by the floor of all. */
static void
nonce_free(struct nonce_use *e)
{
	if (e->counter > nonce_floor)
		nonce_floor = e->counter;
	if (e->floor > nonce_floor)
		nonce_floor = e->floor;
	TAILQ_REMOVE(&nonce_uses, e, entry);
	nnonce_uses--;
	free(e);
}

/*
 * A failed authentication: logged (a line a second at most, with how
 * many went unlogged), counted in total and for the user when it is
 * one, and told to ban.c, which bans a source after `limit auth
 * failures`.
 */
static void
failed(const struct sockaddr_storage *src, struct auth_user *u,
    const char *name, const char *why)
{
	static time_t		 last;
	static unsigned long	 quiet;
	char			 vname[4 * USER_NAME_LEN + 1];
	time_t			 now = time(NULL);

	auth_st.failed++;
	if (u != NULL) {
		u->st.failed++;
		u->st.last_failure = now;
	}
	ban_auth_failure(src);

	if (now == last) {
		quiet++;
		return;
	}
	last = now;
	strnvis(vname, name, sizeof(vname), VIS_CSTYLE | VIS_OCTAL);
	if (quiet > 0)
		log_warnx("%s: authentication of %s failed: %s (and %lu "
		    "failures not logged)", addr_str((const struct sockaddr *)
		    src, 1), vname, why, quiet);
	else
		log_warnx("%s: authentication of %s failed: %s",
		    addr_str((const struct sockaddr *)src, 1), vname, why);
	quiet = 0;
}

/* Once a second: entries of nonces that expired go, they are refused. */
void
auth_tick(time_t now)
{
	struct nonce_use	*e, *next;
	time_t			 m = mono();
	uint32_t		 life;

	if (!auth_enabled())
		return;
	life = engine_global()->auth_nonce_lifetime;
	TAILQ_FOREACH_SAFE(e, &nonce_uses, entry, next)
		if (m - (time_t)e->issued > (time_t)life) {
			/* Its floor may cover nonces still valid. */
			if (e->floor > nonce_floor)
				nonce_floor = e->floor;
			TAILQ_REMOVE(&nonce_uses, e, entry);
			nnonce_uses--;
			free(e);
		}
}

void
auth_show(uint32_t peer)
{
	size_t	 i;

	for (i = 0; i < nusers; i++)
		control_compose(peer, IMSG_CTL_SHOW_USERS, &users[i].st,
		    sizeof(users[i].st));
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}

void
auth_stats(struct ctl_auth_stats *st)
{
	*st = auth_st;
}

/* auth_st counts the local registrar's REGISTERs too. */
void
auth_local_register(void)
{
	auth_st.local_registers++;
}
