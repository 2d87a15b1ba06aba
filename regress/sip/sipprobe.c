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
 * sipprobe: what a SIP scanner does, and a listener that tells what
 * reached it. Sends each file (a SIP message, LF line ends made CRLF,
 * each "@N@" replaced by the message's number, so that Call-IDs and
 * branches differ) count times from one local address to one
 * destination, as fast as it can; then prints every datagram that
 * arrives until wait milliseconds have passed without one, each after
 * a line "<<< from ADDRESS". Without -d it only listens. With -i, it
 * waits that many microseconds after each message it sends, so that a
 * flood is not lost in the receiver's socket buffer.
 *
 *	sipprobe -b addr[:port] [-d addr:port] [-i us] [-n count] [-w ms]
 *	    [file ...]
 *
 * Addresses as "127.0.0.1:5060" or "[::1]:5060". Loopback only, every
 * loop bounded.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"

#define MSG_MAX		65535
#define ANSWERS_MAX	10000

static size_t
load(const char *path, char *buf, size_t len)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	n = fread(buf, 1, len - 1, f);
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	buf[n] = '\0';
	return (n);
}

/* The message to send: @N@ numbered, LF made CRLF. */
static size_t
render(const char *in, unsigned long seq, char *out, size_t len)
{
	char		 num[32];
	size_t		 o = 0, nl;
	const char	*p;

	snprintf(num, sizeof(num), "%lu", seq);
	nl = strlen(num);
	for (p = in; *p != '\0'; p++) {
		if (o + nl + 2 >= len)
			errx(1, "message too long");
		if (strncmp(p, "@N@", 3) == 0) {
			memcpy(out + o, num, nl);
			o += nl;
			p += 2;
		} else if (*p == '\n' && (p == in || p[-1] != '\r')) {
			out[o++] = '\r';
			out[o++] = '\n';
		} else
			out[o++] = *p;
	}
	return (o);
}

static void
address(const char *s, int port_needed, struct sockaddr_storage *ss)
{
	char	 buf[INET6_ADDRSTRLEN + 16];

	if (addr_parse(s, ss) == 0)
		return;
	if (port_needed)
		errx(1, "%s: not an address and port", s);
	/* A bare address: port 5060, its brackets optional. */
	snprintf(buf, sizeof(buf), strchr(s, ':') != NULL && s[0] != '[' ?
	    "[%s]:5060" : "%s:5060", s);
	if (addr_parse(buf, ss) == -1)
		errx(1, "%s: not an address", s);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage	 local, dst, from;
	struct pollfd		 pfd;
	socklen_t		 flen;
	static char		 tmpl[MSG_MAX + 1], msg[2 * MSG_MAX + 2];
	const char		*errstr, *dest = NULL, *bind_to = NULL;
	unsigned long		 seq = 0, count = 1, i, answers = 0;
	ssize_t			 n;
	size_t			 len;
	int			 ch, fd, f, wait_ms = 500, on = 1, gap = 0;

	while ((ch = getopt(argc, argv, "b:d:i:n:w:")) != -1) {
		switch (ch) {
		case 'b':
			bind_to = optarg;
			break;
		case 'd':
			dest = optarg;
			break;
		case 'i':
			gap = strtonum(optarg, 0, 1000000, &errstr);
			if (errstr != NULL)
				errx(1, "-i %s: %s", optarg, errstr);
			break;
		case 'n':
			count = strtonum(optarg, 1, 100000, &errstr);
			if (errstr != NULL)
				errx(1, "-n %s: %s", optarg, errstr);
			break;
		case 'w':
			wait_ms = strtonum(optarg, 0, 60000, &errstr);
			if (errstr != NULL)
				errx(1, "-w %s: %s", optarg, errstr);
			break;
		default:
			fprintf(stderr, "usage: sipprobe -b addr[:port] "
			    "[-d addr:port] [-i us] [-n count] [-w ms] "
			    "[file ...]\n");
			return (1);
		}
	}
	argc -= optind;
	argv += optind;
	if (bind_to == NULL || (dest == NULL && argc > 0))
		errx(1, "-b needed, and -d to send");

	address(bind_to, 0, &local);
	if ((fd = socket(local.ss_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&local, sa_len(&local)) == -1)
		err(1, "bind %s", bind_to);
	if (dest != NULL)
		address(dest, 1, &dst);

	for (f = 0; f < argc; f++) {
		load(argv[f], tmpl, sizeof(tmpl));
		for (i = 0; i < count; i++) {
			len = render(tmpl, ++seq, msg, sizeof(msg));
			if (sendto(fd, msg, len, 0, (struct sockaddr *)&dst,
			    sa_len(&dst)) == -1)
				warn("sendto");
			if (gap > 0)
				usleep(gap);
		}
	}

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (answers < ANSWERS_MAX && poll(&pfd, 1, wait_ms) == 1) {
		flen = sizeof(from);
		if ((n = recvfrom(fd, msg, sizeof(msg) - 1, 0,
		    (struct sockaddr *)&from, &flen)) == -1)
			continue;	/* ICMP unreachable of a send */
		msg[n] = '\0';
		printf("<<< from %s\n%s\n", addr_str((struct sockaddr *)&from,
		    1), msg);
		answers++;
	}
	return (0);
}
