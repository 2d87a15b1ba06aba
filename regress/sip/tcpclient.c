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
 * A SIP over TCP peer for the tests that sipp cannot play: it writes
 * files whole, byte by byte or over and over without reading, reads
 * until a text came often enough or the connection ends, pings, and
 * plays a port that black-holes connects. Each step is bounded in time
 * and count; the first that fails ends the run with status 1.
 *
 *	tcpclient [-b addr] [-r rcvbuf] [-w secs] addr port step ...
 *	tcpclient -l addr port secs	(the black hole)
 *
 * Steps:
 *	send:FILE	FILE in one write
 *	trickle:FILE:MS	FILE a byte a write, MS milliseconds apart; if
 *			the peer closes first, print "closed after MS ms"
 *	repeat:FILE:N	FILE N times without reading; stops at the first
 *			error and prints "wrote K"
 *	read:TEXT:N	read until TEXT ("\r\n" as written) was seen N
 *			times in all that was read, within -w seconds
 *	eof		read until the end, print "eof after MS ms"
 *	ping		write CRLFCRLF (RFC 5626)
 *	sleep:MS
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXFILE		(1024 * 1024)
#define MAXREAD		(4 * 1024 * 1024)

static char	*seen;		/* all read so far */
static size_t	 nseen;
static int	 waitsecs = 15;

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
sa_make(const char *addr, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
	} else
		errx(1, "bad address %s", addr);
}

static char *
load(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", path);
	if (st.st_size > MAXFILE)
		errx(1, "%s: too large", path);
	if ((buf = malloc(st.st_size + 1)) == NULL)
		err(1, NULL);
	if (read(fd, buf, st.st_size) != st.st_size)
		err(1, "%s: read", path);
	close(fd);
	*len = st.st_size;
	return (buf);
}

/* "\r\n" in a step's text as the bytes. */
static void
unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'r') {
			*d++ = '\r';
			s++;
		} else if (s[0] == '\\' && s[1] == 'n') {
			*d++ = '\n';
			s++;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1)
			err(1, "write");
		buf += n;
		len -= n;
	}
}

/* Read what is there within ms; 0 at the end, -1 at the deadline. */
static int
read_some(int fd, int ms)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	ssize_t		 n;

	if (poll(&pfd, 1, ms) <= 0)
		return (-1);
	if (nseen >= MAXREAD)
		errx(1, "read too much");
	if ((n = read(fd, seen + nseen, MAXREAD - nseen)) == -1) {
		if (errno == ECONNRESET)
			return (0);
		err(1, "read");
	}
	nseen += n;
	return (n == 0 ? 0 : 1);
}

/* How often text is in what was read, not overlapping. */
static size_t
count(const char *text)
{
	size_t	 n = 0, i = 0, tl = strlen(text);

	while (tl > 0 && i + tl <= nseen) {
		if (memcmp(seen + i, text, tl) == 0) {
			n++;
			i += tl;
		} else
			i++;
	}
	return (n);
}

static void
step_read(int fd, char *text, int times)
{
	long long	 deadline = now_ms() + waitsecs * 1000LL;
	long long	 left;

	unescape(text);
	while (count(text) < (size_t)times) {
		if ((left = deadline - now_ms()) <= 0)
			errx(1, "read: %zu of %d within %d s", count(text),
			    times, waitsecs);
		if (read_some(fd, left) == 0)
			errx(1, "read: %zu of %d, then the end", count(text),
			    times);
	}
}

static void
step_eof(int fd)
{
	long long	 start = now_ms(), left;

	for (;;) {
		if ((left = start + waitsecs * 1000LL - now_ms()) <= 0)
			errx(1, "eof: still open after %d s", waitsecs);
		if (read_some(fd, left) == 0)
			break;
	}
	printf("eof after %lld ms\n", now_ms() - start);
}

static void
step_repeat(int fd, const char *path, int times)
{
	char	*buf;
	size_t	 len, off;
	ssize_t	 n;
	int	 i;

	buf = load(path, &len);
	/* Never blocked for good: the peer may stop reading too. */
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	for (i = 0; i < times; i++) {
		for (off = 0; off < len; off += n) {
			struct pollfd	 pfd = { fd, POLLOUT, 0 };

			if (poll(&pfd, 1, waitsecs * 1000) <= 0) {
				printf("wrote %d, blocked\n", i);
				free(buf);
				return;
			}
			if ((n = write(fd, buf + off, len - off)) == -1) {
				printf("wrote %d, then %s\n", i,
				    strerror(errno));
				free(buf);
				return;
			}
		}
	}
	printf("wrote %d\n", i);
	free(buf);
}

/* One byte a write; stops early, and says when, if the peer closes. */
static void
step_trickle(int fd, const char *path, int ms)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	long long	 start = now_ms();
	char		*buf;
	size_t		 len, i;

	buf = load(path, &len);
	for (i = 0; i < len; i++) {
		if ((poll(&pfd, 1, 0) == 1 && read_some(fd, 0) == 0) ||
		    write(fd, buf + i, 1) == -1) {
			printf("closed after %lld ms\n", now_ms() - start);
			break;
		}
		usleep(ms * 1000);
	}
	free(buf);
}

/* A port whose connects hang: a full accept queue that nobody takes. */
static void
black_hole(const char *addr, int port, int secs)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 s, c, on = 1;

	sa_make(addr, port, &ss, &len);
	if ((s = socket(ss.ss_family, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(s, (struct sockaddr *)&ss, len) == -1 || listen(s, 0) == -1)
		err(1, "black hole %s %d", addr, port);
	/* Backlog 0 holds one: fill it, the next SYNs are dropped. */
	if ((c = socket(ss.ss_family, SOCK_STREAM, 0)) == -1 ||
	    connect(c, (struct sockaddr *)&ss, len) == -1)
		err(1, "black hole fill");
	printf("ready\n");
	fflush(stdout);
	sleep(secs);
	close(c);
	close(s);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage	 ss, bs;
	socklen_t		 len, blen;
	const char		*bind_addr = NULL;
	char			*buf, *arg, *a1, *a2;
	size_t			 flen;
	int			 ch, fd, rcvbuf = 0, listen_mode = 0;

	while ((ch = getopt(argc, argv, "b:lr:w:")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'l':
			listen_mode = 1;
			break;
		case 'r':
			rcvbuf = atoi(optarg);
			break;
		case 'w':
			waitsecs = atoi(optarg);
			break;
		default:
			exit(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		errx(2, "usage: tcpclient [-b addr] [-r rcvbuf] [-w secs] "
		    "addr port step ...");
	if (listen_mode) {
		black_hole(argv[0], atoi(argv[1]), argc > 2 ?
		    atoi(argv[2]) : 10);
		return (0);
	}
	if ((seen = malloc(MAXREAD)) == NULL)
		err(1, NULL);
	/* A peer that closes is a result, not the end of us. */
	signal(SIGPIPE, SIG_IGN);

	sa_make(argv[0], atoi(argv[1]), &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	/* Before connecting: the window the peer sees is this small. */
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		err(1, "SO_RCVBUF");
	if (bind_addr != NULL) {
		sa_make(bind_addr, 0, &bs, &blen);
		if (bind(fd, (struct sockaddr *)&bs, blen) == -1)
			err(1, "bind %s", bind_addr);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == -1)
		err(1, "connect %s %s", argv[0], argv[1]);

	for (argv += 2, argc -= 2; argc > 0; argv++, argc--) {
		if ((arg = strdup(*argv)) == NULL)
			err(1, NULL);
		if ((a1 = strchr(arg, ':')) != NULL) {
			*a1++ = '\0';
			if ((a2 = strrchr(a1, ':')) != NULL)
				*a2++ = '\0';
		} else
			a2 = NULL;
		if (strcmp(arg, "send") == 0 && a1 != NULL) {
			buf = load(a1, &flen);
			write_all(fd, buf, flen);
			free(buf);
		} else if (strcmp(arg, "trickle") == 0 && a2 != NULL)
			step_trickle(fd, a1, atoi(a2));
		else if (strcmp(arg, "repeat") == 0 && a2 != NULL)
			step_repeat(fd, a1, atoi(a2));
		else if (strcmp(arg, "read") == 0 && a2 != NULL)
			step_read(fd, a1, atoi(a2));
		else if (strcmp(arg, "eof") == 0)
			step_eof(fd);
		else if (strcmp(arg, "ping") == 0)
			write_all(fd, "\r\n\r\n", 4);
		else if (strcmp(arg, "sleep") == 0 && a1 != NULL)
			usleep(atoi(a1) * 1000);
		else
			errx(2, "bad step %s", *argv);
		free(arg);
	}
	fflush(stdout);
	close(fd);
	return (0);
}
