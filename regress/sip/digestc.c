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
 * digestc: a SIP phone over UDP that answers Digest challenges with MD5
 * or SHA-256 (sipp knows only MD5), for the authentication tests. Its
 * own Digest code, written apart from sipproxd's: a bug shared with the
 * daemon would hide itself.
 *
 * usage: digestc -l addr:port -r addr:port -u user -p password
 *	[-a md5|sha256] [-F first-algorithm] [-m method] [-R request-uri]
 *	[-T to-uri] [-e expires] [-P realm:user:password ...] step ...
 *
 * Steps, in order:
 *	send		a new request (CSeq + 1, a new branch) with the
 *			credentials of every challenge seen, each with its
 *			nonce count + 1
 *	resend		the last request again, byte for byte
 *	replay		a new request with the last proxy credentials as
 *			they were (the same nonce count)
 *	expect=CODE[:stale|:fresh]
 *			the response to the last request has status CODE;
 *			a 401 or 407 gives its challenges (a realm of -P is
 *			the provider's, any other the proxy's: -F says the
 *			algorithm of its first challenge, -a the one to
 *			answer, :stale and :fresh whether it says stale=true)
 *	none=N		no response within N tenths of a second
 *	sleep=N		wait N seconds
 *
 * Prints each status line it gets; exit 0 when every step went as said,
 * 1 with the reason on stderr when not.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <md5.h>
#include <poll.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAXPROV		4
#define BUFLEN		65536

struct chal {
	char	 realm[256];
	char	 nonce[256];
	char	 user[128];
	char	 pass[128];
	int	 sha256;
	int	 proxy;		/* 407: Proxy-Authorization */
	int	 have;
	unsigned int nc;
};

static void	 fail(const char *, ...)
		    __attribute__((__noreturn__, __format__ (printf, 1, 2)));

static struct chal	 ours, prov[MAXPROV];
static int		 nprov;
static int		 fd, want_sha256, cseq;
static const char	*user, *pass, *first_alg, *method = "REGISTER";
static const char	*ruri, *touri, *expires = "60";
static char		 laddr[64], raddr[64];
static int		 lport, rport;
static char		 last_req[BUFLEN], last_cred[2048];
static size_t		 last_len;
static char		 tag[32], callid[128];

static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "digestc: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void
hexify(const uint8_t *d, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* H(a ":" b ":" ...) of NULL-ended strings, in hex. */
static void
hash(int sha256, char *out, ...)
{
	va_list		 ap;
	MD5_CTX		 m;
	SHA2_CTX	 s;
	uint8_t		 d[32];
	const char	*p;
	int		 first = 1;

	if (sha256)
		SHA256Init(&s);
	else
		MD5Init(&m);
	va_start(ap, out);
	while ((p = va_arg(ap, const char *)) != NULL) {
		if (!first) {
			if (sha256)
				SHA256Update(&s, (const uint8_t *)":", 1);
			else
				MD5Update(&m, (const uint8_t *)":", 1);
		}
		first = 0;
		if (sha256)
			SHA256Update(&s, (const uint8_t *)p, strlen(p));
		else
			MD5Update(&m, (const uint8_t *)p, strlen(p));
	}
	va_end(ap);
	if (sha256) {
		SHA256Final(d, &s);
		hexify(d, 32, out);
	} else {
		MD5Final(d, &m);
		hexify(d, 16, out);
	}
}

/* The credentials for a challenge, a header line with its CRLF. */
static void
credentials(struct chal *c, const char *hname, char *out, size_t len)
{
	char	 ha1[65], ha2[65], resp[65], nc[9], cnonce[17];
	char	 uri[512];

	snprintf(uri, sizeof(uri), "%s", ruri);
	snprintf(nc, sizeof(nc), "%08x", ++c->nc);
	snprintf(cnonce, sizeof(cnonce), "%08x%08x", arc4random(),
	    arc4random());
	hash(c->sha256, ha1, c->user, c->realm, c->pass, NULL);
	hash(c->sha256, ha2, method, uri, NULL);
	hash(c->sha256, resp, ha1, c->nonce, nc, cnonce, "auth", ha2, NULL);
	snprintf(out, len, "%s: Digest username=\"%s\", realm=\"%s\", "
	    "nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=%s, "
	    "qop=auth, nc=%s, cnonce=\"%s\"\r\n", hname, c->user, c->realm,
	    c->nonce, uri, resp, c->sha256 ? "SHA-256" : "MD5", nc, cnonce);
}

static void
xsend(const char *buf, size_t len)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(rport);
	if (inet_pton(AF_INET, raddr, &sin.sin_addr) != 1)
		fail("bad address %s", raddr);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1)
		fail("sendto: %s", strerror(errno));
}

/* A new request; cred: the proxy credentials line to use, NULL: new. */
static void
request(const char *cred)
{
	char	 auth[4 * 2048], line[2048];
	int	 i, n;

	cseq++;
	auth[0] = '\0';
	if (cred != NULL)
		strlcpy(auth, cred, sizeof(auth));
	else if (ours.have) {
		credentials(&ours, "Proxy-Authorization", last_cred,
		    sizeof(last_cred));
		strlcpy(auth, last_cred, sizeof(auth));
	}
	for (i = 0; i < nprov; i++) {
		if (!prov[i].have)
			continue;
		credentials(&prov[i], prov[i].proxy ? "Proxy-Authorization" :
		    "Authorization", line, sizeof(line));
		strlcat(auth, line, sizeof(auth));
	}
	n = snprintf(last_req, sizeof(last_req),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-dc%08x%d;rport\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <%s>;tag=%s\r\n"
	    "To: <%s>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %d %s\r\n"
	    "Contact: <sip:%s@%s:%d>\r\n"
	    "%s%s%s"
	    "%s"
	    "User-Agent: digestc\r\n"
	    "Content-Length: 0\r\n\r\n",
	    method, ruri, laddr, lport, arc4random(), cseq, touri, tag,
	    touri, callid, cseq, method, user, laddr, lport,
	    strcmp(method, "REGISTER") == 0 ? "Expires: " : "",
	    strcmp(method, "REGISTER") == 0 ? expires : "",
	    strcmp(method, "REGISTER") == 0 ? "\r\n" : "", auth);
	if (n < 0 || (size_t)n >= sizeof(last_req))
		fail("request too long");
	last_len = n;
	xsend(last_req, last_len);
}

/* name=value of a challenge, quoted or not; 0 when absent. */
static int
param(const char *h, const char *name, char *out, size_t len)
{
	const char	*p = h;
	size_t		 n = strlen(name), o = 0;

	for (; (p = strcasestr(p, name)) != NULL; p += n) {
		if ((p != h && p[-1] != ' ' && p[-1] != ',' &&
		    p[-1] != '\t') || p[n] != '=')
			continue;
		p += n + 1;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"' && o + 1 < len; p++)
				out[o++] = *p;
		} else
			for (; *p != '\0' && *p != ',' && *p != ' ' &&
			    o + 1 < len; p++)
				out[o++] = *p;
		out[o] = '\0';
		return (1);
	}
	return (0);
}

/* The challenges of a 401 or 407. */
static void
challenges(char *msg, int status, const char *want)
{
	char	*line, *next, *v, realm[256], alg[32], buf[256];
	int	 i, nours = 0, found = 0, stale = 0;

	for (line = msg; line != NULL; line = next) {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if (strncasecmp(line, "Proxy-Authenticate:", 19) == 0)
			v = line + 19;
		else if (strncasecmp(line, "WWW-Authenticate:", 17) == 0)
			v = line + 17;
		else
			continue;
		if (!param(v, "realm", realm, sizeof(realm)))
			fail("challenge without realm: %s", v);
		if (!param(v, "algorithm", alg, sizeof(alg)))
			strlcpy(alg, "MD5", sizeof(alg));
		for (i = 0; i < nprov; i++)
			if (strcmp(prov[i].realm, realm) == 0)
				break;
		if (i < nprov) {
			param(v, "nonce", prov[i].nonce, sizeof(prov[i].nonce));
			prov[i].proxy = status == 407;
			prov[i].sha256 = strcasecmp(alg, "SHA-256") == 0;
			prov[i].have = 1;
			prov[i].nc = 0;
			continue;
		}
		if (status != 407)
			fail("a 401 from the proxy");
		if (nours++ == 0 && first_alg != NULL &&
		    strcasecmp(alg, first_alg) != 0)
			fail("first challenge is %s, want %s", alg, first_alg);
		if (!param(v, "qop", buf, sizeof(buf)) ||
		    strcmp(buf, "auth") != 0)
			fail("challenge without qop=\"auth\": %s", v);
		if (param(v, "stale", buf, sizeof(buf)) &&
		    strcasecmp(buf, "true") == 0)
			stale = 1;
		if ((strcasecmp(alg, "SHA-256") == 0) != want_sha256)
			continue;
		strlcpy(ours.realm, realm, sizeof(ours.realm));
		param(v, "nonce", ours.nonce, sizeof(ours.nonce));
		ours.sha256 = want_sha256;
		ours.have = 1;
		ours.nc = 0;
		found = 1;
	}
	if (nours > 0 && !found)
		fail("no challenge for %s", want_sha256 ? "SHA-256" : "MD5");
	if (want != NULL && strcmp(want, "stale") == 0 && !stale)
		fail("challenge without stale=true");
	if (want != NULL && strcmp(want, "fresh") == 0 && stale)
		fail("challenge with stale=true");
}

/* Wait tenths of a second for the response to the last request. */
static int
response(int tenths, char *buf, size_t len)
{
	struct pollfd	 pfd;
	struct timespec	 start, now;
	ssize_t		 n;
	char		*p;
	int		 ms, status, c;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = tenths * 100 - ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000);
		if (ms <= 0)
			return (-1);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if ((n = recv(fd, buf, len - 1, 0)) == -1)
			fail("recv: %s", strerror(errno));
		buf[n] = '\0';
		if (sscanf(buf, "SIP/2.0 %d", &status) != 1)
			continue;	/* a request: not ours to answer */
		p = strcasestr(buf, "\r\nCSeq:");
		if (p == NULL || sscanf(p + 7, "%d", &c) != 1 || c != cseq) {
			printf("ignored %.*s\n", (int)strcspn(buf, "\r"), buf);
			continue;
		}
		printf("< %.*s\n", (int)strcspn(buf, "\r"), buf);
		fflush(stdout);
		return (status);
	}
}

static void
hostport(const char *s, char *host, size_t len, int *port)
{
	const char	*c;

	if ((c = strrchr(s, ':')) == NULL || (size_t)(c - s) >= len)
		fail("%s: want address:port", s);
	memcpy(host, s, c - s);
	host[c - s] = '\0';
	*port = atoi(c + 1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	char			 buf[BUFLEN], *c1, *c2, *want, to[512];
	const char		*a = "md5";
	int			 ch, i, st, code;

	while ((ch = getopt(argc, argv, "a:e:F:l:m:p:P:r:R:T:u:")) != -1) {
		switch (ch) {
		case 'a':
			a = optarg;
			break;
		case 'e':
			expires = optarg;
			break;
		case 'F':
			first_alg = optarg;
			break;
		case 'l':
			hostport(optarg, laddr, sizeof(laddr), &lport);
			break;
		case 'm':
			method = optarg;
			break;
		case 'p':
			pass = optarg;
			break;
		case 'P':
			if (nprov == MAXPROV ||
			    (c1 = strchr(optarg, ':')) == NULL ||
			    (c2 = strchr(c1 + 1, ':')) == NULL)
				fail("-P realm:user:password");
			*c1++ = '\0';
			*c2++ = '\0';
			strlcpy(prov[nprov].realm, optarg,
			    sizeof(prov[nprov].realm));
			strlcpy(prov[nprov].user, c1, sizeof(prov[nprov].user));
			strlcpy(prov[nprov].pass, c2, sizeof(prov[nprov].pass));
			nprov++;
			break;
		case 'r':
			hostport(optarg, raddr, sizeof(raddr), &rport);
			break;
		case 'R':
			ruri = optarg;
			break;
		case 'T':
			touri = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			fail("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (user == NULL || pass == NULL || laddr[0] == '\0' ||
	    raddr[0] == '\0')
		fail("usage: digestc -l addr:port -r addr:port -u user "
		    "-p password [options] step ...");
	want_sha256 = strcmp(a, "sha256") == 0;
	if (touri == NULL) {
		snprintf(to, sizeof(to), "sip:%s@%s", user, raddr);
		touri = to;
	}
	if (ruri == NULL)
		ruri = touri;
	strlcpy(ours.user, user, sizeof(ours.user));
	strlcpy(ours.pass, pass, sizeof(ours.pass));
	snprintf(tag, sizeof(tag), "dc%08x", arc4random());
	snprintf(callid, sizeof(callid), "dc%08x%08x@%s", arc4random(),
	    arc4random(), laddr);

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		fail("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(lport);
	if (inet_pton(AF_INET, laddr, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fail("bind %s:%d: %s", laddr, lport, strerror(errno));

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "send") == 0)
			request(NULL);
		else if (strcmp(argv[i], "replay") == 0) {
			if (last_cred[0] == '\0')
				fail("replay: no credentials sent yet");
			request(last_cred);
		} else if (strcmp(argv[i], "resend") == 0)
			xsend(last_req, last_len);
		else if (strncmp(argv[i], "sleep=", 6) == 0)
			sleep(atoi(argv[i] + 6));
		else if (strncmp(argv[i], "none=", 5) == 0) {
			if ((st = response(atoi(argv[i] + 5), buf,
			    sizeof(buf))) != -1)
				fail("step %d: got %d, want none", i + 1, st);
		} else if (strncmp(argv[i], "expect=", 7) == 0) {
			code = atoi(argv[i] + 7);
			want = strchr(argv[i] + 7, ':');
			if ((st = response(50, buf, sizeof(buf))) != code)
				fail("step %d: got %d, want %d", i + 1, st,
				    code);
			if (st == 401 || st == 407)
				challenges(buf, st, want != NULL ? want + 1 :
				    NULL);
		} else
			fail("unknown step %s", argv[i]);
	}
	return (0);
}
