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
 * The SIP engine: receives its sockets and configuration from the parent,
 * serves the control socket, and owns everything SIP.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "engine.h"
#include "acl.h"
#include "log.h"
#include "dns.h"
#include "media.h"
#include "rewrite.h"
#include "sandbox.h"
#include "mac.h"
#include "stun.h"

#define ENGINE_PROMISES	"stdio inet dns unix recvfd"
#define SIP_RECVBUF	65536

TAILQ_HEAD(engine_listeners, engine_listener);

struct engine_conf {
	struct conf_global		 g;
	struct engine_listeners		 listeners;
};

static void	engine_sig(int, short, void *);
static void	engine_tick(int, short, void *);
static void	engine_dispatch_parent(struct imsgev *, struct imsg *);
static void	engine_dispatch_relay(struct imsgev *, struct imsg *);
static void	engine_reconf_listener(struct imsg *);
static void	engine_listener_start(struct engine_listener *);
static void	engine_listener_dscp(struct engine_listener *);
static void	engine_listener_close(struct engine_listener *);
static void	engine_wan_listener(struct imsg *);
static void	engine_wan_address(struct imsg *);
static void	engine_reconf_done(void);
static void	engine_conf_free(struct engine_conf *);
static void	engine_sip_read(int, short, void *);
static void	engine_sip_accept(int, short, void *);
static void	engine_rtp_reply(struct imsg *);
static int	prefix_common(const struct sockaddr_storage *,
	    const struct sockaddr_storage *);
static int	is_ours(const struct sockaddr_storage *,
	    int (*)(const struct sockaddr_storage *,
	    const struct sockaddr_storage *));
__dead static void engine_shutdown(void);

static struct imsgev		 iev_parent;
static struct imsgev		 iev_relay;
static struct engine_conf	*econf, *nconf;
struct ctl_sip_stats		 sip_stats;
static struct event		 ev_tick;
static time_t			 started;
static uint32_t			 reloads;
static int			 configured;
static SIPHASH_KEY		 tag_key;	/* engine_listener_tag() */
static int			 tag_key_set;
static time_t			 outside_changed;	/* 0: never */

void
engine_main(int debug, int verbose)
{
	struct timeval	 tv = { 1, 0 };

	log_init(debug, LOG_DAEMON);
	log_setcmdline(verbose ? LOG_C_ALL : 0);
	log_procinit("sip engine");
	setproctitle("sip engine");
	started = time(NULL);

	event_init();
	tlsctx_init();
	/* The resolver reads resolv.conf now: the chroot has none. */
	if (dns_init(proxy_wakeup) == -1)
		fatalx("resolver initialisation failed");
	proxy_init();
	auth_init();
	/* SDP naming a subnet broadcast is refused: list them while we can. */
	if (media_nets_init() == -1)
		log_warnx("interfaces: not all subnets seen");
	proc_drop_privs(SIPPROXD_USER, SIPPROXD_CHROOT);
	sandbox_enter(ENGINE_PROMISES);
#ifdef SIPPROXD_REGRESS
	regress_sandbox_trigger("engine");
#endif

	proc_signals(engine_sig, 0);

	imsgev_peer(&iev_parent, 3, "parent", engine_dispatch_parent,
	    imsgev_parent_gone, NULL);
	imsgbuf_allow_fdpass(&iev_parent.ibuf);
	iev_relay.ibuf.fd = -1;

	evtimer_set(&ev_tick, engine_tick, NULL);
	evtimer_add(&ev_tick, &tv);

	event_dispatch();
	engine_shutdown();
}

static void
engine_sig(int sig, short event, void *arg)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		engine_shutdown();
	default:
		/* SIGHUP is the parent's business. */
		break;
	}
}

/* Save what changed on the way out; the parent writes it. */
__dead static void
engine_shutdown(void)
{
	bindings_tick(time(NULL), 1);
	if (iev_parent.ibuf.fd != -1)
		imsgbuf_flush(&iev_parent.ibuf);
	control_close();
	exit(0);
}

static void
engine_tick(int fd, short event, void *arg)
{
	struct timeval	 tv = { 1, 0 };
	time_t		 now = time(NULL);

	bindings_tick(now, 0);
	call_tick(now);
	proxy_tick(now);
	conn_tick(now);
	control_tick(now);
	auth_tick(now);
	ban_tick(now);
	calllog_tick(now);
	external_tick(now);
	evtimer_add(&ev_tick, &tv);
}

void
engine_to_relay(uint32_t type, uint32_t peer, const void *data, size_t len)
{
	if (iev_relay.ibuf.fd == -1) {
		control_result(peer, 1, "rtp relay not connected");
		return;
	}
	imsgev_compose(&iev_relay, type, peer, -1, data, len);
}

void
engine_to_parent(uint32_t type, uint32_t peer, const void *data, size_t len)
{
	imsgev_compose(&iev_parent, type, peer, -1, data, len);
}

/* Messages queued to the parent, not yet written. */
unsigned int
engine_parent_queued(void)
{
	return (imsgbuf_queuelen(&iev_parent.ibuf));
}

void
engine_summary(struct ctl_summary *cs)
{
	struct engine_listener	*el;
	const struct sockaddr_storage *ext;

	strlcpy(cs->version, SIPPROXD_VERSION, sizeof(cs->version));
	cs->started = started;
	cs->parent_pid = getppid();
	cs->engine_pid = getpid();
	cs->registrations = bindings_count();
	cs->calls = call_count();
	cs->verbose = log_getverbose();
	strlcpy(cs->log_classes, log_classes_str(cs->verbose),
	    sizeof(cs->log_classes));
	cs->reloads = reloads;
	if (econf == NULL)
		return;
	strlcpy(cs->conffile, econf->g.conffile, sizeof(cs->conffile));
	strlcpy(cs->outside, addr_str((struct sockaddr *)
	    &econf->g.outside_addr, 0), sizeof(cs->outside));
	if ((ext = external_current()) != NULL)
		strlcpy(cs->external, addr_str((const struct sockaddr *)ext,
		    0), sizeof(cs->external));
	cs->external_changed = external_changed();
	cs->reg_expires = econf->g.reg_expires;
	cs->rtp_relay = econf->g.rtp_relay;
	cs->outside_changed = outside_changed;
	TAILQ_FOREACH(el, &econf->listeners, entry)
		cs->listeners++;
}

/* The listeners of the running configuration, for `sipctl show`. */
void
engine_show_listeners(uint32_t peer)
{
	struct ctl_listener	 cl;
	struct engine_listener	*el;

	if (econf == NULL)
		return;
	TAILQ_FOREACH(el, &econf->listeners, entry) {
		memset(&cl, 0, sizeof(cl));
		strlcpy(cl.addr, addr_str((struct sockaddr *)&el->cl.ss, 1),
		    sizeof(cl.addr));
		strlcpy(cl.name, el->cl.name, sizeof(cl.name));
		cl.proto = el->cl.proto;
		cl.transport = el->cl.transport;
		control_compose(peer, IMSG_CTL_SHOW_LISTENER, &cl, sizeof(cl));
	}
}

void
engine_stats(struct ctl_stats *st)
{
	st->sip = sip_stats;
	st->sip.monitor_clients = control_monitors();
	auth_stats(&st->auth);
}

const struct conf_global *
engine_global(void)
{
	return (&econf->g);
}

/*
 * The socket for a side: the outside one, or the first UDP listener
 * inside of the family (AF_UNSPEC: any).
 */
struct engine_listener *
engine_listener_side(int side, int family)
{
	struct engine_listener	*el;

	if (econf == NULL)
		return (NULL);
	TAILQ_FOREACH(el, &econf->listeners, entry) {
		if (el->cl.proto != IPPROTO_UDP || el->retired ||
		    el->cl.outside != (side == LEG_OUTSIDE))
			continue;
		if (family == AF_UNSPEC || el->cl.ss.ss_family == family)
			return (el);
	}
	return (NULL);
}

/*
 * The socket that names us to a peer over transport tr on a side: the
 * side's listener of that transport, else its UDP one (a connection of
 * ours to a provider needs no listener of its own).
 */
struct engine_listener *
engine_listener_tr(int side, int family, int tr)
{
	struct engine_listener	*el;

	if (econf == NULL)
		return (NULL);
	if (tr != SIP_TR_UDP)
		TAILQ_FOREACH(el, &econf->listeners, entry)
			if (el->cl.transport == tr && !el->retired &&
			    el->cl.outside == (side == LEG_OUTSIDE) &&
			    (family == AF_UNSPEC ||
			    el->cl.ss.ss_family == family))
				return (el);
	return (engine_listener_side(side, family));
}

/*
 * The socket that names us to peer over transport tr on a side. Inside,
 * where there are several listeners (several LANs), the one at the
 * address local (the listener the phone's SIP came in on; AF_UNSPEC:
 * not known) wins, else the one whose address has the longest prefix
 * in common with the peer's: the phone's own network's. Of the
 * listeners at that address the one of transport tr, else the UDP one.
 */
struct engine_listener *
engine_listener_at(int side, int tr, const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer)
{
	struct engine_listener	*el, *best = NULL;
	int			 score, bscore = -1;

	if (econf == NULL || side != LEG_INSIDE)
		return (engine_listener_tr(side, peer->ss_family, tr));
	TAILQ_FOREACH(el, &econf->listeners, entry) {
		if (el->cl.outside || (el->cl.transport != tr &&
		    el->cl.proto != IPPROTO_UDP) ||
		    (peer->ss_family != AF_UNSPEC &&
		    el->cl.ss.ss_family != peer->ss_family))
			continue;
		if (local->ss_family != AF_UNSPEC &&
		    sa_cmp_host(&el->cl.ss, local) == 0)
			score = 256;
		else
			score = prefix_common(&el->cl.ss, peer);
		score = score * 2 + (el->cl.transport == tr);
		if (score > bscore) {
			best = el;
			bscore = score;
		}
	}
	return (best != NULL ? best : engine_listener_tr(side,
	    peer->ss_family, tr));
}

/* How many leading bits two addresses of a family have in common. */
static int
prefix_common(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const uint8_t	*pa, *pb;
	size_t		 len, i;
	int		 n = 0;
	uint8_t		 x;

	if (a->ss_family != b->ss_family)
		return (0);
	if (a->ss_family == AF_INET) {
		pa = (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
		pb = (const uint8_t *)&((const struct sockaddr_in *)b)->sin_addr;
		len = 4;
	} else if (a->ss_family == AF_INET6) {
		pa = (const uint8_t *)
		    &((const struct sockaddr_in6 *)a)->sin6_addr;
		pb = (const uint8_t *)
		    &((const struct sockaddr_in6 *)b)->sin6_addr;
		len = 16;
	} else
		return (0);
	for (i = 0; i < len && pa[i] == pb[i]; i++)
		n += 8;
	if (i < len)
		for (x = pa[i] ^ pb[i]; (x & 0x80) == 0; x <<= 1)
			n++;
	return (n);
}

/*
 * A short name of a listener for our Via branches: its address and
 * port under a key of its own, so that a response finds the listener
 * its request came in on again, across reloads too.
 */
uint16_t
engine_listener_tag(const struct engine_listener *el)
{
	const char	*f[1];

	if (!tag_key_set) {
		arc4random_buf(&tag_key, sizeof(tag_key));
		tag_key_set = 1;
	}
	f[0] = addr_str((const struct sockaddr *)&el->cl.ss, 1);
	return (mac_fields(&tag_key, 'E', f, 1) & 0xffff);
}

/* The address of the inside listener of a tag in *local, else -1. */
int
engine_listener_by_tag(uint16_t tag, struct sockaddr_storage *local)
{
	struct engine_listener	*el;

	if (econf == NULL)
		return (-1);
	TAILQ_FOREACH(el, &econf->listeners, entry)
		if (!el->cl.outside && engine_listener_tag(el) == tag) {
			*local = el->cl.ss;
			return (0);
		}
	return (-1);
}

struct engine_listener *
engine_listener_find(const struct sockaddr_storage *ss, int proto)
{
	struct engine_listener	*el;

	if (econf == NULL)
		return (NULL);
	TAILQ_FOREACH(el, &econf->listeners, entry)
		if (el->cl.proto == proto && sa_cmp(&el->cl.ss, ss) == 0)
			return (el);
	return (NULL);
}

/*
 * The address that goes into SIP for a socket: its own, or on the
 * outside the `external address` with the socket's port.
 */
void
engine_advertised(const struct engine_listener *el,
    struct sockaddr_storage *ss)
{
	const struct sockaddr_storage	*ext;

	*ss = el->cl.ss;
	if (!el->cl.outside || (ext = external_current()) == NULL)
		return;
	*ss = *ext;
	sa_set_port(ss, sa_port(&el->cl.ss));
}

/*
 * Where the relay binds a leg: the side's address, port 0; inside, the
 * address of the listener at (the phone's) when that is known.
 */
void
engine_local(int side, const struct sockaddr_storage *at,
    struct sockaddr_storage *ss)
{
	struct engine_listener	*el;

	memset(ss, 0, sizeof(*ss));
	if (side == LEG_INSIDE && at->ss_family != AF_UNSPEC) {
		*ss = *at;
		sa_set_port(ss, 0);
		return;
	}
	if ((el = engine_listener_side(side, AF_UNSPEC)) == NULL)
		return;
	*ss = el->cl.ss;
	sa_set_port(ss, 0);
}

/*
 * One of our SIP addresses (the external one included), port and all,
 * over any transport.
 */
int
engine_is_ours(const struct sockaddr_storage *ss)
{
	return (is_ours(ss, sa_cmp));
}

/* One of our addresses (the external one included), on any port. */
int
engine_is_our_host(const struct sockaddr_storage *ss)
{
	return (is_ours(ss, sa_cmp_host));
}

/* ss equal, as cmp says, to a listener's address or its advertised one. */
static int
is_ours(const struct sockaddr_storage *ss,
    int (*cmp)(const struct sockaddr_storage *,
    const struct sockaddr_storage *))
{
	struct engine_listener		*el;
	struct sockaddr_storage		 adv;
	const struct sockaddr_storage	*prev = external_previous();

	if (econf == NULL)
		return (0);
	TAILQ_FOREACH(el, &econf->listeners, entry) {
		engine_advertised(el, &adv);
		if (cmp(&el->cl.ss, ss) == 0 || cmp(&adv, ss) == 0)
			return (1);
		/* The dialogs made under the old external address. */
		if (el->cl.outside && prev != NULL) {
			adv = *prev;
			sa_set_port(&adv, sa_port(&el->cl.ss));
			if (cmp(&adv, ss) == 0)
				return (1);
		}
	}
	return (0);
}

int
engine_send(struct engine_listener *el, const struct sockaddr_storage *to,
    const void *buf, size_t len)
{
	if (sendto(el->fd, buf, len, 0, (const struct sockaddr *)to,
	    sa_len(to)) == -1) {
		log_warn("sendto %s", addr_str((const struct sockaddr *)to, 1));
		sip_stats.dropped++;
		return (-1);
	}
	sip_stats.sent++;
	return (0);
}

static void
engine_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct sock_conn	 sc;
	struct binding	 se;
	struct conf_tlsfile	 tf;
	uint8_t			 chunk[TLS_CHUNK];
	const char		*why = NULL;
	size_t			 len;
	int			 xfd;

	switch (imsg_get_type(imsg)) {
	case IMSG_SOCKET_CONN:
		if (imsg_get_data(imsg, &sc, sizeof(sc)) == -1 ||
		    (xfd = imsg_get_fd(imsg)) == -1 ||
		    iev_relay.ibuf.fd != -1)
			fatalx("bad IMSG_SOCKET_CONN");
		imsgev_peer(&iev_relay, xfd, "rtp relay",
		    engine_dispatch_relay, imsgev_sibling_gone, NULL);
		log_debug("connected to rtp relay (pid %d)",
		    (int)sc.peer_pid);
		break;
	case IMSG_SOCKET_CTL:
		if ((xfd = imsg_get_fd(imsg)) == -1)
			fatalx("bad IMSG_SOCKET_CTL");
		control_listen(xfd);
		break;
	case IMSG_RECONF_CONF:
		if (nconf != NULL)
			fatalx("IMSG_RECONF_CONF during a reload");
		if ((nconf = calloc(1, sizeof(*nconf))) == NULL)
			fatal(NULL);
		TAILQ_INIT(&nconf->listeners);
		if (imsg_get_data(imsg, &nconf->g,
		    sizeof(nconf->g)) == -1 ||
		    memchr(nconf->g.conffile, '\0',
		    sizeof(nconf->g.conffile)) == NULL)
			fatalx("bad IMSG_RECONF_CONF");
		log_reconf(nconf->g.log_verbose);
		break;
	case IMSG_RECONF_LISTENER:
		engine_reconf_listener(imsg);
		break;
	case IMSG_RECONF_TLS_FILE:
		if (nconf == NULL ||
		    imsg_get_data(imsg, &tf, sizeof(tf)) == -1 ||
		    (why = imsg_check_payload(IMSG_RECONF_TLS_FILE, &tf,
		    sizeof(tf))) != NULL)
			fatalx("bad IMSG_RECONF_TLS_FILE: %s", why != NULL ?
			    why : "unexpected");
		tlsctx_reconf_file(&tf);
		break;
	case IMSG_RECONF_TLS_DATA:
		/* Maybe a part of the key: no copy of it stays here. */
		if (nconf == NULL ||
		    (len = imsg_get_len(imsg)) > sizeof(chunk) ||
		    (why = imsg_check_payload(IMSG_RECONF_TLS_DATA, NULL,
		    len)) != NULL || imsg_get_data(imsg, chunk, len) == -1)
			fatalx("bad IMSG_RECONF_TLS_DATA: %s", why != NULL ?
			    why : "unexpected");
		tlsctx_reconf_data(imsg_get_id(imsg), chunk, len);
		explicit_bzero(chunk, len);
		break;
	case IMSG_RECONF_USER:
		if (nconf == NULL)
			fatalx("IMSG_RECONF_USER outside a reload");
		auth_reconf_user(imsg);
		break;
	case IMSG_RECONF_ACL_SET:
	case IMSG_RECONF_ACL_NETS:
	case IMSG_RECONF_ACL_RULE:
	case IMSG_RECONF_SCANNER:
		if (nconf == NULL)
			fatalx("access lists outside a reload");
		acl_reconf(imsg);
		break;
	case IMSG_RECONF_OUTBOUND:
		if (nconf == NULL)
			fatalx("IMSG_RECONF_OUTBOUND outside a reload");
		outbound_reconf(imsg);
		break;
	case IMSG_RECONF_REWRITE:
		if (nconf == NULL)
			fatalx("IMSG_RECONF_REWRITE outside a reload");
		rewrite_reconf(imsg);
		break;
	case IMSG_RECONF_DONE:
		engine_reconf_done();
		break;
	case IMSG_WAN_LISTENER:
		engine_wan_listener(imsg);
		break;
	case IMSG_WAN_ADDRESS:
		engine_wan_address(imsg);
		break;
	case IMSG_STATE_ENTRY:
		if (imsg_get_data(imsg, &se, sizeof(se)) == -1)
			fatalx("bad IMSG_STATE_ENTRY");
		bindings_restore(&se);
		break;
	case IMSG_STATE_END:
		log_debug("%u registrations restored", bindings_count());
		break;
	case IMSG_CTL_RESULT:
		control_forward(imsg);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
}

/*
 * A listener of the new configuration: with an fd when it is new, else
 * the one of the running configuration with the same address, port and
 * protocol is carried over, socket and all.
 */
static void
engine_reconf_listener(struct imsg *imsg)
{
	struct engine_listener	*el;
	struct conf_listener	 cl;
	int			 fd;

	if (nconf == NULL || imsg_get_data(imsg, &cl, sizeof(cl)) == -1 ||
	    memchr(cl.name, '\0', sizeof(cl.name)) == NULL)
		fatalx("bad IMSG_RECONF_LISTENER");
	fd = imsg_get_fd(imsg);

	if (fd == -1) {
		TAILQ_FOREACH(el, &econf->listeners, entry)
			if (el->cl.proto == cl.proto &&
			    memcmp(&el->cl.ss, &cl.ss, sizeof(cl.ss)) == 0)
				break;
		if (el == NULL)
			fatalx("reload: listener %s %s not found",
			    addr_str((struct sockaddr *)&cl.ss, 1),
			    transport_str(cl.transport));
		TAILQ_REMOVE(&econf->listeners, el, entry);
		el->cl = cl;
		el->retired = 0;
	} else {
		if ((el = calloc(1, sizeof(*el))) == NULL)
			fatal(NULL);
		el->cl = cl;
		el->fd = fd;
		engine_listener_start(el);
	}
	TAILQ_INSERT_TAIL(&nconf->listeners, el, entry);
}

/* sip dscp: the traffic class of everything we send. */
static void
engine_listener_dscp(struct engine_listener *el)
{
	int	 tos = econf->g.sip_dscp << 2;

	if ((el->cl.ss.ss_family == AF_INET6 ? setsockopt(el->fd,
	    IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)) :
	    setsockopt(el->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos))) == -1)
		log_warn("sip dscp on %s",
		    addr_str((struct sockaddr *)&el->cl.ss, 1));
}

static void
engine_listener_start(struct engine_listener *el)
{
	/* A TCP listener's connections would inherit its rights. */
	if (el->cl.proto == IPPROTO_UDP)
		sandbox_limit_fd(el->fd, SANDBOX_FD_UDP);
	event_set(&el->ev, el->fd, EV_READ | EV_PERSIST,
	    el->cl.proto == IPPROTO_TCP ? engine_sip_accept :
	    engine_sip_read, el);
	event_add(&el->ev, NULL);
	log_debug("listening on %s %s",
	    addr_str((struct sockaddr *)&el->cl.ss, 1),
	    transport_str(el->cl.transport));
}

/*
 * The outside interface's address moved (wan.c): a listener on the new
 * address, or one on an old address retired (it still answers for the
 * dialogs made on it, but names us in nothing new) or closed.
 */
static void
engine_wan_listener(struct imsg *imsg)
{
	struct engine_listener	*el;
	struct wan_listener	 wl;
	const char		*why = NULL;
	int			 fd;

	if (econf == NULL || nconf != NULL ||
	    imsg_get_data(imsg, &wl, sizeof(wl)) == -1 ||
	    (why = imsg_check_payload(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl))) != NULL)
		fatalx("bad IMSG_WAN_LISTENER: %s", why != NULL ? why :
		    "unexpected");
	fd = imsg_get_fd(imsg);
	if ((fd != -1) != (wl.op == WAN_L_NEW))
		fatalx("IMSG_WAN_LISTENER: descriptor and op disagree");
	if (wl.op == WAN_L_NEW) {
		if ((el = calloc(1, sizeof(*el))) == NULL)
			fatal(NULL);
		el->cl = wl.cl;
		el->fd = fd;
		engine_listener_dscp(el);
		engine_listener_start(el);
		TAILQ_INSERT_TAIL(&econf->listeners, el, entry);
		return;
	}
	TAILQ_FOREACH(el, &econf->listeners, entry)
		if (el->cl.outside && el->cl.proto == wl.cl.proto &&
		    sa_cmp(&el->cl.ss, &wl.cl.ss) == 0)
			break;
	if (el == NULL)
		fatalx("IMSG_WAN_LISTENER: %s %s not found",
		    addr_str((struct sockaddr *)&wl.cl.ss, 1),
		    transport_str(wl.cl.transport));
	switch (wl.op) {
	case WAN_L_CURRENT:
		el->retired = 0;
		break;
	case WAN_L_RETIRE:
		el->retired = 1;
		log_debug("retired listener %s %s",
		    addr_str((struct sockaddr *)&el->cl.ss, 1),
		    transport_str(el->cl.transport));
		break;
	case WAN_L_CLOSE:
		TAILQ_REMOVE(&econf->listeners, el, entry);
		engine_listener_close(el);
		break;
	}
}

/* The outside's address now: what `sipctl show` says. */
static void
engine_wan_address(struct imsg *imsg)
{
	struct wan_address	 wa;
	const char		*why = NULL;

	if (econf == NULL || nconf != NULL ||
	    imsg_get_data(imsg, &wa, sizeof(wa)) == -1 ||
	    (why = imsg_check_payload(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa))) != NULL)
		fatalx("bad IMSG_WAN_ADDRESS: %s", why != NULL ? why :
		    "unexpected");
	/* The parent said it in the log already. */
	log_debug("outside address now %s",
	    addr_str((struct sockaddr *)&wa.addr, 0));
	econf->g.outside_addr = wa.addr;
	outside_changed = wa.changed;
}

/* Swap in the new configuration; what is left of the old one goes. */
static void
engine_reconf_done(void)
{
	struct engine_listener	*el;

	if (nconf == NULL)
		fatalx("IMSG_RECONF_DONE without a configuration");
	/* A reload that found the outside interface elsewhere. */
	if (econf != NULL && sa_cmp_host(&econf->g.outside_addr,
	    &nconf->g.outside_addr) != 0) {
		outside_changed = time(NULL);
		log_info("outside address now %s", addr_str((struct sockaddr *)
		    &nconf->g.outside_addr, 0));
	}
	if (econf != NULL)
		engine_conf_free(econf);
	econf = nconf;
	nconf = NULL;
	tlsctx_reconf_done();
	auth_reconf_done();
	acl_reconf_done();
	outbound_reconf_done();
	rewrite_reconf_done();
	external_reconf(&econf->g);

	TAILQ_FOREACH(el, &econf->listeners, entry)
		engine_listener_dscp(el);
	if (configured++)
		reloads++;
	engine_to_parent(IMSG_RECONF_DONE, 0, NULL, 0);
}

static void
engine_conf_free(struct engine_conf *ec)
{
	struct engine_listener	*el;

	while ((el = TAILQ_FIRST(&ec->listeners)) != NULL) {
		TAILQ_REMOVE(&ec->listeners, el, entry);
		engine_listener_close(el);
	}
	free(ec);
}

static void
engine_listener_close(struct engine_listener *el)
{
	log_debug("closing listener %s %s",
	    addr_str((struct sockaddr *)&el->cl.ss, 1),
	    transport_str(el->cl.transport));
	event_del(&el->ev);
	close(el->fd);
	free(el);
}

static void
engine_dispatch_relay(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_summary	 cs;
	struct ctl_stats	 st;
	uint32_t		 peer;

	peer = imsg_get_id(imsg);
	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_SHOW_SUMMARY:
		/* The relay's part; add ours and the listeners. */
		if (imsg_get_data(imsg, &cs, sizeof(cs)) == -1)
			fatalx("bad relay summary");
		engine_summary(&cs);
		control_compose(peer, IMSG_CTL_SHOW_SUMMARY, &cs,
		    sizeof(cs));
		engine_show_listeners(peer);
		control_compose(peer, IMSG_CTL_END, NULL, 0);
		break;
	case IMSG_CTL_SHOW_STATS:
		if (imsg_get_data(imsg, &st, sizeof(st)) == -1)
			fatalx("bad relay stats");
		engine_stats(&st);
		control_compose(peer, IMSG_CTL_SHOW_STATS, &st,
		    sizeof(st));
		control_compose(peer, IMSG_CTL_END, NULL, 0);
		break;
	case IMSG_CTL_SHOW_RTP:
	case IMSG_CTL_END:
	case IMSG_CTL_RESULT:
		control_forward(imsg);
		break;
	case IMSG_RTP_OPEN_OK:
	case IMSG_RTP_OPEN_FAIL:
	case IMSG_RTP_TIMEOUT:
	case IMSG_RTP_CLOSED:
		engine_rtp_reply(imsg);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
}

/*
 * The relay's answers about streams: the calls' own, and in a regress
 * build those control clients opened for tests.
 */
static void
engine_rtp_reply(struct imsg *imsg)
{
	if (call_rtp_reply(imsg))
		return;
#ifdef SIPPROXD_REGRESS
	if (rtptest_reply(imsg))
		return;
#endif
	log_debugc(LOG_C_RTP, "rtp stream %u: answer for no owner",
	    imsg_get_id(imsg));
}

/* SIP over UDP arrives here; read until the socket would block. */
static void
engine_sip_read(int fd, short event, void *arg)
{
	struct engine_listener	*el = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	static char		 buf[SIP_RECVBUF];
	ssize_t			 n;
	int			 i;

	for (i = 0; i < 64; i++) {
		sslen = sizeof(ss);
		if ((n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&ss, &sslen)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("recvfrom on %s",
				    addr_str((struct sockaddr *)&el->cl.ss, 1));
			return;
		}
		/* The answer to `external address stun`, not SIP. */
		if (el->cl.outside && stun_is((uint8_t *)buf, n)) {
			external_stun_input((uint8_t *)buf, n, &ss);
			continue;
		}
		sip_stats.received++;
		proxy_input(el, NULL, buf, n, &ss);
	}
}

/* SIP over TCP: connections are conn.c's. */
static void
engine_sip_accept(int fd, short event, void *arg)
{
	conn_accept(arg);
}
