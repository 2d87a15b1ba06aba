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
 * rtpload: an RTP load generator and receiver for relay benchmarks.
 *
 * Stream i sends from its own socket (the -l range) to its target (the -t
 * range: where the relay listens) and receives on its own socket (the -r
 * range: where the relay sends out). Every payload starts with the send
 * time (CLOCK_MONOTONIC, ns), a run id, the stream index and a 32-bit
 * sequence, so one process on one machine measures one-way latency, loss
 * and gaps. Sends are paced on a timer and batched with sendmmsg, or with
 * -g sent as bursts of up to that many packets a stream, each burst one
 * UDP GSO message that the kernel cuts into datagrams (a generator that
 * pays the stack once a burst keeps ahead of a relay for longer); receives
 * are batched with recvmmsg on epoll; latency goes into a fixed log-linear
 * histogram. One line of results at the end.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define RTP_HDRLEN	12
#define PL_HDRLEN	20	/* send ns, run id, stream index, sequence */
#define PAYLOAD_MAX	1400
#define MAX_DUE		4096	/* packets one tick may catch up */
#define FLAT_BURST	256	/* packets a loop turn when unpaced */
#define MAX_EVENTS	256

/*
 * Latency histogram, microseconds: 0-63 exact, then 32 buckets an octave
 * (under 3.2 % error) up to 2^27 us; the last bucket is overflow.
 */
#define HIST_LIN	64
#define HIST_SUB	32
#define HIST_OCT	21
#define HIST_SIZE	(HIST_LIN + HIST_OCT * HIST_SUB + 1)

struct stream {
	int		 sfd;		/* sends, connected to the target */
	int		 rfd;		/* receives what the relay sends out */
	uint32_t	 ssrc;
	uint16_t	 rtpseq;
	uint32_t	 rtpts;
	uint32_t	 txseq;		/* packets sent = next sequence */
	uint32_t	 rxcount;
	uint32_t	 rxnext;	/* next sequence expected */
};

static struct stream	*streams;
static unsigned int	 nstreams = 1;
static size_t		 payload = 160;
static unsigned int	 ptype = 0;
static unsigned int	 samples = 160;
static unsigned int	 gso;		/* packets a GSO burst; 0: none */
static uint32_t		 runid;
static uint32_t		 warmid;	/* run id of warm-up packets */

static uint64_t		 hist[HIST_SIZE];
static uint64_t		 lat_max;

static uint64_t		 tx_total, rx_total;
static uint64_t		 n_gaps;	/* sequences skipped on arrival */
static uint64_t		 n_late;	/* older than expected: reordered */
static uint64_t		 n_bad;		/* not ours: short, wrong version */
static uint64_t		 n_stale;	/* from an earlier run */
static uint64_t		 n_warm;	/* warm-up packets received */
static uint64_t		 n_misrouted;	/* arrived on another stream */
static uint64_t		 n_txfull;	/* sendmmsg found no room */
static uint64_t		 n_refused;	/* ICMP port unreachable seen */

static unsigned char	 txbuf[BENCH_BATCH][RTP_HDRLEN + PAYLOAD_MAX];
static struct iovec	 txiov[BENCH_BATCH];
static struct mmsghdr	 txmsg[BENCH_BATCH];
static unsigned char	 rxbuf[BENCH_BATCH][BENCH_MAXPKT];
static struct iovec	 rxiov[BENCH_BATCH];
static struct mmsghdr	 rxmsg[BENCH_BATCH];

static int		 warming;

static volatile sig_atomic_t	 quit;

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: rtpload [-b rcvbuf] [-B sndbuf] [-c cpu] "
	    "[-d seconds] [-i samples]\n"
	    "\t[-g burst] [-k tick_us] [-l src] [-n streams] [-P pt] "
	    "[-r recv] [-R pps_per_stream]\n"
	    "\t[-s payload] [-t target] [-T total_pps] [-w drain_ms] "
	    "[-W warmup_ms]\n"
	    "  ranges: ADDR:PORT[+STRIDE] (stride 2 if left out) or @FILE\n"
	    "  -T 0: unpaced, as fast as possible\n");
	exit(2);
}

static void
on_signal(int sig)
{
	quit = 1;
}

static unsigned int
hist_index(uint64_t us)
{
	unsigned int	 shift;

	if (us < HIST_LIN)
		return ((unsigned int)us);
	shift = 63 - __builtin_clzll(us) - 5;	/* us >> shift in 32..63 */
	if (shift > HIST_OCT)
		return (HIST_SIZE - 1);
	return (HIST_LIN + (shift - 1) * HIST_SUB +
	    (unsigned int)((us >> shift) - HIST_SUB));
}

/* The middle of a bucket, in microseconds. */
static uint64_t
hist_value(unsigned int idx)
{
	unsigned int	 k, shift;

	if (idx < HIST_LIN)
		return (idx);
	if (idx >= HIST_SIZE - 1)
		return (lat_max);
	k = idx - HIST_LIN;
	shift = k / HIST_SUB + 1;
	return (((uint64_t)(k % HIST_SUB + HIST_SUB) << shift) +
	    ((1ULL << shift) >> 1));
}

/* Percentile q in parts per 100000. */
static uint64_t
hist_pct(uint64_t count, unsigned int q)
{
	uint64_t	 rank, cum = 0;
	unsigned int	 i;

	if (count == 0)
		return (0);
	rank = (count * q + 99999) / 100000;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_SIZE; i++) {
		cum += hist[i];
		if (cum >= rank) {
			/* never report more than the largest seen */
			return (hist_value(i) > lat_max ? lat_max :
			    hist_value(i));
		}
	}
	return (lat_max);
}

static void
put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, sizeof(v));
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return (ntohl(v));
}

/*
 * Send the n packets built in txbuf as one UDP GSO message: the kernel
 * cuts it into n datagrams. Returns n, or -1 with errno.
 */
static int
tx_gso(int fd, unsigned int n)
{
	union {
		struct cmsghdr	 hdr;
		unsigned char	 buf[CMSG_SPACE(sizeof(uint16_t))];
	}		 cm;
	struct msghdr	 mh;
	uint16_t	 seg = RTP_HDRLEN + payload;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = txiov;
	mh.msg_iovlen = n;
	if (n > 1) {
		memset(&cm, 0, sizeof(cm));
		cm.hdr.cmsg_level = SOL_UDP;
		cm.hdr.cmsg_type = UDP_SEGMENT;
		cm.hdr.cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(&cm.hdr), &seg, sizeof(seg));
		mh.msg_control = &cm;
		mh.msg_controllen = sizeof(cm);
	}
	return (sendmsg(fd, &mh, MSG_DONTWAIT) == -1 ? -1 : (int)n);
}

/* Send cnt packets on stream idx, in batches; count what left. */
static void
tx_stream(unsigned int idx, unsigned int cnt)
{
	struct stream	*st = &streams[idx];
	unsigned char	*p;
	uint64_t	 t;
	uint16_t	 seq16;
	unsigned int	 n, j, max = gso > 0 ? gso : BENCH_BATCH;
	int		 r;

	while (cnt > 0) {
		n = cnt > max ? max : cnt;
		t = now_ns();
		for (j = 0; j < n; j++) {
			p = txbuf[j];
			p[0] = 0x80;		/* V=2, no P, X, CC */
			p[1] = (unsigned char)ptype;
			seq16 = htons((uint16_t)(st->rtpseq + j));
			memcpy(p + 2, &seq16, sizeof(seq16));
			put32(p + 4, st->rtpts + j * samples);
			put32(p + 8, st->ssrc);
			memcpy(p + RTP_HDRLEN, &t, sizeof(t));
			put32(p + RTP_HDRLEN + 8, warming ? warmid : runid);
			put32(p + RTP_HDRLEN + 12, idx);
			put32(p + RTP_HDRLEN + 16, st->txseq + j);
		}
		r = gso > 0 ? tx_gso(st->sfd, n) :
		    sendmmsg(st->sfd, txmsg, n, MSG_DONTWAIT);
		if (r == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS)
				n_txfull++;
			else if (errno == ECONNREFUSED)
				n_refused++;
			else if (errno != EINTR)
				err(1, "sendmmsg stream %u", idx);
			return;
		}
		st->txseq += r;
		st->rtpseq += r;
		st->rtpts += (uint32_t)r * samples;
		tx_total += r;
		if ((unsigned int)r < n) {
			n_txfull++;
			return;
		}
		cnt -= n;
	}
}

/*
 * Send due packets, spread round-robin over the streams from the cursor,
 * so each stream gets total/nstreams of the rate at an even spacing; with
 * GSO, a burst a stream in turn.
 */
static void
tx_due(uint64_t due)
{
	static unsigned int	 cursor;
	uint64_t		 q, r, j, m;

	if (due > MAX_DUE)
		due = MAX_DUE;
	if (gso > 0) {
		for (; due > 0; due -= m) {
			m = due < gso ? due : gso;
			tx_stream(cursor, m);
			cursor = (cursor + 1) % nstreams;
		}
		return;
	}
	q = due / nstreams;
	r = due % nstreams;
	m = q > 0 ? nstreams : r;
	for (j = 0; j < m; j++)
		tx_stream((cursor + j) % nstreams, q + (j < r ? 1 : 0));
	cursor = (cursor + r) % nstreams;
}

static void
rx_packet(unsigned int idx, const unsigned char *p, size_t len, uint64_t t)
{
	struct stream	*st;
	uint64_t	 sent, us;
	uint32_t	 seq, sidx;

	if (len < RTP_HDRLEN + PL_HDRLEN || (p[0] & 0xc0) != 0x80) {
		n_bad++;
		return;
	}
	if (get32(p + RTP_HDRLEN + 8) != runid) {
		if (get32(p + RTP_HDRLEN + 8) == warmid)
			n_warm++;
		else
			n_stale++;
		return;
	}
	sidx = get32(p + RTP_HDRLEN + 12);
	if (sidx >= nstreams) {
		n_bad++;
		return;
	}
	if (sidx != idx)
		n_misrouted++;
	st = &streams[sidx];
	memcpy(&sent, p + RTP_HDRLEN, sizeof(sent));
	seq = get32(p + RTP_HDRLEN + 16);

	us = t > sent ? (t - sent) / 1000 : 0;
	hist[hist_index(us)]++;
	if (us > lat_max)
		lat_max = us;

	rx_total++;
	st->rxcount++;
	if (seq == st->rxnext)
		st->rxnext++;
	else if (seq > st->rxnext) {
		n_gaps += seq - st->rxnext;
		st->rxnext = seq + 1;
	} else
		n_late++;
}

static void
rx_stream(unsigned int idx)
{
	uint64_t	 t;
	unsigned int	 loops;
	int		 n, j;

	/* bounded: a busy socket must not starve the sender */
	for (loops = 0; loops < 4; loops++) {
		n = recvmmsg(streams[idx].rfd, rxmsg, BENCH_BATCH,
		    MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			if (errno == ECONNREFUSED)
				continue;
			err(1, "recvmmsg stream %u", idx);
		}
		t = now_ns();
		for (j = 0; j < n; j++)
			rx_packet(idx, rxbuf[j], rxmsg[j].msg_len, t);
		if (n < BENCH_BATCH)
			return;
	}
}

static void
poll_once(int ep, int tfd, int timeout)
{
	struct epoll_event	 evs[MAX_EVENTS];
	uint64_t		 expired;
	int			 n, j;

	n = epoll_wait(ep, evs, MAX_EVENTS, timeout);
	if (n == -1 && errno != EINTR)
		err(1, "epoll_wait");
	for (j = 0; j < n; j++) {
		if (evs[j].data.u32 == UINT32_MAX) {
			if (read(tfd, &expired, sizeof(expired)) == -1 &&
			    errno != EAGAIN)
				err(1, "timerfd read");
		} else
			rx_stream(evs[j].data.u32);
	}
}

static void
warmup(int ep, int tfd, double total, int flat, uint64_t span)
{
	uint64_t	 t0, t, target;
	unsigned int	 i;

	warming = 1;
	t0 = now_ns();
	while (!quit && (t = now_ns()) < t0 + span) {
		poll_once(ep, tfd, flat ? 0 : -1);
		if (flat)
			tx_due(FLAT_BURST);
		else {
			target = (uint64_t)((double)(t - t0) / 1e9 * total);
			if (target > tx_total)
				tx_due(target - tx_total);
		}
	}
	/* let the last warm-up packets through, then start afresh */
	t0 = now_ns();
	while (!quit && now_ns() < t0 + 20000000)
		poll_once(ep, tfd, -1);
	warming = 0;
	tx_total = rx_total = 0;
	n_gaps = n_late = n_bad = n_stale = n_misrouted = 0;
	n_txfull = n_refused = 0;
	lat_max = 0;
	memset(hist, 0, sizeof(hist));
	for (i = 0; i < nstreams; i++) {
		streams[i].txseq = 0;
		streams[i].rxcount = 0;
		streams[i].rxnext = 0;
	}
}

static double
parse_double(const char *s, double lo, double hi, const char *what)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		errx(2, "%s: bad value \"%s\"", what, s);
	return (v);
}

static long long
parse_num(const char *s, long long lo, long long hi, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, lo, hi, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return (v);
}

int
main(int argc, char *argv[])
{
	struct addrspec		 src, dst, rcv;
	struct sockaddr_in	 sin;
	struct epoll_event	 ev;
	struct itimerspec	 its;
	struct sigaction	 sa;
	const char		*srcspec = "127.0.0.10:10000+2";
	const char		*rcvspec = "127.0.0.30:24000+2";
	const char		*dstspec = NULL;
	double			 secs = 2.0, perstream = 50.0, total = -1.0;
	double			 span;
	uint64_t		 t0, tend, tdrain, t, due, target, tick_ns;
	long long		 tick_us = 1000, drain_ms = 500, warm_ms = 0;
	unsigned int		 i;
	int			 ch, ep, tfd, j, cpu = -1;
	int			 rcvbuf = 0, sndbuf = 0, sending, flat;

	while ((ch = getopt(argc, argv, "b:B:c:d:g:i:k:l:n:P:r:R:s:t:T:w:W:")) !=
	    -1) {
		switch (ch) {
		case 'b':
			rcvbuf = parse_num(optarg, 1024, INT_MAX / 2, "rcvbuf");
			break;
		case 'B':
			sndbuf = parse_num(optarg, 1024, INT_MAX / 2, "sndbuf");
			break;
		case 'c':
			cpu = parse_num(optarg, 0, CPU_SETSIZE - 1, "cpu");
			break;
		case 'd':
			secs = parse_double(optarg, 0.01, 3600, "seconds");
			break;
		case 'g':
			gso = parse_num(optarg, 1, BENCH_BATCH, "burst");
			break;
		case 'i':
			samples = parse_num(optarg, 0, 65535, "samples");
			break;
		case 'k':
			tick_us = parse_num(optarg, 50, 1000000, "tick");
			break;
		case 'l':
			srcspec = optarg;
			break;
		case 'n':
			nstreams = parse_num(optarg, 1, BENCH_MAXSTREAMS,
			    "streams");
			break;
		case 'P':
			ptype = parse_num(optarg, 0, 127, "payload type");
			break;
		case 'r':
			rcvspec = optarg;
			break;
		case 'R':
			perstream = parse_double(optarg, 0.001, 1e7, "pps");
			break;
		case 's':
			payload = parse_num(optarg, PL_HDRLEN, PAYLOAD_MAX,
			    "payload");
			break;
		case 't':
			dstspec = optarg;
			break;
		case 'T':
			total = parse_double(optarg, 0, 1e8, "total pps");
			break;
		case 'w':
			drain_ms = parse_num(optarg, 0, 60000, "drain");
			break;
		case 'W':
			warm_ms = parse_num(optarg, 0, 60000, "warm-up");
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();
	if (dstspec == NULL)
		dstspec = rcvspec;	/* no relay: straight to receivers */
	if (total < 0)
		total = perstream * nstreams;
	/* A GSO message stays under 64 KiB. */
	if (gso * (RTP_HDRLEN + payload) > 65000)
		gso = 65000 / (RTP_HDRLEN + payload);
	flat = total == 0;

	if (addrspec_parse(&src, srcspec, nstreams) == -1)
		errx(2, "bad source range %s", srcspec);
	if (addrspec_parse(&dst, dstspec, nstreams) == -1)
		errx(2, "bad target range %s", dstspec);
	if (addrspec_parse(&rcv, rcvspec, nstreams) == -1)
		errx(2, "bad receiver range %s", rcvspec);

	pin_cpu(cpu);
	raise_nofile();
	runid = arc4random();
	do {
		warmid = arc4random();
	} while (warmid == runid);

	if ((streams = calloc(nstreams, sizeof(*streams))) == NULL)
		err(1, NULL);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	for (i = 0; i < nstreams; i++) {
		struct stream	*st = &streams[i];

		st->ssrc = arc4random();
		st->rtpseq = (uint16_t)arc4random();
		st->rtpts = arc4random();
		if (addrspec_get(&rcv, i, &sin) == -1)
			errx(1, "no receiver address for stream %u", i);
		st->rfd = udp_bind(&sin, rcvbuf, 0);
		if (addrspec_get(&src, i, &sin) == -1)
			errx(1, "no source address for stream %u", i);
		st->sfd = udp_bind(&sin, 0, sndbuf);
		if (addrspec_get(&dst, i, &sin) == -1)
			errx(1, "no target address for stream %u", i);
		if (connect(st->sfd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1)
			err(1, "connect %s", addr_str(&sin));
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, st->rfd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	for (j = 0; j < BENCH_BATCH; j++) {
		memset(txbuf[j], 0xd5, sizeof(txbuf[j]));	/* silence */
		txiov[j].iov_base = txbuf[j];
		txiov[j].iov_len = RTP_HDRLEN + payload;
		txmsg[j].msg_hdr.msg_iov = &txiov[j];
		txmsg[j].msg_hdr.msg_iovlen = 1;
		rxiov[j].iov_base = rxbuf[j];
		rxiov[j].iov_len = sizeof(rxbuf[j]);
		rxmsg[j].msg_hdr.msg_iov = &rxiov[j];
		rxmsg[j].msg_hdr.msg_iovlen = 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* The pacing tick; it also bounds every wait below. */
	tick_ns = (uint64_t)tick_us * 1000;
	if ((tfd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		err(1, "timerfd_create");
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = tick_ns / 1000000000;
	its.it_interval.tv_nsec = tick_ns % 1000000000;
	its.it_value = its.it_interval;
	if (timerfd_settime(tfd, 0, &its, NULL) == -1)
		err(1, "timerfd_settime");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = UINT32_MAX;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) == -1)
		err(1, "epoll_ctl");

	/*
	 * Warm-up: the same traffic under another run id, so a relay can
	 * learn its peers and caches can fill; its packets are not counted.
	 */
	if (warm_ms > 0)
		warmup(ep, tfd, total, flat, (uint64_t)warm_ms * 1000000);

	t0 = now_ns();
	tend = t0 + (uint64_t)(secs * 1e9);
	tdrain = tend + (uint64_t)drain_ms * 1000000;
	sending = 1;
	for (;;) {
		poll_once(ep, tfd, sending && flat ? 0 : -1);
		t = now_ns();
		if (quit && sending) {
			tend = t;
			tdrain = t + (uint64_t)drain_ms * 1000000;
		}
		if (sending) {
			if (t >= tend) {
				sending = 0;
				t = tend;
			}
			if (flat)
				due = sending ? FLAT_BURST : 0;
			else {
				/* what the rate asks for by now */
				target = (uint64_t)((double)(t - t0) / 1e9 *
				    total);
				due = target > tx_total ? target - tx_total :
				    0;
			}
			if (due > 0)
				tx_due(due);
			continue;
		}
		if (rx_total >= tx_total || t >= tdrain)
			break;
	}

	span = (double)(tend - t0) / 1e9;
	printf("rtpload streams=%u payload=%zu pt=%u rate=%.0f secs=%.2f "
	    "sent=%llu received=%llu loss=%.3f%% gaps=%llu late=%llu "
	    "txpps=%.0f rxpps=%.0f p50=%llu p99=%llu p999=%llu max=%llu "
	    "stale=%llu warm=%llu misrouted=%llu bad=%llu txfull=%llu "
	    "refused=%llu "
	    "rcvbuf=%d sndbuf=%d cpu=%d\n",
	    nstreams, payload, ptype, total, span,
	    (unsigned long long)tx_total, (unsigned long long)rx_total,
	    tx_total == 0 ? 0.0 : 100.0 * (double)(tx_total -
	    (rx_total < tx_total ? rx_total : tx_total)) / (double)tx_total,
	    (unsigned long long)n_gaps, (unsigned long long)n_late,
	    span > 0 ? (double)tx_total / span : 0.0,
	    span > 0 ? (double)rx_total / span : 0.0,
	    (unsigned long long)hist_pct(rx_total, 50000),
	    (unsigned long long)hist_pct(rx_total, 99000),
	    (unsigned long long)hist_pct(rx_total, 99900),
	    (unsigned long long)lat_max,
	    (unsigned long long)n_stale, (unsigned long long)n_warm,
	    (unsigned long long)n_misrouted,
	    (unsigned long long)n_bad, (unsigned long long)n_txfull,
	    (unsigned long long)n_refused,
	    sock_bufsize(streams[0].rfd, SO_RCVBUF),
	    sock_bufsize(streams[0].sfd, SO_SNDBUF), cpu);
	return (0);
}
