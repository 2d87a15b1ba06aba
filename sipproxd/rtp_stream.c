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
 * RTP streams: two legs of two sockets each (RTP, RTCP); what arrives on a
 * leg goes out of the same kind of socket on the other leg, payload
 * untouched. This is the hot path: no allocation, no logging, no lookup
 * beyond the socket's own context, batched receive and send.
 */

#define LOG_CLASS	LOG_C_RTP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "rtp.h"
#include "log.h"
#include "media.h"

struct rtp_settings	 rtp_settings = { RTP_LATCH_LEARN, RTP_DSCP, 0 };
struct ctl_rtp_stats	 rtp_totals;
time_t			 rtp_now;

static struct rtp_streams	 streams = RB_INITIALIZER(&streams);
static unsigned int		 nstreams;

/*
 * One set of batch buffers serves every socket: we are single-threaded.
 * tx_iov holds the packets to send, one each; tx_msg the messages that
 * carry them, tx_npkt[m] packets in message m.
 */
static uint8_t			 rx_buf[RTP_BATCH][RTP_PKTLEN];
static struct sockaddr_storage	 rx_from[RTP_BATCH];
static struct iovec		 rx_iov[RTP_BATCH], tx_iov[RTP_BATCH];
static struct mmsghdr		 rx_msg[RTP_BATCH], tx_msg[RTP_BATCH];
static int			 tx_npkt[RTP_BATCH];
static int			 rx_ready;
#ifdef UDP_SEGMENT
static union {
	struct cmsghdr		 hdr;
	uint8_t			 buf[CMSG_SPACE(sizeof(uint16_t))];
}				 tx_cmsg[RTP_BATCH];
#endif

static int	rtp_stream_cmp(struct rtp_stream *, struct rtp_stream *);
static void	rtp_sock_read(int, short, void *);
static int	rtp_sock_send(struct rtp_sock *, int);
static int	rtp_tx_pack(struct rtp_sock *, int, int);
static int	rtp_accept(struct rtp_sock *, struct rtp_leg *,
		    const struct sockaddr_storage *);
static void	rtp_rx_update(struct rtp_rx *, const uint8_t *, size_t,
		    uint32_t);
static void	rtp_sock_sdp_dst(struct rtp_sock *, const struct rtp_leg_peer *);
static void	rtp_sock_aim(struct rtp_sock *);
static void	rtp_stream_clocks(struct rtp_stream *);
static void	rtp_leg_show(const struct rtp_stream *, int,
		    struct ctl_rtp_leg *);

RB_GENERATE(rtp_streams, rtp_stream, entry, rtp_stream_cmp);

static int
rtp_stream_cmp(struct rtp_stream *a, struct rtp_stream *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

/*
 * Where a socket sends until it latches: the address SDP gave for the
 * party, RTP port or RTCP port. A rejected or held stream (port 0, c= of
 * 0.0.0.0) has nowhere to send.
 */
static void
rtp_sock_sdp_dst(struct rtp_sock *rs, const struct rtp_leg_peer *peer)
{
	uint16_t	 port;

	rs->dstlen = 0;
	if (sa_unspecified(&peer->rtp) || (port = sa_port(&peer->rtp)) == 0)
		return;
	if (rs->rtcp)
		port = peer->rtcp_port != 0 ? peer->rtcp_port : port + 1;
	if (port == 0)
		return;
	rs->dst = peer->rtp;
	sa_set_port(&rs->dst, port);
	rs->dstlen = sa_len(&rs->dst);
}

/*
 * Aim the socket's twin at dst. The twin shares the port (SO_REUSEPORT)
 * and is connected: the kernel hands it what comes from dst, and sending
 * on it skips the route lookup an unconnected socket pays per packet.
 * Everything else still arrives on the unconnected socket, to be judged
 * and counted there. Without a connected twin, packets carry their
 * destination.
 */
static void
rtp_sock_aim(struct rtp_sock *rs)
{
	struct rtp_leg		*leg = &rs->stream->leg[rs->leg];
	struct sockaddr_storage	 none;

	rs->connected = 0;
	if (rs->cfd == -1) {
		if (rs->dstlen == 0)
			return;
		if ((rs->cfd = rtp_sock_open(&leg->local,
		    leg->port + rs->rtcp)) == -1) {
			log_debug("rtp port %u: twin: %s",
			    leg->port + rs->rtcp, strerror(errno));
			return;
		}
		event_set(&rs->cev, rs->cfd, EV_READ | EV_PERSIST,
		    rtp_sock_read, rs);
		event_add(&rs->cev, NULL);
	}
	if (rs->dstlen != 0 && connect(rs->cfd, (struct sockaddr *)&rs->dst,
	    rs->dstlen) == 0) {
		rs->connected = 1;
		return;
	}
	/* Unconnected, the twin still gets its share of packets: read on. */
	memset(&none, 0, sizeof(none));
	none.ss_family = AF_UNSPEC;
	connect(rs->cfd, (struct sockaddr *)&none, sizeof(none));
}

static void
rtp_rx_init(void)
{
	int	 i;

	for (i = 0; i < RTP_BATCH; i++) {
		rx_iov[i].iov_base = rx_buf[i];
		rx_iov[i].iov_len = sizeof(rx_buf[i]);
		rx_msg[i].msg_hdr.msg_iov = &rx_iov[i];
		rx_msg[i].msg_hdr.msg_iovlen = 1;
		rx_msg[i].msg_hdr.msg_name = &rx_from[i];
		rx_msg[i].msg_hdr.msg_namelen = sizeof(rx_from[i]);
#ifdef UDP_SEGMENT
		tx_cmsg[i].hdr.cmsg_level = SOL_UDP;
		tx_cmsg[i].hdr.cmsg_type = UDP_SEGMENT;
		tx_cmsg[i].hdr.cmsg_len = CMSG_LEN(sizeof(uint16_t));
#endif
	}
	rx_ready = 1;
}

struct rtp_stream *
rtp_stream_open(uint32_t id, const struct rtp_open *ro, int *error)
{
	struct rtp_stream	 key, *s;
	struct rtp_sock		*rs;
	int			 fds[2][2], leg, k;
	uint16_t		 ports[2];

	if (!rx_ready)
		rtp_rx_init();
	key.id = id;
	if (id == 0 || RB_FIND(rtp_streams, &streams, &key) != NULL) {
		*error = EEXIST;
		return (NULL);
	}
	for (leg = 0; leg < 2; leg++) {
		if (sa_len(&ro->local[leg]) == 0) {
			*error = EINVAL;
			return (NULL);
		}
	}
	if (rtp_pool_alloc(ro->local, fds, ports) == -1) {
		*error = errno;
		rtp_totals.open_failures++;
		return (NULL);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		*error = errno;
		for (leg = 0; leg < 2; leg++)
			for (k = 0; k < 2; k++)
				close(fds[leg][k]);
		for (leg = 0; leg < 2; leg++)
			rtp_pool_free(ports[leg]);
		rtp_totals.open_failures++;
		return (NULL);
	}

	s->id = id;
	memcpy(s->callid, ro->callid, sizeof(s->callid));
	s->callid[sizeof(s->callid) - 1] = '\0';
	s->media = ro->media;
	s->last = rtp_now;
	for (leg = 0; leg < 2; leg++) {
		s->leg[leg].local = ro->local[leg];
		s->leg[leg].port = ports[leg];
		s->leg[leg].peer = ro->peers.leg[leg];
		s->leg[leg].learn_until = rtp_now + RTP_LEARN_WINDOW;
		for (k = 0; k < 2; k++) {
			rs = &s->leg[leg].sock[k];
			rs->stream = s;
			rs->leg = leg;
			rs->rtcp = k;
			rs->fd = fds[leg][k];
			rs->cfd = -1;
#ifdef UDP_SEGMENT
			rs->gso = 1;
#endif
			rtp_sock_sdp_dst(rs, &s->leg[leg].peer);
			if (k == 0 && rtp_settings.dejitter > 0)
				rs->jb = rtp_jb_new(rs);
			event_set(&rs->ev, rs->fd, EV_READ | EV_PERSIST,
			    rtp_sock_read, rs);
			event_add(&rs->ev, NULL);
			rtp_sock_aim(rs);
		}
	}
	rtp_stream_clocks(s);
	RB_INSERT(rtp_streams, &streams, s);
	nstreams++;
	rtp_totals.streams_opened++;
	return (s);
}

struct rtp_stream *
rtp_stream_find(uint32_t id)
{
	struct rtp_stream	 key;

	key.id = id;
	return (RB_FIND(rtp_streams, &streams, &key));
}

/*
 * A new offer or answer: new SDP destinations, each socket may latch
 * again, and `rtp latch any' opens its window again.
 */
void
rtp_stream_update(struct rtp_stream *s, const struct rtp_peers *peers)
{
	struct rtp_sock	*rs;
	int		 leg, k;

	for (leg = 0; leg < 2; leg++) {
		s->leg[leg].peer = peers->leg[leg];
		s->leg[leg].learn_until = rtp_now + RTP_LEARN_WINDOW;
		for (k = 0; k < 2; k++) {
			rs = &s->leg[leg].sock[k];
			rs->latched = 0;
			rtp_sock_sdp_dst(rs, &s->leg[leg].peer);
			rtp_sock_aim(rs);
		}
	}
	rtp_stream_clocks(s);
}

void
rtp_stream_close(struct rtp_stream *s)
{
	struct rtp_sock	*rs;
	int		 leg, k;

	for (leg = 0; leg < 2; leg++) {
		for (k = 0; k < 2; k++) {
			rs = &s->leg[leg].sock[k];
			if (rs->jb != NULL)
				rtp_jb_free(rs->jb);
			event_del(&rs->ev);
			close(rs->fd);
			if (rs->cfd != -1) {
				event_del(&rs->cev);
				close(rs->cfd);
			}
		}
	}
	for (leg = 0; leg < 2; leg++)
		rtp_pool_free(s->leg[leg].port);
	RB_REMOVE(rtp_streams, &streams, s);
	nstreams--;
	free(s);
}

/* Close the streams idle for timeout seconds, telling the caller each. */
void
rtp_stream_expire(uint32_t timeout, void (*notify)(uint32_t))
{
	struct rtp_stream	*s, *next;

	RB_FOREACH_SAFE(s, rtp_streams, &streams, next) {
		if (rtp_now - s->last < (time_t)timeout)
			continue;
		log_info("rtp stream %u (ports %u/%u) timed out after %us",
		    s->id, s->leg[LEG_INSIDE].port, s->leg[LEG_OUTSIDE].port,
		    timeout);
		rtp_totals.streams_timedout++;
		notify(s->id);
		rtp_stream_close(s);
	}
}

unsigned int
rtp_stream_count(void)
{
	return (nstreams);
}

/* A reload changed the traffic class: apply it to the live sockets. */
void
rtp_stream_dscp(int dscp)
{
	struct rtp_stream	*s;
	struct rtp_sock		*rs;
	int			 leg, k;

	RB_FOREACH(s, rtp_streams, &streams)
		for (leg = 0; leg < 2; leg++)
			for (k = 0; k < 2; k++) {
				rs = &s->leg[leg].sock[k];
				rtp_sock_dscp(rs->fd,
				    s->leg[leg].local.ss_family, dscp);
				if (rs->cfd != -1)
					rtp_sock_dscp(rs->cfd,
					    s->leg[leg].local.ss_family, dscp);
			}
}

/* Whether from is the party's own address: its SDP's or its SIP's. */
static int
rtp_party(const struct rtp_leg *leg, const struct sockaddr_storage *from)
{
	return (sa_cmp_host(from, &leg->peer.rtp) == 0 ||
	    sa_cmp_host(from, &leg->peer.sig) == 0);
}

/*
 * Whether a packet from this source may pass, latching the socket to it
 * when the policy allows: the defence against RTP bleed and injection.
 * The party itself may latch at any time, however long it kept silent
 * (voice activity detection, a call answered on hold); only `any' lets
 * another source latch, and only within the window after an offer or
 * answer. A latched socket follows no other source until the next one.
 */
static int
rtp_accept(struct rtp_sock *rs, struct rtp_leg *leg,
    const struct sockaddr_storage *from)
{
	if (rs->latched)
		return (sa_cmp(from, &rs->dst) == 0);

	switch (rtp_settings.latch) {
	case RTP_LATCH_STRICT:
		if (rs->dstlen == 0 || sa_cmp(from, &rs->dst) != 0)
			return (0);
		break;
	case RTP_LATCH_ANY:
		if (rtp_now > leg->learn_until && !rtp_party(leg, from))
			return (0);
		break;
	default:
		if (!rtp_party(leg, from))
			return (0);
		break;
	}
	/* Not even a local process gets us to send where media may not go. */
	if (media_addr_refused(from, &leg->peer.sig) != NULL)
		return (0);
	rs->latched = 1;
	if (rs->dstlen == 0 || sa_cmp(from, &rs->dst) != 0) {
		rs->dst = *from;
		rs->dstlen = sa_len(from);
		rtp_sock_aim(rs);
	}
	return (1);
}

static uint32_t
rtp_leg_clock(const struct rtp_stream *s, int leg)
{
	if (s->leg[leg].peer.clock_rate != 0)
		return (s->leg[leg].peer.clock_rate);
	if (s->leg[!leg].peer.clock_rate != 0)
		return (s->leg[!leg].peer.clock_rate);
	return (8000);
}

/* Each socket keeps its leg's clock rate: the packet path reads it. */
static void
rtp_stream_clocks(struct rtp_stream *s)
{
	int	 leg, k;

	for (leg = 0; leg < 2; leg++)
		for (k = 0; k < 2; k++)
			s->leg[leg].sock[k].clock = rtp_leg_clock(s, leg);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Loss and interarrival jitter, RFC 3550 appendix A.1, A.3, A.8. */
static void
rtp_rx_update(struct rtp_rx *rx, const uint8_t *p, size_t len,
    uint32_t arrival)
{
	uint32_t	 ssrc, ts;
	uint16_t	 seq, delta;
	int32_t		 transit, d;

	if (len < 12 || (p[0] >> 6) != 2)
		return;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	ts = get32(p + 4);
	ssrc = get32(p + 8);
	transit = (int32_t)(arrival - ts);

	if (!rx->seq_init || ssrc != rx->ssrc) {
		rx->ssrc = ssrc;
		rx->base_seq = rx->max_seq = seq;
		rx->rtp_received = 1;
		rx->seq_init = 1;
		rx->transit = transit;
		rx->jitter = 0;
		return;
	}
	delta = seq - (uint16_t)rx->max_seq;
	if (delta < 3000)
		rx->max_seq += delta;		/* in order, maybe a gap */
	else if (delta <= 65536 - 100) {
		/* A jump: the sender restarted its sequence. */
		rx->base_seq = rx->max_seq = seq;
		rx->rtp_received = 0;
	}					/* else late or duplicate */
	rx->rtp_received++;

	d = transit - (int32_t)rx->transit;
	if (d < 0)
		d = -d;
	rx->jitter += (uint64_t)d - ((rx->jitter + 8) >> 4);
	rx->transit = transit;
}

static void
rtp_sock_read(int fd, short event, void *arg)
{
	struct rtp_sock		*rs = arg, *out;
	struct rtp_stream	*s = rs->stream;
	struct rtp_leg		*leg = &s->leg[rs->leg];
	struct timespec		 now;
	uint32_t		 clock, arrival;
	uint64_t		 bytes;
	int			 i, n, ntx, sent, round, relayed;

	out = &s->leg[!rs->leg].sock[rs->rtcp];
	clock = rs->clock;

	for (round = 0; round < 16; round++) {
		if ((n = recvmmsg(fd, rx_msg, RTP_BATCH, MSG_DONTWAIT,
		    NULL)) <= 0)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Arrival in RTP units, once a batch (RFC 3550 A.8). */
		arrival = (uint32_t)((uint64_t)now.tv_sec * clock +
		    (uint64_t)now.tv_nsec * clock / 1000000000);

		ntx = relayed = 0;
		bytes = 0;
		for (i = 0; i < n; i++) {
			/* Only the slots a read filled need room again. */
			rx_msg[i].msg_hdr.msg_namelen = sizeof(rx_from[i]);
			if ((rx_msg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
			    !rtp_accept(rs, leg, &rx_from[i]) ||
			    out->dstlen == 0) {
				leg->rx.dropped++;
				continue;
			}
			leg->rx.packets++;
			leg->rx.bytes += rx_msg[i].msg_len;
			bytes += rx_msg[i].msg_len;
			relayed++;
			if (!rs->rtcp)
				rtp_rx_update(&leg->rx, rx_buf[i],
				    rx_msg[i].msg_len, arrival);
			if (out->jb != NULL) {
				rtp_jb_push(out->jb, rx_buf[i],
				    rx_msg[i].msg_len, &now);
				continue;
			}
			tx_iov[ntx].iov_base = rx_buf[i];
			tx_iov[ntx].iov_len = rx_msg[i].msg_len;
			ntx++;
		}
		sent = ntx > 0 ? rtp_sock_send(out, ntx) : 0;
		/* What the kernel would not take is lost: count it. */
		leg->rx.dropped += ntx - sent;
		rtp_totals.packets += relayed - (ntx - sent);
		rtp_totals.bytes += bytes;
		rtp_totals.dropped += n - relayed + (ntx - sent);
		/* Only what the leg takes keeps the stream: no stranger can. */
		if (relayed > 0)
			s->last = rtp_now;
		if (n < RTP_BATCH)
			return;		/* drained: no extra empty read */
	}
}

/*
 * Pack the packets tx_iov[first..n) into tx_msg. With UDP GSO a run of
 * packets of one size (the last may be shorter) goes as one message that
 * the kernel cuts up again, which spares it a trip through the stack per
 * packet: a stream under load, or a video frame, comes in such runs.
 * Returns the number of messages.
 */
static int
rtp_tx_pack(struct rtp_sock *out, int first, int n)
{
	struct msghdr	*mh;
	size_t		 len, next, total;
	int		 i, m, run;

	for (m = 0, i = first; i < n; i += run, m++) {
		len = total = tx_iov[i].iov_len;
		for (run = 1; out->gso && i + run < n; run++) {
			next = tx_iov[i + run].iov_len;
			if (next > len || total + next > RTP_GSO_BYTES)
				break;
			total += next;
			if (next < len) {
				run++;		/* a shorter one ends a run */
				break;
			}
		}
		mh = &tx_msg[m].msg_hdr;
		mh->msg_iov = &tx_iov[i];
		mh->msg_iovlen = run;
		mh->msg_name = out->connected ? NULL : &out->dst;
		mh->msg_namelen = out->connected ? 0 : out->dstlen;
		mh->msg_control = NULL;
		mh->msg_controllen = 0;
#ifdef UDP_SEGMENT
		if (run > 1) {
			uint16_t	 seg = len;

			memcpy(CMSG_DATA(&tx_cmsg[m].hdr), &seg, sizeof(seg));
			mh->msg_control = &tx_cmsg[m];
			mh->msg_controllen = sizeof(tx_cmsg[m]);
		}
#endif
		tx_npkt[m] = run;
	}
	return (m);
}

/*
 * Send the n packets of tx_iov to out's peer; returns how many the kernel
 * took. A socket whose path refuses GSO (IPsec, a small MTU) sends one
 * packet a message from then on.
 */
static int
rtp_sock_send(struct rtp_sock *out, int n)
{
	int	 done = 0, refused = 0, m, k, r;

	for (;;) {
		m = rtp_tx_pack(out, done, n);
		for (k = 0; k < m; ) {
			if ((r = sendmmsg(out->connected ? out->cfd : out->fd,
			    tx_msg + k, m - k, 0)) <= 0)
				break;
			while (r-- > 0)
				done += tx_npkt[k++];
		}
		if (k == m)
			return (done);
		/* An ICMP error from the peer, reported once: retry. */
		if (errno == ECONNREFUSED && !refused++)
			continue;
		if (tx_npkt[k] > 1 && out->gso) {
			out->gso = 0;
			continue;
		}
		return (done);
	}
}

static void
rtp_leg_show(const struct rtp_stream *s, int l, struct ctl_rtp_leg *cl)
{
	const struct rtp_leg	*leg = &s->leg[l];
	const struct rtp_sock	*rs = &leg->sock[0];
	uint64_t		 expected;

	cl->port = leg->port;
	if (rs->dstlen != 0)
		strlcpy(cl->peer, addr_str((const struct sockaddr *)&rs->dst,
		    1), sizeof(cl->peer));
	else
		strlcpy(cl->peer, "-", sizeof(cl->peer));
	cl->latched = rs->latched;
	cl->packets = leg->rx.packets;
	cl->bytes = leg->rx.bytes;
	cl->dropped = leg->rx.dropped;
	if (leg->rx.seq_init) {
		expected = (uint64_t)(leg->rx.max_seq - leg->rx.base_seq) + 1;
		cl->lost = expected > leg->rx.rtp_received ?
		    expected - leg->rx.rtp_received : 0;
	}
	cl->jitter_us = (uint32_t)(((leg->rx.jitter >> 4) * 1000000) /
	    rtp_leg_clock(s, l));
}

/* A stream's counts as `show rtp` and the call log see them. */
void
rtp_stream_counts(const struct rtp_stream *s, struct ctl_rtp_stream *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->id = s->id;
	strlcpy(cs->callid, s->callid, sizeof(cs->callid));
	cs->idle = rtp_now - s->last;
	rtp_leg_show(s, LEG_INSIDE, &cs->inside);
	rtp_leg_show(s, LEG_OUTSIDE, &cs->outside);
}

void
rtp_stream_show(void (*emit)(const struct ctl_rtp_stream *, void *),
    void *arg)
{
	struct ctl_rtp_stream	 cs;
	struct rtp_stream	*s;

	RB_FOREACH(s, rtp_streams, &streams) {
		rtp_stream_counts(s, &cs);
		emit(&cs, arg);
	}
}
