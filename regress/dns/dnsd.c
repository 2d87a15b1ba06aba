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
 * dnsd: a tiny authoritative DNS server over UDP for the regress tests.
 *
 *	dnsd [-l address] [-p port] [-t ttl] -r "NAME TYPE DATA" ...
 *
 * TYPE A: DATA is an IPv4 address; TYPE SRV: "priority weight port
 * target". Every answer has the TTL 60, or -t seconds. A name with records but none of
 * the asked type gets an empty answer (NODATA), any other name NXDOMAIN.
 * Prints "ready" once the socket is bound, then one line per datagram:
 * "query NAME TYPE" for a question, else "drop: why" (nothing sent),
 * "formerr: why" or "notimp: why", so that a test can count the
 * questions. SIGTERM or SIGINT ends it.
 *
 * Queries are parsed with every length checked against the datagram:
 * garbage is dropped, or answered FORMERR when it has a query's header.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnswire.h"

#define DNSD_MAXREC	64
#define DNSD_MAXNAME	253	/* without the final dot */
#define DNSD_TTL	60
#define DNSD_UDPLEN	512	/* RFC 1035 4.2.1: no EDNS here */
#define DNSD_HDRLEN	12

#define T_A		1
#define T_AAAA		28
#define T_SRV		33
#define C_IN		1

#define RC_FORMERR	1
#define RC_NXDOMAIN	3
#define RC_NOTIMP	4

struct record {
	char		 name[DNSD_MAXNAME + 1];
	int		 type;
	struct in_addr	 addr;		/* A */
	uint16_t	 prio;		/* SRV */
	uint16_t	 weight;
	uint16_t	 port;
	char		 target[DNSD_MAXNAME + 1];
};

static struct record	 records[DNSD_MAXREC];
static size_t		 nrecords;

static void		 usage(void) __attribute__((__noreturn__));
static unsigned long	 ttl = DNSD_TTL;	/* of every answer, -t */
static void		 die(const char *, ...)
			    __attribute__((__noreturn__,
			    __format__ (printf, 1, 2)));
static void		 on_signal(int);
static long		 number(const char *, long, long, const char *);
static int		 name_norm(const char *, char *, size_t);
static void		 record_add(const char *);
static const char	*type_str(int, char *, size_t);
static int		 name_get(const unsigned char *, size_t, size_t *,
			    char *, size_t);
static int		 rr_put(unsigned char *, size_t, size_t *,
			    const struct record *);
static size_t		 answer(const unsigned char *, size_t,
			    unsigned char *, size_t);

static void
usage(void)
{
	fprintf(stderr, "usage: dnsd [-l address] [-p port] [-t ttl] "
	    "-r \"name type data\" ...\n");
	exit(1);
}

static void
die(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "dnsd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* Nothing is left to flush: stdout is written line by line. */
static void
on_signal(int sig)
{
	(void)sig;
	_exit(0);
}

static long
number(const char *s, long lo, long hi, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		die("%s %s: not a number from %ld to %ld", what, s, lo, hi);
	return (v);
}

/* Lower case without a final dot; labels of 1 to 63 characters. */
static int
name_norm(const char *in, char *out, size_t len)
{
	size_t	 n, i, label = 0;

	n = strlen(in);
	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > DNSD_MAXNAME || n >= len)
		return (-1);
	for (i = 0; i < n; i++) {
		if (in[i] == '.') {
			if (label == 0)
				return (-1);
			label = 0;
		} else if (++label > 63)
			return (-1);
		out[i] = tolower((unsigned char)in[i]);
	}
	if (label == 0)
		return (-1);
	out[n] = '\0';
	return (0);
}

/* "NAME TYPE DATA", fields separated by blanks. */
static void
record_add(const char *spec)
{
	struct record	*r;
	char		 buf[1024], *f[6], *p, *last;
	size_t		 n = 0;

	if (nrecords >= DNSD_MAXREC)
		die("more than %d records", DNSD_MAXREC);
	if (strlen(spec) >= sizeof(buf))
		die("record too long: %s", spec);
	strncpy(buf, spec, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	for (p = strtok_r(buf, " \t", &last); p != NULL;
	    p = strtok_r(NULL, " \t", &last)) {
		if (n == sizeof(f) / sizeof(f[0]))
			die("record %s: too many fields", spec);
		f[n++] = p;
	}
	if (n < 3)
		die("record %s: want NAME TYPE DATA", spec);

	r = &records[nrecords];
	memset(r, 0, sizeof(*r));
	if (name_norm(f[0], r->name, sizeof(r->name)) == -1)
		die("record %s: bad name", spec);
	if (strcasecmp(f[1], "A") == 0) {
		r->type = T_A;
		if (n != 3 || inet_pton(AF_INET, f[2], &r->addr) != 1)
			die("record %s: want an IPv4 address", spec);
	} else if (strcasecmp(f[1], "SRV") == 0) {
		r->type = T_SRV;
		if (n != 6)
			die("record %s: want prio weight port target", spec);
		r->prio = number(f[2], 0, 65535, "priority");
		r->weight = number(f[3], 0, 65535, "weight");
		r->port = number(f[4], 0, 65535, "port");
		if (name_norm(f[5], r->target, sizeof(r->target)) == -1)
			die("record %s: bad target", spec);
	} else
		die("record %s: type %s: only A and SRV", spec, f[1]);
	nrecords++;
}

static const char *
type_str(int type, char *buf, size_t len)
{
	switch (type) {
	case T_A:
		return ("A");
	case T_AAAA:
		return ("AAAA");
	case T_SRV:
		return ("SRV");
	default:
		snprintf(buf, len, "TYPE%d", type);
		return (buf);
	}
}

/*
 * The question's name at *off, uncompressed (a question has nothing to
 * point back to), in lower case and dotted; *off moves past it. Bytes
 * that are neither letters, digits, '-' nor '_' are refused, so what is
 * logged is printable.
 */
static int
name_get(const unsigned char *buf, size_t len, size_t *off, char *name,
    size_t namelen)
{
	size_t	 o = *off, n = 0, l, i;
	int	 c;

	for (;;) {
		if (o >= len)
			return (-1);
		l = buf[o++];
		if (l == 0)
			break;
		if (l > 63 || l > len - o)
			return (-1);
		/* The dot before the label, the label, the NUL. */
		if (n + (n > 0) + l + 1 > namelen || n + (n > 0) + l >
		    DNSD_MAXNAME)
			return (-1);
		if (n > 0)
			name[n++] = '.';
		for (i = 0; i < l; i++) {
			c = buf[o + i];
			if (!isalnum(c) && c != '-' && c != '_')
				return (-1);
			name[n++] = tolower(c);
		}
		o += l;
	}
	if (n == 0)
		return (-1);	/* the root: nothing of ours */
	name[n] = '\0';
	*off = o;
	return (0);
}

/* One answer RR, its owner a pointer to the question's name. */
static int
rr_put(unsigned char *buf, size_t len, size_t *off, const struct record *r)
{
	size_t	 o = *off, rdstart;
	size_t	 rdlen;

	if (len - o < 12)
		return (-1);
	buf[o++] = 0xc0;
	buf[o++] = DNSD_HDRLEN;
	buf[o++] = r->type >> 8;
	buf[o++] = r->type & 0xff;
	buf[o++] = 0;
	buf[o++] = C_IN;
	buf[o++] = (ttl >> 24) & 0xff;
	buf[o++] = (ttl >> 16) & 0xff;
	buf[o++] = (ttl >> 8) & 0xff;
	buf[o++] = ttl & 0xff;
	rdstart = o + 2;
	o = rdstart;
	if (r->type == T_A) {
		if (len - o < 4)
			return (-1);
		memcpy(buf + o, &r->addr, 4);
		o += 4;
	} else {
		if (len - o < 6)
			return (-1);
		buf[o++] = r->prio >> 8;
		buf[o++] = r->prio & 0xff;
		buf[o++] = r->weight >> 8;
		buf[o++] = r->weight & 0xff;
		buf[o++] = r->port >> 8;
		buf[o++] = r->port & 0xff;
		/* RFC 2782: the target is not compressed. */
		if (dns_name_put(buf, len, &o, r->target) == -1)
			return (-1);
	}
	rdlen = o - rdstart;
	buf[rdstart - 2] = rdlen >> 8;
	buf[rdstart - 1] = rdlen & 0xff;
	*off = o;
	return (0);
}

/* The answer to one datagram in r, its length; 0: send nothing. */
static size_t
answer(const unsigned char *q, size_t qlen, unsigned char *r, size_t rlen)
{
	char		 name[DNSD_MAXNAME + 1], tbuf[16];
	size_t		 off = DNSD_HDRLEN, i, an = 0, o;
	int		 type, class, known = 0, rcode = 0, tc = 0;

	if (qlen < DNSD_HDRLEN) {
		printf("drop: %zu bytes, no header\n", qlen);
		return (0);
	}
	if (q[2] & 0x80) {
		printf("drop: a response\n");
		return (0);
	}
	memcpy(r, q, 4);			/* ID and flags */
	r[2] = 0x80 | 0x04 | (q[2] & 0x79);	/* QR, AA; opcode, RD */
	r[3] = 0;
	memset(r + 4, 0, DNSD_HDRLEN - 4);

	if ((q[2] & 0x78) != 0) {
		printf("notimp: opcode %d\n", (q[2] >> 3) & 0x0f);
		r[3] = RC_NOTIMP;
		return (DNSD_HDRLEN);
	}
	if (q[4] != 0 || q[5] != 1 || q[6] != 0 || q[7] != 0 ||
	    name_get(q, qlen, &off, name, sizeof(name)) == -1 ||
	    qlen - off < 4 || off + 4 > rlen) {
		printf("formerr: malformed question\n");
		r[3] = RC_FORMERR;
		return (DNSD_HDRLEN);
	}
	type = q[off] << 8 | q[off + 1];
	class = q[off + 2] << 8 | q[off + 3];
	off += 4;
	printf("query %s %s\n", name, type_str(type, tbuf, sizeof(tbuf)));

	/* The question as asked, then the matching records. */
	r[5] = 1;
	memcpy(r + DNSD_HDRLEN, q + DNSD_HDRLEN, off - DNSD_HDRLEN);
	o = off;
	for (i = 0; i < nrecords; i++) {
		if (strcmp(records[i].name, name) != 0)
			continue;
		known = 1;
		if (records[i].type != type || class != C_IN)
			continue;
		if (rr_put(r, rlen, &o, &records[i]) == -1) {
			tc = 1;
			break;
		}
		an++;
	}
	if (!known)
		rcode = RC_NXDOMAIN;
	if (tc)
		r[2] |= 0x02;
	r[3] = rcode;
	r[6] = an >> 8;
	r[7] = an & 0xff;
	return (o);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin, from;
	struct sigaction	 sa;
	socklen_t		 fromlen;
	unsigned char		 q[65536], r[DNSD_UDPLEN];
	const char		*addr = "127.0.0.1";
	ssize_t			 n;
	size_t			 rlen;
	long			 port = 53;
	int			 ch, s;

	while ((ch = getopt(argc, argv, "l:p:r:t:")) != -1) {
		switch (ch) {
		case 'l':
			addr = optarg;
			break;
		case 'p':
			port = number(optarg, 1, 65535, "port");
			break;
		case 'r':
			record_add(optarg);
			break;
		case 't':
			ttl = number(optarg, 0, 86400, "ttl");
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		die("sigaction: %s", strerror(errno));

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		die("%s: not an IPv4 address", addr);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind %s port %ld: %s", addr, port, strerror(errno));
	printf("ready %s port %ld, %zu records\n", addr, port, nrecords);

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("recvfrom: %s", strerror(errno));
		}
		if ((rlen = answer(q, n, r, sizeof(r))) == 0)
			continue;
		if (sendto(s, r, rlen, 0, (struct sockaddr *)&from,
		    fromlen) == -1)
			printf("drop: sendto: %s\n", strerror(errno));
	}
}
