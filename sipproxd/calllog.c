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
 * The call log (siproxd's plugin_logcall): one line per call at its
 * end, to the daemon's log, and the last CALLLOG_MAX calls kept in a
 * ring for `sipctl show calls ended`. A call's packet counts come from
 * the relay: a stream still open when the call ends is closed, and the
 * relay's last counts of it (IMSG_RTP_CLOSED) complete the record, which
 * waits for them at most CALLLOG_WAIT seconds.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vis.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"

#define CALLLOG_WAIT		5	/* seconds for the relay's counts */
#define CALLLOG_WAIT_MAX	1024	/* records waiting at once */

struct calllog_wait {
	TAILQ_ENTRY(calllog_wait) entry;
	struct ctl_call_ended	 ce;
	uint32_t		 ids[CALL_MEDIA_MAX];
	int			 nids;
	time_t			 since;
};

static TAILQ_HEAD(, calllog_wait) waits = TAILQ_HEAD_INITIALIZER(waits);
static unsigned int		 nwaits;
static struct ctl_call_ended	 ring[CALLLOG_MAX];
static unsigned int		 ring_next, ring_count;

static void	 calllog_done(struct ctl_call_ended *);

/*
 * A call ends for cause: its record, complete at once when no stream of
 * it was open, else once the relay has counted the streams ids[].
 */
void
calllog_end(const struct call *c, const char *cause, const uint32_t *ids,
    int nids)
{
	struct calllog_wait	*w;
	struct ctl_call_ended	 ce;

	memset(&ce, 0, sizeof(ce));
	strlcpy(ce.callid, c->callid, sizeof(ce.callid));
	strlcpy(ce.from, c->from, sizeof(ce.from));
	strlcpy(ce.to, c->to, sizeof(ce.to));
	strlcpy(ce.direction, c->inner ? "inner" : c->outgoing ?
	    "outgoing" : "incoming", sizeof(ce.direction));
	strlcpy(ce.codec, c->codec, sizeof(ce.codec));
	strlcpy(ce.cause, cause, sizeof(ce.cause));
	ce.started = c->created;
	ce.duration = c->answered ? time(NULL) - c->answered : 0;
	if (ce.duration < 0)
		ce.duration = 0;
	memcpy(ce.packets, c->rtp_packets, sizeof(ce.packets));
	memcpy(ce.lost, c->rtp_lost, sizeof(ce.lost));
	if (nids <= 0 || nwaits >= CALLLOG_WAIT_MAX) {
		calllog_done(&ce);
		return;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("call log");
		calllog_done(&ce);
		return;
	}
	w->ce = ce;
	if (nids > CALL_MEDIA_MAX)
		nids = CALL_MEDIA_MAX;
	memcpy(w->ids, ids, nids * sizeof(ids[0]));
	w->nids = nids;
	w->since = time(NULL);
	TAILQ_INSERT_TAIL(&waits, w, entry);
	nwaits++;
}

/* The relay's last counts of stream id, of a call that ended. */
void
calllog_stream(uint32_t id, const struct ctl_rtp_stream *cs)
{
	struct calllog_wait	*w;
	int			 i;

	TAILQ_FOREACH(w, &waits, entry) {
		for (i = 0; i < w->nids && w->ids[i] != id; i++)
			;
		if (i == w->nids)
			continue;
		w->ids[i] = w->ids[--w->nids];
		w->ce.packets[LEG_INSIDE] += cs->inside.packets;
		w->ce.packets[LEG_OUTSIDE] += cs->outside.packets;
		w->ce.lost[LEG_INSIDE] += cs->inside.lost;
		w->ce.lost[LEG_OUTSIDE] += cs->outside.lost;
		if (w->nids > 0)
			return;
		TAILQ_REMOVE(&waits, w, entry);
		nwaits--;
		calllog_done(&w->ce);
		free(w);
		return;
	}
}

/* Once a second: records the relay did not complete go as they are. */
void
calllog_tick(time_t now)
{
	struct calllog_wait	*w;

	while ((w = TAILQ_FIRST(&waits)) != NULL &&
	    now - w->since > CALLLOG_WAIT) {
		TAILQ_REMOVE(&waits, w, entry);
		nwaits--;
		calllog_done(&w->ce);
		free(w);
	}
}

/*
 * The line (sipproxd.8, CALL LOG), the network's strings escaped, and
 * the record into the ring over the oldest.
 */
static void
calllog_done(struct ctl_call_ended *ce)
{
	char		 from[4 * sizeof(ce->from)], to[4 * sizeof(ce->to)];
	char		 callid[4 * sizeof(ce->callid)], start[32];
	time_t		 t = ce->started;
	struct tm	*tm;

	if ((tm = gmtime(&t)) == NULL ||
	    strftime(start, sizeof(start), "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
		strlcpy(start, "-", sizeof(start));
	strnvis(from, ce->from, sizeof(from), VIS_SAFE | VIS_OCTAL |
	    VIS_WHITE);
	strnvis(to, ce->to, sizeof(to), VIS_SAFE | VIS_OCTAL | VIS_WHITE);
	strnvis(callid, ce->callid, sizeof(callid), VIS_SAFE | VIS_OCTAL |
	    VIS_WHITE);
	log_info("call log: start %s duration %lld direction %s from %s "
	    "to %s codec %s inside %llu/%llu outside %llu/%llu cause %s "
	    "call-id %s", start, (long long)ce->duration, ce->direction,
	    from[0] != '\0' ? from : "-", to[0] != '\0' ? to : "-",
	    ce->codec[0] != '\0' ? ce->codec : "-",
	    (unsigned long long)ce->packets[LEG_INSIDE],
	    (unsigned long long)ce->lost[LEG_INSIDE],
	    (unsigned long long)ce->packets[LEG_OUTSIDE],
	    (unsigned long long)ce->lost[LEG_OUTSIDE], ce->cause, callid);
	ring[ring_next] = *ce;
	ring_next = (ring_next + 1) % CALLLOG_MAX;
	if (ring_count < CALLLOG_MAX)
		ring_count++;
}

/* `sipctl show calls ended`: the ring, oldest first. */
void
calllog_show(uint32_t peer)
{
	unsigned int	 i, first;

	first = (ring_next + CALLLOG_MAX - ring_count) % CALLLOG_MAX;
	for (i = 0; i < ring_count; i++)
		if (control_compose(peer, IMSG_CTL_SHOW_CALLS_ENDED,
		    &ring[(first + i) % CALLLOG_MAX], sizeof(ring[0])) == -1)
			return;
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}
