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
 * The RTP relay end to end: streams opened through a regress build's
 * control socket with the engine's own imsg messages, real RTP over
 * loopback sockets both ways, and what the relay then does and reports.
 *
 * usage: rtp_test socket sipctl relay-pid mode
 * modes: basic (relaying, latching, injection, dscp, pool exhaustion,
 * show rtp), timeout (idle and junk-fed streams), late (media that
 * starts 21 s after the offer or answer), dejitter (PT 0 and PT 6),
 * strict, refuse (peers the relay must not be aimed at), oneaddr (both
 * legs on one address, IPv4 and IPv6)
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"

#define PHONE		"127.0.0.10"	/* inside party */
#define FAR		"127.0.0.20"	/* outside party */
#define STRANGER	"127.0.0.66"
#define INSIDE		"127.0.0.2"	/* the relay's inside address */
#define OUTSIDE		"127.0.0.3"

static struct imsgbuf	 ctl;
static const char	*sockpath, *sipctl;
static pid_t		 relay_pid;
static int		 failed;
/* The relay's legs and the parties: one address for all in oneaddr. */
static const char	*inside = INSIDE, *outside = OUTSIDE;
static const char	*phone_addr = PHONE, *far_addr = FAR;
static struct rtp_ports	 opened;		/* the last open's ports */

static void
check(int cond, const char *name)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", name);
	fflush(stdout);
	if (!cond)
		failed = 1;
}

static int64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* An IPv4 or IPv6 address and port; the length of the result. */
static socklen_t
sa_set(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return (sizeof(*sin6));
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
	return (sizeof(*sin));
}

static int
ss_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return (ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	return (ntohs(((const struct sockaddr_in *)ss)->sin_port));
}

static int
udp_bind(const char *addr, int port)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd;

	len = sa_set(&ss, addr, port);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1) {
		fprintf(stderr, "bind %s:%d: %s\n", addr, port,
		    strerror(errno));
		exit(1);
	}
	return (fd);
}

static int
udp_port(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &len);
	return (ss_port(&ss));
}

static int	 send_pt;		/* payload type of what we send */

static void
send_rtp(int fd, const char *addr, int port, uint16_t seq, uint32_t ts,
    size_t len)
{
	struct sockaddr_storage	 ss;
	uint8_t			 p[1500];

	memset(p, 0xd5, sizeof(p));
	p[0] = 0x80;
	p[1] = send_pt;
	p[2] = seq >> 8;
	p[3] = seq;
	p[4] = ts >> 24;
	p[5] = ts >> 16;
	p[6] = ts >> 8;
	p[7] = ts;
	p[8] = 0x12;
	p[9] = 0x34;
	p[10] = 0x56;
	p[11] = 0x78;
	sendto(fd, p, len, 0, (struct sockaddr *)&ss,
	    sa_set(&ss, addr, port));
}

/* One datagram within ms, or -1; its source in from when given. */
static ssize_t
recv_wait(int fd, uint8_t *buf, size_t len, int ms,
    struct sockaddr_storage *from)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	socklen_t	 flen = sizeof(*from);

	if (poll(&pfd, 1, ms) != 1)
		return (-1);
	return (recvfrom(fd, buf, len, 0, (struct sockaddr *)from,
	    from ? &flen : NULL));
}

/* Drain a socket: how many datagrams arrive within ms. */
static int
recv_count(int fd, int ms)
{
	uint8_t	 buf[2048];
	int	 n = 0;

	while (recv_wait(fd, buf, sizeof(buf), ms, NULL) >= 0)
		n++;
	return (n);
}

static void
ctl_connect(void)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, sockpath, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "connect %s: %s\n", sockpath,
		    strerror(errno));
		exit(1);
	}
	imsgbuf_init(&ctl, fd);
}

/* Wait for a message of one of two types about id; its type, or -1. */
static int
ctl_wait(uint32_t id, uint32_t t1, uint32_t t2, void *data, size_t len,
    int ms)
{
	struct pollfd	 pfd;
	struct imsg	 imsg;
	int64_t		 end = now_us() + ms * 1000LL;
	uint32_t	 type;
	ssize_t		 n;

	for (;;) {
		while ((n = imsg_get(&ctl, &imsg)) > 0) {
			type = imsg_get_type(&imsg);
			if (imsg_get_id(&imsg) == id &&
			    (type == t1 || type == t2)) {
				if (data != NULL)
					imsg_get_data(&imsg, data, len);
				imsg_free(&imsg);
				return (type);
			}
			imsg_free(&imsg);
		}
		if (n == -1 || now_us() >= end)
			return (-1);
		pfd.fd = ctl.fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (end - now_us()) / 1000 + 1) <= 0)
			continue;
		if (imsgbuf_read(&ctl) != 1)
			return (-1);
	}
}

static void
peers_set(struct rtp_peers *rp, int phone_port, int far_port)
{
	memset(rp, 0, sizeof(*rp));
	sa_set(&rp->leg[LEG_INSIDE].rtp, phone_addr, phone_port);
	sa_set(&rp->leg[LEG_INSIDE].sig, phone_addr, 5060);
	sa_set(&rp->leg[LEG_OUTSIDE].rtp, far_addr, far_port);
	sa_set(&rp->leg[LEG_OUTSIDE].sig, far_addr, 5060);
}

/* Open a stream; its port, or -errno from the relay. */
static int
stream_open(uint32_t id, int phone_port, int far_port)
{
	struct rtp_open		 ro;
	struct rtp_ports	 ports;
	int			 error;

	memset(&ro, 0, sizeof(ro));
	snprintf(ro.callid, sizeof(ro.callid), "rtp-test-%u", id);
	sa_set(&ro.local[LEG_INSIDE], inside, 0);
	sa_set(&ro.local[LEG_OUTSIDE], outside, 0);
	peers_set(&ro.peers, phone_port, far_port);
	imsg_compose(&ctl, IMSG_RTP_OPEN, id, 0, -1, &ro, sizeof(ro));
	imsgbuf_flush(&ctl);
	switch (ctl_wait(id, IMSG_RTP_OPEN_OK, IMSG_RTP_OPEN_FAIL, &ports,
	    sizeof(ports), 3000)) {
	case IMSG_RTP_OPEN_OK:
		opened = ports;
		return (ports.port[LEG_INSIDE]);
	case IMSG_RTP_OPEN_FAIL:
		memcpy(&error, &ports, sizeof(error));
		return (-error);
	}
	return (-EIO);
}

static void
stream_close(uint32_t id)
{
	imsg_compose(&ctl, IMSG_RTP_CLOSE, id, 0, -1, NULL, 0);
	imsgbuf_flush(&ctl);
}

/* Ask the relay what it saw of a stream, over our own connection. */
static int
stream_show(uint32_t id, struct ctl_rtp_stream *out)
{
	struct ctl_rtp_stream	 cs;
	struct imsg		 imsg;
	struct pollfd		 pfd = { 0, POLLIN, 0 };
	int			 found = 0, i;
	ssize_t			 n;

	imsg_compose(&ctl, IMSG_CTL_SHOW_RTP, 0, 0, -1, NULL, 0);
	imsgbuf_flush(&ctl);
	pfd.fd = ctl.fd;
	for (i = 0; i < 100; i++) {
		while ((n = imsg_get(&ctl, &imsg)) > 0) {
			if (imsg_get_type(&imsg) == IMSG_CTL_END) {
				imsg_free(&imsg);
				return (found);
			}
			if (imsg_get_type(&imsg) == IMSG_CTL_SHOW_RTP &&
			    imsg_get_data(&imsg, &cs, sizeof(cs)) == 0 &&
			    cs.id == id) {
				*out = cs;
				found = 1;
			}
			imsg_free(&imsg);
		}
		if (n == -1 || poll(&pfd, 1, 50) < 0 ||
		    imsgbuf_read(&ctl) != 1)
			break;
	}
	return (found);
}

/*
 * A new offer/answer for a stream. The relay takes our messages in order:
 * once it has shown us the stream, it has the update.
 */
static void
stream_update(uint32_t id, int phone_port, int far_port)
{
	struct ctl_rtp_stream	 cs;
	struct rtp_peers	 rp;

	peers_set(&rp, phone_port, far_port);
	imsg_compose(&ctl, IMSG_RTP_UPDATE, id, 0, -1, &rp, sizeof(rp));
	imsgbuf_flush(&ctl);
	stream_show(id, &cs);
}

/*
 * The relay's sockets on addr:port, read through duplicates of its own
 * descriptors (pidfd_getfd): how many, how many are connected to
 * peer_port, and the traffic class they all carry (-1 when they differ).
 */
struct relay_socks {
	int	 n;
	int	 connected;
	int	 tos;
};

static void
relay_socks(const char *addr, int port, int peer_port, struct relay_socks *rs)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	int			 pidfd, fd, i, tos;

	memset(rs, 0, sizeof(*rs));
	rs->tos = -1;
#ifdef SYS_pidfd_getfd
	if ((pidfd = syscall(SYS_pidfd_open, relay_pid, 0)) == -1)
		return;
	for (i = 0; i < 1024; i++) {
		if ((fd = syscall(SYS_pidfd_getfd, pidfd, i, 0)) == -1)
			continue;
		len = sizeof(sin);
		if (getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
		    sin.sin_family == AF_INET && ntohs(sin.sin_port) == port &&
		    sin.sin_addr.s_addr == inet_addr(addr)) {
			len = sizeof(tos);
			if (getsockopt(fd, IPPROTO_IP, IP_TOS, &tos, &len) ==
			    -1)
				tos = -1;
			if (rs->n++ == 0)
				rs->tos = tos;
			else if (tos != rs->tos)
				rs->tos = -1;
			len = sizeof(sin);
			if (getpeername(fd, (struct sockaddr *)&sin, &len) ==
			    0 && ntohs(sin.sin_port) == peer_port)
				rs->connected++;
		}
		close(fd);
	}
	close(pidfd);
#endif
}

/* Hold a port as another program would, SO_REUSEPORT and all. */
static int
hold_port(const char *addr, int port)
{
	struct sockaddr_storage	 ss;
	int			 fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	sa_set(&ss, addr, port);
	if (bind(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) ==
	    -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* What `sipctl -j show [what]` says, tested with a jq filter. */
static int
sipctl_json(const char *what, const char *filter)
{
	char	 cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s -j -s %s show %s | jq -e '%s' "
	    "> /dev/null", sipctl, sockpath, what, filter);
	return (system(cmd) == 0);
}

/*
 * The burst: a run of one size, a shorter packet, then a run too big for
 * one GSO message.
 */
#define BURST		91
#define BURST_LEN(i)	((i) < 30 ? 172 : (i) == 30 ? 100 : 1200)

/*
 * A burst queued while the relay is stopped: it reads it in batches and
 * sends each run of one size as a single GSO message. Every packet must
 * still arrive alone, whole and in order.
 */
static void
test_burst(int phone, const char *addr, int port, int far)
{
	uint8_t	 buf[2048];
	char	 name[80];
	ssize_t	 len;
	int	 i, ok = 1, bufsz = 1 << 20;

	setsockopt(far, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	kill(relay_pid, SIGSTOP);
	for (i = 0; i < BURST; i++)
		send_rtp(phone, addr, port, 1000 + i, i * 160, BURST_LEN(i));
	kill(relay_pid, SIGCONT);
	for (i = 0; i < BURST && ok; i++) {
		len = recv_wait(far, buf, sizeof(buf), 1000, NULL);
		ok = len == BURST_LEN(i) && (buf[2] << 8 | buf[3]) == 1000 + i &&
		    buf[len - 1] == 0xd5;
	}
	snprintf(name, sizeof(name), "a burst to %s arrives packet by packet, "
	    "whole and in order", addr);
	check(ok && recv_count(far, 100) == 0, name);
}

static void
test_basic(void)
{
	struct ctl_rtp_stream	 cs;
	struct relay_socks	 in, out;
	struct sockaddr_storage	 from;
	uint8_t			 buf[2048];
	char			 filter[256];
	int			 phone, phone_rtcp, far, far_rtcp, stranger;
	int			 latecomer, phone2, held, port, i, n, id;

	phone = udp_bind(PHONE, 0);
	phone_rtcp = udp_bind(PHONE, udp_port(phone) + 1);
	far = udp_bind(FAR, 0);
	far_rtcp = udp_bind(FAR, udp_port(far) + 1);
	stranger = udp_bind(STRANGER, 0);

	/* The first port of the range is another program's. */
	held = hold_port(OUTSIDE, 17070);
	port = stream_open(1, udp_port(phone), udp_port(far));
	check(held != -1 && port == 17072,
	    "open: a port held by another program is skipped");
	close(held);

	/* Inside to outside: payload untouched, from our outside leg. */
	for (i = 0; i < 10; i++)
		send_rtp(phone, INSIDE, port, i, i * 160, 172);
	n = 0;
	for (i = 0; i < 10; i++) {
		if (recv_wait(far, buf, sizeof(buf), 1000, &from) == 172 &&
		    buf[2] == 0 && buf[3] == i && buf[100] == 0xd5 &&
		    ((struct sockaddr_in *)&from)->sin_addr.s_addr ==
		    inet_addr(OUTSIDE) && ss_port(&from) == port)
			n++;
	}
	check(n == 10, "relays inside to outside, payload intact");

	for (i = 0; i < 10; i++)
		send_rtp(far, OUTSIDE, port, 100 + i, i * 160, 172);
	check(recv_count(phone, 300) == 10, "relays outside to inside");

	send_rtp(phone_rtcp, INSIDE, port + 1, 0, 0, 60);
	check(recv_count(far_rtcp, 300) == 1, "relays RTCP inside to outside");
	send_rtp(far_rtcp, OUTSIDE, port + 1, 0, 0, 60);
	check(recv_count(phone_rtcp, 300) == 1, "relays RTCP outside to inside");

	/* RTP bleed: a stranger's packets go nowhere and are counted. */
	for (i = 0; i < 5; i++)
		send_rtp(stranger, OUTSIDE, port, 500 + i, 0, 172);
	check(recv_count(phone, 300) == 0, "foreign source dropped");
	check(stream_show(1, &cs) && cs.outside.dropped == 5,
	    "foreign source counted");
	check(cs.inside.packets == 11 && cs.outside.packets == 11 &&
	    cs.inside.latched && cs.outside.latched,
	    "show rtp: packets and latching per leg");
	check(cs.inside.lost == 0 && cs.inside.bytes == 10 * 172 + 60,
	    "show rtp: bytes, no loss");
	snprintf(filter, sizeof(filter), ".streams[] | select(.id == 1) | "
	    ".inside.packets == 11 and .outside.packets == 11 and "
	    ".outside.dropped == 5 and .inside.port == %d", port);
	check(sipctl_json("rtp", filter), "sipctl -j show rtp agrees");

	relay_socks(INSIDE, port, udp_port(phone), &in);
	relay_socks(OUTSIDE, port, udp_port(far), &out);
	check(in.n == 2 && in.connected == 1 && out.n == 2 &&
	    out.connected == 1,
	    "each leg sends from a twin socket connected to its peer");
	check(in.tos == RTP_DSCP << 2 && out.tos == RTP_DSCP << 2,
	    "dscp EF on the relay sockets");

	test_burst(phone, INSIDE, port, far);

	/* A phone whose RTP comes from another port than its SDP says. */
	latecomer = udp_bind(PHONE, 0);
	port = stream_open(2, udp_port(phone), udp_port(far));
	check(port > 0, "open: second stream");
	send_rtp(latecomer, INSIDE, port, 1, 160, 172);
	check(recv_count(far, 300) == 1, "latching: first packet relayed");
	send_rtp(far, OUTSIDE, port, 1, 160, 172);
	check(recv_count(latecomer, 300) == 1 && recv_count(phone, 100) == 0,
	    "latching: answers go to the real source port");
	send_rtp(phone, INSIDE, port, 2, 320, 172);
	check(recv_count(far, 300) == 0,
	    "latching: once latched, other ports are dropped");
	relay_socks(INSIDE, port, udp_port(latecomer), &in);
	check(in.connected == 1, "latching: the twin follows the source");

	/* Loss from sequence gaps: 3, 6 and 9 never sent. */
	for (i = 2; i < 12; i++)
		if (i % 3 != 0)
			send_rtp(latecomer, INSIDE, port, i, i * 160, 172);
	recv_count(far, 200);
	check(stream_show(2, &cs) && cs.inside.lost == 3,
	    "show rtp: loss from sequence gaps");

	/* A re-offer: the new SDP port, until a source latches again. */
	phone2 = udp_bind(PHONE, 0);
	stream_update(2, udp_port(phone2), udp_port(far));
	send_rtp(far, OUTSIDE, port, 2, 320, 172);
	check(recv_count(phone2, 300) == 1 && recv_count(latecomer, 100) == 0,
	    "re-offer: media goes to the new SDP port");
	relay_socks(INSIDE, port, udp_port(phone2), &in);
	check(in.connected == 1, "re-offer: the twin is aimed anew");

	/* The pool: 10 ports, 5 streams; the sixth is refused. */
	for (id = 3; id <= 5; id++)
		stream_open(id, udp_port(phone), udp_port(far));
	check(stream_open(6, udp_port(phone), udp_port(far)) == -ENOSPC,
	    "pool exhausted: open refused with ENOSPC");
	stream_close(6);
	stream_close(3);
	usleep(100000);
	check(stream_open(7, udp_port(phone), udp_port(far)) > 0,
	    "closed stream's ports return to the pool");
}

/*
 * Three streams in a relay with a 10 s timeout: one idle, one that only
 * a stranger sends junk to, one with media. The first two time out on
 * schedule, junk does not keep a stream alive; media does.
 */
static void
test_timeout(void)
{
	struct ctl_rtp_stream	 cs;
	int64_t			 start, end;
	int			 phone, far, stranger, junk, live, type = -1;
	uint16_t		 seq = 0;

	phone = udp_bind(PHONE, 0);
	far = udp_bind(FAR, 0);
	stranger = udp_bind(STRANGER, 0);
	start = now_us();
	check(stream_open(1, 30000, 30002) > 0, "open for timeout");
	junk = stream_open(2, 30004, 30006);
	live = stream_open(3, udp_port(phone), udp_port(far));
	check(junk > 0 && live > 0, "open a stream for junk, one for media");

	/* Junk to both legs of 2, media through 3, 5 times a second. */
	end = start + 15000000;
	while (now_us() < end) {
		send_rtp(stranger, INSIDE, junk, seq, seq * 160, 172);
		send_rtp(stranger, OUTSIDE, junk, seq, seq * 160, 172);
		send_rtp(phone, INSIDE, live, seq, seq * 160, 172);
		seq++;
		recv_count(far, 0);
		if ((type = ctl_wait(2, IMSG_RTP_TIMEOUT, IMSG_RTP_TIMEOUT,
		    NULL, 0, 200)) == IMSG_RTP_TIMEOUT)
			break;
	}
	check(type == IMSG_RTP_TIMEOUT && now_us() - start < 13000000,
	    "a stream that gets only a stranger's junk times out on "
	    "schedule");
	check(stream_show(2, &cs) == 0 && stream_show(1, &cs) == 0,
	    "idle stream times out");
	check(stream_show(3, &cs) == 1 && cs.inside.packets > 40,
	    "a stream with media lives on");
	stream_close(3);
	usleep(100000);
	check(sipctl_json("", ".rtp.streams == 0 and .rtp.ports_free == 10"),
	    "timed out stream's ports back in the pool");
	check(sipctl_json("stats", ".rtp.streams_timedout == 2"),
	    "show stats counts the timeouts");
	close(phone);
	close(far);
	close(stranger);
}

/*
 * Parties that stay silent at first (voice activity detection, a call
 * answered on hold): media that starts 21 s after the offer, or after
 * the answer, still latches and flows both ways, while a stranger is
 * still refused.
 */
static void
test_late(void)
{
	struct ctl_rtp_stream	 cs;
	char			 name[80];
	int			 phone[2], far[2], stranger, port[2], i;

	stranger = udp_bind(STRANGER, 0);
	for (i = 0; i < 2; i++) {
		phone[i] = udp_bind(PHONE, 0);
		far[i] = udp_bind(FAR, 0);
		port[i] = stream_open(i + 1, udp_port(phone[i]),
		    i == 0 ? udp_port(far[i]) : 0);
	}
	check(port[0] > 0 && port[1] > 0, "late: open two streams");
	/* The second one gets its answer now. */
	stream_update(2, udp_port(phone[1]), udp_port(far[1]));
	sleep(21);
	for (i = 0; i < 2; i++) {
		send_rtp(stranger, OUTSIDE, port[i], 1, 160, 172);
		snprintf(name, sizeof(name), "late after the %s: a stranger "
		    "still cannot latch", i == 0 ? "offer" : "answer");
		check(recv_count(phone[i], 300) == 0, name);
		send_rtp(phone[i], INSIDE, port[i], 1, 160, 172);
		snprintf(name, sizeof(name), "late after the %s: media flows "
		    "inside to outside", i == 0 ? "offer" : "answer");
		check(recv_count(far[i], 500) == 1, name);
		send_rtp(far[i], OUTSIDE, port[i], 1, 160, 172);
		snprintf(name, sizeof(name), "late after the %s: media flows "
		    "outside to inside", i == 0 ? "offer" : "answer");
		check(recv_count(phone[i], 500) == 1, name);
		snprintf(name, sizeof(name), "late after the %s: both legs "
		    "latched", i == 0 ? "offer" : "answer");
		check(stream_show(i + 1, &cs) && cs.inside.latched &&
		    cs.outside.latched, name);
	}
}

/*
 * Packets with regular timestamps (20 ms) sent with irregular delays;
 * with dejitter the output spacing follows the timestamps again.
 */
static void
test_dejitter(uint32_t id, int delay_ms, int pt, uint32_t clock)
{
	uint8_t		 buf[2048];
	int64_t		 sent[50], got[50], start, dev, mindev, maxdev;
	int64_t		 inmin, inmax;
	char		 name[80];
	int		 phone, far, port, i, n = 0, seq;
	ssize_t		 len;

	phone = udp_bind(PHONE, 0);
	far = udp_bind(FAR, 0);
	port = stream_open(id, udp_port(phone), udp_port(far));
	check(port > 0, "open for dejitter");
	send_pt = pt;

	srandom(42);
	start = now_us();
	for (i = 0; i < 50; i++) {
		/* On time at first, then each 0 to 30 ms late, in order. */
		int64_t	 due = start + i * 20000 +
		    (i < 5 ? 0 : random() % 30000);

		while (now_us() < due) {
			len = recv_wait(far, buf, sizeof(buf), 1, NULL);
			if (len >= 12 && n < 50) {
				seq = buf[2] << 8 | buf[3];
				if (seq < 50)
					got[seq] = now_us(), n++;
			}
		}
		sent[i] = now_us();
		send_rtp(phone, INSIDE, port, i, i * clock / 50, 172);
	}
	while (n < 50 && (len = recv_wait(far, buf, sizeof(buf), 500,
	    NULL)) >= 12) {
		seq = buf[2] << 8 | buf[3];
		if (seq < 50)
			got[seq] = now_us(), n++;
	}
	send_pt = 0;
	check(n == 50, "dejitter: every packet arrives");

	/*
	 * Deviation from the timestamp clock, in and out. The buffer learns
	 * the fastest transit from what it sees (the first packets here):
	 * judge it from the 10th packet on.
	 */
	inmin = inmax = sent[10] - start - 10 * 20000;
	mindev = maxdev = got[10] - start - 10 * 20000;
	for (i = 11; i < 50; i++) {
		dev = sent[i] - start - i * 20000;
		if (dev < inmin)
			inmin = dev;
		if (dev > inmax)
			inmax = dev;
		dev = got[i] - start - i * 20000;
		if (dev < mindev)
			mindev = dev;
		if (dev > maxdev)
			maxdev = dev;
	}
	printf("    dejitter %d ms, PT %d: input spread %lld us, output spread "
	    "%lld us, added delay %lld to %lld us\n", delay_ms, pt,
	    (long long)(inmax - inmin), (long long)(maxdev - mindev),
	    (long long)mindev, (long long)maxdev);
	/*
	 * Tolerance: scheduling on a loaded box. A timer on the coarse
	 * clock, a kernel tick late (4 ms and more), does not pass.
	 */
	snprintf(name, sizeof(name), "dejitter, PT %d at %u Hz: output "
	    "follows the timestamps within 4 ms", pt, clock);
	check(maxdev - mindev < 4000 && maxdev - mindev < (inmax - inmin) / 3,
	    name);
	check(maxdev < (delay_ms + 30) * 1000LL,
	    "dejitter: delayed by at most the configured time");
	stream_close(id);
	close(phone);
	close(far);
}

static void
test_strict(void)
{
	int	 phone, other, far, port;

	phone = udp_bind(PHONE, 0);
	other = udp_bind(PHONE, 0);
	far = udp_bind(FAR, 0);
	port = stream_open(1, udp_port(phone), udp_port(far));
	send_rtp(other, INSIDE, port, 1, 160, 172);
	check(recv_count(far, 300) == 0,
	    "strict: SDP address, other port dropped");
	send_rtp(phone, INSIDE, port, 2, 320, 172);
	check(recv_count(far, 300) == 1, "strict: exact SDP source relayed");
}

/*
 * The relay does not trust the engine: a stream whose peer is multicast
 * or broadcast is refused at open, an update that names one is ignored.
 */
static void
test_refuse(void)
{
	int	 phone, far, port;

	far_addr = "224.0.0.1";
	check(stream_open(1, 30000, 30002) == -EACCES,
	    "open with a multicast peer refused");
	far_addr = "255.255.255.255";
	check(stream_open(2, 30000, 30002) == -EACCES,
	    "open with a broadcast peer refused");
	far_addr = FAR;
	phone = udp_bind(PHONE, 0);
	far = udp_bind(FAR, 0);
	port = stream_open(3, udp_port(phone), udp_port(far));
	check(port > 0, "open with unicast peers");
	far_addr = "239.1.1.1";
	stream_update(3, udp_port(phone), udp_port(far));
	far_addr = FAR;
	send_rtp(phone, INSIDE, port, 1, 160, 172);
	check(recv_count(far, 300) == 1,
	    "update to a multicast peer ignored: media goes where it went");
	check(sipctl_json("", ".rtp.streams == 1"), "one stream open");
}

/*
 * A proxy on one interface: both legs on one address, each on a port of
 * its own, and what comes to one port leaves from the other; IPv4 with
 * the parties on other addresses, then IPv6 with everyone on ::1.
 */
static void
test_oneaddr(uint32_t id, const char *addr, const char *pa, const char *fa)
{
	struct sockaddr_storage	 from;
	uint8_t			 buf[2048];
	char			 name[64];
	int			 phone, far, in, out;

	inside = outside = addr;
	phone_addr = pa;
	far_addr = fa;
	phone = udp_bind(pa, 0);
	far = udp_bind(fa, 0);
	in = stream_open(id, udp_port(phone), udp_port(far));
	out = opened.port[LEG_OUTSIDE];
	snprintf(name, sizeof(name), "%s: each leg has a port of its own",
	    addr);
	check(in > 0 && out > 0 && in != out, name);
	send_rtp(phone, addr, in, 1, 160, 172);
	snprintf(name, sizeof(name), "%s: inside to outside", addr);
	check(recv_wait(far, buf, sizeof(buf), 1000, &from) == 172 &&
	    ss_port(&from) == out, name);
	send_rtp(far, addr, out, 1, 160, 172);
	snprintf(name, sizeof(name), "%s: outside to inside", addr);
	check(recv_wait(phone, buf, sizeof(buf), 1000, &from) == 172 &&
	    ss_port(&from) == in, name);
	test_burst(phone, addr, in, far);
	stream_close(id);
	usleep(100000);
	snprintf(name, sizeof(name), "%s: both ports return to the pool",
	    addr);
	check(sipctl_json("", ".rtp.ports_free == 10"), name);
	close(phone);
	close(far);
}

int
main(int argc, char *argv[])
{
	if (argc != 5) {
		fprintf(stderr, "usage: rtp_test socket sipctl relay-pid "
		    "mode\n");
		return (1);
	}
	sockpath = argv[1];
	sipctl = argv[2];
	relay_pid = atoi(argv[3]);
	ctl_connect();

	if (strcmp(argv[4], "basic") == 0)
		test_basic();
	else if (strcmp(argv[4], "timeout") == 0)
		test_timeout();
	else if (strcmp(argv[4], "dejitter") == 0) {
		/* RFC 3551: PCMU at 8 kHz, DVI4 at 16 kHz (PT 6). */
		test_dejitter(1, 60, 0, 8000);
		test_dejitter(2, 60, 6, 16000);
	} else if (strcmp(argv[4], "strict") == 0)
		test_strict();
	else if (strcmp(argv[4], "late") == 0)
		test_late();
	else if (strcmp(argv[4], "refuse") == 0)
		test_refuse();
	else if (strcmp(argv[4], "oneaddr") == 0) {
		test_oneaddr(1, INSIDE, PHONE, FAR);
		test_oneaddr(2, "::1", "::1", "::1");
	}
	else {
		fprintf(stderr, "unknown mode %s\n", argv[4]);
		return (1);
	}
	return (failed);
}
