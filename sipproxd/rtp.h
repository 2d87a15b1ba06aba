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
 * The RTP relay's own structures: the port pool, streams and their legs.
 * Only the relay includes this.
 */

#ifndef RTP_H
#define RTP_H

#include <sys/tree.h>

#define RTP_BATCH		64	/* packets per recvmmsg/sendmmsg */
#define RTP_PKTLEN		2048	/* larger datagrams are dropped */
#define RTP_LEARN_WINDOW	10	/* seconds `rtp latch any' takes any
					   source after an open or update */
#define RTP_JB_SLOTS		32	/* dejitter queue, per direction */
#define RTP_JB_PKTLEN		1500	/* larger packets skip the queue */
#define RTP_SOCKBUF		(256 * 1024)
#define RTP_GSO_BYTES		65000	/* a GSO message, under 64 KiB */

/* What arrived on one leg, RFC 3550 appendix A.1, A.3 and A.8. */
struct rtp_rx {
	uint64_t		 packets;	/* RTP and RTCP relayed */
	uint64_t		 bytes;
	uint64_t		 dropped;	/* foreign source, no peer */
	uint64_t		 rtp_received;
	uint32_t		 ssrc;
	uint32_t		 base_seq;	/* extended */
	uint32_t		 max_seq;	/* extended */
	int			 seq_init;
	int64_t			 transit;	/* previous, RTP units */
	uint64_t		 jitter;	/* RTP units, scaled by 16 */
};

struct rtp_jb;

/*
 * One socket of a leg: RTP or RTCP. The packet path reads the fields up
 * to dst's address: they come first, to share a cache line or two.
 */
struct rtp_sock {
	struct rtp_stream	*stream;
	int			 leg;		/* LEG_INSIDE, LEG_OUTSIDE */
	int			 rtcp;
	int			 fd;
	int			 cfd;		/* the twin connected to dst */
	int			 connected;	/* cfd is aimed at dst */
	int			 gso;		/* send runs with UDP GSO */
	int			 latched;
	socklen_t		 dstlen;	/* 0: nowhere yet */
	uint32_t		 clock;		/* RTP clock rate, Hz */
	struct rtp_jb		*jb;		/* dejitter, RTP sockets only */
	struct sockaddr_storage	 dst;		/* where this socket sends */
	struct event		 ev;
	struct event		 cev;
};

struct rtp_leg {
	struct rtp_sock		 sock[2];	/* RTP, RTCP */
	struct rtp_rx		 rx;
	time_t			 learn_until;	/* `rtp latch any' window */
	uint16_t		 port;
	struct rtp_leg_peer	 peer;
	struct sockaddr_storage	 local;
};

struct rtp_stream {
	RB_ENTRY(rtp_stream)	 entry;
	uint32_t		 id;
	time_t			 last;		/* last packet, either way */
	struct rtp_leg		 leg[2];
	uint32_t		 media;
	char			 callid[128];
};
RB_HEAD(rtp_streams, rtp_stream);
RB_PROTOTYPE(rtp_streams, rtp_stream, entry, rtp_stream_cmp);

/* The relay's settings, from the configuration. */
struct rtp_settings {
	int			 latch;
	int			 dscp;
	uint32_t		 dejitter;	/* milliseconds */
};

extern struct rtp_settings	 rtp_settings;
extern struct ctl_rtp_stats	 rtp_totals;
extern time_t			 rtp_now;

/* rtp_pool.c */
void	 rtp_pool_set(uint16_t, uint16_t);
int	 rtp_pool_alloc(const struct sockaddr_storage [2], int [2][2],
	    uint16_t [2]);
void	 rtp_pool_free(uint16_t);
void	 rtp_pool_counts(uint32_t *, uint32_t *);
int	 rtp_sock_open(const struct sockaddr_storage *, uint16_t);
int	 rtp_sock_dscp(int, int, int);

/* rtp_stream.c */
struct rtp_stream	*rtp_stream_open(uint32_t, const struct rtp_open *,
			    int *);
struct rtp_stream	*rtp_stream_find(uint32_t);
void	 rtp_stream_update(struct rtp_stream *, const struct rtp_peers *);
void	 rtp_stream_close(struct rtp_stream *);
void	 rtp_stream_expire(uint32_t, void (*)(uint32_t));
void	 rtp_stream_counts(const struct rtp_stream *,
	    struct ctl_rtp_stream *);
void	 rtp_stream_show(void (*)(const struct ctl_rtp_stream *, void *),
	    void *);
unsigned int rtp_stream_count(void);
void	 rtp_stream_dscp(int);

/* rtp_jitter.c */
struct rtp_jb	*rtp_jb_new(struct rtp_sock *);
void		 rtp_jb_free(struct rtp_jb *);
void		 rtp_jb_push(struct rtp_jb *, const uint8_t *, size_t,
		    const struct timespec *);

#endif /* RTP_H */
