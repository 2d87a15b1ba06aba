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
 * reuseport SOCKET INSIDE OUTSIDE USER: have the relay of a regress-build
 * sipproxd open a stream (through the control socket), then, as USER,
 * try to bind each leg's live RTP port with SO_REUSEPORT, as a
 * compromised process of that user would to steal or inject media.
 * Prints one line per leg; exits 0 when every bind failed with
 * EADDRINUSE, 1 when one succeeded, 2 when the test could not be made.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"

#define STREAM_ID	4242

static void
sa4(struct sockaddr_storage *ss, const char *addr, int port)
{
	if (sa_from_host(AF_INET, addr, port, ss) == -1)
		errx(2, "%s: not an IPv4 address", addr);
}
/* The relay's answer to our open: its ports, or exit 2. */
static void
open_stream(struct imsgbuf *ibuf, const char *in, const char *out,
    struct rtp_ports *ports)
{
	struct rtp_open	 ro;
	struct imsg	 imsg;
	struct pollfd	 pfd;
	int		 i;

	memset(&ro, 0, sizeof(ro));
	strlcpy(ro.callid, "reuseport-test", sizeof(ro.callid));
	sa4(&ro.local[LEG_INSIDE], in, 0);
	sa4(&ro.local[LEG_OUTSIDE], out, 0);
	if (imsg_compose(ibuf, IMSG_RTP_OPEN, STREAM_ID, 0, -1, &ro,
	    sizeof(ro)) == -1 || imsgbuf_flush(ibuf) == -1)
		err(2, "send");
	pfd.fd = ibuf->fd;
	pfd.events = POLLIN;
	for (i = 0; i < 30; i++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (imsgbuf_read(ibuf) != 1)
			errx(2, "control socket closed");
		while (imsg_get(ibuf, &imsg) > 0) {
			if (imsg_get_id(&imsg) != STREAM_ID) {
				imsg_free(&imsg);
				continue;
			}
			if (imsg_get_type(&imsg) != IMSG_RTP_OPEN_OK ||
			    imsg_get_data(&imsg, ports, sizeof(*ports)) == -1)
				errx(2, "the relay opened no stream");
			imsg_free(&imsg);
			return;
		}
	}
	errx(2, "no answer from the relay in 3 s");
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct sockaddr_storage	 ss;
	struct imsgbuf		 ibuf;
	struct rtp_ports	 ports;
	struct passwd		*pw;
	const char		*addr[2];
	int			 s, fd, leg, on = 1, bound = 0;

	if (argc != 5)
		errx(2, "usage: reuseport socket inside outside user");
	addr[LEG_INSIDE] = argv[2];
	addr[LEG_OUTSIDE] = argv[3];
	if ((pw = getpwnam(argv[4])) == NULL)
		errx(2, "unknown user %s", argv[4]);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, argv[1], sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(2, "socket path too long");
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(2, "%s", argv[1]);
	if (imsgbuf_init(&ibuf, s) == -1)
		err(2, "imsgbuf_init");
	open_stream(&ibuf, addr[LEG_INSIDE], addr[LEG_OUTSIDE], &ports);

	/* From here on, what a process of that user could do. */
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		err(2, "cannot become %s", argv[4]);

	for (leg = 0; leg < 2; leg++) {
		sa4(&ss, addr[leg], ports.port[leg]);
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
		    sizeof(on)) == -1)
			err(2, "socket");
		if (bind(fd, (struct sockaddr *)&ss,
		    sizeof(struct sockaddr_in)) == 0) {
			printf("%s:%u bound as %s\n", addr[leg],
			    ports.port[leg], argv[4]);
			bound = 1;
		} else if (errno == EADDRINUSE)
			printf("%s:%u EADDRINUSE as %s\n", addr[leg],
			    ports.port[leg], argv[4]);
		else
			err(2, "bind %s:%u", addr[leg], ports.port[leg]);
		close(fd);
	}
	/* Closing the connection closes the stream. */
	imsgbuf_clear(&ibuf);
	close(s);
	return (bound);
}
