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
 * The RTP relay: owns the RTP port range, relays media between the inside
 * and outside legs of each stream. Knows nothing about SIP: the engine
 * opens and closes streams over imsg.
 */

#define LOG_CLASS	LOG_C_RTP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "rtp.h"
#include "log.h"
#include "media.h"
#include "sandbox.h"

#define RELAY_PROMISES	"stdio inet recvfd"

static void	relay_sig(int, short, void *);
static void	relay_dispatch_parent(struct imsgev *, struct imsg *);
static void	relay_dispatch_engine(struct imsgev *, struct imsg *);
__dead static void relay_compromised(struct imsgev *, const char *);
static void	relay_verbose(struct imsg *);
static void	relay_summary(uint32_t);
static void	relay_tick(int, short, void *);
static void	relay_timeout(uint32_t);
static void	relay_closed(struct rtp_stream *);
static void	relay_rtp(struct imsg *);
static void	relay_show_stream(const struct ctl_rtp_stream *, void *);
static void	relay_reconf(void);
static const char *relay_peers_refused(const struct rtp_peers *);

static struct imsgev		 iev_parent;
static struct imsgev		 iev_engine;
static struct conf_global	 rconf, nrconf;
static struct event		 ev_tick;

void
relay_main(int debug, int verbose)
{
	struct timeval	 tv = { 1, 0 };
	struct rlimit	 rl;

	log_init(debug, LOG_DAEMON);
	log_setcmdline(verbose ? LOG_C_ALL : 0);
	log_procinit("rtp relay");
	setproctitle("rtp relay");

	/* A stream holds up to eight sockets: take all the system allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
	}

	event_init();
	proc_drop_privs(SIPPROXD_RTP_USER, SIPPROXD_CHROOT);
	sandbox_enter(RELAY_PROMISES);
#ifdef SIPPROXD_REGRESS
	regress_sandbox_trigger("relay");
#endif

	proc_signals(relay_sig, 0);

	imsgev_peer(&iev_parent, 3, "parent", relay_dispatch_parent,
	    imsgev_parent_gone, NULL);
	imsgbuf_allow_fdpass(&iev_parent.ibuf);
	iev_engine.ibuf.fd = -1;

	rtp_now = time(NULL);
	evtimer_set(&ev_tick, relay_tick, NULL);
	evtimer_add(&ev_tick, &tv);

	event_dispatch();
	exit(0);
}

/* The relay's clock, a second at a time, and the stream timeouts. */
static void
relay_tick(int fd, short event, void *arg)
{
	struct timeval	 tv = { 1, 0 };

	rtp_now = time(NULL);
	if (rconf.rtp_timeout > 0)
		rtp_stream_expire(rconf.rtp_timeout, relay_timeout);
	evtimer_add(&ev_tick, &tv);
}

static void
relay_timeout(uint32_t id)
{
	struct rtp_stream	*s;

	if ((s = rtp_stream_find(id)) != NULL)
		relay_closed(s);
	imsgev_compose(&iev_engine, IMSG_RTP_TIMEOUT, id, -1, NULL, 0);
}

/* A stream's last counts, for the engine's call log. */
static void
relay_closed(struct rtp_stream *s)
{
	struct ctl_rtp_stream	 cs;

	rtp_stream_counts(s, &cs);
	imsgev_compose(&iev_engine, IMSG_RTP_CLOSED, s->id, -1, &cs,
	    sizeof(cs));
}

/*
 * Swap in the new settings. The port range changes for new streams only;
 * live streams keep their ports and get the new traffic class.
 */
static void
relay_reconf(void)
{
	int	 dscp_changed = rconf.rtp_dscp != nrconf.rtp_dscp;

	rconf = nrconf;
	rtp_pool_set(rconf.rtp_port_lo, rconf.rtp_port_hi);
	rtp_settings.latch = rconf.rtp_latch;
	rtp_settings.dscp = rconf.rtp_dscp;
	rtp_settings.dejitter = rconf.rtp_dejitter;
	if (dscp_changed)
		rtp_stream_dscp(rconf.rtp_dscp);
	log_debug("rtp ports %u to %u, timeout %us, dejitter %ums",
	    rconf.rtp_port_lo, rconf.rtp_port_hi, rconf.rtp_timeout,
	    rconf.rtp_dejitter);
}

static void
relay_sig(int sig, short event, void *arg)
{
	if (sig == SIGINT || sig == SIGTERM)
		exit(0);
}

static void
relay_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct sock_conn	 sc;
	struct wan_address	 wa;
	int			 xfd;

	switch (imsg_get_type(imsg)) {
	case IMSG_SOCKET_CONN:
		if (imsg_get_data(imsg, &sc, sizeof(sc)) == -1 ||
		    (xfd = imsg_get_fd(imsg)) == -1 ||
		    iev_engine.ibuf.fd != -1)
			fatalx("bad IMSG_SOCKET_CONN");
		imsgev_peer(&iev_engine, xfd, "sip engine",
		    relay_dispatch_engine, imsgev_sibling_gone, NULL);
		imsgev_check(&iev_engine, ROLE_ENGINE, ROLE_RELAY,
		    relay_compromised);
		log_debug("connected to sip engine (pid %d)",
		    (int)sc.peer_pid);
		break;
	case IMSG_RECONF_CONF:
		if (imsg_get_data(imsg, &nrconf, sizeof(nrconf)) == -1 ||
		    nrconf.rtp_port_lo > nrconf.rtp_port_hi ||
		    nrconf.rtp_dscp < 0 || nrconf.rtp_dscp > 63 ||
		    nrconf.rtp_dejitter > RTP_DEJITTER_MAX)
			fatalx("bad IMSG_RECONF_CONF");
		log_reconf(nrconf.log_verbose);
		break;
	case IMSG_RECONF_DONE:
		relay_reconf();
		imsgev_compose(iev, IMSG_RECONF_DONE, 0, -1, NULL, 0);
		break;
	case IMSG_CTL_LOG_VERBOSE:
		relay_verbose(imsg);
		break;
	case IMSG_WAN_ADDRESS:
		/*
		 * Streams opened from now on are bound where the engine
		 * says (the new address); those open keep their sockets.
		 */
		if (imsg_get_data(imsg, &wa, sizeof(wa)) == -1 ||
		    imsg_check_payload(IMSG_WAN_ADDRESS, &wa,
		    sizeof(wa)) != NULL)
			fatalx("bad IMSG_WAN_ADDRESS");
		rconf.outside_addr = wa.addr;
		log_debug("outside address now %s",
		    addr_str((struct sockaddr *)&wa.addr, 0));
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
}

/* sipctl log, from the parent or through the engine. */
static void
relay_verbose(struct imsg *imsg)
{
	int	 verbose;

	if (imsg_get_data(imsg, &verbose, sizeof(verbose)) == -1)
		fatalx("bad IMSG_CTL_LOG_VERBOSE");
	log_setverbose(verbose);
}

/* A compromised engine: we go, the parent notices. */
__dead static void
relay_compromised(struct imsgev *iev, const char *why)
{
	fatalx("sip engine compromised: %s", why);
}

/* A message from the engine, checked by imsgev_dispatch() already. */
static void
relay_dispatch_engine(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_stats	 st;
	uint32_t		 peer;

	peer = imsg_get_id(imsg);
	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_SHOW_SUMMARY:
		relay_summary(peer);
		break;
	case IMSG_CTL_SHOW_RTP:
		rtp_stream_show(relay_show_stream, &peer);
		imsgev_compose(iev, IMSG_CTL_END, peer, -1, NULL, 0);
		break;
	case IMSG_CTL_SHOW_STATS:
		memset(&st, 0, sizeof(st));
		st.rtp = rtp_totals;
		imsgev_compose(iev, IMSG_CTL_SHOW_STATS, peer, -1,
		    &st, sizeof(st));
		break;
	case IMSG_CTL_LOG_VERBOSE:
		relay_verbose(imsg);
		break;
	case IMSG_RTP_OPEN:
	case IMSG_RTP_UPDATE:
	case IMSG_RTP_CLOSE:
		relay_rtp(imsg);
		break;
	default:
		fatalx("%s: unexpected imsg %u", __func__, imsg_get_type(imsg));
	}
}

/*
 * Stream requests from the engine. The engine may race a timeout: an
 * update or close of a stream we no longer have is not an error.
 */
static void
relay_rtp(struct imsg *imsg)
{
	struct rtp_open		 ro;
	struct rtp_peers	 rp;
	struct rtp_ports	 ports;
	struct rtp_stream	*s;
	uint32_t		 id = imsg_get_id(imsg);
	const char		*why;
	int			 error;

	switch (imsg_get_type(imsg)) {
	case IMSG_RTP_OPEN:
		if (imsg_get_data(imsg, &ro, sizeof(ro)) == -1)
			fatalx("bad IMSG_RTP_OPEN");
		if ((why = relay_peers_refused(&ro.peers)) != NULL) {
			log_warnx("rtp stream %u: refused: peer %s", id, why);
			error = EACCES;
			imsgev_compose(&iev_engine, IMSG_RTP_OPEN_FAIL, id, -1,
			    &error, sizeof(error));
			return;
		}
		if ((s = rtp_stream_open(id, &ro, &error)) == NULL) {
			log_warnx("rtp stream %u: %s", id, error == ENOSPC ?
			    "port pool exhausted" : strerror(error));
			imsgev_compose(&iev_engine, IMSG_RTP_OPEN_FAIL, id, -1,
			    &error, sizeof(error));
			return;
		}
		ports.port[LEG_INSIDE] = s->leg[LEG_INSIDE].port;
		ports.port[LEG_OUTSIDE] = s->leg[LEG_OUTSIDE].port;
		log_debug("rtp stream %u: ports %u/%u", id,
		    ports.port[LEG_INSIDE], ports.port[LEG_OUTSIDE]);
		imsgev_compose(&iev_engine, IMSG_RTP_OPEN_OK, id, -1, &ports,
		    sizeof(ports));
		break;
	case IMSG_RTP_UPDATE:
		if (imsg_get_data(imsg, &rp, sizeof(rp)) == -1)
			fatalx("bad IMSG_RTP_UPDATE");
		if ((why = relay_peers_refused(&rp)) != NULL) {
			/* The stream goes on where it went before. */
			log_warnx("rtp stream %u: update refused: peer %s", id,
			    why);
			return;
		}
		if ((s = rtp_stream_find(id)) != NULL)
			rtp_stream_update(s, &rp);
		break;
	case IMSG_RTP_CLOSE:
		if ((s = rtp_stream_find(id)) != NULL) {
			log_debug("rtp stream %u closed", id);
			relay_closed(s);
			rtp_stream_close(s);
		}
		break;
	}
}

/*
 * The engine refuses SDP that names such peers, but we do not trust it:
 * never aim a relay socket at a multicast, the limited broadcast or an
 * unspecified address, nor at loopback for a party whose SIP did not
 * come from this host. A subnet's broadcast is the kernel's to refuse:
 * our sockets do not set SO_BROADCAST, so it will not send to any
 * broadcast address it knows, and knows them better than a list taken
 * at start. NULL when the peers are fine.
 */
static const char *
relay_peers_refused(const struct rtp_peers *rp)
{
	const char	*why;
	int		 leg;

	for (leg = 0; leg < 2; leg++)
		if ((why = media_addr_refused(&rp->leg[leg].rtp,
		    &rp->leg[leg].sig)) != NULL)
			return (why);
	return (NULL);
}

static void
relay_show_stream(const struct ctl_rtp_stream *cs, void *arg)
{
	uint32_t	*peer = arg;

	imsgev_compose(&iev_engine, IMSG_CTL_SHOW_RTP, *peer, -1, cs,
	    sizeof(*cs));
}

/* The relay's part of `sipctl show`; the engine adds the rest. */
static void
relay_summary(uint32_t peer)
{
	struct ctl_summary	 cs;

	memset(&cs, 0, sizeof(cs));
	cs.relay_pid = getpid();
	cs.rtp_streams = rtp_stream_count();
	rtp_pool_counts(&cs.rtp_ports_total, &cs.rtp_ports_free);
	cs.rtp_port_lo = rconf.rtp_port_lo;
	cs.rtp_port_hi = rconf.rtp_port_hi;
	imsgev_compose(&iev_engine, IMSG_CTL_SHOW_SUMMARY, peer, -1, &cs,
	    sizeof(cs));
}
