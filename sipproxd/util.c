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
 * Socket addresses: the one place that builds, compares and prints them,
 * as bgpd's util.c. A leaf: libc only, so the relay, the engine and the
 * parsers linked into the fuzzers can all use it.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"

#define SIN(ss)		((struct sockaddr_in *)(ss))
#define SIN6(ss)	((struct sockaddr_in6 *)(ss))
#define CSIN(ss)	((const struct sockaddr_in *)(ss))
#define CSIN6(ss)	((const struct sockaddr_in6 *)(ss))

/* The length of the address, for bind, connect, sendto, getnameinfo. */
socklen_t
sa_len(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (sizeof(struct sockaddr_in));
	case AF_INET6:
		return (sizeof(struct sockaddr_in6));
	}
	return (0);
}

/*
 * The BSDs' sockaddrs carry their own length (SIN6_LEN says so); what
 * the kernel hands back has it set, so what we build has it set too.
 */
static void
sa_set_len(struct sockaddr_storage *ss)
{
#ifdef SIN6_LEN
	ss->ss_len = sa_len(ss);
#else
	(void)ss;
#endif
}

/*
 * ss from an in_addr or in6_addr of family af, and a port (host order).
 * Everything else in ss is zero.
 */
int
sa_from_addr(int af, const void *addr, in_port_t port,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	switch (af) {
	case AF_INET:
		memcpy(&SIN(ss)->sin_addr, addr, sizeof(struct in_addr));
		break;
	case AF_INET6:
		memcpy(&SIN6(ss)->sin6_addr, addr, sizeof(struct in6_addr));
		break;
	default:
		return (-1);
	}
	ss->ss_family = af;
	sa_set_len(ss);
	sa_set_port(ss, port);
	return (0);
}

/*
 * A numeric host, no brackets, of family af (AF_UNSPEC: either) and a
 * port as a socket address; -1 if it is not one.
 */
int
sa_from_host(int af, const char *host, in_port_t port,
    struct sockaddr_storage *ss)
{
	struct in6_addr	 a;

	if ((af == AF_UNSPEC || af == AF_INET) &&
	    inet_pton(AF_INET, host, &a) == 1)
		return (sa_from_addr(AF_INET, &a, port, ss));
	if ((af == AF_UNSPEC || af == AF_INET6) &&
	    inet_pton(AF_INET6, host, &a) == 1)
		return (sa_from_addr(AF_INET6, &a, port, ss));
	memset(ss, 0, sizeof(*ss));
	return (-1);
}

/* An IPv4 or IPv6 sa, as getifaddrs(3) gives it, into ss; else -1. */
int
sa_copy(const struct sockaddr *sa, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(ss, sa, sizeof(struct sockaddr_in));
		break;
	case AF_INET6:
		memcpy(ss, sa, sizeof(struct sockaddr_in6));
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * The address an interface stands for (the outside's): its first IPv4
 * address, else its first IPv6 one that is not link-local; port 0.
 * Returns 0, or -1 when it has none (or is no interface).
 */
int
iface_addr(const char *name, struct sockaddr_storage *out)
{
	struct sockaddr_storage	 ss;
	struct ifaddrs		*ifap, *ifa;
	const struct in6_addr	*a6;
	int			 found = 0;

	if (getifaddrs(&ifap) == -1)
		return (-1);
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (strcmp(ifa->ifa_name, name) != 0 ||
		    ifa->ifa_addr == NULL ||
		    sa_copy(ifa->ifa_addr, &ss) == -1)
			continue;
		if (ss.ss_family == AF_INET) {
			*out = ss;
			found = 1;
			break;
		}
		if (!found && (a6 = sa_in6(&ss)) != NULL &&
		    !IN6_IS_ADDR_LINKLOCAL(a6)) {
			*out = ss;
			found = 1;
		}
	}
	freeifaddrs(ifap);
	if (found)
		sa_set_port(out, 0);
	return (found ? 0 : -1);
}

/* Whether the interface still has the address (any port); -1: unknown. */
int
iface_has_addr(const char *name, const struct sockaddr_storage *addr)
{
	struct sockaddr_storage	 ss;
	struct ifaddrs		*ifap, *ifa;
	int			 found = 0;

	if (getifaddrs(&ifap) == -1)
		return (-1);
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next)
		if (strcmp(ifa->ifa_name, name) == 0 &&
		    ifa->ifa_addr != NULL &&
		    sa_copy(ifa->ifa_addr, &ss) == 0 &&
		    sa_cmp_host(&ss, addr) == 0) {
			found = 1;
			break;
		}
	freeifaddrs(ifap);
	return (found);
}

/* The port, host order; 0 for no address. */
in_port_t
sa_port(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (ntohs(CSIN(ss)->sin_port));
	case AF_INET6:
		return (ntohs(CSIN6(ss)->sin6_port));
	}
	return (0);
}

void
sa_set_port(struct sockaddr_storage *ss, in_port_t port)
{
	switch (ss->ss_family) {
	case AF_INET:
		SIN(ss)->sin_port = htons(port);
		break;
	case AF_INET6:
		SIN6(ss)->sin6_port = htons(port);
		break;
	}
}

/*
 * Address, port and (IPv6) scope, field by field: neither padding nor a
 * length field that one side set and the other did not tells them apart.
 * The relay calls it per packet, hence no detour through sa_cmp_prefix.
 */
int
sa_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return (1);
	switch (a->ss_family) {
	case AF_INET:
		return (CSIN(a)->sin_addr.s_addr != CSIN(b)->sin_addr.s_addr ||
		    CSIN(a)->sin_port != CSIN(b)->sin_port);
	case AF_INET6:
		return (memcmp(&CSIN6(a)->sin6_addr, &CSIN6(b)->sin6_addr,
		    sizeof(struct in6_addr)) != 0 ||
		    CSIN6(a)->sin6_port != CSIN6(b)->sin6_port ||
		    CSIN6(a)->sin6_scope_id != CSIN6(b)->sin6_scope_id);
	}
	/* No address (AF_UNSPEC, all zero) is the same as no address. */
	return (memcmp(a, b, sizeof(struct sockaddr_in6)) != 0);
}

/* The same address, whatever the port. */
int
sa_cmp_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return (1);
	switch (a->ss_family) {
	case AF_INET:
		return (CSIN(a)->sin_addr.s_addr != CSIN(b)->sin_addr.s_addr);
	case AF_INET6:
		return (memcmp(&CSIN6(a)->sin6_addr, &CSIN6(b)->sin6_addr,
		    sizeof(struct in6_addr)) != 0);
	}
	return (1);
}

/* The source of an address, struct src_prefix; -1: neither family. */
int
src_prefix(const struct sockaddr_storage *ss, struct src_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(p->addr, &CSIN(ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(p->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    8);
	else
		return (-1);
	return (0);
}

int
src_prefix_cmp(const struct src_prefix *a, const struct src_prefix *b)
{
	if (a->family != b->family)
		return (a->family < b->family ? -1 : 1);
	return (memcmp(a->addr, b->addr, sizeof(a->addr)));
}

/*
 * The same network: the first plen4 bits of an IPv4 address, plen6 of an
 * IPv6 one, agree.
 */
int
sa_cmp_prefix(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b, int plen4, int plen6)
{
	const uint8_t	*pa, *pb;
	int		 plen;
	uint8_t		 mask;

	if (a->ss_family != b->ss_family)
		return (1);
	switch (a->ss_family) {
	case AF_INET:
		pa = (const uint8_t *)&CSIN(a)->sin_addr;
		pb = (const uint8_t *)&CSIN(b)->sin_addr;
		plen = plen4 < 0 ? 0 : plen4 > 32 ? 32 : plen4;
		break;
	case AF_INET6:
		pa = CSIN6(a)->sin6_addr.s6_addr;
		pb = CSIN6(b)->sin6_addr.s6_addr;
		plen = plen6 < 0 ? 0 : plen6 > 128 ? 128 : plen6;
		break;
	default:
		return (1);
	}
	if (memcmp(pa, pb, plen / 8) != 0)
		return (1);
	if (plen % 8 == 0)
		return (0);
	mask = 0xff << (8 - plen % 8);
	return ((pa[plen / 8] & mask) != (pb[plen / 8] & mask));
}

/* 0.0.0.0 or ::, or no address at all. */
int
sa_unspecified(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (CSIN(ss)->sin_addr.s_addr == htonl(INADDR_ANY));
	case AF_INET6:
		return (IN6_IS_ADDR_UNSPECIFIED(&CSIN6(ss)->sin6_addr));
	}
	return (1);
}

/*
 * The IPv4 address, host order, of an IPv4 or IPv4-mapped IPv6 address:
 * 1 with *a set, else 0.
 */
int
sa_v4(const struct sockaddr_storage *ss, uint32_t *a)
{
	const struct in6_addr	*a6;

	switch (ss->ss_family) {
	case AF_INET:
		*a = ntohl(CSIN(ss)->sin_addr.s_addr);
		return (1);
	case AF_INET6:
		a6 = &CSIN6(ss)->sin6_addr;
		if (!IN6_IS_ADDR_V4MAPPED(a6))
			return (0);
		memcpy(a, &a6->s6_addr[12], sizeof(*a));
		*a = ntohl(*a);
		return (1);
	}
	return (0);
}

/* The IPv6 address of an IPv6 socket address, else NULL. */
const struct in6_addr *
sa_in6(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_INET6 ? &CSIN6(ss)->sin6_addr : NULL);
}

/* "192.0.2.1", "192.0.2.1:5060", "2001:db8::1" or "[2001:db8::1]:5060". */
const char *
addr_str(const struct sockaddr *sa, int withport)
{
	static char	 buf[ADDRSTR_LEN];
	char		 host[INET6_ADDRSTRLEN];
	const void	*a;
	in_port_t	 port;
	int		 v6;

	switch (sa->sa_family) {
	case AF_INET:
		a = &((const struct sockaddr_in *)sa)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
		break;
	case AF_INET6:
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
		break;
	default:
		strlcpy(buf, "-", sizeof(buf));
		return (buf);
	}
	inet_ntop(sa->sa_family, a, host, sizeof(host));
	v6 = sa->sa_family == AF_INET6;
	if (withport)
		snprintf(buf, sizeof(buf), "%s%s%s:%u", v6 ? "[" : "", host,
		    v6 ? "]" : "", port);
	else
		strlcpy(buf, host, sizeof(buf));
	return (buf);
}

/* addr_str(ss, 1) into buf. */
void
sa_hostport(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	strlcpy(buf, addr_str((const struct sockaddr *)ss, 1), len);
}

/* The inverse of addr_str(.., 1): "addr:port" or "[addr]:port". */
int
addr_parse(const char *s, struct sockaddr_storage *ss)
{
	char		 host[INET6_ADDRSTRLEN + 2], *port;
	const char	*err;
	size_t		 n;
	long long	 p;

	memset(ss, 0, sizeof(*ss));
	if (strlcpy(host, s, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL)
		return (-1);
	*port++ = '\0';
	p = strtonum(port, 1, 65535, &err);
	if (err != NULL)
		return (-1);
	n = strlen(host);
	if (n > 0 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		return (sa_from_host(AF_INET6, host + 1, p, ss));
	}
	return (sa_from_host(AF_INET, host, p, ss));
}

const char *
proto_str(int proto)
{
	return (proto == IPPROTO_TCP ? "tcp" : "udp");
}

/* A transport as the configuration and sipctl write it. */
const char *
transport_str(int tr)
{
	switch (tr) {
	case SIP_TR_TCP:
		return ("tcp");
	case SIP_TR_TLS:
		return ("tls");
	}
	return ("udp");
}
