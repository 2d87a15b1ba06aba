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
 * What the SIP engine and the RTP relay both know about media, each in
 * its own address space: the clock rates of the static RTP payload
 * types, and the addresses media may never be sent to. media.c is
 * neither role's code: it touches no state of either.
 */

#ifndef MEDIA_H
#define MEDIA_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#define MEDIA_NETS_MAX	64	/* directly connected IPv4 subnets kept */

uint32_t	 media_static_clock(int);
int		 media_nets_init(void);
int		 media_net_add(uint32_t, uint32_t);
const char	*media_addr_refused(const struct sockaddr_storage *,
		    const struct sockaddr_storage *);

#endif /* MEDIA_H */
