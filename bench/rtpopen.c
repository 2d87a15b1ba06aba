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
 * rtpopen: open N streams in sipproxd's relay through the control socket
 * of a regress build, with the engine's own IMSG_RTP_OPEN, and hold them
 * until killed (they close with the connection). Stream i is set up for
 * a phone at SRC + 2i (inside) and a far end at RCV + 2i (outside);
 * writes where the phone must send, one ADDR:PORT a line, and "ready".
 *
 * usage: rtpopen -s socket -n N -a ADDR:PORT -b ADDR:PORT -o file
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"

#define INSIDE	"127.0.0.2"
#define OUTSIDE	"127.0.0.3"

static void
sa_set(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		errx(1, "bad address %s", addr);
}

/* "ADDR:PORT[+STRIDE]" into address and port; the stride is 2. */
static void
range(const char *s, char *addr, size_t len, int *port)
{
	const char	*colon;

	if ((colon = strchr(s, ':')) == NULL || (size_t)(colon - s) >= len)
		errx(1, "bad range %s", s);
	memcpy(addr, s, colon - s);
	addr[colon - s] = '\0';
	*port = atoi(colon + 1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct imsgbuf		 ibuf;
	struct imsg		 imsg;
	struct rtp_open		 ro;
	struct rtp_ports	 ports;
	struct pollfd		 pfd;
	char			 aaddr[64], baddr[64];
	const char		*sock = NULL, *out = NULL, *a = NULL, *b = NULL;
	FILE			*fp;
	uint16_t		*port;
	int			 ch, fd, n = 0, i, got = 0, aport, bport;
	ssize_t			 r;

	while ((ch = getopt(argc, argv, "a:b:n:o:s:")) != -1) {
		switch (ch) {
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 's': sock = optarg; break;
		default: exit(1);
		}
	}
	if (sock == NULL || out == NULL || a == NULL || b == NULL || n < 1 ||
	    n > 30000)
		errx(1, "usage: rtpopen -s socket -n N -a ADDR:PORT "
		    "-b ADDR:PORT -o file");
	range(a, aaddr, sizeof(aaddr), &aport);
	range(b, baddr, sizeof(baddr), &bport);
	if ((port = calloc(n, sizeof(*port))) == NULL)
		err(1, NULL);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, sock, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", sock);
	imsgbuf_init(&ibuf, fd);

	for (i = 0; i < n; i++) {
		memset(&ro, 0, sizeof(ro));
		snprintf(ro.callid, sizeof(ro.callid), "bench-%d", i);
		sa_set(&ro.local[LEG_INSIDE], INSIDE, 0);
		sa_set(&ro.local[LEG_OUTSIDE], OUTSIDE, 0);
		sa_set(&ro.peers.leg[LEG_INSIDE].rtp, aaddr, aport + 2 * i);
		sa_set(&ro.peers.leg[LEG_INSIDE].sig, aaddr, 5060);
		sa_set(&ro.peers.leg[LEG_OUTSIDE].rtp, baddr, bport + 2 * i);
		sa_set(&ro.peers.leg[LEG_OUTSIDE].sig, baddr, 5060);
		if (imsg_compose(&ibuf, IMSG_RTP_OPEN, i + 1, 0, -1, &ro,
		    sizeof(ro)) == -1)
			err(1, "imsg_compose");
		if (i % 64 == 63 && imsgbuf_flush(&ibuf) == -1)
			err(1, "flush");
	}
	if (imsgbuf_flush(&ibuf) == -1)
		err(1, "flush");

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < n) {
		if (poll(&pfd, 1, 10000) != 1)
			errx(1, "no answer from sipproxd");
		if (imsgbuf_read(&ibuf) != 1)
			errx(1, "connection closed");
		while ((r = imsg_get(&ibuf, &imsg)) > 0) {
			i = imsg_get_id(&imsg) - 1;
			if (imsg_get_type(&imsg) == IMSG_RTP_OPEN_FAIL)
				errx(1, "stream %d: relay refused", i);
			if (imsg_get_type(&imsg) == IMSG_RTP_OPEN_OK &&
			    i >= 0 && i < n &&
			    imsg_get_data(&imsg, &ports, sizeof(ports)) == 0) {
				port[i] = ports.port[LEG_INSIDE];
				got++;
			}
			imsg_free(&imsg);
		}
		if (r == -1)
			errx(1, "bad message");
	}

	if ((fp = fopen(out, "w")) == NULL)
		err(1, "%s", out);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s:%u\n", INSIDE, port[i]);
	if (fclose(fp) == EOF)
		err(1, "%s", out);
	fprintf(stderr, "rtpopen: ready\n");

	/* Hold the streams until told to go. */
	while (poll(&pfd, 1, -1) >= 0)
		if (imsgbuf_read(&ibuf) != 1)
			break;
	return (0);
}
