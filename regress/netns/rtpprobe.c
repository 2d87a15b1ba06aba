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
 * rtpprobe: the caller's media in the netns test.  Binds ADDR:PORT (the
 * port the caller's SDP offered), sends N RTP packets, 20 ms apart, to
 * DEST:PORT (the relay from the 200's SDP) and counts the packets that
 * come back with our SSRC and one of our sequence numbers (the phone
 * echoes them through the relay).  Prints "sent N received M"; exits 0
 * when at least one came back within the wait.
 *
 * usage: rtpprobe -b ADDR:PORT -d ADDR:PORT [-n count] [-w ms]
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RTPPROBE_SSRC	0x5350584eU	/* "SPXN" */
#define RTPPROBE_LEN	172		/* 12 header + 160 PCMU */

static void	usage(void);
static void	parse_addr(const char *, struct sockaddr_in *);
static long	now_ms(void);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rtpprobe -b addr:port -d addr:port [-n count] [-w ms]\n");
	exit(2);
}

static void
parse_addr(const char *s, struct sockaddr_in *sin)
{
	char		 host[64], *p;
	const char	*errstr;

	if (strlcpy(host, s, sizeof(host)) >= sizeof(host))
		errx(2, "%s: too long", s);
	if ((p = strrchr(host, ':')) == NULL)
		errx(2, "%s: no port", s);
	*p++ = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(strtonum(p, 1, 65535, &errstr));
	if (errstr != NULL)
		errx(2, "%s: port %s", s, errstr);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", s);
}

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 local, dest;
	struct pollfd		 pfd;
	unsigned char		 pkt[RTPPROBE_LEN], buf[2048];
	const char		*errstr;
	long			 next, end, t;
	ssize_t			 n;
	int			 ch, s, count = 50, waitms = 2000;
	int			 sent = 0, received = 0, haveb = 0, haved = 0;
	unsigned int		 seq;

	while ((ch = getopt(argc, argv, "b:d:n:w:")) != -1) {
		switch (ch) {
		case 'b':
			parse_addr(optarg, &local);
			haveb = 1;
			break;
		case 'd':
			parse_addr(optarg, &dest);
			haved = 1;
			break;
		case 'n':
			count = strtonum(optarg, 1, 1000, &errstr);
			if (errstr != NULL)
				errx(2, "count %s: %s", optarg, errstr);
			break;
		case 'w':
			waitms = strtonum(optarg, 0, 10000, &errstr);
			if (errstr != NULL)
				errx(2, "wait %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	if (!haveb || !haved || optind != argc)
		usage();

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&local, sizeof(local)) == -1)
		err(1, "bind");

	memset(pkt, 0xff, sizeof(pkt));		/* PCMU silence */
	pkt[0] = 0x80;				/* version 2 */
	pkt[1] = 0;				/* PT 0, PCMU */
	pkt[8] = (RTPPROBE_SSRC >> 24) & 0xff;
	pkt[9] = (RTPPROBE_SSRC >> 16) & 0xff;
	pkt[10] = (RTPPROBE_SSRC >> 8) & 0xff;
	pkt[11] = RTPPROBE_SSRC & 0xff;

	pfd.fd = s;
	pfd.events = POLLIN;
	next = now_ms();
	end = next + 20L * count + waitms;
	/* Send on a 20 ms clock; count echoes until the last wait ends. */
	while ((t = now_ms()) < end) {
		if (sent < count && t >= next) {
			pkt[2] = (sent >> 8) & 0xff;
			pkt[3] = sent & 0xff;
			pkt[4] = ((sent * 160) >> 24) & 0xff;
			pkt[5] = ((sent * 160) >> 16) & 0xff;
			pkt[6] = ((sent * 160) >> 8) & 0xff;
			pkt[7] = (sent * 160) & 0xff;
			/* An ICMP error from an earlier send is not fatal. */
			if (sendto(s, pkt, sizeof(pkt), 0,
			    (struct sockaddr *)&dest, sizeof(dest)) ==
			    (ssize_t)sizeof(pkt))
				sent++;
			else
				warn("sendto");
			next += 20;
			continue;
		}
		if (poll(&pfd, 1, sent < count ? (int)(next - t) :
		    (int)(end - t)) <= 0)
			continue;
		if ((n = recv(s, buf, sizeof(buf), 0)) < 12)
			continue;
		seq = buf[2] << 8 | buf[3];
		if ((buf[0] & 0xc0) == 0x80 &&
		    buf[8] == pkt[8] && buf[9] == pkt[9] &&
		    buf[10] == pkt[10] && buf[11] == pkt[11] &&
		    seq < (unsigned int)count)
			received++;
	}
	printf("sent %d received %d\n", sent, received);
	return (received > 0 ? 0 : 1);
}
