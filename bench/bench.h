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
 * Shared helpers of the benchmark tools (rtpload, minfwd,
 * rtpengine_ctl): address ranges, the monotonic clock, CPU pinning,
 * socket buffers. Linux, IPv4, loopback; not part of the daemon.
 */

#ifndef BENCH_H
#define BENCH_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>

#define BENCH_MAXSTREAMS	65536
#define BENCH_BATCH		64	/* messages per recvmmsg/sendmmsg */
#define BENCH_MAXPKT		2048

/*
 * A range of IPv4 addresses: "ADDR:PORT[+STRIDE]" gives stream i the port
 * PORT + i * STRIDE (stride 2 by default, RTP on even ports), "@FILE" gives
 * it line i of FILE, one "ADDR:PORT" a line (what rtpengine_ctl writes).
 */
struct addrspec {
	struct sockaddr_in	 base;
	unsigned int		 stride;
	struct sockaddr_in	*list;	/* from a file, or NULL */
	unsigned int		 nlist;
};

int		 addrspec_parse(struct addrspec *, const char *, unsigned int);
int		 addrspec_get(const struct addrspec *, unsigned int,
		    struct sockaddr_in *);
int		 addr_parse(const char *, struct sockaddr_in *);
const char	*addr_str(const struct sockaddr_in *);
uint64_t	 now_ns(void);
void		 pin_cpu(int);
void		 raise_nofile(void);
int		 udp_bind(const struct sockaddr_in *, int, int);
int		 sock_bufsize(int, int);

#endif /* BENCH_H */
