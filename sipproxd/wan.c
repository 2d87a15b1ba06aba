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
 * The parent follows the address of an outside named by interface
 * (PPPoE, DHCP, LTE). The kernel says that an address came or went
 * (netlink on Linux, the routing socket on the BSDs); we look at the
 * interface again, and when the address the outside stands for moved,
 * open the outside listeners on the new one, retire the old ones (kept
 * for the dialogs made on them while their address lives) and tell the
 * engine and the relay. The kernel's messages only wake us: what counts
 * is what getifaddrs(3) says afterwards.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#else
#include <net/if.h>
#include <net/route.h>
#endif

#include <errno.h>
#include <event.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "log.h"

#define WAN_READS	64	/* messages read per wake-up, at most */
#define WAN_BUFLEN	8192

static int	 wan_route_open(void);
static void	 wan_route_read(int, short, void *);
static int	 wan_route_relevant(const uint8_t *, size_t);
static void	 wan_check(void);
static void	 wan_listener_send(struct listener *, uint32_t);

static struct sipproxd_config	*wconf;
static struct imsgev		*wan_engine, *wan_relay;
static struct event		 ev_route;
static int			 route_fd = -1;
static int			 wan_noaddr;	/* said once per outage */

/*
 * At start-up, before the sandbox: the routing socket when the outside
 * is an interface. A reload to an interface opens it then (the "route"
 * promise allows it on Linux; on OpenBSD, pledge would not: restart).
 */
void
wan_init(struct imsgev *engine, struct imsgev *relay)
{
	wan_engine = engine;
	wan_relay = relay;
}

/* A configuration is in force (start-up or reload). */
void
wan_reconf(struct sipproxd_config *conf)
{
	wconf = conf;
	if (!conf->g.outside_iface) {
		if (route_fd != -1) {
			event_del(&ev_route);
			close(route_fd);
			route_fd = -1;
		}
		return;
	}
	if (route_fd == -1) {
		if ((route_fd = wan_route_open()) == -1) {
			log_warn("outside %s: routing socket, the address "
			    "will not be followed", conf->g.outside_name);
			return;
		}
		event_set(&ev_route, route_fd, EV_READ | EV_PERSIST,
		    wan_route_read, NULL);
		event_add(&ev_route, NULL);
	}
	/* It may have moved between the parse and now. */
	wan_check();
}

#ifdef __linux__
static int
wan_route_open(void)
{
	struct sockaddr_nl	 snl;
	int			 fd;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_ROUTE)) == -1)
		return (-1);
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	snl.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Whether a datagram from the kernel tells of an address or a link. */
static int
wan_route_relevant(const uint8_t *buf, size_t len)
{
	const struct nlmsghdr	*nh;
	size_t			 off, n;

	for (off = 0; len - off >= sizeof(*nh); off += n) {
		nh = (const struct nlmsghdr *)(buf + off);
		if (nh->nlmsg_len < sizeof(*nh) ||
		    nh->nlmsg_len > len - off)
			return (0);
		switch (nh->nlmsg_type) {
		case RTM_NEWADDR:
		case RTM_DELADDR:
		case RTM_NEWLINK:
		case RTM_DELLINK:
			return (1);
		}
		n = NLMSG_ALIGN(nh->nlmsg_len);
		if (n > len - off)
			break;
	}
	return (0);
}
#else
static int
wan_route_open(void)
{
	int	 fd;
#ifdef ROUTE_MSGFILTER
	unsigned int	 filter = ROUTE_FILTER(RTM_NEWADDR) |
	    ROUTE_FILTER(RTM_DELADDR) | ROUTE_FILTER(RTM_IFINFO);
#endif

	if ((fd = socket(AF_ROUTE, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    AF_UNSPEC)) == -1)
		return (-1);
#ifdef ROUTE_MSGFILTER
	/* Best effort: the check below does the same. */
	setsockopt(fd, AF_ROUTE, ROUTE_MSGFILTER, &filter, sizeof(filter));
#endif
	return (fd);
}

/* Whether a routing message tells of an address or an interface. */
static int
wan_route_relevant(const uint8_t *buf, size_t len)
{
	struct rt_msghdr	 rtm;

	if (len < offsetof(struct rt_msghdr, rtm_type) + sizeof(rtm.rtm_type))
		return (0);
	memset(&rtm, 0, sizeof(rtm));
	memcpy(&rtm, buf, len < sizeof(rtm) ? len : sizeof(rtm));
	if (rtm.rtm_version != RTM_VERSION)
		return (0);
	switch (rtm.rtm_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
	case RTM_IFINFO:
		return (1);
	}
	return (0);
}
#endif

/*
 * Drain the socket (bounded), then look once. A lost message (ENOBUFS
 * on overflow) only means we look anyway.
 */
static void
wan_route_read(int fd, short event, void *arg)
{
	static uint8_t		 buf[WAN_BUFLEN];
	ssize_t			 n;
	int			 i, look = 0;
#ifdef __linux__
	struct sockaddr_nl	 from;
	socklen_t		 fromlen;
#endif

	for (i = 0; i < WAN_READS; i++) {
#ifdef __linux__
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fromlen);
		/* The kernel's alone: a process could send us anything. */
		if (n > 0 && (fromlen < sizeof(from) ||
		    from.nl_family != AF_NETLINK || from.nl_pid != 0))
			continue;
#else
		n = read(fd, buf, sizeof(buf));
#endif
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno == ENOBUFS) {
				look = 1;
				continue;
			}
			log_warn("outside %s: routing socket",
			    wconf->g.outside_name);
			break;
		}
		if (n == 0)
			break;
		if (wan_route_relevant(buf, n))
			look = 1;
	}
	if (look)
		wan_check();
}

/* One outside listener's fate, to the engine; a new one's fd goes too. */
static void
wan_listener_send(struct listener *l, uint32_t op)
{
	struct wan_listener	 wl;

	memset(&wl, 0, sizeof(wl));
	wl.cl.ss = l->ss;
	strlcpy(wl.cl.name, l->name, sizeof(wl.cl.name));
	wl.cl.proto = l->proto;
	wl.cl.transport = l->transport;
	wl.cl.outside = 1;
	wl.op = op;
	imsgev_compose(wan_engine, IMSG_WAN_LISTENER, 0,
	    op == WAN_L_NEW ? l->fd : -1, &wl, sizeof(wl));
	if (op == WAN_L_NEW)
		l->fd = -1;	/* imsg closes our copy once sent */
}

/*
 * Look at the interface: when the outside's address moved, move the
 * outside listeners (all or none) and tell the children. Retired
 * listeners whose address went are closed.
 */
static void
wan_check(void)
{
	struct listeners	 fresh;
	struct listener		*l, *nl, *next, *old;
	struct sockaddr_storage	 now, was;
	struct wan_address	 wa;
	char			 wasstr[ADDRSTR_LEN];
	int			 has;

	if (wconf == NULL || !wconf->g.outside_iface)
		return;

	/* Retired listeners live as long as their address. */
	for (l = TAILQ_FIRST(&wconf->listeners); l != NULL; l = next) {
		next = TAILQ_NEXT(l, entry);
		if (!l->retired ||
		    iface_has_addr(wconf->g.outside_name, &l->ss) != 0)
			continue;
		log_debug("outside %s: %s is gone, closing its listener",
		    wconf->g.outside_name,
		    addr_str((struct sockaddr *)&l->ss, 1));
		wan_listener_send(l, WAN_L_CLOSE);
		TAILQ_REMOVE(&wconf->listeners, l, entry);
		free(l);
	}

	if (iface_addr(wconf->g.outside_name, &now) == -1) {
		if (!wan_noaddr++)
			log_warnx("outside %s: no address, keeping %s until "
			    "it has one", wconf->g.outside_name,
			    addr_str((struct sockaddr *)
			    &wconf->g.outside_addr, 0));
		return;
	}
	wan_noaddr = 0;
	if (sa_cmp_host(&now, &wconf->g.outside_addr) == 0)
		return;
	was = wconf->g.outside_addr;
	/* addr_str() has one buffer: the old one's text aside. */
	strlcpy(wasstr, addr_str((struct sockaddr *)&was, 0), sizeof(wasstr));

	/*
	 * The new listeners first, aside: a port the new address cannot
	 * have leaves everything as it was, to be tried at the next
	 * message.
	 */
	TAILQ_INIT(&fresh);
	TAILQ_FOREACH(l, &wconf->listeners, entry) {
		if (!l->outside || l->retired)
			continue;
		if ((nl = calloc(1, sizeof(*nl))) == NULL)
			fatal(NULL);
		*nl = *l;
		nl->ss = now;
		sa_set_port(&nl->ss, sa_port(&l->ss));
		nl->fd = -1;
		TAILQ_FOREACH(old, &wconf->listeners, entry)
			if (old->retired && old->proto == nl->proto &&
			    sa_cmp(&old->ss, &nl->ss) == 0)
				break;
		if (old == NULL && listener_open(nl) == -1) {
			free(nl);
			goto fail;
		}
		TAILQ_INSERT_TAIL(&fresh, nl, entry);
	}

	/*
	 * The engine gets the new ones (and the old ones current again)
	 * first: at no moment has it no outside listener to send from.
	 */
	TAILQ_FOREACH(nl, &fresh, entry)
		if (nl->fd != -1)
			wan_listener_send(nl, WAN_L_NEW);
	for (l = TAILQ_FIRST(&wconf->listeners); l != NULL; l = next) {
		next = TAILQ_NEXT(l, entry);
		if (!l->outside || !l->retired)
			continue;
		TAILQ_FOREACH(nl, &fresh, entry)
			if (nl->proto == l->proto &&
			    sa_cmp(&nl->ss, &l->ss) == 0)
				break;
		if (nl != NULL) {
			/* The fresh entry takes its place. */
			wan_listener_send(l, WAN_L_CURRENT);
			TAILQ_REMOVE(&wconf->listeners, l, entry);
			free(l);
		}
	}

	/* The old ones retire, or go with their address. */
	for (l = TAILQ_FIRST(&wconf->listeners); l != NULL; l = next) {
		next = TAILQ_NEXT(l, entry);
		if (!l->outside || l->retired)
			continue;
		has = iface_has_addr(wconf->g.outside_name, &l->ss);
		wan_listener_send(l, has == 1 ? WAN_L_RETIRE : WAN_L_CLOSE);
		if (has == 1)
			l->retired = 1;
		else {
			TAILQ_REMOVE(&wconf->listeners, l, entry);
			free(l);
		}
	}
	while ((nl = TAILQ_FIRST(&fresh)) != NULL) {
		TAILQ_REMOVE(&fresh, nl, entry);
		TAILQ_INSERT_TAIL(&wconf->listeners, nl, entry);
	}

	wconf->g.outside_addr = now;
	memset(&wa, 0, sizeof(wa));
	wa.addr = now;
	wa.changed = time(NULL);
	wa.source = WAN_SRC_IFACE;
	imsgev_compose(wan_engine, IMSG_WAN_ADDRESS, 0, -1, &wa, sizeof(wa));
	imsgev_compose(wan_relay, IMSG_WAN_ADDRESS, 0, -1, &wa, sizeof(wa));
	log_info("outside %s: address changed from %s to %s",
	    wconf->g.outside_name, wasstr,
	    addr_str((struct sockaddr *)&now, 0));
	return;

 fail:
	while ((nl = TAILQ_FIRST(&fresh)) != NULL) {
		TAILQ_REMOVE(&fresh, nl, entry);
		if (nl->fd != -1)
			close(nl->fd);
		free(nl);
	}
	log_warnx("outside %s: cannot listen on %s yet, keeping %s",
	    wconf->g.outside_name, addr_str((struct sockaddr *)&now, 0),
	    wasstr);
}
