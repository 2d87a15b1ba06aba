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
 * The SIP engine's resolver: RFC 3263 without NAPTR (SRV _sip._udp,
 * _sip._tcp or _sips._tcp.<host> as the transport is, when no port is
 * given, then A and/or AAAA of the chosen target) on c-ares,
 * driven by the global libevent base through c-ares' socket state
 * callback and one timer. Nothing here blocks.
 *
 * Results live in a fixed table of DNS_CACHE_SIZE entries, pending ones
 * included, so the number of lookups in flight is bounded too. A c-ares
 * callback names its entry by index and generation: an answer for an
 * entry that was given up (deadline) or reused in the meantime is dropped,
 * and no callback ever points at freed memory.
 */

#define LOG_CLASS	LOG_C_DNS	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <ares.h>
#include <event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "log.h"
#include "dns.h"

#define DNS_TIMEOUT_MS	1500	/* first try; c-ares doubles it per round */
#define DNS_TRIES	2
#define DNS_MAXSOCK	16	/* sockets c-ares holds at once */
#define DNS_MAXADDR	8	/* addresses parsed from one answer */
#define DNS_SRV_MAXPREFIX sizeof("_sips._tcp.")
#define DNS_IDX_BITS	8
#define DNS_IDX_MASK	((1U << DNS_IDX_BITS) - 1)
#define DNS_GEN_MASK	(UINTPTR_MAX >> DNS_IDX_BITS)

#if DNS_CACHE_SIZE > (1 << DNS_IDX_BITS)
#error "DNS_CACHE_SIZE does not fit the callback argument"
#endif

enum dns_state {
	DNS_S_FREE,
	DNS_S_PENDING,
	DNS_S_OK,
	DNS_S_FAIL
};

enum dns_stage {
	DNS_STAGE_SRV,
	DNS_STAGE_A,
	DNS_STAGE_AAAA
};

struct dns_entry {
	TAILQ_ENTRY(dns_entry)	 entry;		/* oldest first */
	enum dns_state		 state;
	enum dns_stage		 stage;
	uintptr_t		 gen;		/* names the running query */
	int			 family;	/* as asked */
	int			 transport;	/* as asked */
	uint16_t		 port;		/* as asked; 0: try SRV */
	uint16_t		 tport;		/* port of the result */
	uint32_t		 ttl;		/* least TTL seen, seconds */
	int64_t			 deadline;	/* ms, while pending */
	int64_t			 expires;	/* ms, when done */
	const char		*error;		/* static text, when failed */
	struct sockaddr_storage	 ss;
	char			 host[DNS_MAXNAME + 1];
	char			 target[DNS_MAXNAME + 1];
};

struct dns_sock {
	int			 fd;		/* -1: slot free */
	struct event		 ev;
};

TAILQ_HEAD(dns_list, dns_entry);

static int		 dns_name_norm(const char *, char *, size_t);
static int		 dns_literal(const char *, uint16_t, int,
			    struct sockaddr_storage *, int *);
static uint16_t		 dns_port(int);
static void		 dns_set_last(const char *, const char *);
static int64_t		 dns_now(void);
static struct dns_entry	*dns_find(const char *, uint16_t, int, int);
static struct dns_entry	*dns_alloc(void);
static void		 dns_start(struct dns_entry *, int64_t);
static void		 dns_addr_start(struct dns_entry *);
static void		 dns_query(struct dns_entry *, const char *, int);
static struct dns_entry	*dns_cb_entry(void *, int);
static void		 dns_srv_cb(void *, int, int, unsigned char *, int);
static void		 dns_addr_cb(void *, int, int, unsigned char *, int);
static const char	*dns_status(int);
static int		 dns_skip_name(const unsigned char *, int, int);
static uint32_t		 dns_srv_ttl(const unsigned char *, int);
static void		 dns_finish(struct dns_entry *, const char *);
static void		 dns_expire(void);
static void		 dns_rearm(void);
static void		 dns_sock_state(void *, ares_socket_t, int, int);
static void		 dns_sock_cb(int, short, void *);
static void		 dns_timer_cb(int, short, void *);
static void		 dns_done_cb(int, short, void *);

static struct dns_entry	 dns_cache[DNS_CACHE_SIZE];
static struct dns_list	 dns_used = TAILQ_HEAD_INITIALIZER(dns_used);
static struct dns_list	 dns_free = TAILQ_HEAD_INITIALIZER(dns_free);
static struct dns_sock	 dns_socks[DNS_MAXSOCK];
static ares_channel	 dns_channel;
static int		 dns_ready;
static void		(*dns_done)(void);
static struct event	 dns_ev_timer;
static struct event	 dns_ev_done;
static char		 dns_last_host[DNS_MAXNAME + 1];
static const char	*dns_last_error;

int
dns_init(void (*done)(void))
{
	static char		 lookups[] = "b";
	struct ares_options	 opts;
	size_t			 i;
	int			 optmask, r;
#ifdef SIPPROXD_REGRESS
	const char		*servers;
#endif

	if (dns_ready) {
		log_warnx("dns: resolver already running");
		return (-1);
	}
	TAILQ_INIT(&dns_used);
	TAILQ_INIT(&dns_free);
	for (i = 0; i < nitems(dns_cache); i++) {
		memset(&dns_cache[i], 0, sizeof(dns_cache[i]));
		TAILQ_INSERT_TAIL(&dns_free, &dns_cache[i], entry);
	}
	for (i = 0; i < nitems(dns_socks); i++)
		dns_socks[i].fd = -1;
	dns_last_host[0] = '\0';
	dns_last_error = NULL;

	if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		log_warnx("dns: %s", ares_strerror(r));
		return (-1);
	}
	/*
	 * DNS only: /etc/hosts is out of reach after chroot. c-ares reads
	 * /etc/resolv.conf now; values set here take precedence over it.
	 */
	memset(&opts, 0, sizeof(opts));
	opts.timeout = DNS_TIMEOUT_MS;
	opts.tries = DNS_TRIES;
	opts.lookups = lookups;
	opts.sock_state_cb = dns_sock_state;
	opts.sock_state_cb_data = NULL;
	optmask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
	    ARES_OPT_SOCK_STATE_CB;
	if ((r = ares_init_options(&dns_channel, &opts, optmask)) !=
	    ARES_SUCCESS) {
		log_warnx("dns: resolver init: %s", ares_strerror(r));
		ares_library_cleanup();
		return (-1);
	}
#ifdef SIPPROXD_REGRESS
	/* Test seam: regress builds may name the only server to ask. */
	if ((servers = getenv("SIPPROXD_DNS_SERVER")) != NULL &&
	    *servers != '\0') {
		if ((r = ares_set_servers_ports_csv(dns_channel, servers)) !=
		    ARES_SUCCESS) {
			log_warnx("dns: SIPPROXD_DNS_SERVER: %s",
			    ares_strerror(r));
			ares_destroy(dns_channel);
			ares_library_cleanup();
			return (-1);
		}
		log_debug("dns: regress: asking only %s", servers);
	}
#endif
	evtimer_set(&dns_ev_timer, dns_timer_cb, NULL);
	evtimer_set(&dns_ev_done, dns_done_cb, NULL);
	dns_done = done;
	dns_ready = 1;
	return (0);
}

void
dns_shutdown(void)
{
	size_t	 i;

	if (!dns_ready)
		return;
	/* Callbacks run by ares_destroy() see dns_ready 0 and do nothing. */
	dns_ready = 0;
	ares_destroy(dns_channel);
	for (i = 0; i < nitems(dns_socks); i++) {
		if (dns_socks[i].fd != -1) {
			event_del(&dns_socks[i].ev);
			dns_socks[i].fd = -1;
		}
	}
	evtimer_del(&dns_ev_timer);
	evtimer_del(&dns_ev_done);
	ares_library_cleanup();
	dns_done = NULL;
	TAILQ_INIT(&dns_used);
	TAILQ_INIT(&dns_free);
}

/* sip: over UDP, where no transport is asked for (RFC 3263 4.1). */
int
dns_lookup(const char *host, uint16_t port, int family,
    struct sockaddr_storage *ss)
{
	return (dns_lookup_tr(host, port, family, SIP_TR_UDP, ss));
}

int
dns_lookup_tr(const char *host, uint16_t port, int family, int transport,
    struct sockaddr_storage *ss)
{
	char			 name[DNS_MAXNAME + 1];
	struct dns_entry	*e;
	int64_t			 now;
	int			 rv;

	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return (DNS_FAIL);
	if (transport != SIP_TR_UDP && transport != SIP_TR_TCP &&
	    transport != SIP_TR_TLS)
		return (DNS_FAIL);
	if (dns_literal(host, port != 0 ? port : dns_port(transport), family,
	    ss, &rv))
		return (rv);
	if (dns_name_norm(host, name, sizeof(name)) == -1)
		return (DNS_FAIL);
	if (!dns_ready) {
		dns_set_last(name, "resolver not running");
		return (DNS_FAIL);
	}

	now = dns_now();
	if ((e = dns_find(name, port, family, transport)) != NULL) {
		switch (e->state) {
		case DNS_S_PENDING:
			return (DNS_PENDING);
		case DNS_S_OK:
			if (now < e->expires) {
				memcpy(ss, &e->ss, sizeof(*ss));
				return (DNS_OK);
			}
			break;
		case DNS_S_FAIL:
			if (now < e->expires)
				return (DNS_FAIL);
			break;
		case DNS_S_FREE:
			fatalx("%s: free entry in use", __func__);
		}
		/* Expired: ask again in the same slot, now the youngest. */
		TAILQ_REMOVE(&dns_used, e, entry);
		TAILQ_INSERT_TAIL(&dns_used, e, entry);
	} else if ((e = dns_alloc()) != NULL) {
		strlcpy(e->host, name, sizeof(e->host));
		e->port = port;
		e->family = family;
		e->transport = transport;
	} else {
		log_debug("dns: %s: %d lookups running, none more",
		    name, DNS_CACHE_SIZE);
		dns_set_last(name, "too many lookups running");
		return (DNS_FAIL);
	}

	dns_start(e, now);
	dns_rearm();

	/* c-ares may have failed (or answered) within ares_query(). */
	switch (e->state) {
	case DNS_S_OK:
		memcpy(ss, &e->ss, sizeof(*ss));
		return (DNS_OK);
	case DNS_S_FAIL:
		return (DNS_FAIL);
	default:
		return (DNS_PENDING);
	}
}

const char *
dns_error(const char *host)
{
	struct sockaddr_storage	 ss;
	struct dns_entry	*e;
	char			 name[DNS_MAXNAME + 1];
	int			 rv;

	if (host == NULL)
		return (NULL);
	if (dns_literal(host, 0, AF_UNSPEC, &ss, &rv)) {
		if (rv != DNS_OK)
			return ("invalid address literal");
		if (dns_last_error != NULL && strcmp(dns_last_host, host) == 0)
			return (dns_last_error);
		return (NULL);
	}
	if (dns_name_norm(host, name, sizeof(name)) == -1)
		return ("invalid host name");
	TAILQ_FOREACH_REVERSE(e, &dns_used, dns_list, entry) {
		if (e->state == DNS_S_FAIL && strcmp(e->host, name) == 0)
			return (e->error);
	}
	if (dns_last_error != NULL && strcmp(dns_last_host, name) == 0)
		return (dns_last_error);
	return (NULL);
}

/*
 * Host names as RFC 1123 has them: letters, digits and hyphens (not at
 * either end of a label), labels of 1 to 63, 253 in all, one final dot
 * allowed, a last label not all digits (that is a bad address, not a
 * name). Copied to name in lower case without the final dot.
 */
static int
dns_name_norm(const char *host, char *name, size_t len)
{
	size_t	 n, i, label = 0;
	int	 digits = 1;
	char	 c;

	if (host == NULL)
		return (-1);
	n = strnlen(host, DNS_MAXNAME + 2);
	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_MAXNAME || n >= len)
		return (-1);
	for (i = 0; i < n; i++) {
		c = host[i];
		if (c == '.') {
			if (label == 0 || host[i - 1] == '-')
				return (-1);
			label = 0;
			digits = 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			if (c == '-' && label == 0)
				return (-1);
			if (++label > DNS_MAXLABEL)
				return (-1);
			if (c < '0' || c > '9')
				digits = 0;
			if (c >= 'A' && c <= 'Z')
				c = c - 'A' + 'a';
		} else
			return (-1);
		name[i] = c;
	}
	if (label == 0 || host[n - 1] == '-' || digits)
		return (-1);
	name[n] = '\0';
	return (0);
}

/*
 * An IPv4 or IPv6 address (the latter with or without brackets): returns
 * 1 with *rv set, else 0 (a name, or not even that).
 */
static int
dns_literal(const char *host, uint16_t port, int family,
    struct sockaddr_storage *ss, int *rv)
{
	char			 buf[INET6_ADDRSTRLEN + 2];
	struct sockaddr_storage	 lit;
	size_t			 n;

	if (host == NULL)
		return (0);
	if (port == 0)
		port = DNS_SIP_PORT;
	if ((n = strnlen(host, sizeof(buf))) >= sizeof(buf))
		return (0);
	*rv = DNS_FAIL;
	if (host[0] == '[') {
		/* Brackets belong to an IPv6 reference (RFC 3261 25.1). */
		if (n < 3 || host[n - 1] != ']')
			return (1);
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		if (sa_from_host(AF_INET6, buf, port, &lit) == -1)
			return (1);
	} else if (sa_from_host(AF_UNSPEC, host, port, &lit) == -1)
		return (0);

	if (family != AF_UNSPEC && family != lit.ss_family) {
		dns_set_last(host, "address family mismatch");
		return (1);
	}
	*ss = lit;
	*rv = DNS_OK;
	return (1);
}

/* The default port of a transport (RFC 3261 19.1.2). */
static uint16_t
dns_port(int transport)
{
	return (transport == SIP_TR_TLS ? DNS_SIPS_PORT : DNS_SIP_PORT);
}

/* The last failure that has no cache entry, for dns_error(). */
static void
dns_set_last(const char *host, const char *error)
{
	if (strlcpy(dns_last_host, host, sizeof(dns_last_host)) >=
	    sizeof(dns_last_host)) {
		dns_last_host[0] = '\0';
		dns_last_error = NULL;
		return;
	}
	dns_last_error = error;
}

static int64_t
dns_now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static struct dns_entry *
dns_find(const char *name, uint16_t port, int family, int transport)
{
	struct dns_entry	*e;

	TAILQ_FOREACH(e, &dns_used, entry) {
		if (e->port == port && e->family == family &&
		    e->transport == transport && strcmp(e->host, name) == 0)
			return (e);
	}
	return (NULL);
}

/* A free slot, else the oldest that is not pending; never a pending one. */
static struct dns_entry *
dns_alloc(void)
{
	struct dns_entry	*e;

	if ((e = TAILQ_FIRST(&dns_free)) != NULL)
		TAILQ_REMOVE(&dns_free, e, entry);
	else {
		TAILQ_FOREACH(e, &dns_used, entry) {
			if (e->state != DNS_S_PENDING)
				break;
		}
		if (e == NULL)
			return (NULL);
		TAILQ_REMOVE(&dns_used, e, entry);
	}
	e->state = DNS_S_FREE;
	e->error = NULL;
	e->host[0] = e->target[0] = '\0';
	TAILQ_INSERT_TAIL(&dns_used, e, entry);
	return (e);
}

static void
dns_start(struct dns_entry *e, int64_t now)
{
	static const char *const prefix[] = {
		[SIP_TR_UDP] = "_sip._udp.",
		[SIP_TR_TCP] = "_sip._tcp.",
		[SIP_TR_TLS] = "_sips._tcp."
	};
	char	 qname[DNS_SRV_MAXPREFIX + DNS_MAXNAME];
	int	 n;

	e->gen = (e->gen + 1) & DNS_GEN_MASK;
	e->state = DNS_S_PENDING;
	e->error = NULL;
	e->ttl = DNS_TTL_MAX;
	e->deadline = now + DNS_DEADLINE * 1000;
	memset(&e->ss, 0, sizeof(e->ss));

	if (e->port == 0) {
		n = snprintf(qname, sizeof(qname), "%s%s",
		    prefix[e->transport], e->host);
		/* A name too long for the prefix cannot have an SRV. */
		if (n > 0 && n <= DNS_MAXNAME) {
			log_debug("dns: %s: SRV %s", e->host, qname);
			e->stage = DNS_STAGE_SRV;
			dns_query(e, qname, T_SRV);
			return;
		}
		e->tport = dns_port(e->transport);
	} else
		e->tport = e->port;
	strlcpy(e->target, e->host, sizeof(e->target));
	dns_addr_start(e);
}

static void
dns_addr_start(struct dns_entry *e)
{
	if (e->family == AF_INET6) {
		e->stage = DNS_STAGE_AAAA;
		dns_query(e, e->target, T_AAAA);
	} else {
		e->stage = DNS_STAGE_A;
		dns_query(e, e->target, T_A);
	}
}

static void
dns_query(struct dns_entry *e, const char *qname, int type)
{
	void	*arg;

	/* Index and generation, so a stale answer finds nothing. */
	arg = (void *)((e->gen << DNS_IDX_BITS) | (uintptr_t)(e - dns_cache));
	ares_query(dns_channel, qname, C_IN, type,
	    type == T_SRV ? dns_srv_cb : dns_addr_cb, arg);
}

static struct dns_entry *
dns_cb_entry(void *arg, int status)
{
	struct dns_entry	*e;
	uintptr_t		 v = (uintptr_t)arg;

	if (!dns_ready || status == ARES_EDESTRUCTION)
		return (NULL);
	e = &dns_cache[v & DNS_IDX_MASK];
	if (e->state != DNS_S_PENDING || e->gen != (v >> DNS_IDX_BITS))
		return (NULL);
	return (e);
}

static void
dns_srv_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_entry	*e;
	struct ares_srv_reply	*srv = NULL, *s, *best = NULL;
	char			 name[DNS_MAXNAME + 1];
	uint32_t		 ttl;

	if ((e = dns_cb_entry(arg, status)) == NULL)
		return;
	if (status == ARES_SUCCESS &&
	    (status = ares_parse_srv_reply(abuf, alen, &srv)) == ARES_SUCCESS) {
		/* Lowest priority, then highest weight (RFC 2782). */
		for (s = srv; s != NULL; s = s->next) {
			if (s->port == 0 ||
			    dns_name_norm(s->host, name, sizeof(name)) == -1)
				continue;
			if (best == NULL || s->priority < best->priority ||
			    (s->priority == best->priority &&
			    s->weight > best->weight))
				best = s;
		}
		if (best == NULL) {
			ares_free_data(srv);
			dns_finish(e, "no usable SRV target");
			return;
		}
		dns_name_norm(best->host, e->target, sizeof(e->target));
		e->tport = best->port;
		ares_free_data(srv);
		if ((ttl = dns_srv_ttl(abuf, alen)) < e->ttl)
			e->ttl = ttl;
		log_debug("dns: %s: SRV target %s port %u", e->host,
		    e->target, e->tport);
		dns_addr_start(e);
		return;
	}
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		/* No SRV: the host itself, default port (RFC 3263 4.2). */
		e->tport = dns_port(e->transport);
		strlcpy(e->target, e->host, sizeof(e->target));
		dns_addr_start(e);
		return;
	}
	dns_finish(e, dns_status(status));
}

static void
dns_addr_cb(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct ares_addrttl	 a4[DNS_MAXADDR];
	struct ares_addr6ttl	 a6[DNS_MAXADDR];
	struct dns_entry	*e;
	int			 n = DNS_MAXADDR, ttl;

	if ((e = dns_cb_entry(arg, status)) == NULL)
		return;
	if (status == ARES_SUCCESS) {
		if (e->stage == DNS_STAGE_A)
			status = ares_parse_a_reply(abuf, alen, NULL, a4, &n);
		else
			status = ares_parse_aaaa_reply(abuf, alen, NULL, a6,
			    &n);
		if (status == ARES_SUCCESS && n <= 0)
			status = ARES_ENODATA;
	}
	if (status == ARES_ENODATA && e->stage == DNS_STAGE_A &&
	    e->family == AF_UNSPEC) {
		e->stage = DNS_STAGE_AAAA;
		dns_query(e, e->target, T_AAAA);
		return;
	}
	if (status != ARES_SUCCESS) {
		dns_finish(e, dns_status(status));
		return;
	}

	/* The first address: no randomness, the server ordered them. */
	if (e->stage == DNS_STAGE_A) {
		sa_from_addr(AF_INET, &a4[0].ipaddr, e->tport, &e->ss);
		ttl = a4[0].ttl;
	} else {
		sa_from_addr(AF_INET6, &a6[0].ip6addr, e->tport, &e->ss);
		ttl = a6[0].ttl;
	}
	if (ttl < 0)
		ttl = 0;
	if ((uint32_t)ttl < e->ttl)
		e->ttl = ttl;
	dns_finish(e, NULL);
}

static const char *
dns_status(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return ("host not found");
	case ARES_ENODATA:
		return ("no address of the wanted family");
	case ARES_ETIMEOUT:
		return ("timed out");
	default:
		return (ares_strerror(status));
	}
}

/* Offset after the (possibly compressed) name at off, or -1. */
static int
dns_skip_name(const unsigned char *buf, int len, int off)
{
	while (off >= 0 && off < len) {
		if (buf[off] == 0)
			return (off + 1);
		if ((buf[off] & 0xc0) == 0xc0)
			return (off + 2 <= len ? off + 2 : -1);
		if (buf[off] & 0xc0)
			return (-1);
		off += 1 + buf[off];
	}
	return (-1);
}

/* ares_parse_srv_reply() drops the TTL: the least one of the SRV RRs. */
static uint32_t
dns_srv_ttl(const unsigned char *buf, int len)
{
	uint32_t	 ttl, min = DNS_TTL_MAX;
	int		 off = 12, qd, an, type, rdlen;

	if (len < 12)
		return (min);
	qd = buf[4] << 8 | buf[5];
	an = buf[6] << 8 | buf[7];
	while (qd-- > 0) {
		if ((off = dns_skip_name(buf, len, off)) == -1 ||
		    (off += 4) > len)
			return (min);
	}
	while (an-- > 0) {
		if ((off = dns_skip_name(buf, len, off)) == -1 ||
		    off + 10 > len)
			return (min);
		type = buf[off] << 8 | buf[off + 1];
		ttl = (uint32_t)buf[off + 4] << 24 | buf[off + 5] << 16 |
		    buf[off + 6] << 8 | buf[off + 7];
		rdlen = buf[off + 8] << 8 | buf[off + 9];
		off += 10 + rdlen;
		if (off > len)
			return (min);
		/* RFC 2181 8: a TTL with the top bit set means zero. */
		if (ttl & 0x80000000U)
			ttl = 0;
		if (type == T_SRV && ttl < min)
			min = ttl;
	}
	return (min);
}

static void
dns_finish(struct dns_entry *e, const char *error)
{
	struct timeval	 tv = { 0, 0 };
	char		 addr[INET6_ADDRSTRLEN];
	uint32_t	 secs;

	if (error == NULL) {
		e->state = DNS_S_OK;
		secs = e->ttl;
		if (secs < DNS_TTL_MIN)
			secs = DNS_TTL_MIN;
		if (secs > DNS_TTL_MAX)
			secs = DNS_TTL_MAX;
		strlcpy(addr, addr_str((struct sockaddr *)&e->ss, 0),
		    sizeof(addr));
		log_debug("dns: %s port %u: %s port %u, %u s", e->host,
		    e->port, addr, e->tport, secs);
	} else {
		e->state = DNS_S_FAIL;
		e->error = error;
		secs = DNS_TTL_NEG;
		log_debug("dns: %s port %u: %s", e->host, e->port, error);
	}
	e->expires = dns_now() + (int64_t)secs * 1000;

	/* Never from within dns_lookup(): the caller has not parked yet. */
	if (!evtimer_pending(&dns_ev_done, NULL))
		evtimer_add(&dns_ev_done, &tv);
}

/* Give up lookups past their deadline; c-ares' own answer is dropped. */
static void
dns_expire(void)
{
	struct dns_entry	*e;
	int64_t			 now = dns_now();

	TAILQ_FOREACH(e, &dns_used, entry) {
		if (e->state == DNS_S_PENDING && now >= e->deadline)
			dns_finish(e, "timed out");
	}
}

/* The timer: c-ares' next timeout or the nearest deadline, if any. */
static void
dns_rearm(void)
{
	struct dns_entry	*e;
	struct timeval		 maxtv, tv, *tvp;
	int64_t			 next = -1, d;

	TAILQ_FOREACH(e, &dns_used, entry) {
		if (e->state == DNS_S_PENDING &&
		    (next == -1 || e->deadline < next))
			next = e->deadline;
	}
	if (next != -1) {
		if ((d = next - dns_now()) < 0)
			d = 0;
		maxtv.tv_sec = d / 1000;
		maxtv.tv_usec = (d % 1000) * 1000;
		tvp = ares_timeout(dns_channel, &maxtv, &tv);
	} else
		tvp = ares_timeout(dns_channel, NULL, &tv);
	if (tvp == NULL) {
		evtimer_del(&dns_ev_timer);
		return;
	}
	/* c-ares counts in ms: do not spin on a rounded-down zero. */
	if (tvp->tv_sec == 0 && tvp->tv_usec < 1000)
		tvp->tv_usec = 1000;
	evtimer_add(&dns_ev_timer, tvp);
}

/* c-ares opens, closes or changes interest in one of its sockets. */
static void
dns_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_sock	*ds = NULL;
	size_t		 i;

	for (i = 0; i < nitems(dns_socks); i++) {
		if (dns_socks[i].fd == fd) {
			ds = &dns_socks[i];
			break;
		}
		if (ds == NULL && dns_socks[i].fd == -1)
			ds = &dns_socks[i];
	}
	if (ds != NULL && ds->fd == fd)
		event_del(&ds->ev);
	if (!readable && !writable) {
		if (ds != NULL && ds->fd == fd)
			ds->fd = -1;
		return;
	}
	if (ds == NULL) {
		/* Not watched: its queries end by c-ares' timeout. */
		log_warnx("dns: more than %d resolver sockets", DNS_MAXSOCK);
		return;
	}
	ds->fd = fd;
	event_set(&ds->ev, fd, EV_PERSIST | (readable ? EV_READ : 0) |
	    (writable ? EV_WRITE : 0), dns_sock_cb, NULL);
	event_add(&ds->ev, NULL);
}

static void
dns_sock_cb(int fd, short event, void *arg)
{
	ares_process_fd(dns_channel,
	    (event & EV_READ) ? fd : ARES_SOCKET_BAD,
	    (event & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	dns_rearm();
}

static void
dns_timer_cb(int fd, short event, void *arg)
{
	ares_process_fd(dns_channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_expire();
	dns_rearm();
}

static void
dns_done_cb(int fd, short event, void *arg)
{
	if (dns_done != NULL)
		dns_done();
}
