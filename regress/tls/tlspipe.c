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
 * tlspipe: lets a TCP-only SIP tool (Debian's sipp has no TLS) speak TLS,
 * for the regress tests. On loopback only; every connection is one
 * process that ends with it or with us.
 *
 *   tlspipe -C ca -l addr:port -r addr:port [-b addr] [-n name]
 *	client: accept TCP on -l, for each connection open TLS to -r,
 *	verifying its certificate against the CA file and the name (-n,
 *	else -r's address); bytes go both ways. -b: the address to
 *	connect from, the phone's own (else the kernel picks one).
 *   tlspipe -c cert -k key -l addr:port -r addr:port
 *	server: accept TLS on -l with that certificate, for each
 *	connection open TCP to -r; bytes go both ways.
 *   tlspipe -C ca -r addr:port [-b addr] [-n name]
 *	check: one TLS handshake with -r, verified as in client mode;
 *	exit 0 if it succeeds, 1 if not.
 *   tlspipe -p -r addr:port [-t seconds]
 *	plain: connect TCP to -r, send standard input, copy what comes
 *	back to standard output until the peer closes (exit 0) or -t
 *	seconds pass (exit 2): a client that speaks no TLS, or none at
 *	all (-p with /dev/null stays silent).
 *
 * Each TLS handshake is logged on standard error, a failure with
 * libtls's reason.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include <tls.h>
#include <unistd.h>

#include "compat.h"

#define BUFSZ		65536
#define HANDSHAKE_SECS	10

struct half {
	char		 buf[BUFSZ];
	size_t		 len;
	size_t		 off;
	int		 eof;
};

static struct tls	*tls_listen;	/* server mode */
static struct tls_config *tcfg;
static const char	*servername;
static struct sockaddr_in bindaddr;	/* sin_family 0: none */

__dead static void	 usage(void);
static void		 addr_of(const char *, struct sockaddr_in *);
static int		 tcp_connect(const struct sockaddr_in *);
static int		 handshake(struct tls *, int, const char *);
static void		 shuttle(struct tls *, int, int);
__dead static void	 serve(int, int, const struct sockaddr_in *);
static int		 plain(const struct sockaddr_in *, int);
static int		 check(const struct sockaddr_in *);

__dead static void
usage(void)
{
	fprintf(stderr, "usage: tlspipe -C ca -l addr:port -r addr:port "
	    "[-b addr] [-n name]\n"
	    "       tlspipe -c cert -k key -l addr:port -r addr:port\n"
	    "       tlspipe -C ca -r addr:port [-b addr] [-n name]\n"
	    "       tlspipe -p -r addr:port [-t seconds]\n");
	exit(1);
}

static void
addr_of(const char *s, struct sockaddr_in *sin)
{
	char		 host[64], *p;
	const char	*errstr;

	if (strlcpy(host, s, sizeof(host)) >= sizeof(host) ||
	    (p = strrchr(host, ':')) == NULL)
		errx(1, "%s: want addr:port", s);
	*p++ = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(strtonum(p, 1, 65535, &errstr));
	if (errstr != NULL)
		errx(1, "%s: port %s", s, errstr);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(1, "%s: not an IPv4 address", s);
}

static int
tcp_connect(const struct sockaddr_in *sin)
{
	int	 s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (bindaddr.sin_family == AF_INET && bind(s,
	    (struct sockaddr *)&bindaddr, sizeof(bindaddr)) == -1)
		err(1, "bind %s", inet_ntoa(bindaddr.sin_addr));
	if (connect(s, (const struct sockaddr *)sin, sizeof(*sin)) == -1) {
		warn("connect %s:%u", inet_ntoa(sin->sin_addr),
		    ntohs(sin->sin_port));
		close(s);
		return (-1);
	}
	return (s);
}

/* Drive a handshake on a non-blocking socket, bounded in time. */
static int
handshake(struct tls *ctx, int fd, const char *who)
{
	struct pollfd	 pfd;
	time_t		 end = time(NULL) + HANDSHAKE_SECS;
	int		 rv;

	for (;;) {
		rv = tls_handshake(ctx);
		if (rv == 0)
			break;
		if (rv != TLS_WANT_POLLIN && rv != TLS_WANT_POLLOUT) {
			fprintf(stderr, "tlspipe: handshake with %s failed: "
			    "%s\n", who, tls_error(ctx));
			return (-1);
		}
		if (time(NULL) >= end) {
			fprintf(stderr, "tlspipe: handshake with %s timed "
			    "out\n", who);
			return (-1);
		}
		pfd.fd = fd;
		pfd.events = rv == TLS_WANT_POLLIN ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			err(1, "poll");
	}
	fprintf(stderr, "tlspipe: handshake with %s: %s %s\n", who,
	    tls_conn_version(ctx), tls_conn_cipher(ctx));
	return (0);
}

/*
 * Bytes both ways between a TLS connection and a plain one, until both
 * sides are done or one fails. Each pass tries every transfer that may
 * proceed (tls_read until it wants input: libtls may hold a record
 * poll cannot see), then waits for what was wanted.
 */
static void
shuttle(struct tls *ctx, int tfd, int pfd)
{
	static struct half	 up, down;	/* plain -> tls, tls -> plain */
	struct pollfd		 p[2];
	ssize_t			 n;
	short			 tev;
	int			 moved;

	while (!(up.eof && down.eof)) {
		tev = 0;
		moved = 0;
		if (up.len == 0 && !up.eof) {
			n = read(pfd, up.buf, sizeof(up.buf));
			if (n == 0) {
				up.eof = 1;
				(void)tls_close(ctx);
			} else if (n > 0) {
				up.len = n;
				up.off = 0;
				moved = 1;
			} else if (errno != EAGAIN && errno != EINTR)
				return;
		}
		while (up.len > 0) {
			n = tls_write(ctx, up.buf + up.off, up.len);
			if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
				tev |= n == TLS_WANT_POLLIN ? POLLIN : POLLOUT;
				break;
			}
			if (n == -1) {
				fprintf(stderr, "tlspipe: %s\n",
				    tls_error(ctx));
				return;
			}
			up.off += n;
			up.len -= n;
		}
		if (down.len == 0 && !down.eof) {
			n = tls_read(ctx, down.buf, sizeof(down.buf));
			if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT)
				tev |= n == TLS_WANT_POLLIN ? POLLIN : POLLOUT;
			else if (n == 0) {
				down.eof = 1;
				shutdown(pfd, SHUT_WR);
			} else if (n == -1) {
				fprintf(stderr, "tlspipe: %s\n",
				    tls_error(ctx));
				return;
			} else {
				down.len = n;
				down.off = 0;
				moved = 1;	/* more may be buffered */
			}
		}
		while (down.len > 0) {
			n = write(pfd, down.buf + down.off, down.len);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return;
			}
			down.off += n;
			down.len -= n;
		}
		if (up.eof && down.len == 0 && down.eof)
			break;
		/*
		 * Data moved: try again before sleeping, as the other side
		 * has not said what it waits for (the bench's load would
		 * otherwise wait a poll timeout per TLS record).
		 */
		if (moved && (up.len == 0 || down.len == 0))
			continue;

		p[0].fd = tfd;
		p[0].events = tev;
		p[1].fd = pfd;
		p[1].events = (up.len == 0 && !up.eof ? POLLIN : 0) |
		    (down.len > 0 ? POLLOUT : 0);
		/* A tenth of a second at most: nothing is missed for long. */
		if (poll(p, 2, 100) == -1 && errno != EINTR)
			err(1, "poll");
	}
}

/* One accepted connection, in a process of its own. */
__dead static void
serve(int s, int server, const struct sockaddr_in *remote)
{
	struct tls	*ctx;
	char		 who[64];
	int		 r, tfd, pfd, one = 1;

	snprintf(who, sizeof(who), "%s:%u", inet_ntoa(remote->sin_addr),
	    ntohs(remote->sin_port));
	if (server) {
		/* s is the TLS side; the plain one once it is up. */
		if (tls_accept_socket(tls_listen, &ctx, s) == -1)
			errx(1, "tls_accept_socket: %s",
			    tls_error(tls_listen));
		tfd = s;
		if (fcntl(tfd, F_SETFL, O_NONBLOCK) == -1)
			err(1, "fcntl");
		if (handshake(ctx, tfd, "client") == -1)
			exit(1);
		if ((pfd = tcp_connect(remote)) == -1)
			exit(1);
	} else {
		if ((r = tcp_connect(remote)) == -1)
			exit(1);
		if ((ctx = tls_client()) == NULL ||
		    tls_configure(ctx, tcfg) == -1)
			errx(1, "tls client");
		if (tls_connect_socket(ctx, r, servername != NULL ?
		    servername : inet_ntoa(remote->sin_addr)) == -1)
			errx(1, "tls_connect_socket: %s", tls_error(ctx));
		tfd = r;
		pfd = s;
		if (fcntl(tfd, F_SETFL, O_NONBLOCK) == -1)
			err(1, "fcntl");
		if (handshake(ctx, tfd, who) == -1)
			exit(1);
	}
	if (fcntl(pfd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	/* Messages go on as they come, not when Nagle lets them. */
	(void)setsockopt(tfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(pfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	shuttle(ctx, tfd, pfd);
	tls_free(ctx);
	exit(0);
}

/* One handshake, verified, and nothing more. */
static int
check(const struct sockaddr_in *remote)
{
	struct tls	*ctx;
	char		 who[64];
	int		 s, rv;

	snprintf(who, sizeof(who), "%s:%u", inet_ntoa(remote->sin_addr),
	    ntohs(remote->sin_port));
	if ((s = tcp_connect(remote)) == -1)
		return (1);
	if ((ctx = tls_client()) == NULL || tls_configure(ctx, tcfg) == -1)
		errx(1, "tls client");
	if (tls_connect_socket(ctx, s, servername != NULL ? servername :
	    inet_ntoa(remote->sin_addr)) == -1)
		errx(1, "tls_connect_socket: %s", tls_error(ctx));
	if (fcntl(s, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	rv = handshake(ctx, s, who);
	(void)tls_close(ctx);
	tls_free(ctx);
	close(s);
	return (rv == 0 ? 0 : 1);
}

/* The plain client: stdin to the peer, the peer to stdout. */
static int
plain(const struct sockaddr_in *remote, int secs)
{
	struct pollfd	 p[2];
	char		 buf[BUFSZ];
	time_t		 end = time(NULL) + secs;
	ssize_t		 n;
	int		 s, in_eof = 0;

	if ((s = tcp_connect(remote)) == -1)
		return (1);
	while (time(NULL) < end) {
		p[0].fd = s;
		p[0].events = POLLIN;
		p[1].fd = in_eof ? -1 : STDIN_FILENO;
		p[1].events = POLLIN;
		if (poll(p, 2, 100) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			if ((n = read(STDIN_FILENO, buf, sizeof(buf))) <= 0)
				in_eof = 1;
			else if (write(s, buf, n) != n)
				return (1);
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(s, buf, sizeof(buf))) <= 0) {
				fprintf(stderr, "tlspipe: closed by peer\n");
				return (0);
			}
			fwrite(buf, 1, n, stdout);
			fflush(stdout);
		}
	}
	fprintf(stderr, "tlspipe: still open after %d s\n", secs);
	return (2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 local, remote;
	struct sigaction	 sa;
	const char		*ca = NULL, *cert = NULL, *key = NULL;
	const char		*l = NULL, *r = NULL, *errstr;
	int			 ch, ls, s, on = 1, server, pmode = 0;
	int			 secs = 10;

	while ((ch = getopt(argc, argv, "b:C:c:k:l:n:pr:t:")) != -1) {
		switch (ch) {
		case 'b':
			bindaddr.sin_family = AF_INET;
			if (inet_pton(AF_INET, optarg,
			    &bindaddr.sin_addr) != 1)
				errx(1, "-b %s: not an IPv4 address", optarg);
			break;
		case 'C':
			ca = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'l':
			l = optarg;
			break;
		case 'n':
			servername = optarg;
			break;
		case 'p':
			pmode = 1;
			break;
		case 'r':
			r = optarg;
			break;
		case 't':
			secs = strtonum(optarg, 1, 600, &errstr);
			if (errstr != NULL)
				errx(1, "-t %s: %s", optarg, errstr);
			break;
		default:
			usage();
		}
	}
	if (r == NULL)
		usage();
	addr_of(r, &remote);
	if (pmode)
		return (plain(&remote, secs));
	if (l == NULL && ca != NULL && cert == NULL) {
		if ((tcfg = tls_config_new()) == NULL ||
		    tls_config_set_ca_file(tcfg, ca) == -1)
			errx(1, "%s", tcfg == NULL ? "tls_config_new" :
			    tls_config_error(tcfg));
		return (check(&remote));
	}
	if (l == NULL || (ca == NULL) == (cert == NULL) ||
	    (cert == NULL) != (key == NULL))
		usage();
	addr_of(l, &local);
	server = cert != NULL;

	if ((tcfg = tls_config_new()) == NULL)
		errx(1, "tls_config_new");
	if (server) {
		if (tls_config_set_cert_file(tcfg, cert) == -1 ||
		    tls_config_set_key_file(tcfg, key) == -1)
			errx(1, "%s", tls_config_error(tcfg));
		if ((tls_listen = tls_server()) == NULL ||
		    tls_configure(tls_listen, tcfg) == -1)
			errx(1, "tls server: %s", tls_listen == NULL ? "" :
			    tls_error(tls_listen));
	} else if (tls_config_set_ca_file(tcfg, ca) == -1)
		errx(1, "%s", tls_config_error(tcfg));

	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		err(1, "setsockopt");
	if (bind(ls, (struct sockaddr *)&local, sizeof(local)) == -1)
		err(1, "bind %s", l);
	if (listen(ls, 16) == -1)
		err(1, "listen");

	/* Children are not waited for; they die with us. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if ((s = accept(ls, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		switch (fork()) {
		case -1:
			err(1, "fork");
		case 0:
			close(ls);
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
				err(1, "prctl");
			if (getppid() == 1)
				exit(1);
			serve(s, server, &remote);
		default:
			close(s);
		}
	}
}
