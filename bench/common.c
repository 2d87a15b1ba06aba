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

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* "ADDR:PORT" into sin; 0 on success, -1 on a malformed string. */
int
addr_parse(const char *s, struct sockaddr_in *sin)
{
	char		 buf[64], *colon;
	const char	*errstr;
	long long	 port;

	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return (-1);
	if ((colon = strrchr(buf, ':')) == NULL)
		return (-1);
	*colon++ = '\0';
	port = strtonum(colon, 0, 65535, &errstr);
	if (errstr != NULL)
		return (-1);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
		return (-1);
	return (0);
}

const char *
addr_str(const struct sockaddr_in *sin)
{
	static char	 buf[INET_ADDRSTRLEN + 8];
	char		 a[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) == NULL)
		strlcpy(a, "?", sizeof(a));
	snprintf(buf, sizeof(buf), "%s:%u", a, ntohs(sin->sin_port));
	return (buf);
}

/*
 * Parse a range for n streams. A file must hold at least n lines; a
 * stride range must not run past port 65535.
 */
int
addrspec_parse(struct addrspec *as, const char *spec, unsigned int n)
{
	FILE		*fp;
	char		 line[128], buf[64], *plus;
	const char	*errstr;
	unsigned int	 i;
	size_t		 len;

	memset(as, 0, sizeof(*as));
	if (spec[0] == '@') {
		if ((fp = fopen(spec + 1, "r")) == NULL) {
			warn("%s", spec + 1);
			return (-1);
		}
		if ((as->list = calloc(n, sizeof(*as->list))) == NULL)
			err(1, NULL);
		for (i = 0; i < n && fgets(line, sizeof(line), fp) != NULL;
		    i++) {
			len = strcspn(line, " \t\r\n");
			line[len] = '\0';
			if (addr_parse(line, &as->list[i]) == -1) {
				warnx("%s:%u: bad address \"%s\"", spec + 1,
				    i + 1, line);
				fclose(fp);
				return (-1);
			}
		}
		fclose(fp);
		if (i < n) {
			warnx("%s: %u addresses, %u needed", spec + 1, i, n);
			return (-1);
		}
		as->nlist = n;
		return (0);
	}
	if (strlcpy(buf, spec, sizeof(buf)) >= sizeof(buf))
		return (-1);
	as->stride = 2;
	if ((plus = strchr(buf, '+')) != NULL) {
		*plus++ = '\0';
		as->stride = strtonum(plus, 0, 65535, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	if (addr_parse(buf, &as->base) == -1)
		return (-1);
	if (n > 0 && ntohs(as->base.sin_port) +
	    (unsigned long long)(n - 1) * as->stride > 65535) {
		warnx("%s: %u streams run past port 65535", spec, n);
		return (-1);
	}
	return (0);
}

int
addrspec_get(const struct addrspec *as, unsigned int i,
    struct sockaddr_in *sin)
{
	unsigned long	 port;

	if (as->list != NULL) {
		if (i >= as->nlist)
			return (-1);
		*sin = as->list[i];
		return (0);
	}
	port = ntohs(as->base.sin_port) + (unsigned long)i * as->stride;
	if (port > 65535)
		return (-1);
	*sin = as->base;
	sin->sin_port = htons((uint16_t)port);
	return (0);
}

uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

void
pin_cpu(int cpu)
{
	cpu_set_t	 set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		err(1, "sched_setaffinity cpu %d", cpu);
}

/* Two sockets a stream, a thousand streams: lift the soft fd limit. */
void
raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * A non-blocking UDP socket bound to sin. Buffer sizes of 0 keep the
 * kernel's defaults; as root the FORCE options pass net.core.*mem_max.
 */
int
udp_bind(const struct sockaddr_in *sin, int rcvbuf, int sndbuf)
{
	int	 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		err(1, "SO_REUSEADDR");
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &rcvbuf, sizeof(rcvbuf)) == -1)
		err(1, "SO_RCVBUF");
	if (sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
	    sizeof(sndbuf)) == -1 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF,
	    &sndbuf, sizeof(sndbuf)) == -1)
		err(1, "SO_SNDBUF");
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		err(1, "bind %s", addr_str(sin));
	return (fd);
}

/* The size the kernel really gave (twice the request on Linux). */
int
sock_bufsize(int fd, int opt)
{
	int		 v = 0;
	socklen_t	 len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) == -1)
		return (-1);
	return (v);
}
