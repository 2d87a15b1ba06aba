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
 * Media facts shared by the SIP engine (to refuse an SDP) and the RTP
 * relay (to refuse a peer the engine sends it, since it does not trust
 * the engine). The engine calls media_nets_init() once, before its
 * sandbox: afterwards it can no longer list the interfaces. The relay
 * leaves subnet broadcasts to the kernel (no SO_BROADCAST), and its table
 * stays empty.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ifaddrs.h>
#include <string.h>

#include "sipproxd.h"
#include "media.h"

/* A directly connected IPv4 subnet, host order. */
struct media_net {
	uint32_t	 net;		/* all-zeros host */
	uint32_t	 bcast;		/* all-ones host */
};

static struct media_net	 nets[MEDIA_NETS_MAX];
static int		 nnets;

static const char	*media_v4_refused(uint32_t, int);
static int		 media_sig_loopback(const struct sockaddr_storage *);

/*
 * RFC 3551 tables 4 and 5: the clock rate of a static payload type, 0
 * for one that is unassigned, reserved or dynamic (96-127), whose rate
 * only an a=rtpmap can tell.
 */
uint32_t
media_static_clock(int pt)
{
	switch (pt) {
	case 0:		/* PCMU */
	case 3:		/* GSM */
	case 4:		/* G723 */
	case 5:		/* DVI4 */
	case 7:		/* LPC */
	case 8:		/* PCMA */
	case 9:		/* G722, sampled at 16 kHz: RFC 3551 4.5.2 */
	case 12:	/* QCELP */
	case 13:	/* CN */
	case 15:	/* G728 */
	case 18:	/* G729 */
		return (8000);
	case 6:		/* DVI4 */
		return (16000);
	case 10:	/* L16 stereo */
	case 11:	/* L16 mono */
		return (44100);
	case 16:	/* DVI4 */
		return (11025);
	case 17:	/* DVI4 */
		return (22050);
	case 14:	/* MPA */
	case 25:	/* CelB */
	case 26:	/* JPEG */
	case 28:	/* nv */
	case 31:	/* H261 */
	case 32:	/* MPV */
	case 33:	/* MP2T */
	case 34:	/* H263 */
		return (90000);
	default:
		return (0);
	}
}

/*
 * A directly connected IPv4 subnet (address and netmask, network
 * order): its all-ones host is its broadcast, and its all-zeros host
 * was one in 4.2BSD; neither is a place to send media to. Subnets of
 * /31 and /32 have no broadcast. Returns 0, or -1 when the table is full.
 */
int
media_net_add(uint32_t addr, uint32_t mask)
{
	uint32_t	 a = ntohl(addr), m = ntohl(mask);

	if (m == 0xffffffff || m == 0xfffffffe)
		return (0);
	if (nnets >= MEDIA_NETS_MAX)
		return (-1);
	nets[nnets].net = a & m;
	nets[nnets].bcast = (a & m) | ~m;
	nnets++;
	return (0);
}

/*
 * The subnets of the interfaces as they are now. Returns how many were
 * kept, -1 when the interfaces cannot be listed or there were more than
 * the table holds (the first ones are kept).
 */
int
media_nets_init(void)
{
	struct ifaddrs	*ifap, *ifa;
	int		 rv = 0;

	nnets = 0;
	if (getifaddrs(&ifap) == -1)
		return (-1);
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_netmask == NULL ||
		    ifa->ifa_addr->sa_family != AF_INET)
			continue;
		if (media_net_add(((struct sockaddr_in *)ifa->ifa_addr)->
		    sin_addr.s_addr, ((struct sockaddr_in *)ifa->ifa_netmask)->
		    sin_addr.s_addr) == -1)
			rv = -1;
	}
	freeifaddrs(ifap);
	return (rv == -1 ? -1 : nnets);
}

/* Whether the party's SIP came from this very host. */
static int
media_sig_loopback(const struct sockaddr_storage *sig)
{
	const struct in6_addr	*a6;
	uint32_t		 a;

	if (sig == NULL)
		return (0);
	if (sa_v4(sig, &a))
		return ((a >> 24) == IN_LOOPBACKNET);
	return ((a6 = sa_in6(sig)) != NULL && IN6_IS_ADDR_LOOPBACK(a6));
}

/* An IPv4 address, host order, other than 0.0.0.0. */
static const char *
media_v4_refused(uint32_t a, int sigloop)
{
	int	 i;

	if ((a >> 24) == 0)
		return ("unspecified address");
	if (IN_MULTICAST(a))
		return ("multicast address");
	if (a == INADDR_BROADCAST)
		return ("broadcast address");
	if ((a >> 24) == IN_LOOPBACKNET && !sigloop)
		return ("loopback address");
	for (i = 0; i < nnets; i++)
		if (a == nets[i].bcast || a == nets[i].net)
			return ("broadcast address");
	return (NULL);
}

/*
 * Why media may not be sent to addr, or NULL when it may. sig is where
 * the party's SIP came from: a loopback address is fine only for a
 * party on this very host (whose SIP comes from loopback too); from
 * anyone else it would aim the relay at our own services. Multicast,
 * broadcast (255.255.255.255 and those of the subnets media_nets_init()
 * saw) and unspecified addresses are refused, but for 0.0.0.0 and ::,
 * which say "hold" (RFC 2543, RFC 3264 section 8.4) and are sent
 * nothing. An IPv4-mapped IPv6 address is judged as the IPv4 one. The
 * port is not looked at. AF_UNSPEC (no address yet) is fine.
 */
const char *
media_addr_refused(const struct sockaddr_storage *addr,
    const struct sockaddr_storage *sig)
{
	const struct in6_addr	*a6;
	uint32_t		 a;

	if (addr->ss_family == AF_UNSPEC)
		return (NULL);
	if (sa_v4(addr, &a)) {
		if (addr->ss_family == AF_INET && a == INADDR_ANY)
			return (NULL);
		return (media_v4_refused(a, media_sig_loopback(sig)));
	}
	if ((a6 = sa_in6(addr)) == NULL)
		return ("not an IPv4 or IPv6 address");
	if (IN6_IS_ADDR_UNSPECIFIED(a6))
		return (NULL);
	if (IN6_IS_ADDR_MULTICAST(a6))
		return ("multicast address");
	if (IN6_IS_ADDR_LOOPBACK(a6) && !media_sig_loopback(sig))
		return ("loopback address");
	return (NULL);
}
