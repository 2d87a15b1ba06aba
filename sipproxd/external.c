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
 * The engine's external address: the one peers on the outside see when
 * the firewall is behind another NAT. Given as an address it is what the
 * configuration says; given as a host name (dynamic DNS) it is resolved
 * with the engine's resolver and looked up again once the answer's TTL
 * ran out (dns.c keeps it DNS_TTL_MIN to DNS_TTL_MAX seconds), so that a
 * new address is used for what is sent from then on. Until the first
 * answer, and while the name does not resolve, the outside address (or
 * the last answer) stands.
 *
 * Or it is asked of a STUN server (RFC 8489): a Binding request sent
 * from the outside SIP socket, so that the answer is the mapping the
 * NAT in front of us made for SIP, every EXT_STUN_REFRESH seconds (every
 * EXT_STUN_RETRY while there is no good answer). An answer counts only
 * from the server's address and port, for the transaction id we chose
 * at random; anything else is dropped and counted.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "dns.h"
#include "stun.h"

#define EXT_STUN_REFRESH	60	/* seconds between two requests */
#define EXT_STUN_RETRY		5	/* ... without a good answer */

enum ext_mode {
	EXT_STATIC,			/* an address, or none */
	EXT_DNS,			/* a host name */
	EXT_STUN			/* a STUN server's answer */
};

static enum ext_mode		 ext_mode;
static char			 ext_host[sizeof(((struct conf_global *)0)->
				    external_name)];
static uint16_t			 ext_port;	/* the STUN server's */
static struct sockaddr_storage	 ext_addr;	/* AF_UNSPEC: none yet */
static struct sockaddr_storage	 ext_prev;	/* the one before it */
static time_t			 ext_changed;	/* 0: never */
static int			 ext_failing;	/* said once per outage */
static struct sockaddr_storage	 ext_refused;	/* said once per address */

/* The STUN transaction in flight. */
static uint8_t			 stun_txid[STUN_TXIDLEN];
static struct sockaddr_storage	 stun_to;	/* AF_UNSPEC: none */
static time_t			 stun_next;	/* when to ask again */

static int	 ext_usable(const struct sockaddr_storage *);
static void	 ext_set(struct sockaddr_storage *, time_t);
static void	 ext_fail(const char *);
static void	 ext_stun_send(time_t);

/*
 * A configuration is in force: a numeric address is taken as it is; a
 * name or a STUN server asked before keeps its address until the next
 * answer.
 */
void
external_reconf(const struct conf_global *g)
{
	enum ext_mode	 mode = EXT_STATIC;
	const char	*host = "";

	if (g->external_name[0] != '\0') {
		mode = EXT_DNS;
		host = g->external_name;
	} else if (g->stun_server[0] != '\0') {
		mode = EXT_STUN;
		host = g->stun_server;
	}
	if (mode == EXT_STATIC) {
		ext_mode = mode;
		ext_host[0] = '\0';
		ext_addr = g->external_addr;
		memset(&ext_prev, 0, sizeof(ext_prev));
		return;
	}
	if (mode != ext_mode || strcmp(ext_host, host) != 0 ||
	    ext_port != g->stun_port) {
		ext_mode = mode;
		strlcpy(ext_host, host, sizeof(ext_host));
		ext_port = g->stun_port;
		memset(&ext_addr, 0, sizeof(ext_addr));
		memset(&ext_prev, 0, sizeof(ext_prev));
		memset(&stun_to, 0, sizeof(stun_to));
		ext_failing = 0;
		stun_next = 0;
	}
	external_tick(time(NULL));
}

/* The address to name us by on the outside; NULL: the outside's own. */
const struct sockaddr_storage *
external_current(void)
{
	return (ext_addr.ss_family == AF_UNSPEC ? NULL : &ext_addr);
}

/*
 * The external address before the last change: still ours for the
 * dialogs made under it (a BYE routed to it), NULL: none.
 */
const struct sockaddr_storage *
external_previous(void)
{
	return (ext_prev.ss_family == AF_UNSPEC ? NULL : &ext_prev);
}

/* When the external address last changed, 0: never. */
time_t
external_changed(void)
{
	return (ext_changed);
}

/*
 * Each second: the name's address, from the resolver's cache while its
 * TTL runs, else asked again (the answer comes at a later tick); or the
 * next STUN request when it is due.
 */
void
external_tick(time_t now)
{
	struct sockaddr_storage	 ss;

	switch (ext_mode) {
	case EXT_STATIC:
		return;
	case EXT_STUN:
		if (now >= stun_next)
			ext_stun_send(now);
		return;
	case EXT_DNS:
		break;
	}
	switch (dns_lookup(ext_host, SIP_PORT,
	    engine_global()->outside_addr.ss_family, &ss)) {
	case DNS_PENDING:
		return;
	case DNS_FAIL:
		ext_fail(dns_error(ext_host));
		return;
	}
	ext_set(&ss, now);
}

/* Ask the STUN server, from the outside SIP socket of its family. */
static void
ext_stun_send(time_t now)
{
	struct engine_listener	*el;
	struct sockaddr_storage	 to;
	uint8_t			 buf[STUN_HDRLEN];
	size_t			 n;

	switch (dns_lookup(ext_host, ext_port,
	    engine_global()->outside_addr.ss_family, &to)) {
	case DNS_PENDING:
		return;
	case DNS_FAIL:
		ext_fail(dns_error(ext_host));
		stun_next = now + EXT_STUN_RETRY;
		return;
	}
	stun_next = now + EXT_STUN_RETRY;
	if ((el = engine_listener_side(LEG_OUTSIDE, to.ss_family)) == NULL) {
		ext_fail("no outside UDP socket of its family");
		return;
	}
	/* A new transaction each time: an old answer matches nothing. */
	arc4random_buf(stun_txid, sizeof(stun_txid));
	n = stun_request(buf, sizeof(buf), stun_txid);
	stun_to = to;
	sip_stats.stun_requests++;
	if (sendto(el->fd, buf, n, 0, (struct sockaddr *)&to,
	    sa_len(&to)) == -1)
		log_warn("external address stun %s: sendto %s", ext_host,
		    addr_str((struct sockaddr *)&to, 1));
}

/*
 * A STUN datagram on an outside SIP socket: the answer to our request
 * from the server's address and port, else counted and dropped.
 */
void
external_stun_input(const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from)
{
	struct sockaddr_storage	 ss;
	const char		*why;

	if (ext_mode != EXT_STUN || stun_to.ss_family == AF_UNSPEC ||
	    sa_cmp(from, &stun_to) != 0 || len < STUN_HDRLEN ||
	    memcmp(buf + 8, stun_txid, STUN_TXIDLEN) != 0) {
		sip_stats.stun_unexpected++;
		log_debug("stun: unexpected answer from %s, dropped",
		    addr_str((const struct sockaddr *)from, 1));
		return;
	}
	if ((why = stun_response(buf, len, stun_txid, &ss)) != NULL) {
		sip_stats.stun_malformed++;
		log_debug("stun: answer from %s refused: %s",
		    addr_str((const struct sockaddr *)from, 1), why);
		return;
	}
	/* Answered: no second answer to this transaction counts. */
	memset(&stun_to, 0, sizeof(stun_to));
	sip_stats.stun_answers++;
	stun_next = time(NULL) + EXT_STUN_REFRESH;
	ext_set(&ss, time(NULL));
}

/* An answer's address: taken if it is one we could be. */
static void
ext_set(struct sockaddr_storage *ss, time_t now)
{
	char	 was[ADDRSTR_LEN];

	sa_set_port(ss, 0);
	/* The name's server may lie: nothing we could never be. */
	if (!ext_usable(ss)) {
		if (sa_cmp_host(ss, &ext_refused) != 0)
			log_warnx("external address %s: %s refused, not a "
			    "unicast address", ext_host,
			    addr_str((struct sockaddr *)ss, 0));
		ext_refused = *ss;
		return;
	}
	ext_failing = 0;
	if (ext_addr.ss_family != AF_UNSPEC && sa_cmp_host(ss, &ext_addr) == 0)
		return;
	if (ext_addr.ss_family == AF_UNSPEC) {
		log_info("external address %s is %s", ext_host,
		    addr_str((struct sockaddr *)ss, 0));
	} else {
		/* addr_str() has one buffer: the old one's text aside. */
		strlcpy(was, addr_str((struct sockaddr *)&ext_addr, 0),
		    sizeof(was));
		log_info("external address %s: changed from %s to %s",
		    ext_host, was, addr_str((struct sockaddr *)ss, 0));
		ext_changed = now;
		ext_prev = ext_addr;
	}
	ext_addr = *ss;
}

/* No answer: the last address (or the outside's) stays; said once. */
static void
ext_fail(const char *why)
{
	if (ext_failing++)
		return;
	log_warnx("external address %s: %s, keeping %s", ext_host, why,
	    ext_addr.ss_family == AF_UNSPEC ? "the outside address" :
	    addr_str((struct sockaddr *)&ext_addr, 0));
}

/* Unicast: not unspecified, multicast or broadcast (IPv4-mapped too). */
static int
ext_usable(const struct sockaddr_storage *ss)
{
	const struct in6_addr	*a6;
	uint32_t		 a4;

	if (sa_v4(ss, &a4))
		return (a4 != INADDR_ANY && !IN_MULTICAST(a4) &&
		    a4 != INADDR_BROADCAST);
	if ((a6 = sa_in6(ss)) != NULL)
		return (!IN6_IS_ADDR_UNSPECIFIED(a6) &&
		    !IN6_IS_ADDR_MULTICAST(a6));
	return (0);
}
