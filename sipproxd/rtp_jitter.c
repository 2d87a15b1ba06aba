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
 * Dejitter (`rtp dejitter N`): RTP packets leaving through a socket are
 * held and released paced by their RTP timestamps, so the far side sees
 * the sender's timing again, delayed by at most N milliseconds beyond the
 * fastest transit seen. A packet too late for its slot, one that does not
 * fit, or one arriving at a full queue is sent at once: never dropped.
 *
 * Memory: RTP_JB_SLOTS slots of RTP_JB_PKTLEN bytes per direction, about
 * 48 KiB, allocated only when dejitter is on.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "rtp.h"
#include "log.h"
#include "media.h"

#define NSEC		1000000000LL
#define JB_REBASE_NS	(2 * NSEC)	/* a timestamp jump beyond this
					   starts the timing afresh */

struct rtp_jb_slot {
	int64_t			 release;	/* CLOCK_MONOTONIC ns */
	uint16_t		 len;
	uint8_t			 data[RTP_JB_PKTLEN];
};

struct rtp_jb {
	struct rtp_sock		*out;
	struct event		 ev;
	int			 init;
	uint32_t		 ssrc;
	uint32_t		 base_ts;
	int64_t			 base_ns;
	unsigned int		 head, count;
	struct rtp_jb_slot	 slot[RTP_JB_SLOTS];
};

static void	rtp_jb_timer(int, short, void *);
static void	rtp_jb_arm(struct rtp_jb *, int64_t);
static void	rtp_jb_send(struct rtp_jb *, const uint8_t *, size_t);
static void	rtp_jb_flush(struct rtp_jb *);

static int64_t
ts_ns(const struct timespec *ts)
{
	return ((int64_t)ts->tv_sec * NSEC + ts->tv_nsec);
}

/* The RTP clock of a static payload type (RFC 3551), else the hint. */
static uint32_t
rtp_pt_clock(uint8_t pt, uint32_t hint)
{
	uint32_t	 clock;

	if ((clock = media_static_clock(pt)) != 0)
		return (clock);
	return (hint != 0 ? hint : 8000);
}

struct rtp_jb *
rtp_jb_new(struct rtp_sock *out)
{
	struct rtp_jb	*jb;

	if ((jb = calloc(1, sizeof(*jb))) == NULL) {
		log_warn("dejitter");
		return (NULL);
	}
	jb->out = out;
	evtimer_set(&jb->ev, rtp_jb_timer, jb);
	return (jb);
}

void
rtp_jb_free(struct rtp_jb *jb)
{
	rtp_jb_flush(jb);
	free(jb);
}

static void
rtp_jb_send(struct rtp_jb *jb, const uint8_t *p, size_t len)
{
	struct rtp_sock	*out = jb->out;

	if (out->dstlen == 0 || sendto(out->fd, p, len, 0,
	    (struct sockaddr *)&out->dst, out->dstlen) == -1)
		rtp_totals.dropped++;
}

/* Send whatever is held, at once: the stream is going away. */
static void
rtp_jb_flush(struct rtp_jb *jb)
{
	struct rtp_jb_slot	*sl;

	while (jb->count > 0) {
		sl = &jb->slot[jb->head];
		rtp_jb_send(jb, sl->data, sl->len);
		jb->head = (jb->head + 1) % RTP_JB_SLOTS;
		jb->count--;
	}
	evtimer_del(&jb->ev);
}

void
rtp_jb_push(struct rtp_jb *jb, const uint8_t *p, size_t len,
    const struct timespec *now)
{
	struct rtp_stream	*s = jb->out->stream;
	struct rtp_jb_slot	*sl;
	int64_t			 now_ns = ts_ns(now), sched, release;
	uint32_t		 ts, ssrc, clock;
	unsigned int		 i, pos, prev;

	if (len < 12 || len > RTP_JB_PKTLEN || (p[0] >> 6) != 2) {
		rtp_jb_send(jb, p, len);
		return;
	}
	ts = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	    (uint32_t)p[6] << 8 | p[7];
	ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
	    (uint32_t)p[10] << 8 | p[11];
	/* The packets come from the other leg's party. */
	clock = rtp_pt_clock(p[1] & 0x7f,
	    s->leg[!jb->out->leg].peer.clock_rate);

	if (!jb->init || ssrc != jb->ssrc) {
		jb->init = 1;
		jb->ssrc = ssrc;
		jb->base_ts = ts;
		jb->base_ns = now_ns;
	}
	sched = jb->base_ns + (int64_t)(int32_t)(ts - jb->base_ts) * NSEC /
	    clock;
	if (sched - now_ns > JB_REBASE_NS || now_ns - sched > JB_REBASE_NS) {
		/* A new talk spurt or a sender that jumped: start over. */
		jb->base_ts = ts;
		jb->base_ns = now_ns;
		sched = now_ns;
	} else if (sched > now_ns) {
		/* Faster than any packet before: that is the transit. */
		jb->base_ns -= sched - now_ns;
		sched = now_ns;
	}
	release = sched + (int64_t)rtp_settings.dejitter * 1000000;

	if (release <= now_ns) {
		rtp_jb_send(jb, p, len);
		return;
	}
	if (jb->count == RTP_JB_SLOTS) {
		/* Full: the oldest goes now, never silently lost. */
		sl = &jb->slot[jb->head];
		rtp_jb_send(jb, sl->data, sl->len);
		jb->head = (jb->head + 1) % RTP_JB_SLOTS;
		jb->count--;
	}

	/* Insert in release order; nearly always at the tail. */
	pos = (jb->head + jb->count) % RTP_JB_SLOTS;
	for (i = jb->count; i > 0; i--) {
		prev = (pos + RTP_JB_SLOTS - 1) % RTP_JB_SLOTS;
		if (jb->slot[prev].release <= release)
			break;
		jb->slot[pos] = jb->slot[prev];
		pos = prev;
	}
	sl = &jb->slot[pos];
	sl->release = release;
	sl->len = len;
	memcpy(sl->data, p, len);
	jb->count++;
	if (pos == jb->head)
		rtp_jb_arm(jb, now_ns);
}

static void
rtp_jb_arm(struct rtp_jb *jb, int64_t now_ns)
{
	struct timeval	 tv;
	int64_t		 wait;

	if (jb->count == 0) {
		evtimer_del(&jb->ev);
		return;
	}
	wait = jb->slot[jb->head].release - now_ns;
	if (wait < 0)
		wait = 0;
	tv.tv_sec = wait / NSEC;
	tv.tv_usec = (wait % NSEC) / 1000;
	evtimer_add(&jb->ev, &tv);
}

static void
rtp_jb_timer(int fd, short event, void *arg)
{
	struct rtp_jb		*jb = arg;
	struct rtp_jb_slot	*sl;
	struct timespec		 now;
	int64_t			 now_ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = ts_ns(&now);
	/* Timers fire a little late; a quarter millisecond early is fine. */
	while (jb->count > 0 &&
	    jb->slot[jb->head].release <= now_ns + 250000) {
		sl = &jb->slot[jb->head];
		rtp_jb_send(jb, sl->data, sl->len);
		jb->head = (jb->head + 1) % RTP_JB_SLOTS;
		jb->count--;
	}
	rtp_jb_arm(jb, now_ns);
}
