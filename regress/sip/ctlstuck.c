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
 * ctlstuck socket count seconds [monitor]: a control client that does
 * not read. Sends count `show registrations` requests at once (with
 * "monitor": count `monitor` requests), reads nothing for the given
 * seconds, then reads what is there: exit 0 if the daemon had closed
 * the connection (everything read ends in EOF within 5 s), 1 if it
 * still holds it open.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct imsg_hdr		 hdr[64];
	struct pollfd		 pfd;
	char			 buf[65536];
	ssize_t			 n;
	uint32_t		 type = IMSG_CTL_SHOW_REGISTRATIONS;
	int			 fd, count, i, ms;

	if ((argc != 4 && argc != 5) || (count = atoi(argv[2])) < 1 ||
	    count > 64) {
		fprintf(stderr, "usage: ctlstuck socket count seconds "
		    "[monitor]\n");
		return (2);
	}
	if (argc == 5 && strcmp(argv[4], "monitor") == 0)
		type = IMSG_CTL_MONITOR;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ctlstuck: socket path too long\n");
		return (2);
	}
	strncpy(sun.sun_path, argv[1], sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("ctlstuck: connect");
		return (2);
	}
	memset(hdr, 0, sizeof(hdr));
	for (i = 0; i < count; i++) {
		hdr[i].type = type;
		hdr[i].len = sizeof(hdr[i]);
	}
	if (write(fd, hdr, count * sizeof(hdr[0])) !=
	    (ssize_t)(count * sizeof(hdr[0]))) {
		perror("ctlstuck: write");
		return (2);
	}
	sleep(atoi(argv[3]));

	/* The daemon's answers fill our buffer; after them must come EOF. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (ms = 0; ms < 5000; ms += 100) {
		if (poll(&pfd, 1, 100) == -1) {
			perror("ctlstuck: poll");
			return (2);
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((n = read(fd, buf, sizeof(buf))) == 0 ||
		    (n == -1 && errno == ECONNRESET)) {
			printf("dropped\n");
			return (0);
		}
		if (n == -1) {
			perror("ctlstuck: read");
			return (2);
		}
	}
	printf("still connected\n");
	return (1);
}
