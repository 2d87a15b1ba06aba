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
 * Per-source defences, fail2ban inside the daemon: each request passes
 * the scanner check, the access rules and its source's token bucket
 * (`limit requests per second`); a source over its rate, sending a
 * scanner's User-Agent or failing authentication too often is banned
 * for `ban time`, and everything it sends is dropped unread until then
 * or until `sipctl unban`.
 *
 * A source is an IPv4 address or an IPv6 /64, the least a host is
 * given of either, as for `limit calls per source`. Both tables are
 * bounded: SRC_MAX sources tracked (the least recently seen one that
 * is not banned makes room: it only loses its bucket), BAN_MAX of them
 * banned (the oldest ban ends early for a new one, counted). So no
 * flood of sources grows memory, and the worst one can do is shorten
 * the bans of others.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "acl.h"
#include "log.h"
#include "sip_msg.h"

#define SRC_MAX		8192	/* sources with a bucket or a ban */
#define AUTH_WINDOW	600	/* seconds failures are counted over */

struct src {
	RB_ENTRY(src)		 node;
	TAILQ_ENTRY(src)	 entry;		/* in lru, or in bans */
	struct acl_net		 key;
	struct ban_bucket	 bucket;
	uint32_t		 auth_failures;
	time_t			 auth_first;
	time_t			 banned_at;
	time_t			 banned_until;	/* 0: not banned */
	const char		*reason;
	uint64_t		 dropped;
};

RB_HEAD(src_tree, src);
RB_PROTOTYPE(src_tree, src, node, src_cmp);

static int		 src_cmp(struct src *, struct src *);
static struct src	*src_find(const struct acl_net *);
static struct src	*src_get(const struct acl_net *);
static int		 src_key(const struct sockaddr_storage *,
			    struct acl_net *);
static void		 ban_enter(struct src *, const char *, time_t);
static void		 ban_end(struct src *);
static void		 ban_log(const struct acl_net *, const char *, ...)
			    __attribute__((__format__ (printf, 2, 3)));
static uint64_t		 now_ms(void);

static struct src_tree		 srcs = RB_INITIALIZER(&srcs);
static TAILQ_HEAD(, src)	 lru = TAILQ_HEAD_INITIALIZER(lru);
static TAILQ_HEAD(, src)	 bans = TAILQ_HEAD_INITIALIZER(bans);
static unsigned int		 nsrcs, nbans;

RB_GENERATE(src_tree, src, node, src_cmp);

static int
src_cmp(struct src *a, struct src *b)
{
	if (a->key.family != b->key.family)
		return (a->key.family < b->key.family ? -1 : 1);
	return (memcmp(a->key.addr, b->key.addr, sizeof(a->key.addr)));
}

/* The source of an address: itself (IPv4), its /64 (IPv6). */
static int
src_key(const struct sockaddr_storage *ss, struct acl_net *key)
{
	return (acl_net_of(ss, 64, key));
}

static struct src *
src_find(const struct acl_net *key)
{
	struct src	 k;

	k.key = *key;
	return (RB_FIND(src_tree, &srcs, &k));
}

/* The entry of a source, made when new; it becomes the most recent. */
static struct src *
src_get(const struct acl_net *key)
{
	struct src	*s;

	if ((s = src_find(key)) != NULL) {
		if (s->banned_until == 0) {
			TAILQ_REMOVE(&lru, s, entry);
			TAILQ_INSERT_TAIL(&lru, s, entry);
		}
		return (s);
	}
	/* BAN_MAX < SRC_MAX: there is always one that is not banned. */
	if (nsrcs >= SRC_MAX && (s = TAILQ_FIRST(&lru)) != NULL) {
		TAILQ_REMOVE(&lru, s, entry);
		RB_REMOVE(src_tree, &srcs, s);
		nsrcs--;
		free(s);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->key = *key;
	RB_INSERT(src_tree, &srcs, s);
	TAILQ_INSERT_TAIL(&lru, s, entry);
	nsrcs++;
	return (s);
}

/*
 * A token bucket of burst requests, refilled at rate a second, kept in
 * thousandths of a request so that a rate of 1 refills smoothly. Takes
 * one request's worth: 1 when there was one, else 0.
 */
int
ban_bucket_take(struct ban_bucket *b, uint64_t ms, uint32_t rate,
    uint32_t burst)
{
	uint64_t	 cap = (uint64_t)burst * 1000, elapsed;

	if (!b->init) {
		b->tokens = cap;
		b->last = ms;
		b->init = 1;
	} else if (ms > b->last) {
		/* Long enough to fill any bucket: no overflow either. */
		elapsed = ms - b->last;
		if (elapsed >= (uint64_t)LIMIT_BURST_MAX * 1000)
			b->tokens = cap;
		else if ((b->tokens += elapsed * rate) > cap)
			b->tokens = cap;
		b->last = ms;
	}
	if (b->tokens < 1000)
		return (0);
	b->tokens -= 1000;
	return (1);
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Before a message is even parsed: is its source banned? Then it is
 * dropped and counted, on the ban too.
 */
int
ban_source(const struct sockaddr_storage *ss)
{
	struct acl_net	 key;
	struct src	*s;

	if (nbans == 0 || src_key(ss, &key) == -1 ||
	    (s = src_find(&key)) == NULL || s->banned_until == 0)
		return (0);
	if (s->banned_until <= time(NULL)) {
		ban_end(s);
		return (0);
	}
	s->dropped++;
	sip_stats.banned++;
	return (1);
}

/* The first scanner pattern one of the request's User-Agents holds. */
static const char *
scanner_of(const struct sip_msg *m)
{
	const char	*pat;
	int		 i;

	for (i = sip_msg_hdr_find(m, SIP_HDR_USER_AGENT, 0); i >= 0;
	    i = sip_msg_hdr_find(m, SIP_HDR_USER_AGENT, i + 1))
		if ((pat = acl_scanner(sip_msg_hdr_value(m, i, NULL))) !=
		    NULL)
			return (pat);
	return (NULL);
}

/*
 * A request, parsed, from src: BAN_PASS, BAN_DROP (no answer) or
 * BAN_FORBID (403, `block return`). Scanners first: they are dropped
 * and banned whatever the rules say; then the access rules; then the
 * rate, which only the requests the rules let in use up.
 */
int
ban_request(const struct sockaddr_storage *ss, const struct sip_msg *m)
{
	const struct conf_global *g = engine_global();
	struct acl_net	 key;
	struct src	*s;
	const char	*pat;

	if (src_key(ss, &key) == -1)
		return (BAN_DROP);
	if (g->block_scanners && (pat = scanner_of(m)) != NULL) {
		sip_stats.scanners++;
		ban_log(&key, "dropped: User-Agent of a scanner (%s)", pat);
		if (g->ban_time > 0 && (s = src_get(&key)) != NULL)
			ban_enter(s, "scanner", time(NULL));
		return (BAN_DROP);
	}
	if (!acl_check(ss, m->method == SIP_REGISTER)) {
		sip_stats.acl_denied++;
		ban_log(&key, "%s denied by the access rules",
		    m->method == SIP_REGISTER ? "REGISTER" : "request");
		return (g->block_return ? BAN_FORBID : BAN_DROP);
	}
	if (g->limit_requests == 0 || (s = src_get(&key)) == NULL)
		return (BAN_PASS);
	if (ban_bucket_take(&s->bucket, now_ms(), g->limit_requests,
	    g->limit_burst))
		return (BAN_PASS);
	sip_stats.rate_limited++;
	if (g->ban_time > 0)
		ban_enter(s, "rate", time(NULL));
	else
		ban_log(&key, "dropped: over %u requests a second",
		    g->limit_requests);
	return (BAN_DROP);
}

/*
 * An authentication from ss failed (the authentication code calls
 * this for each wrong or missing credential after a challenge): after
 * `limit auth failures` of them within AUTH_WINDOW seconds, the source
 * is banned for `ban time`.
 */
void
ban_auth_failure(const struct sockaddr_storage *ss)
{
	const struct conf_global *g = engine_global();
	struct acl_net	 key;
	struct src	*s;
	time_t		 now = time(NULL);

	if (g->limit_auth == 0 || src_key(ss, &key) == -1 ||
	    (s = src_get(&key)) == NULL || s->banned_until != 0)
		return;
	if (s->auth_failures == 0 || now - s->auth_first >= AUTH_WINDOW) {
		s->auth_first = now;
		s->auth_failures = 0;
	}
	if (++s->auth_failures >= g->limit_auth)
		ban_enter(s, "auth", now);
}

static void
ban_enter(struct src *s, const char *reason, time_t now)
{
	const struct conf_global *g = engine_global();
	struct src	*old;

	if (g->ban_time == 0 || s->banned_until != 0)
		return;
	if (nbans >= BAN_MAX && (old = TAILQ_FIRST(&bans)) != NULL) {
		sip_stats.ban_evictions++;
		ban_log(&old->key, "ban ended early: %d sources banned",
		    BAN_MAX);
		ban_end(old);
	}
	TAILQ_REMOVE(&lru, s, entry);
	TAILQ_INSERT_TAIL(&bans, s, entry);
	nbans++;
	s->reason = reason;
	s->banned_at = now;
	s->banned_until = now + g->ban_time;
	s->dropped = 0;
	sip_stats.bans++;
	ban_log(&s->key, "banned for %u s: %s", g->ban_time, reason);
}

/* The ban is over; the source starts again with a full bucket. */
static void
ban_end(struct src *s)
{
	TAILQ_REMOVE(&bans, s, entry);
	TAILQ_INSERT_TAIL(&lru, s, entry);
	nbans--;
	s->banned_until = 0;
	s->auth_failures = 0;
	memset(&s->bucket, 0, sizeof(s->bucket));
}

/* Once a second: the bans that ran out end. */
void
ban_tick(time_t now)
{
	struct src	*s, *next;

	TAILQ_FOREACH_SAFE(s, &bans, entry, next)
		if (s->banned_until <= now)
			ban_end(s);
}

/* `sipctl show bans`: oldest first. */
void
ban_show(uint32_t peer)
{
	struct ctl_ban	 cb;
	struct src	*s;
	time_t		 now = time(NULL);

	TAILQ_FOREACH(s, &bans, entry) {
		if (s->banned_until <= now)
			continue;
		memset(&cb, 0, sizeof(cb));
		strlcpy(cb.source, acl_net_str(&s->key), sizeof(cb.source));
		strlcpy(cb.reason, s->reason, sizeof(cb.reason));
		cb.since = s->banned_at;
		cb.remaining = s->banned_until - now;
		cb.dropped = s->dropped;
		if (control_compose(peer, IMSG_CTL_SHOW_BANS, &cb,
		    sizeof(cb)) == -1)
			return;
	}
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}

/*
 * `sipctl unban ADDRESS`: the ban of its source (an IPv6 address
 * names its /64) ends now.
 */
void
ban_lift(uint32_t peer, struct imsg *imsg)
{
	struct ctl_unban cu;
	struct acl_net	 key;
	struct src	*s;
	char		 msg[CTL_MSG_LEN];

	if (imsg_get_data(imsg, &cu, sizeof(cu)) == -1 ||
	    imsg_check_payload(IMSG_CTL_UNBAN, &cu, sizeof(cu)) != NULL ||
	    acl_net_parse(cu.source, -1, &key) == -1) {
		control_result(peer, 1, "unban: not an address");
		return;
	}
	if (key.family == AF_INET6 && key.plen > 64) {
		key.plen = 64;
		acl_net_mask(&key);
	}
	if ((s = src_find(&key)) == NULL || s->banned_until == 0 ||
	    (key.family == AF_INET6 ? key.plen != 64 : key.plen != 32)) {
		snprintf(msg, sizeof(msg), "%s: not banned", cu.source);
		control_result(peer, 1, msg);
		return;
	}
	ban_end(s);
	snprintf(msg, sizeof(msg), "unbanned %s", acl_net_str(&key));
	log_info("%s", msg);
	control_result(peer, 0, msg);
}

/*
 * What a flood repeats is logged once a second at most, with how many
 * lines went unlogged before it.
 */
static void
ban_log(const struct acl_net *key, const char *fmt, ...)
{
	static time_t		 last;
	static unsigned long	 quiet;
	time_t			 now = time(NULL);
	va_list			 ap;
	char			 buf[256];

	if (now == last) {
		quiet++;
		return;
	}
	last = now;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (quiet > 0)
		log_warnx("%s: %s (and %lu lines not logged)",
		    acl_net_str(key), buf, quiet);
	else
		log_warnx("%s: %s", acl_net_str(key), buf);
	quiet = 0;
}
