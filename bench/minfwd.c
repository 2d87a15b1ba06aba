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
 * minfwd: the minimal UDP forwarder, the upper bound a relay can reach on
 * this machine. Leg i listens on in_i (the -i range); every packet that
 * arrives there leaves towards the fixed destination dst_i (the -d range),
 * from out_i (the -o range) when given, else from in_i itself, like a relay
 * with its inside and outside ports. recvmmsg and sendmmsg in batches on
 * epoll, one thread, optionally pinned; no lookups, no copies, no
 * allocation after setup. With -g a run of equal-sized packets leaves as
 * one UDP GSO message, as sipproxd's relay sends them, so that the limit
 * includes what GSO saves. Prints "minfwd: ready" once bound and one line
 * of counters at exit (SIGTERM, SIGINT or -t seconds).
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/udp.h>

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

#define MAX_EVENTS	256

struct leg {
	int			 infd;
	int			 outfd;		/* connected to dst if own */
	struct sockaddr_in	 dst;
};

static struct leg	*legs;
static unsigned int	 nlegs = 1;
static int		 separate;	/* out sockets of their own */
static int		 gso;		/* runs as UDP GSO messages */

static unsigned char	 buf[BENCH_BATCH][BENCH_MAXPKT];
static struct iovec	 iov[BENCH_BATCH];
static struct mmsghdr	 msg[BENCH_BATCH];
static struct mmsghdr	 gmsg[BENCH_BATCH];	/* GSO: a run each */
static unsigned int	 gcount[BENCH_BATCH];	/* packets in gmsg[m] */
static union {
	struct cmsghdr	 hdr;
	unsigned char	 buf[CMSG_SPACE(sizeof(uint16_t))];
}			 gcmsg[BENCH_BATCH];

static uint64_t		 n_rx, n_tx, n_txerr, n_rxcalls;

static volatile sig_atomic_t	 quit;

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: minfwd [-g] [-b rcvbuf] [-B sndbuf] [-c cpu] "
	    "-d dst -i in [-n legs]\n"
	    "\t[-o out] [-t seconds]\n"
	    "  ranges: ADDR:PORT[+STRIDE] (stride 2 if left out) or @FILE\n");
	exit(2);
}

static void
on_signal(int sig)
{
	quit = 1;
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

/*
 * Send the n packets received as runs of one size, a GSO message each;
 * returns how many packets left.
 */
static int
send_runs(struct leg *lg, int n)
{
	struct msghdr	*mh;
	uint16_t	 seg;
	size_t		 total;
	int		 i, m, run, r, sent;

	for (i = m = 0; i < n; i += run, m++) {
		seg = msg[i].msg_len;
		total = seg;
		for (run = 1; i + run < n && msg[i + run].msg_len == seg &&
		    total + seg <= 65000; run++)
			total += seg;
		mh = &gmsg[m].msg_hdr;
		memset(mh, 0, sizeof(*mh));
		mh->msg_iov = &iov[i];
		mh->msg_iovlen = run;
		if (!separate) {
			mh->msg_name = &lg->dst;
			mh->msg_namelen = sizeof(lg->dst);
		}
		if (run > 1) {
			gcmsg[m].hdr.cmsg_level = SOL_UDP;
			gcmsg[m].hdr.cmsg_type = UDP_SEGMENT;
			gcmsg[m].hdr.cmsg_len = CMSG_LEN(sizeof(seg));
			memcpy(CMSG_DATA(&gcmsg[m].hdr), &seg, sizeof(seg));
			mh->msg_control = &gcmsg[m];
			mh->msg_controllen = sizeof(gcmsg[m]);
		}
		gcount[m] = run;
	}
	if ((r = sendmmsg(lg->outfd, gmsg, m, MSG_DONTWAIT)) == -1)
		return (-1);
	for (i = sent = 0; i < r; i++)
		sent += gcount[i];
	return (sent);
}

/* Send the n packets received, a message each. */
static int
send_each(struct leg *lg, int n)
{
	int	 j, r;

	for (j = 0; !separate && j < n; j++) {
		msg[j].msg_hdr.msg_name = &lg->dst;
		msg[j].msg_hdr.msg_namelen = sizeof(lg->dst);
	}
	r = sendmmsg(lg->outfd, msg, n, MSG_DONTWAIT);
	/* the same messages receive next: no source address to fill */
	for (j = 0; !separate && j < n; j++) {
		msg[j].msg_hdr.msg_name = NULL;
		msg[j].msg_hdr.msg_namelen = 0;
	}
	return (r);
}

/* One event: move what is queued on leg i, a few batches at most. */
static void
forward(struct leg *lg)
{
	unsigned int	 loops;
	int		 n, j, r;

	for (loops = 0; loops < 4; loops++) {
		for (j = 0; j < BENCH_BATCH; j++)
			iov[j].iov_len = BENCH_MAXPKT;
		n = recvmmsg(lg->infd, msg, BENCH_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			if (errno == ECONNREFUSED)
				continue;
			err(1, "recvmmsg");
		}
		n_rxcalls++;
		n_rx += n;
		for (j = 0; j < n; j++)
			iov[j].iov_len = msg[j].msg_len;
		r = gso ? send_runs(lg, n) : send_each(lg, n);
		if (r == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != ENOBUFS && errno != ECONNREFUSED &&
			    errno != EINTR)
				err(1, "sendmmsg");
			r = 0;
		}
		n_tx += r;
		n_txerr += n - r;
		if (n < BENCH_BATCH)
			return;
	}
}

int
main(int argc, char *argv[])
{
	struct addrspec		 in, out, dst;
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[MAX_EVENTS];
	struct sigaction	 sa;
	const char		*inspec = NULL, *outspec = NULL;
	const char		*dstspec = NULL;
	uint64_t		 tstop = 0;
	long long		 secs = 600;
	unsigned int		 i;
	int			 ch, ep, n, j, cpu = -1, rcvbuf = 0, sndbuf = 0;

	while ((ch = getopt(argc, argv, "b:B:c:d:gi:n:o:t:")) != -1) {
		switch (ch) {
		case 'g':
			gso = 1;
			break;
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
			dstspec = optarg;
			break;
		case 'i':
			inspec = optarg;
			break;
		case 'n':
			nlegs = parse_num(optarg, 1, BENCH_MAXSTREAMS, "legs");
			break;
		case 'o':
			outspec = optarg;
			break;
		case 't':
			secs = parse_num(optarg, 0, 86400, "seconds");
			break;
		default:
			usage();
		}
	}
	if (argc != optind || inspec == NULL || dstspec == NULL)
		usage();
	if (addrspec_parse(&in, inspec, nlegs) == -1)
		errx(2, "bad in range %s", inspec);
	if (addrspec_parse(&dst, dstspec, nlegs) == -1)
		errx(2, "bad destination range %s", dstspec);
	if (outspec != NULL && addrspec_parse(&out, outspec, nlegs) == -1)
		errx(2, "bad out range %s", outspec);
	separate = outspec != NULL;

	pin_cpu(cpu);
	raise_nofile();
	if ((legs = calloc(nlegs, sizeof(*legs))) == NULL)
		err(1, NULL);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	for (i = 0; i < nlegs; i++) {
		struct leg	*lg = &legs[i];

		if (addrspec_get(&in, i, &sin) == -1)
			errx(1, "no in address for leg %u", i);
		lg->infd = udp_bind(&sin, rcvbuf, sndbuf);
		if (addrspec_get(&dst, i, &lg->dst) == -1)
			errx(1, "no destination for leg %u", i);
		lg->outfd = lg->infd;
		if (separate) {
			if (addrspec_get(&out, i, &sin) == -1)
				errx(1, "no out address for leg %u", i);
			lg->outfd = udp_bind(&sin, rcvbuf, sndbuf);
			if (connect(lg->outfd, (struct sockaddr *)&lg->dst,
			    sizeof(lg->dst)) == -1)
				err(1, "connect %s", addr_str(&lg->dst));
		}
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = lg;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, lg->infd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	for (j = 0; j < BENCH_BATCH; j++) {
		iov[j].iov_base = buf[j];
		iov[j].iov_len = sizeof(buf[j]);
		msg[j].msg_hdr.msg_iov = &iov[j];
		msg[j].msg_hdr.msg_iovlen = 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (secs > 0)
		tstop = now_ns() + (uint64_t)secs * 1000000000ULL;
	fprintf(stderr, "minfwd: ready legs=%u in=%s ", nlegs,
	    addr_str(&in.base));
	fprintf(stderr, "out=%s rcvbuf=%d sndbuf=%d cpu=%d gso=%d\n",
	    separate ? "own" : "in", sock_bufsize(legs[0].infd, SO_RCVBUF),
	    sock_bufsize(legs[0].outfd, SO_SNDBUF), cpu, gso);

	while (!quit) {
		/* wake now and then to notice the time limit */
		n = epoll_wait(ep, evs, MAX_EVENTS, 200);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (j = 0; j < n; j++)
			forward(evs[j].data.ptr);
		if (tstop != 0 && (n == 0 || (n_rxcalls & 1023) == 0) &&
		    now_ns() >= tstop)
			break;
	}
	printf("minfwd legs=%u rx=%llu tx=%llu txerr=%llu batch=%.1f\n",
	    nlegs, (unsigned long long)n_rx, (unsigned long long)n_tx,
	    (unsigned long long)n_txerr,
	    n_rxcalls ? (double)n_rx / (double)n_rxcalls : 0.0);
	return (0);
}
