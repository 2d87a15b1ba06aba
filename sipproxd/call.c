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
 * Calls in the SIP engine: one per INVITE dialog through us, with the
 * phone's side (where requests from outside go) and the relay streams
 * of its media lines. A call is found by its dialog (Call-ID and both
 * tags) or its INVITE's transaction, never by Call-ID alone: a call
 * between two of our phones that spirals through a provider is two
 * calls here with one Call-ID and one From tag, the outgoing one of the
 * caller and the incoming one of the callee.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"
#include "sdp.h"
#include "mac.h"

#define CALL_SETUP_MAX	180	/* seconds a call may ring (Timer C) */
#define CALL_ENDING_MAX	32	/* seconds a cancelled call waits for 487 */
#define STREAM_ID_BASE	0x80000000U	/* below: the regress test path */

/*
 * What the calls from one outside source hold, kept as they change so
 * that a new call's limits cost no walk over the calls: those being
 * set up, and their relay streams. A source is an IPv4 address or an
 * IPv6 /64, the least a host is given of either.
 */
struct call_source {
	RB_ENTRY(call_source)	 entry;
	struct src_prefix	 pfx;
	unsigned int		 calls;		/* that hold it */
	unsigned int		 setup;
	unsigned int		 streams;
};

RB_HEAD(calls_tree, call);
RB_HEAD(call_ids, call_media);
RB_HEAD(call_sources, call_source);

static int	 call_cmp(struct call *, struct call *);
static int	 media_cmp(struct call_media *, struct call_media *);
static int	 source_cmp(struct call_source *, struct call_source *);
RB_PROTOTYPE(calls_tree, call, by_callid, call_cmp);
RB_PROTOTYPE(call_ids, call_media, by_id, media_cmp);
RB_PROTOTYPE(call_sources, call_source, entry, source_cmp);

/* Calls by Call-ID, their streams by relay id, outside sources. */
static struct calls_tree	 calls = RB_INITIALIZER(&calls);
static struct call_ids		 call_ids = RB_INITIALIZER(&call_ids);
static struct call_sources	 sources = RB_INITIALIZER(&sources);
static unsigned int		 ncalls;
static unsigned int		 outside_setup;	/* from outside, ringing */
static uint64_t			 call_serial;
static uint32_t			 stream_ids;
static SIPHASH_KEY		 early_key;	/* early dialogs' tags */
static int			 early_key_set;

static void	 call_state(struct call *, int);
static int	 call_ringing(const struct call *);
static void	 media_state(struct call *, int, int);
static void	 media_close(struct call *, int);
static struct call *call_first(const char *);
static int	 call_leg(const struct call *, int,
		    const struct sockaddr_storage *);
static int	 call_dialog(const struct call *, const struct sip_msg *,
		    int);
static int	 callee_tag_ok(const struct call *, const char *);
static uint64_t	 early_mac(const char *);
static void	 call_early_tag(struct call *, const char *);
static void	 source_key(const struct sockaddr_storage *,
		    struct call_source *);

_Static_assert(CALL_TAG_LEN >= SIP_MAX_TOKEN, "CALL_TAG_LEN");

RB_GENERATE(calls_tree, call, by_callid, call_cmp);
RB_GENERATE(call_ids, call_media, by_id, media_cmp);
RB_GENERATE(call_sources, call_source, entry, source_cmp);

static int
call_cmp(struct call *a, struct call *b)
{
	int	 d;

	if ((d = strcmp(a->callid, b->callid)) != 0)
		return (d);
	return (a->n < b->n ? -1 : a->n > b->n);
}

static int
media_cmp(struct call_media *a, struct call_media *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

static int
source_cmp(struct call_source *a, struct call_source *b)
{
	return (src_prefix_cmp(&a->pfx, &b->pfx));
}

/* The source of an address: its family and prefix (/32, /64). */
static void
source_key(const struct sockaddr_storage *ss, struct call_source *key)
{
	memset(key, 0, sizeof(*key));
	(void)src_prefix(ss, &key->pfx);
}

struct call *
call_new(const struct sip_msg *m, int outgoing, const char *contact,
    const struct sockaddr_storage *phone)
{
	struct sip_addr	 a;
	struct call	*c;

	/* The proxy answers 503 and logs it. */
	if (ncalls >= engine_global()->call_max)
		return (NULL);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal(NULL);
	c->n = ++call_serial;
	strlcpy(c->callid, sip_msg_callid(m), sizeof(c->callid));
	if (sip_msg_from(m, &a) == 0)
		strlcpy(c->from, a.uri, sizeof(c->from));
	if (sip_msg_to(m, &a) == 0)
		strlcpy(c->to, a.uri, sizeof(c->to));
	strlcpy(c->phone_contact, contact, sizeof(c->phone_contact));
	c->phone_addr = *phone;
	strlcpy(c->caller_tag, m->from_tag, sizeof(c->caller_tag));
	strlcpy(c->invite_branch, m->via.branch, sizeof(c->invite_branch));
	c->invite_cseq = m->cseq;
	c->outgoing = outgoing;
	c->state = CALL_CALLING;
	c->created = time(NULL);
	/* A reload that flips `rtp relay` leaves the calls it finds. */
	c->norelay = !engine_global()->rtp_relay;
	RB_INSERT(calls_tree, &calls, c);
	ncalls++;
	log_info("%s: %s call from %s to %s%s", c->callid, outgoing ?
	    "outgoing" : "incoming", c->from, c->to, c->norelay ?
	    ", media not relayed" : "");
	monitor_call(c, MON_EV_SETUP, NULL, NULL);
	return (c);
}

/* A call from outside: it counts against its source's limits. */
void
call_origin(struct call *c, const struct sockaddr_storage *src)
{
	struct call_source	 key, *s;

	if (c->src != NULL)
		return;
	c->origin = *src;
	source_key(src, &key);
	if ((s = RB_FIND(call_sources, &sources, &key)) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			fatal(NULL);
		*s = key;
		RB_INSERT(call_sources, &sources, s);
	}
	s->calls++;
	c->src = s;
	if (call_ringing(c)) {
		s->setup++;
		outside_setup++;
	}
}

static int
call_ringing(const struct call *c)
{
	return (c->state == CALL_CALLING || c->state == CALL_EARLY);
}

/* A new state, and what the call's source holds with it. */
static void
call_state(struct call *c, int state)
{
	int	 was = call_ringing(c);

	c->state = state;
	if (c->src == NULL || was == call_ringing(c))
		return;
	if (was) {
		c->src->setup--;
		outside_setup--;
	} else {
		c->src->setup++;
		outside_setup++;
	}
}

/* The first call with this Call-ID, NULL if none. */
static struct call *
call_first(const char *callid)
{
	static struct call	 key;
	struct call		*c;

	if (strlcpy(key.callid, callid, sizeof(key.callid)) >=
	    sizeof(key.callid))
		return (NULL);
	key.n = 0;
	c = RB_NFIND(calls_tree, &calls, &key);
	return (c != NULL && strcmp(c->callid, callid) == 0 ? c : NULL);
}

struct call *
call_find(const char *callid)
{
	return (call_first(callid));
}

/*
 * The call a message belongs to. side: where the request came from (for
 * a response, where it goes back to); branch: the top Via branch of the
 * request's sender (for a response, the Via below ours). The INVITE's
 * own transaction (retransmissions, its CANCEL, the ACK of an error,
 * their responses) is matched on Call-ID, From tag, CSeq number and
 * branch; anything else on the dialog, Call-ID and both tags, the
 * sender's in From. Only the calls of that Call-ID are looked at.
 */
struct call *
call_match(const struct sip_msg *m, int side, const char *branch)
{
	struct call	*c;
	const char	*callid = sip_msg_callid(m);
	int		 caller_side;

	for (c = call_first(callid); c != NULL &&
	    strcmp(c->callid, callid) == 0; c = RB_NEXT(calls_tree, &calls,
	    c)) {
		caller_side = c->outgoing ? LEG_INSIDE : LEG_OUTSIDE;
		if (side == caller_side && m->cseq == c->invite_cseq &&
		    (m->cseq_method == SIP_INVITE ||
		    m->cseq_method == SIP_CANCEL ||
		    m->cseq_method == SIP_ACK) &&
		    branch[0] != '\0' &&
		    strcmp(branch, c->invite_branch) == 0 &&
		    strcmp(m->from_tag, c->caller_tag) == 0)
			return (c);
		if (m->to_tag[0] == '\0')
			continue;
		/* Between two phones either may speak from inside. */
		if (c->inner ? call_dialog(c, m, 1) || call_dialog(c, m, 0) :
		    call_dialog(c, m, side == caller_side))
			return (c);
	}
	return (NULL);
}

/* In the dialog: the caller's tag and a tag of the callee's. */
static int
call_dialog(const struct call *c, const struct sip_msg *m, int by_caller)
{
	const char	*caller = by_caller ? m->from_tag : m->to_tag;
	const char	*callee = by_caller ? m->to_tag : m->from_tag;

	return (strcmp(caller, c->caller_tag) == 0 &&
	    callee_tag_ok(c, callee));
}

/*
 * The callee's tag is the one of its 2xx; before that, any of the
 * early dialogs its provisional responses opened (a fork has several),
 * kept as keyed MACs: a tag is up to 256 bytes, its MAC 8, and no one
 * can make two tags share one.
 */
static int
callee_tag_ok(const struct call *c, const char *tag)
{
	uint64_t	 mac;
	int		 i;

	if (tag[0] == '\0')
		return (0);
	if (c->callee_tag[0] != '\0')
		return (strcmp(tag, c->callee_tag) == 0);
	mac = early_mac(tag);
	for (i = 0; i < c->nearly; i++)
		if (c->early_tags[i] == mac)
			return (1);
	return (0);
}

static uint64_t
early_mac(const char *tag)
{
	if (!early_key_set) {
		arc4random_buf(&early_key, sizeof(early_key));
		early_key_set = 1;
	}
	return (mac_fields(&early_key, 'E', &tag, 1));
}

unsigned int
call_count(void)
{
	return (ncalls);
}

/* The call is over: its media go back to the relay's pool. */
void
call_end(struct call *c, const char *why)
{
	uint32_t	 ids[CALL_MEDIA_MAX];
	int		 i, nids = 0;

	log_info("%s: call ended (%s)", c->callid, why);
	/* The streams still open: the relay's last counts are waited for. */
	for (i = 0; i < CALL_MEDIA_MAX; i++)
		if (c->media[i] != NULL && c->media[i]->state != MEDIA_NONE)
			ids[nids++] = c->media[i]->id;
	calllog_end(c, why, ids, nids);
	monitor_call(c, MON_EV_ENDED, why, NULL);
	for (i = 0; i < CALL_MEDIA_MAX; i++) {
		media_close(c, i);
		free(c->media[i]);
	}
	call_state(c, CALL_ENDING);
	if (c->src != NULL && --c->src->calls == 0) {
		RB_REMOVE(call_sources, &sources, c->src);
		free(c->src);
	}
	RB_REMOVE(calls_tree, &calls, c);
	ncalls--;
	free(c);
}

/* CANCEL: the 487 that follows ends the call, or the sweep does. */
void
call_cancel(struct call *c)
{
	if (c->state != CALL_CONFIRMED && c->state != CALL_ENDING) {
		call_state(c, CALL_ENDING);
		c->ending = time(NULL);
	}
}

/* A response in the call, from the inside or the outside. */
void
call_response(struct call *c, const struct sip_msg *m, int from_inside)
{
	struct sip_addr	 a;

	if (m->cseq_method != SIP_INVITE)
		return;
	if (m->status > 100 && m->status < 200 && m->to_tag[0] != '\0')
		call_early_tag(c, m->to_tag);
	if (m->status > 100 && m->status < 200 && m->to_tag[0] != '\0' &&
	    c->state == CALL_CALLING)
		call_state(c, CALL_EARLY);
	else if (m->status >= 200 && m->status < 300 &&
	    c->state != CALL_CONFIRMED) {
		call_state(c, CALL_CONFIRMED);
		/* The dialog is this one; other forks' are no more. */
		strlcpy(c->callee_tag, m->to_tag, sizeof(c->callee_tag));
		c->answered = time(NULL);
		/* The phone answering an incoming call names its target. */
		if (from_inside && !c->outgoing &&
		    sip_msg_list_get(m, SIP_HDR_CONTACT, 0, &a, NULL,
		    NULL) == 0 && !a.star)
			strlcpy(c->phone_contact, a.uri,
			    sizeof(c->phone_contact));
		log_info("%s: call answered", c->callid);
		monitor_call(c, MON_EV_ANSWERED, NULL, NULL);
	} else if (m->status >= 300 && c->state != CALL_CONFIRMED)
		call_end(c, m->status == 487 ? "cancelled" : "rejected");
}

/* A provisional response's tag: an early dialog, if there is room. */
static void
call_early_tag(struct call *c, const char *tag)
{
	uint64_t	 mac = early_mac(tag);
	int		 i;

	for (i = 0; i < c->nearly; i++)
		if (c->early_tags[i] == mac)
			return;
	if (c->nearly < CALL_EARLY_TAGS) {
		c->early_tags[c->nearly++] = mac;
		return;
	}
	log_debug("%s: more than %d early dialogs, %s not kept", c->callid,
	    CALL_EARLY_TAGS, "one");
}

/*
 * Which relay leg a party is on: its side, except in a call between two
 * phones, where the caller has the inside leg and the callee the other.
 */
static int
call_leg(const struct call *c, int side, const struct sockaddr_storage *src)
{
	if (!c->inner)
		return (side);
	return (sa_cmp(src, &c->phone_addr) == 0 ? LEG_INSIDE : LEG_OUTSIDE);
}

/*
 * The state of stream i: a stream that is opening or open can be found
 * by its relay id, and counts for its call's source.
 */
static void
media_state(struct call *c, int i, int state)
{
	struct call_media	*cm = c->media[i];
	int			 was = cm->state != MEDIA_NONE;

	cm->state = state;
	if (was == (state != MEDIA_NONE))
		return;
	if (was)
		RB_REMOVE(call_ids, &call_ids, cm);
	else
		RB_INSERT(call_ids, &call_ids, cm);
	if (c->src != NULL)
		c->src->streams += was ? -1 : 1;
}

/*
 * The streams of an SDP from a party on side `side`: opened in the relay
 * when new (CALL_MEDIA_WAIT until the relay answers), updated when the
 * party's addresses changed, closed when the offer rejects them (port
 * 0). ports[] gets each stream's relay port on the other party's leg.
 * A stream's memory is taken when it is first relayed.
 */
int
call_media(struct call *c, const struct sdp *sdp, int side,
    const struct sockaddr_storage *src, uint16_t *ports)
{
	struct rtp_open		 ro;
	struct rtp_leg_peer	 peer;
	struct call_media	*cm;
	const struct sdp_media	*sm;
	int			 i, leg, wait = 0;

	if (c->media_failed)
		return (CALL_MEDIA_FAIL);
	leg = call_leg(c, side, src);
	for (i = 0; i < sdp->nmedia && i < CALL_MEDIA_MAX; i++) {
		sm = &sdp->media[i];
		ports[i] = 0;
		if (sm->port == 0) {
			media_close(c, i);
			continue;
		}
		/* Beyond `limit streams per offer`: not relayed. */
		if ((uint32_t)i >= engine_global()->limit_media) {
			media_close(c, i);
			continue;
		}
		if (c->media[i] == NULL) {
			if ((c->media[i] = calloc(1, sizeof(*cm))) == NULL)
				fatal(NULL);
			c->media[i]->call = c;
		}
		cm = c->media[i];
		peer = cm->peers.leg[leg];
		/* A hold address (0.0.0.0) keeps where media went. */
		if (sm->addr.ss_family != AF_UNSPEC && !sm->hold_addr)
			peer.rtp = sm->addr;
		peer.rtcp_port = sm->rtcp_port;
		peer.clock_rate = sm->clock_rate;
		peer.sig = *src;

		switch (cm->state) {
		case MEDIA_NONE:
			memset(&ro, 0, sizeof(ro));
			strlcpy(ro.callid, c->callid, sizeof(ro.callid));
			ro.media = i;
			/* Each phone's leg on the address of its own LAN. */
			engine_local(LEG_INSIDE, &c->phone_local,
			    &ro.local[LEG_INSIDE]);
			engine_local(c->inner ? LEG_INSIDE : LEG_OUTSIDE,
			    &c->peer_local, &ro.local[LEG_OUTSIDE]);
			cm->peers.leg[leg] = peer;
			ro.peers = cm->peers;
			cm->id = STREAM_ID_BASE | stream_ids++;
			media_state(c, i, MEDIA_OPENING);
			engine_to_relay(IMSG_RTP_OPEN, cm->id, &ro, sizeof(ro));
			wait = 1;
			break;
		case MEDIA_OPENING:
			wait = 1;
			break;
		case MEDIA_OPEN:
			if (memcmp(&cm->peers.leg[leg], &peer,
			    sizeof(peer)) != 0) {
				cm->peers.leg[leg] = peer;
				engine_to_relay(IMSG_RTP_UPDATE, cm->id,
				    &cm->peers, sizeof(cm->peers));
			}
			ports[i] = cm->port[!leg];
			break;
		}
	}
	return (wait ? CALL_MEDIA_WAIT : CALL_MEDIA_OK);
}

static void
media_close(struct call *c, int i)
{
	struct call_media	*cm = c->media[i];

	if (cm == NULL || cm->state == MEDIA_NONE)
		return;
	engine_to_relay(IMSG_RTP_CLOSE, cm->id, NULL, 0);
	media_state(c, i, MEDIA_NONE);
}

/* The relay's answer about one of our streams; 0 if it is not ours. */
int
call_rtp_reply(struct imsg *imsg)
{
	struct rtp_ports	 rp;
	struct ctl_rtp_stream	 cs;
	struct call		*c;
	struct call_media	*cm, key;
	uint32_t		 id = imsg_get_id(imsg);
	int			 i, open = 0;

	if (imsg_get_type(imsg) == IMSG_RTP_CLOSED &&
	    (imsg_get_data(imsg, &cs, sizeof(cs)) == -1 ||
	    memchr(cs.callid, '\0', sizeof(cs.callid)) == NULL))
		fatalx("bad IMSG_RTP_CLOSED");
	/* The test streams' last counts are nobody's. */
	if (id < STREAM_ID_BASE)
		return (imsg_get_type(imsg) == IMSG_RTP_CLOSED);
	key.id = id;
	if ((cm = RB_FIND(call_ids, &call_ids, &key)) == NULL) {
		/* A call that ended while the relay answered. */
		if (imsg_get_type(imsg) == IMSG_RTP_OPEN_OK)
			engine_to_relay(IMSG_RTP_CLOSE, id, NULL, 0);
		else if (imsg_get_type(imsg) == IMSG_RTP_CLOSED)
			calllog_stream(id, &cs);
		return (1);
	}
	c = cm->call;
	for (i = 0; i < CALL_MEDIA_MAX && c->media[i] != cm; i++)
		;
	if (i == CALL_MEDIA_MAX)
		fatalx("%s: stream %u of no media line", c->callid, id);

	switch (imsg_get_type(imsg)) {
	case IMSG_RTP_OPEN_OK:
		if (imsg_get_data(imsg, &rp, sizeof(rp)) == -1)
			fatalx("bad IMSG_RTP_OPEN_OK");
		cm->port[LEG_INSIDE] = rp.port[LEG_INSIDE];
		cm->port[LEG_OUTSIDE] = rp.port[LEG_OUTSIDE];
		cm->state = MEDIA_OPEN;
		monitor_call(c, MON_EV_MEDIA, NULL, cm->port);
		break;
	case IMSG_RTP_OPEN_FAIL:
		log_warnx("%s: no rtp relay ports: answering 503", c->callid);
		media_state(c, i, MEDIA_NONE);
		c->media_failed = 1;
		break;
	case IMSG_RTP_CLOSED:
		/* Before its timeout: the call goes on, counts kept. */
		c->rtp_packets[LEG_INSIDE] += cs.inside.packets;
		c->rtp_packets[LEG_OUTSIDE] += cs.outside.packets;
		c->rtp_lost[LEG_INSIDE] += cs.inside.lost;
		c->rtp_lost[LEG_OUTSIDE] += cs.outside.lost;
		return (1);
	case IMSG_RTP_TIMEOUT:
		log_info("%s: media stream timed out", c->callid);
		monitor_call(c, MON_EV_MEDIA_TIMEOUT, NULL, cm->port);
		media_state(c, i, MEDIA_NONE);
		for (i = 0; i < CALL_MEDIA_MAX; i++)
			if (c->media[i] != NULL &&
			    c->media[i]->state != MEDIA_NONE)
				open = 1;
		if (!open && c->state == CALL_CONFIRMED)
			call_end(c, "media timeout");
		break;
	}
	proxy_wakeup();
	return (1);
}

/* Once a second: calls that ring too long, cancels never answered. */
void
call_tick(time_t now)
{
	struct call	*c, *next;

	RB_FOREACH_SAFE(c, calls_tree, &calls, next) {
		if (c->state == CALL_ENDING && now - c->ending >
		    CALL_ENDING_MAX)
			call_end(c, "cancel not answered");
		else if ((c->state == CALL_CALLING ||
		    c->state == CALL_EARLY) && now - c->created >
		    CALL_SETUP_MAX)
			call_end(c, "not answered in time");
	}
}

/* The codec of an answer, for the call log. */
void
call_codec(struct call *c, const char *body, size_t len)
{
	char	 name[CALL_CODEC_LEN];

	if (codec_first(body, len, name, sizeof(name)) == 0)
		strlcpy(c->codec, name, sizeof(c->codec));
}

/*
 * What the calls from outside source src hold: how many are still being
 * set up, and their relay streams; and how many calls from outside, any
 * source, are being set up. Kept as they change: no walk.
 */
void
call_source_usage(const struct sockaddr_storage *src, unsigned int *setup,
    unsigned int *streams, unsigned int *outside)
{
	struct call_source	 key, *s;

	*setup = *streams = 0;
	*outside = outside_setup;
	source_key(src, &key);
	if ((s = RB_FIND(call_sources, &sources, &key)) != NULL) {
		*setup = s->setup;
		*streams = s->streams;
	}
}

/*
 * Part of `show calls`: at most max calls after the cursor's, in
 * Call-ID order, then END once all are sent. Returns 1 when the answer
 * is complete (or the client gone), 0 when there is more.
 */
int
call_show(uint32_t peer, struct ctl_cursor *cur, int max)
{
	static const char	*states[] = { "calling", "early", "confirmed",
				    "ending" };
	static struct call	 key;
	struct ctl_call		 cc;
	struct call		*c;
	time_t			 now = time(NULL);
	int			 n = 0;

	if (!cur->started)
		c = RB_MIN(calls_tree, &calls);
	else {
		strlcpy(key.callid, cur->a, sizeof(key.callid));
		key.n = cur->n;
		if ((c = RB_NFIND(calls_tree, &calls, &key)) != NULL &&
		    call_cmp(c, &key) == 0)
			c = RB_NEXT(calls_tree, &calls, c);
	}
	cur->started = 1;
	for (; c != NULL; c = RB_NEXT(calls_tree, &calls, c)) {
		if (n++ == max)
			return (0);
		memset(&cc, 0, sizeof(cc));
		strlcpy(cc.callid, c->callid, sizeof(cc.callid));
		strlcpy(cc.from, c->from, sizeof(cc.from));
		strlcpy(cc.to, c->to, sizeof(cc.to));
		cc.outgoing = c->outgoing;
		strlcpy(cc.state, states[c->state], sizeof(cc.state));
		cc.duration = now - (c->answered ? c->answered : c->created);
		cc.relayed = !c->norelay;
		if (c->media[0] != NULL && c->media[0]->state == MEDIA_OPEN) {
			cc.inside_port = c->media[0]->port[LEG_INSIDE];
			cc.outside_port = c->media[0]->port[LEG_OUTSIDE];
		}
		if (control_compose(peer, IMSG_CTL_SHOW_CALLS, &cc,
		    sizeof(cc)) == -1)
			return (1);
		strlcpy(cur->a, c->callid, sizeof(cur->a));
		cur->n = c->n;
	}
	control_compose(peer, IMSG_CTL_END, NULL, 0);
	return (1);
}
