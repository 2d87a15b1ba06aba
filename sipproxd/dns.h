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
#ifndef DNS_H
#define DNS_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

/*
 * The SIP engine's asynchronous resolver (RFC 3263 for UDP, TCP and TLS,
 * without NAPTR) on c-ares and
 * the global libevent base. Cache oriented: a caller that gets
 * DNS_PENDING parks its work and calls dns_lookup() again once the done
 * callback given to dns_init() has run.
 */

#define DNS_OK		 0	/* *ss filled */
#define DNS_PENDING	 1	/* a query runs; done() follows, ask again */
#define DNS_FAIL	-1	/* no such name (cached), bad name, error */

#define DNS_SIP_PORT	5060	/* RFC 3261 default for sip: over UDP, TCP */
#define DNS_SIPS_PORT	5061	/* and over TLS */
#define DNS_MAXNAME	253	/* host name length without a final dot */
#define DNS_MAXLABEL	63
#define DNS_CACHE_SIZE	256	/* entries, pending ones included */
#define DNS_TTL_MIN	5	/* seconds a positive answer is kept, ... */
#define DNS_TTL_MAX	300	/* ... at least and at most */
#define DNS_TTL_NEG	30	/* seconds a failure is kept */
#define DNS_DEADLINE	5	/* seconds one lookup may take in all */

int		 dns_init(void (*)(void));
int		 dns_lookup(const char *, uint16_t, int,
		    struct sockaddr_storage *);
int		 dns_lookup_tr(const char *, uint16_t, int, int,
		    struct sockaddr_storage *);
void		 dns_shutdown(void);
const char	*dns_error(const char *);

#endif /* DNS_H */
