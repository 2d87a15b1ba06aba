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
 * The RTP port pool. A stream takes one even port P on both legs: P for
 * RTP and P + 1 for RTCP, bound to the inside address on the inside leg
 * and to the outside address on the outside leg; when the two addresses
 * are one, each leg takes a port of its own. Ports in use by another
 * program are skipped. A port stays taken while its stream lives, even
 * when a reload moved the range away from it.
 */

#define LOG_CLASS	LOG_C_RTP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <event.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"
#include "rtp.h"
#include "log.h"

static uint8_t	 pool_used[65536 / 8];
static uint16_t	 pool_lo = RTP_PORT_LO, pool_hi = RTP_PORT_HI;
static uint32_t	 pool_next = RTP_PORT_LO;	/* wide: no wrap */

#define PORT_USED(p)	(pool_used[(p) >> 3] & (1 << ((p) & 7)))

/* A new range; streams that live keep their ports. */
void
rtp_pool_set(uint16_t lo, uint16_t hi)
{
	pool_lo = lo & ~1;	/* the grammar wants it even already */
	pool_hi = hi;
	if (pool_next < pool_lo || pool_next + 1 > pool_hi)
		pool_next = pool_lo;
}

void
rtp_pool_counts(uint32_t *total, uint32_t *nfree)
{
	uint32_t	 p;

	*total = *nfree = 0;
	for (p = pool_lo; p + 1 <= pool_hi; p += 2) {
		*total += 2;
		if (!PORT_USED(p))
			*nfree += 2;
	}
}

int
rtp_sock_dscp(int fd, int family, int dscp)
{
	int	 tos = dscp << 2;

	if (family == AF_INET6)
		return (setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
		    sizeof(tos)));
	return (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)));
}

/*
 * A relay socket on local's address and the given port. SO_REUSEPORT lets
 * a stream add a connected twin on the same port (rtp_stream.c). The
 * kernel shares a port only among sockets that all ask for it and belong
 * to one user, so a port another program holds still fails with
 * EADDRINUSE and is skipped.
 */
int
rtp_sock_open(const struct sockaddr_storage *local, uint16_t port)
{
	struct sockaddr_storage	 ss = *local;
	socklen_t		 len;
	int			 fd, bufsz = RTP_SOCKBUF, on = 1;

	sa_set_port(&ss, port);
	len = sa_len(&ss);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1) {
		close(fd);
		return (-1);
	}
	/* Best effort: a relay under load wants room to breathe. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (rtp_sock_dscp(fd, ss.ss_family, rtp_settings.dscp) == -1)
		log_warn("rtp port %u: dscp", port);
	return (fd);
}

/*
 * Take the next free even port and open its RTP and RTCP sockets on each
 * of n addresses (fds[i][rtcp]). Returns 0, or -1 with errno, ENOSPC when
 * no port could be had.
 */
static int
pool_take(const struct sockaddr_storage *local, int n, int fds[][2],
    uint16_t *portp)
{
	uint32_t	 tries, span, p;
	int		 i, k, saved;

	span = pool_hi >= pool_lo + 1 ? (pool_hi - pool_lo + 1) / 2 : 0;
	for (tries = 0; tries < span; tries++) {
		p = pool_next;
		pool_next += 2;
		if (pool_next + 1 > pool_hi)
			pool_next = pool_lo;
		if (PORT_USED(p))
			continue;
		for (i = 0; i < n; i++)
			fds[i][0] = fds[i][1] = -1;
		for (i = 0; i < n; i++)
			for (k = 0; k < 2; k++)
				if ((fds[i][k] = rtp_sock_open(&local[i],
				    p + k)) == -1)
					goto busy;
		pool_used[p >> 3] |= 1 << (p & 7);
		*portp = p;
		return (0);
 busy:
		saved = errno;
		for (i = 0; i < n; i++)
			for (k = 0; k < 2; k++)
				if (fds[i][k] != -1)
					close(fds[i][k]);
		if (saved != EADDRINUSE) {
			log_warnx("rtp port %u: %s", p, strerror(saved));
			errno = saved;
			return (-1);
		}
		log_debug("rtp port %u in use by another program, skipped", p);
	}
	errno = ENOSPC;
	return (-1);
}

/*
 * A stream's ports and their sockets (fds[leg][rtcp]): one port number on
 * both legs, or, when the legs have one address (a proxy on a single
 * interface), a port for each, so that no address and port is shared by
 * the two legs. Returns 0, or -1 with errno.
 */
int
rtp_pool_alloc(const struct sockaddr_storage local[2], int fds[2][2],
    uint16_t ports[2])
{
	int	 saved;

	if (sa_cmp(&local[LEG_INSIDE], &local[LEG_OUTSIDE]) != 0) {
		if (pool_take(local, 2, fds, &ports[LEG_INSIDE]) == -1)
			return (-1);
		ports[LEG_OUTSIDE] = ports[LEG_INSIDE];
		return (0);
	}
	if (pool_take(&local[LEG_INSIDE], 1, &fds[LEG_INSIDE],
	    &ports[LEG_INSIDE]) == -1)
		return (-1);
	if (pool_take(&local[LEG_OUTSIDE], 1, &fds[LEG_OUTSIDE],
	    &ports[LEG_OUTSIDE]) == -1) {
		saved = errno;
		close(fds[LEG_INSIDE][0]);
		close(fds[LEG_INSIDE][1]);
		rtp_pool_free(ports[LEG_INSIDE]);
		errno = saved;
		return (-1);
	}
	return (0);
}

void
rtp_pool_free(uint16_t port)
{
	pool_used[port >> 3] &= ~(1 << (port & 7));
}
