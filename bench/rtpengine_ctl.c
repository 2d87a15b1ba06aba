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
 * rtpengine_ctl: set up and tear down rtpengine calls for the benchmark
 * through its ng control protocol (a cookie, a space and a bencoded dictionary
 * over UDP). For stream i, side A (the -a range, where rtpload sends
 * from) offers, side B (the -b range, where rtpload receives) answers;
 * rtpengine's port towards A from the answer's reply is where A must
 * send. "setup" writes those targets, one "ADDR:PORT" a line, to the -o
 * file: what rtpload takes as "-t @FILE".
 *
 * Keys and flags as rtpengine's docs/ng_control_protocol.md has them:
 * "command", "call-id", "from-tag", "to-tag", "sdp", "ICE" = "remove",
 * "flags" = ["trust-address"] (use the SDP's addresses, the default unless
 * --sip-source), "replace" = ["origin", "session-connection"]; the reply
 * has "result" ("ok", "pong" or "error" with "error-reason") and "sdp".
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define NG_MAXMSG	65536
#define BE_MAXDEPTH	16

struct msgbuf {
	char	 b[NG_MAXMSG];
	size_t	 len;
};

static int		 ctlfd;
static unsigned int	 cookie_seq;
static unsigned int	 ptype = 0;
static int		 timeout_ms = 1000;
static int		 verbose;

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: rtpengine_ctl [-v] [-a A] [-b B] "
	    "[-c ctladdr:port] [-n streams] [-o targets]\n"
	    "\t[-P pt] [-t timeout_ms] [-x callprefix] ping | setup | "
	    "delete\n"
	    "  ranges: ADDR:PORT[+STRIDE] (stride 2 if left out)\n");
	exit(2);
}

static void
mb_add(struct msgbuf *mb, const void *p, size_t len)
{
	if (len > sizeof(mb->b) - mb->len)
		errx(1, "ng message too long");
	memcpy(mb->b + mb->len, p, len);
	mb->len += len;
}

static void __attribute__((__format__(printf, 2, 3)))
mb_printf(struct msgbuf *mb, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = vsnprintf(mb->b + mb->len, sizeof(mb->b) - mb->len, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(mb->b) - mb->len)
		errx(1, "ng message too long");
	mb->len += r;
}

/* A bencoded string: length, colon, bytes. */
static void
be_str(struct msgbuf *mb, const char *s)
{
	size_t	 len = strlen(s);

	mb_printf(mb, "%zu:", len);
	mb_add(mb, s, len);
}

static void
be_kv(struct msgbuf *mb, const char *k, const char *v)
{
	be_str(mb, k);
	be_str(mb, v);
}

/* The end of the bencoded item at p, or NULL if it is malformed. */
static const char *
be_skip(const char *p, const char *end, int depth)
{
	size_t	 len;

	if (p >= end || depth > BE_MAXDEPTH)
		return (NULL);
	switch (*p) {
	case 'i':
		for (p++; p < end && *p != 'e'; p++)
			if (!(*p == '-' || (*p >= '0' && *p <= '9')))
				return (NULL);
		return (p < end ? p + 1 : NULL);
	case 'l':
	case 'd':
		for (p++; p < end && *p != 'e';)
			if ((p = be_skip(p, end, depth + 1)) == NULL)
				return (NULL);
		return (p < end ? p + 1 : NULL);
	default:
		for (len = 0; p < end && *p >= '0' && *p <= '9'; p++) {
			if (len > NG_MAXMSG)
				return (NULL);
			len = len * 10 + (size_t)(*p - '0');
		}
		if (p >= end || *p != ':' || len > (size_t)(end - p - 1))
			return (NULL);
		return (p + 1 + len);
	}
}

/* Point s at the string value of key in the top dictionary [p, end). */
static int
be_dict_get(const char *p, const char *end, const char *key,
    const char **s, size_t *slen)
{
	const char	*k, *v, *next, *colon;
	size_t		 klen = strlen(key);

	if (p >= end || *p != 'd')
		return (-1);
	for (p++; p < end && *p != 'e'; p = next) {
		k = p;
		if ((v = be_skip(k, end, 1)) == NULL ||
		    (next = be_skip(v, end, 1)) == NULL)
			return (-1);
		if (*k < '0' || *k > '9')
			return (-1);
		colon = memchr(k, ':', v - k);
		if (colon == NULL)
			return (-1);
		if ((size_t)(v - colon - 1) != klen ||
		    memcmp(colon + 1, key, klen) != 0)
			continue;
		if (*v < '0' || *v > '9' ||
		    (colon = memchr(v, ':', next - v)) == NULL)
			return (-1);
		*s = colon + 1;
		*slen = next - colon - 1;
		return (0);
	}
	return (-1);
}

/*
 * Send one request, wait for the reply with the same cookie, resending
 * the same message (rtpengine answers a repeat from its cache). Returns
 * a pointer to the reply's dictionary in rbuf.
 */
static const char *
ng_request(struct msgbuf *req, const char *cookie, struct msgbuf *rep)
{
	struct pollfd	 pfd;
	const char	*res, *why;
	size_t		 clen = strlen(cookie), rlen, wlen;
	ssize_t		 n;
	int		 tries, r;

	for (tries = 0; tries < 3; tries++) {
		if (send(ctlfd, req->b, req->len, 0) == -1)
			err(1, "send to ng");
		pfd.fd = ctlfd;
		pfd.events = POLLIN;
		for (;;) {
			if ((r = poll(&pfd, 1, timeout_ms)) == -1) {
				if (errno == EINTR)
					continue;
				err(1, "poll");
			}
			if (r == 0)
				break;		/* resend */
			n = recv(ctlfd, rep->b, sizeof(rep->b) - 1, 0);
			if (n == -1) {
				if (errno == ECONNREFUSED)
					break;
				err(1, "recv from ng");
			}
			rep->len = n;
			rep->b[n] = '\0';
			if ((size_t)n > clen && memcmp(rep->b, cookie,
			    clen) == 0 && rep->b[clen] == ' ')
				goto got;
			/* an old reply: keep waiting */
		}
	}
	errx(1, "ng: no answer from rtpengine");
 got:
	if (verbose)
		fprintf(stderr, "ng reply: %.*s\n", (int)rep->len, rep->b);
	if (be_skip(rep->b + clen + 1, rep->b + rep->len, 0) == NULL)
		errx(1, "ng: malformed reply");
	if (be_dict_get(rep->b + clen + 1, rep->b + rep->len, "result", &res,
	    &rlen) == -1)
		errx(1, "ng: reply without result");
	if (rlen == 5 && memcmp(res, "error", 5) == 0) {
		if (be_dict_get(rep->b + clen + 1, rep->b + rep->len,
		    "error-reason", &why, &wlen) == -1) {
			why = "?";
			wlen = 1;
		}
		errx(1, "ng: error: %.*s", (int)wlen, why);
	}
	return (rep->b + clen + 1);
}

/* Start a request: cookie, space, dictionary opened, command. */
static void
ng_begin(struct msgbuf *mb, char *cookie, size_t cookiesz,
    const char *command)
{
	if ((size_t)snprintf(cookie, cookiesz, "%ld_%u", (long)getpid(),
	    cookie_seq++) >= cookiesz)
		errx(1, "cookie too long");
	mb->len = 0;
	mb_printf(mb, "%s d", cookie);
	be_kv(mb, "command", command);
}

static void
make_sdp(char *buf, size_t bufsz, const struct sockaddr_in *sin,
    unsigned int id)
{
	char	 a[INET_ADDRSTRLEN];
	int	 r;

	if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) == NULL)
		err(1, "inet_ntop");
	r = snprintf(buf, bufsz,
	    "v=0\r\n"
	    "o=- %u 1 IN IP4 %s\r\n"
	    "s=bench\r\n"
	    "c=IN IP4 %s\r\n"
	    "t=0 0\r\n"
	    "m=audio %u RTP/AVP %u\r\n"
	    "a=rtpmap:%u %s/8000\r\n"
	    "a=ptime:20\r\n"
	    "a=sendrecv\r\n",
	    id, a, a, ntohs(sin->sin_port), ptype, ptype,
	    ptype == 0 ? "PCMU" : "L16");
	if (r < 0 || (size_t)r >= bufsz)
		errx(1, "sdp too long");
}

/* The media address and port of an SDP body ("c=IN IP4", "m=audio"). */
static int
sdp_media(const char *sdp, size_t len, struct sockaddr_in *sin)
{
	char		 line[256], *p;
	const char	*s, *e, *end = sdp + len;
	const char	*errstr;
	size_t		 l;
	long long	 port = -1;
	int		 haveaddr = 0;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	for (s = sdp; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', end - s)) == NULL)
			e = end;
		l = e - s;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l >= sizeof(line))
			continue;
		memcpy(line, s, l);
		line[l] = '\0';
		if (strncmp(line, "c=IN IP4 ", 9) == 0 && !haveaddr) {
			if (inet_pton(AF_INET, line + 9, &sin->sin_addr) != 1)
				return (-1);
			haveaddr = 1;
		} else if (strncmp(line, "m=audio ", 8) == 0 && port == -1) {
			if ((p = strchr(line + 8, ' ')) != NULL)
				*p = '\0';
			port = strtonum(line + 8, 1, 65535, &errstr);
			if (errstr != NULL)
				return (-1);
		}
	}
	if (!haveaddr || port == -1)
		return (-1);
	sin->sin_port = htons((uint16_t)port);
	return (0);
}

static void
ng_flags(struct msgbuf *mb)
{
	be_kv(mb, "ICE", "remove");
	be_str(mb, "flags");
	mb_printf(mb, "l");
	be_str(mb, "trust-address");
	mb_printf(mb, "e");
	be_str(mb, "replace");
	mb_printf(mb, "l");
	be_str(mb, "origin");
	be_str(mb, "session-connection");
	mb_printf(mb, "e");
}

/* Offer from A, answer from B; returns where A must send. */
static void
setup_call(const char *prefix, unsigned int i, const struct sockaddr_in *a,
    const struct sockaddr_in *b, struct sockaddr_in *toa,
    struct sockaddr_in *tob)
{
	static struct msgbuf	 req, rep;
	char			 cookie[64], callid[96], ftag[32], ttag[32];
	char			 sdp[1024];
	const char		*d, *s;
	size_t			 slen;

	snprintf(callid, sizeof(callid), "%s-%u", prefix, i);
	snprintf(ftag, sizeof(ftag), "a%u", i);
	snprintf(ttag, sizeof(ttag), "b%u", i);

	ng_begin(&req, cookie, sizeof(cookie), "offer");
	be_kv(&req, "call-id", callid);
	be_kv(&req, "from-tag", ftag);
	make_sdp(sdp, sizeof(sdp), a, 2 * i + 1);
	be_kv(&req, "sdp", sdp);
	ng_flags(&req);
	mb_printf(&req, "e");
	d = ng_request(&req, cookie, &rep);
	if (be_dict_get(d, rep.b + rep.len, "sdp", &s, &slen) == -1 ||
	    sdp_media(s, slen, tob) == -1)
		errx(1, "offer %s: no media address in the reply", callid);

	ng_begin(&req, cookie, sizeof(cookie), "answer");
	be_kv(&req, "call-id", callid);
	be_kv(&req, "from-tag", ftag);
	be_kv(&req, "to-tag", ttag);
	make_sdp(sdp, sizeof(sdp), b, 2 * i + 2);
	be_kv(&req, "sdp", sdp);
	ng_flags(&req);
	mb_printf(&req, "e");
	d = ng_request(&req, cookie, &rep);
	if (be_dict_get(d, rep.b + rep.len, "sdp", &s, &slen) == -1 ||
	    sdp_media(s, slen, toa) == -1)
		errx(1, "answer %s: no media address in the reply", callid);
}

static void
delete_call(const char *prefix, unsigned int i)
{
	static struct msgbuf	 req, rep;
	char			 cookie[64], callid[96], ftag[32];

	snprintf(callid, sizeof(callid), "%s-%u", prefix, i);
	snprintf(ftag, sizeof(ftag), "a%u", i);
	ng_begin(&req, cookie, sizeof(cookie), "delete");
	be_kv(&req, "call-id", callid);
	be_kv(&req, "from-tag", ftag);
	mb_printf(&req, "e");
	(void)ng_request(&req, cookie, &rep);
}

int
main(int argc, char *argv[])
{
	static struct msgbuf	 req, rep;
	struct addrspec		 as, bs;
	struct sockaddr_in	 ctl, a, b, toa, tob;
	const char		*aspec = "127.0.0.10:10000+2";
	const char		*bspec = "127.0.0.30:24000+2";
	const char		*ctlspec = "127.0.0.1:22222";
	const char		*prefix = "bench", *outfile = NULL, *errstr;
	const char		*cmd, *d, *s;
	char			 cookie[64], tmp[1024];
	FILE			*fp = NULL;
	size_t			 slen;
	unsigned int		 i, n = 1;
	int			 ch;

	while ((ch = getopt(argc, argv, "a:b:c:n:o:P:t:vx:")) != -1) {
		switch (ch) {
		case 'a':
			aspec = optarg;
			break;
		case 'b':
			bspec = optarg;
			break;
		case 'c':
			ctlspec = optarg;
			break;
		case 'n':
			n = strtonum(optarg, 1, BENCH_MAXSTREAMS, &errstr);
			if (errstr != NULL)
				errx(2, "streams %s: %s", optarg, errstr);
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'P':
			ptype = strtonum(optarg, 0, 127, &errstr);
			if (errstr != NULL)
				errx(2, "payload type %s: %s", optarg, errstr);
			break;
		case 't':
			timeout_ms = strtonum(optarg, 10, 60000, &errstr);
			if (errstr != NULL)
				errx(2, "timeout %s: %s", optarg, errstr);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'x':
			prefix = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	cmd = argv[0];
	if (addr_parse(ctlspec, &ctl) == -1)
		errx(2, "bad control address %s", ctlspec);
	if ((ctlfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(ctlfd, (struct sockaddr *)&ctl, sizeof(ctl)) == -1)
		err(1, "connect %s", ctlspec);

	if (strcmp(cmd, "ping") == 0) {
		ng_begin(&req, cookie, sizeof(cookie), "ping");
		mb_printf(&req, "e");
		d = ng_request(&req, cookie, &rep);
		if (be_dict_get(d, rep.b + rep.len, "result", &s,
		    &slen) == -1 || slen != 4 || memcmp(s, "pong", 4) != 0)
			errx(1, "ping: no pong");
		printf("pong\n");
		return (0);
	}
	if (strcmp(cmd, "delete") == 0) {
		for (i = 0; i < n; i++)
			delete_call(prefix, i);
		return (0);
	}
	if (strcmp(cmd, "setup") != 0)
		usage();
	if (addrspec_parse(&as, aspec, n) == -1)
		errx(2, "bad A range %s", aspec);
	if (addrspec_parse(&bs, bspec, n) == -1)
		errx(2, "bad B range %s", bspec);
	if (outfile != NULL && (fp = fopen(outfile, "w")) == NULL)
		err(1, "%s", outfile);
	for (i = 0; i < n; i++) {
		if (addrspec_get(&as, i, &a) == -1 ||
		    addrspec_get(&bs, i, &b) == -1)
			errx(1, "no address for stream %u", i);
		setup_call(prefix, i, &a, &b, &toa, &tob);
		strlcpy(tmp, addr_str(&toa), sizeof(tmp));
		if (fp != NULL)
			fprintf(fp, "%s\n", tmp);
		if (verbose || fp == NULL)
			printf("%u A->%s B<-%s\n", i, tmp, addr_str(&tob));
	}
	if (fp != NULL && fclose(fp) == EOF)
		err(1, "%s", outfile);
	return (0);
}
