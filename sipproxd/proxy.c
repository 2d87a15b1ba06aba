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
 * The proxy: every SIP message through the engine. It is stateless in
 * the RFC 3261 sense (no transactions: retransmissions are the
 * endpoints' business) and keeps only what masquerading needs, the
 * registrations (bindings.c) and the calls with their media (call.c).
 *
 * A message that must wait (a name being resolved, relay ports being
 * allocated) is parked as it arrived and handled again from the start
 * when something it may wait for finishes; by then the answer is cached
 * and the second pass goes through without waiting.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "acl.h"
#include "log.h"
#include "sip_msg.h"
#include "sdp.h"
#include "dns.h"
#include "mac.h"
#include "rewrite.h"

/* The statistics are indexed by enum sip_method. */
_Static_assert(SIP_PUBLISH + 1 == SIP_STAT_METHODS, "SIP_STAT_METHODS");

#define PARK_MAX	256	/* messages waiting at once */
#define LIMIT_RETRY	"Retry-After: 30\r\n"
#define PARK_TIMEOUT	10	/* seconds one may wait */
#define BRANCH_COOKIE	"z9hG4bK"
/*
 * Our branch before its check: cookie, transaction part, loop part, and
 * where the responses go back: side, transport and listener (a tag of
 * the inside listener the request came in on, 4 hex digits).
 */
#define BRANCH_LEN	(sizeof(BRANCH_COOKIE) - 1 + 2 * MAC_HEXLEN + 2 + 4)
#define TAG_PREFIX	"spx"
#define TR_CHARS	"uts"	/* enum sip_transport in our branches */

enum verdict {
	GO,			/* go on with it */
	DONE,			/* sent, answered or dropped */
	PARK			/* wait, then handle it again */
};

/* A message being handled. */
struct req {
	struct engine_listener	*el;	/* it arrived on, or names us there */
	struct conn		*conn;	/* it arrived on; NULL: over UDP */
	int			 tr;	/* its transport */
	int			 side;	/* LEG_INSIDE or LEG_OUTSIDE */
	struct sockaddr_storage	 src;
	int			 first;	/* not a parked one's second pass */
	char			 aor[SIP_MAX_URILEN];	/* of a REGISTER */
	struct call		*call;	/* the call it belongs to, if any */
	char			 loop[MAC_HEXLEN + 1];	/* of the request */
	char			 user[USER_NAME_LEN];	/* authenticated */
	int			 known;	/* for a phone or call of ours */
};

/* Where a message goes. */
struct hop {
	int			 side;
	int			 tr;	/* transport */
	int			 route_tr; /* of our Route entry popped, or -1 */
	char			 host[SIP_MAX_HOSTLEN];
	uint16_t		 port;	/* 0: SRV, then 5060 */
	struct sockaddr_storage	 ss;
	struct sockaddr_storage	 local;	/* inside: from this listener's
					   address, AF_UNSPEC: not known */
};

struct parked {
	TAILQ_ENTRY(parked)	 entry;
	struct sockaddr_storage	 local;	/* the listener it came in on */
	int			 proto;	/* of that listener */
	uint32_t		 conn;	/* the connection, 0: UDP */
	int			 tr;
	int			 side;
	struct sockaddr_storage	 src;
	time_t			 since;
	size_t			 len;
	char			 data[];
};

static enum verdict	 proxy_handle(struct req *, const char *, size_t);
static enum verdict	 request(struct req *);
static enum verdict	 request_outside(struct req *, struct hop *);
static enum verdict	 request_inside(struct req *, struct hop *);
static enum verdict	 forward_request(struct req *, struct hop *);
static enum verdict	 response(struct req *);
static enum verdict	 resolve(struct req *, struct hop *);
static enum verdict	 media(struct req *, struct call *, int, int,
			    struct engine_listener *);
static int		 codecs(struct req *, struct call *, int,
			    const char **, size_t *);
static void		 reply(struct req *, int, const char *);
static void		 reply_extra(struct req *, int, const char *,
			    const char *);
static void		 log_refusal(struct req *, const char *);
static enum verdict	 table_full(struct req *, uint64_t *, const char *);
static int		 offer_streams(struct req *);
static enum verdict	 limit_source(struct req *, int);
static void		 reply_tag(char *, size_t);
static enum verdict	 dialog_outside(struct req *);
static void		 reject_raw(struct req *, const char *, size_t, int,
			    const char *);
static int		 via_mark(struct req *);
static int		 src_hostport(struct req *, char *, size_t,
			    uint16_t *);
static int		 via_insert(struct req *, struct engine_listener *, int);
static void		 loop_part(char *, size_t);
static int		 via_looped(const char *);
static uint64_t		 branch_mac(const char *, const char *, uint16_t);
static int		 via_ours(const struct sip_via *,
			    const struct sip_via *, int *, int *,
			    struct sockaddr_storage *);
static int		 routes_pop(struct hop *);
static int		 record_route(struct req *, struct engine_listener *,
			    int);
static int		 record_route_one(int, struct engine_listener *, int);
static int		 contacts_masquerade(struct engine_listener *, int,
			    struct req *, int);
static enum verdict	 register_request(struct req *);
static int		 register_contacts(struct req *);
static enum verdict	 authenticate(struct req *);
static enum verdict	 local_register(struct req *);
static enum verdict	 local_route(struct req *, const struct sip_uri *,
			    struct hop *);
static enum verdict	 ruri_rewrite(struct req *, struct sip_uri *, char *,
			    size_t);
static struct reg	*incoming_target(const struct sip_uri *, int, char *,
			    size_t);
static void		 log_often(const char *, ...)
			    __attribute__((__format__ (printf, 1, 2)));
static enum verdict	 to_phone(struct req *, struct reg *, int,
			    struct hop *);
static int		 register_contact_check(const struct sip_addr *, int,
			    const struct sockaddr_storage *, const char **);
static int		 addr_special(const struct sockaddr_storage *);
static void		 aor_of(const struct sip_uri *, char *, size_t);
static void		 register_response(void);
static int		 host_ours(const char *, uint16_t);
static void		 park(struct req *, const char *, size_t);
static void		 resume(int, short, void *);
static void		 send_msg(struct req *, struct hop *);
static int		 transmit(struct hop *, const char *, size_t, int);
static int		 transmit_back(struct req *, const char *, size_t);
static enum verdict	 phone_hop(struct req *, struct hop *, int,
			    const struct sockaddr_storage *, const char *,
			    const struct sockaddr_storage *);
static int		 uri_transport(const struct sip_uri *);
static void		 via_alias(struct req *);
static const char	*via_transport(int);

static struct sip_msg	 msg;			/* the message being handled */
static char		 out[SIP_MAX_MSGLEN];
static char		 sdpout[SIP_MAX_MSGLEN];
static char		 sdpfilt[SDP_MAX_LEN];	/* after the codec filter */
static SIPHASH_KEY	 branch_key;	/* our Via branches */
static SIPHASH_KEY	 tag_key;	/* To tags of our own responses */
static TAILQ_HEAD(, parked) parked = TAILQ_HEAD_INITIALIZER(parked);
static unsigned int	 nparked;
static struct event	 ev_resume;

void
proxy_init(void)
{
	arc4random_buf(&branch_key, sizeof(branch_key));
	arc4random_buf(&tag_key, sizeof(tag_key));
	evtimer_set(&ev_resume, resume, NULL);
}

/*
 * A message from src: a datagram on one of our SIP sockets, or one that
 * came over connection c, el then the socket naming us there.
 */
void
proxy_input(struct engine_listener *el, struct conn *c, const char *data,
    size_t len, const struct sockaddr_storage *src)
{
	struct req	 r;

	memset(&r, 0, sizeof(r));
	r.el = el;
	r.conn = c;
	r.tr = c != NULL ? conn_transport(c) : SIP_TR_UDP;
	r.side = el->cl.outside ? LEG_OUTSIDE : LEG_INSIDE;
	r.src = *src;
	r.first = 1;
	/* A banned source's messages are dropped unread. */
	if (ban_source(src))
		return;
	if (proxy_handle(&r, data, len) == PARK)
		park(&r, data, len);
}

/*
 * A request we queued on a connection that could not be opened: the
 * answer its next hop would have given (RFC 3261 16.7 step 10, 16.9),
 * 408 when the connect timed out, 503 when it failed, is made here from
 * the request as we sent it and goes back along its Vias like any
 * response from that side.
 */
void
proxy_unsent(int side, int tr, const struct sockaddr_storage *peer,
    const char *data, size_t len, int status)
{
	static char	 resp[SIP_MAX_MSGLEN];
	struct req	 r;
	char		 tag[sizeof(TAG_PREFIX) + MAC_HEXLEN];
	const char	*reason;
	size_t		 rlen;

	if (sip_msg_parse(&msg, data, len) != SIP_OK || !msg.request ||
	    msg.method == SIP_ACK)
		return;
	reason = status == 408 ? "Request Timeout" : "Service Unavailable";
	reply_tag(tag, sizeof(tag));
	if (sip_msg_response(&msg, status, reason, tag, NULL, resp,
	    sizeof(resp), &rlen) == -1)
		return;
	log_info("%s: %d %s: no connection to %s", sip_msg_callid(&msg),
	    status, reason, addr_str((const struct sockaddr *)peer, 1));
	memset(&r, 0, sizeof(r));
	if ((r.el = engine_listener_tr(side, peer->ss_family, tr)) == NULL)
		return;
	r.tr = tr;
	r.side = side;
	r.src = *peer;
	if (proxy_handle(&r, resp, rlen) == PARK)
		park(&r, resp, rlen);
}

/* Something a parked message may wait for has finished. */
void
proxy_wakeup(void)
{
	struct timeval	 tv = { 0, 0 };

	if (!TAILQ_EMPTY(&parked) && !evtimer_pending(&ev_resume, NULL))
		evtimer_add(&ev_resume, &tv);
}

/* Once a second: messages that waited too long are given up. */
void
proxy_tick(time_t now)
{
	struct parked	*p, *next;

	TAILQ_FOREACH_SAFE(p, &parked, entry, next) {
		if (now - p->since < PARK_TIMEOUT)
			continue;
		log_warnx("message from %s waited %d s, dropped",
		    addr_str((struct sockaddr *)&p->src, 1), PARK_TIMEOUT);
		sip_stats.dropped++;
		TAILQ_REMOVE(&parked, p, entry);
		nparked--;
		free(p);
	}
}

static void
park(struct req *r, const char *data, size_t len)
{
	struct parked	*p;

	if (nparked >= PARK_MAX) {
		log_warnx("too many messages waiting, one from %s dropped",
		    addr_str((struct sockaddr *)&r->src, 1));
		sip_stats.dropped++;
		return;
	}
	if ((p = malloc(sizeof(*p) + len)) == NULL) {
		log_warn("park");
		return;
	}
	p->local = r->el->cl.ss;
	p->proto = r->el->cl.proto;
	p->conn = r->conn != NULL ? conn_id(r->conn) : 0;
	p->tr = r->tr;
	p->side = r->side;
	p->src = r->src;
	p->since = time(NULL);
	p->len = len;
	memcpy(p->data, data, len);
	TAILQ_INSERT_TAIL(&parked, p, entry);
	nparked++;
}

/* Each parked message once more; those still waiting stay parked. */
static void
resume(int fd, short event, void *arg)
{
	TAILQ_HEAD(, parked)	 todo = TAILQ_HEAD_INITIALIZER(todo);
	struct parked		*p;
	struct req		 r;

	TAILQ_CONCAT(&todo, &parked, entry);
	while ((p = TAILQ_FIRST(&todo)) != NULL) {
		TAILQ_REMOVE(&todo, p, entry);
		memset(&r, 0, sizeof(r));
		r.el = engine_listener_find(&p->local, p->proto);
		/* Its connection may be gone: then so is whom to answer. */
		if (p->conn != 0)
			r.conn = conn_by_id(p->conn);
		if (r.el != NULL && (p->conn == 0 || r.conn != NULL)) {
			r.tr = p->tr;
			r.side = p->side;
			r.src = p->src;
			if (proxy_handle(&r, p->data, p->len) == PARK) {
				TAILQ_INSERT_TAIL(&parked, p, entry);
				continue;
			}
		} else
			sip_stats.dropped++;
		nparked--;
		free(p);
	}
}

static enum verdict
proxy_handle(struct req *r, const char *data, size_t len)
{
	size_t	 i;
	int	 rv;

	/* RFC 5626 keep-alives: CRLFs and nothing else. */
	for (i = 0; i < len && (data[i] == '\r' || data[i] == '\n'); i++)
		;
	if (i == len)
		return (DONE);

	if ((rv = sip_msg_parse(&msg, data, len)) != SIP_OK) {
		sip_stats.parse_errors++;
		log_debug("%s: %s", addr_str((struct sockaddr *)&r->src, 1),
		    sip_msg_error(&msg));
		reject_raw(r, data, len, rv, sip_msg_error(&msg));
		return (DONE);
	}
	if (strlen(sip_msg_callid(&msg)) >= CALLID_LEN) {
		sip_stats.parse_errors++;
		if (msg.request)
			reply(r, 400, "Bad Request - Call-ID too long");
		return (DONE);
	}
	if (r->first && monitor_active())
		monitor_msg(0, r->side, r->tr, &r->src, &msg);
	if (msg.request) {
		if (r->first)
			sip_stats.requests_in[msg.method]++;
		/* Scanners, access rules, rate limits: ban.c. */
		if (r->first) {
			switch (ban_request(&r->src, &msg)) {
			case BAN_DROP:
				return (DONE);
			case BAN_FORBID:
				r->known = 1;	/* `block return` answers */
				reply(r, 403, "Forbidden");
				return (DONE);
			}
		}
		if (r->conn != NULL)
			via_alias(r);
		return (request(r));
	}
	if (r->first)
		sip_stats.responses_in[msg.status / 100]++;
	return (response(r));
}

static enum verdict
request(struct req *r)
{
	struct hop	 hop;
	enum verdict	 v;
	char		 tag[sizeof(TAG_PREFIX) + MAC_HEXLEN];

	/* The ACK for an error response of ours ends here. */
	if (msg.method == SIP_ACK) {
		reply_tag(tag, sizeof(tag));
		if (strcmp(msg.to_tag, tag) == 0)
			return (DONE);
	}
	/* Over the request as received, before any edit of ours. */
	loop_part(r->loop, sizeof(r->loop));
	if (msg.max_forwards == 0) {
		reply(r, 483, "Too Many Hops");
		return (DONE);
	}
	/* With ours, its responses would carry more Vias than we parse. */
	if (msg.nvias >= SIP_MAX_VIAS) {
		reply(r, 483, "Too Many Hops");
		return (DONE);
	}
	if (via_looped(r->loop)) {
		r->known = 1;	/* our own request, our Via proves it */
		reply(r, 482, "Loop Detected");
		return (DONE);
	}
	memset(&hop, 0, sizeof(hop));
	hop.route_tr = -1;
	if (routes_pop(&hop) == -1) {
		reply(r, 400, "Bad Request - Malformed Route");
		return (DONE);
	}
	if (r->side == LEG_OUTSIDE)
		v = request_outside(r, &hop);
	else
		v = request_inside(r, &hop);
	if (v != GO)
		return (v);
	if ((v = resolve(r, &hop)) != GO)
		return (v);
	return (forward_request(r, &hop));
}

/*
 * From outside, a request may only reach a phone: one in a call with
 * this Call-ID, or one registered under the Request-URI. Anything else
 * is refused, silently with `stealth` (reply() knows): we are no open
 * relay, and a scanner is not told that a proxy is here.
 */
static enum verdict
request_outside(struct req *r, struct hop *hop)
{
	struct sip_uri	 u;
	struct call	*c;
	struct reg	*g;
	char		 ruri[SIP_MAX_URILEN], target[SIP_MAX_URILEN];
	int		 expired = 0, nstreams;

	if (msg.method == SIP_REGISTER) {
		reply(r, 403, "Forbidden - REGISTER from outside");
		return (DONE);
	}
	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	if (sip_uri_parse(ruri, strlen(ruri), &u) == -1) {
		reply(r, 400, "Bad Request - Malformed Request-URI");
		return (DONE);
	}
	hop->side = LEG_INSIDE;
	if ((c = call_match(&msg, LEG_OUTSIDE, msg.via.branch)) != NULL) {
		r->known = 1;
		if (offer_streams(r) == -1)
			return (DONE);
		if (sip_edit_ruri(&msg, c->phone_contact) == -1)
			goto bad;
		r->call = c;
		return (phone_hop(r, hop, c->phone_transport, &c->phone_addr,
		    c->phone_contact, &c->phone_local));
	}
	if (dialog_outside(r) == DONE)
		return (DONE);
	if (u.scheme != SIP_URI_TEL && host_ours(u.host, u.port))
		g = bindings_lookup(u.user, NULL, &expired);
	else {
		aor_of(&u, ruri, sizeof(ruri));
		g = bindings_lookup(NULL, ruri, &expired);
	}
	target[0] = '\0';
	if (g == NULL)
		g = incoming_target(&u, expired, target, sizeof(target));
	r->known = g != NULL || expired;
	if (g == NULL) {
		if (expired)
			reply(r, 480, "Temporarily Unavailable");
		else if (u.scheme != SIP_URI_TEL && host_ours(u.host, u.port))
			reply(r, 404, "Not Found");
		else
			reply(r, 403, "Forbidden - Not a local destination");
		return (DONE);
	}
	/* After the lookup: `stealth` answers only for a phone of ours. */
	if ((nstreams = offer_streams(r)) == -1)
		return (DONE);
	if (sip_edit_ruri(&msg, target[0] != '\0' ? target :
	    g->se.contact) == -1)
		goto bad;
	if (phone_hop(r, hop, g->transport, &g->source, g->se.contact,
	    &g->local) != GO)
		return (DONE);
	if (msg.method == SIP_INVITE && msg.to_tag[0] == '\0') {
		if (limit_source(r, nstreams) != GO)
			return (DONE);
		if ((r->call = call_new(&msg, 0, g->se.contact,
		    &g->source)) == NULL)
			return (table_full(r, &sip_stats.full_calls,
			    "call table full"));
		r->call->phone_transport = g->transport;
		r->call->phone_local = hop->local;
		call_origin(r->call, &r->src);
	}
	return (GO);
 bad:
	reply(r, 500, "Server Internal Error - Request-URI");
	return (DONE);
}

/*
 * From inside: along the Route set when one is left, else to the
 * outbound proxy of the Request-URI's domain (outbound.c), else to the
 * outbound proxy, else to the Request-URI, which is never changed (the
 * phone's digest covers it) unless it names a phone masqueraded here.
 */
static enum verdict
request_inside(struct req *r, struct hop *hop)
{
	const struct conf_global *g = engine_global();
	const struct conf_outbound *ob;
	struct sip_uri	 u;
	struct sip_addr	 a;
	struct reg	*reg;
	struct call	*c;
	char		 ruri[SIP_MAX_URILEN];
	int		 expired, foreign;

	if (authenticate(r) != GO)
		return (DONE);
	if (localreg_ours(&msg))
		return (local_register(r));
	if (offer_streams(r) == -1)
		return (DONE);
	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	if (sip_uri_parse(ruri, strlen(ruri), &u) == -1) {
		reply(r, 400, "Bad Request - Malformed Request-URI");
		return (DONE);
	}
	hop->side = LEG_OUTSIDE;
	r->call = call_match(&msg, LEG_INSIDE, msg.via.branch);
	/* Not along a Route of someone else's: by its Request-URI. */
	if (hop->host[0] == '\0' &&
	    ruri_rewrite(r, &u, ruri, sizeof(ruri)) != GO)
		return (DONE);
	if ((foreign = hop->host[0] != '\0'))
		;	/* a Route of someone else's */
	else if ((r->call != NULL && r->call->inner &&
	    msg.to_tag[0] != '\0') ||
	    (u.scheme != SIP_URI_TEL && localreg_host(u.host))) {
		if (local_route(r, &u, hop) != GO)
			return (DONE);
	} else if (u.scheme != SIP_URI_TEL && host_ours(u.host, u.port)) {
		/* A phone calling a phone through us. */
		reg = bindings_lookup(u.user, NULL, &expired);
		if (to_phone(r, reg, expired, hop) != GO)
			return (DONE);
	} else if (u.scheme != SIP_URI_TEL &&
	    (ob = outbound_find(u.host)) != NULL) {
		strlcpy(hop->host, ob->host, sizeof(hop->host));
		hop->port = ob->port;
		hop->tr = ob->transport;
	} else if (g->outbound_proxy[0] != '\0') {
		strlcpy(hop->host, g->outbound_proxy, sizeof(hop->host));
		hop->port = g->outbound_port;
		hop->tr = g->outbound_transport;
	} else if (u.scheme == SIP_URI_TEL) {
		reply(r, 416, "Unsupported URI Scheme");
		return (DONE);
	} else {
		strlcpy(hop->host, u.host, sizeof(hop->host));
		hop->port = u.port;
		hop->tr = uri_transport(&u);
	}
	/*
	 * In a dialog, our own Route entry facing the next hop says how we
	 * reached it when the dialog began (RFC 5658).
	 */
	if (!foreign && hop->side == LEG_OUTSIDE && hop->route_tr != -1)
		hop->tr = hop->route_tr;

	if (msg.method == SIP_REGISTER) {
		if (register_request(r) != GO)
			return (DONE);
	} else if (msg.method == SIP_INVITE && msg.to_tag[0] == '\0' &&
	    r->call == NULL) {
		if (sip_msg_list_get(&msg, SIP_HDR_CONTACT, 0, &a, NULL,
		    NULL) == -1 || a.star) {
			reply(r, 400, "Bad Request - Missing Contact");
			return (DONE);
		}
		if ((c = call_new(&msg, 1, a.uri, &r->src)) == NULL)
			return (table_full(r, &sip_stats.full_calls,
			    "call table full"));
		c->phone_transport = r->tr;
		c->phone_local = r->el->cl.ss;
		c->inner = hop->side == LEG_INSIDE;
		if (c->inner) {
			c->peer_addr = hop->ss;
			c->peer_local = hop->local;
		}
		r->call = c;
	}
	return (GO);
}

/*
 * Proxy authentication (auth.c): a request of `auth methods` that is
 * not in a dialog, and a REGISTER for the local domain whatever the
 * methods, must carry our credentials, else 407 and a challenge. Our
 * own Proxy-Authorization goes before anything is forwarded.
 */
static enum verdict
authenticate(struct req *r)
{
	char	 extra[1024];

	r->user[0] = '\0';
	if (!auth_enabled())
		return (GO);
	if ((auth_required(&msg) || localreg_ours(&msg)) &&
	    auth_check(&msg, &r->src, r->first, r->user, sizeof(r->user),
	    extra, sizeof(extra)) != AUTH_OK) {
		reply_extra(r, 407, "Proxy Authentication Required", extra);
		return (DONE);
	}
	auth_strip(&msg);
	return (GO);
}

/* A REGISTER the local registrar answers: never forwarded. */
static enum verdict
local_register(struct req *r)
{
	char		 extra[LOCAL_CONTACTS_LEN];
	const char	*reason;
	int		 status;

	if (register_contacts(r) == -1)
		return (DONE);
	status = localreg_register(&msg, &r->src, &r->el->cl.ss, r->user,
	    extra, sizeof(extra), &reason);
	reply_extra(r, status, reason, status == 200 ? extra : NULL);
	return (DONE);
}

/*
 * `rewrite request-uri`, on a request of a phone that its Request-URI
 * sends outside: a new one (no To tag), not a REGISTER, or the ACK of
 * an INVITE that got no 2xx (it carries the INVITE's Request-URI, RFC
 * 3261 17.1.1.3). The first rule that matches rewrites it, and the
 * result is routed as if the phone had sent it. A result longer than a
 * URI may be is answered 414, one that is no URI 500.
 */
static enum verdict
ruri_rewrite(struct req *r, struct sip_uri *u, char *ruri, size_t len)
{
	char	 nuri[SIP_MAX_URILEN];
	int	 rule;

	if (r->side != LEG_INSIDE || msg.method == SIP_REGISTER ||
	    (msg.to_tag[0] != '\0' && (msg.method != SIP_ACK ||
	    (r->call != NULL && r->call->state == CALL_CONFIRMED))))
		return (GO);
	/* To the local domain or to a phone: not out. */
	if (u->scheme != SIP_URI_TEL && (localreg_host(u->host) ||
	    host_ours(u->host, u->port)))
		return (GO);
	if ((rule = rewrite_ruri(ruri, nuri, sizeof(nuri))) == 0)
		return (GO);
	if (rule == -1) {
		log_often("%s: rewrite request-uri: %s: result too long, "
		    "refused", sip_msg_callid(&msg),
		    addr_str((struct sockaddr *)&r->src, 1));
		reply(r, 414, "Request-URI Too Long");
		return (DONE);
	}
	if (sip_uri_parse(nuri, strlen(nuri), u) == -1 ||
	    sip_edit_ruri(&msg, nuri) == -1) {
		log_often("%s: rewrite request-uri %d: the result is no URI, "
		    "refused", sip_msg_callid(&msg), rule);
		reply(r, 500, "Server Internal Error - Request-URI rewritten");
		return (DONE);
	}
	log_debug("%s: rewrite request-uri %d: %s", sip_msg_callid(&msg),
	    rule, nuri);
	strlcpy(ruri, nuri, len);
	return (GO);
}

/*
 * A call from outside that reaches no registered phone: to the PBX
 * registered with the account of the first `trunk` whose numbers match
 * the Request-URI's user part (the Request-URI is then its contact with
 * the number called as user part); else, when it is for an address of
 * record of ours with no phone (404) or none any more (480), to the
 * phone registered as the `default target`. A new INVITE only, and the
 * ACK of one that failed, which must go where it went. uri gets the
 * Request-URI when it is not the contact.
 */
static struct reg *
incoming_target(const struct sip_uri *u, int expired, char *uri, size_t len)
{
	const char	*name, *aor;
	struct reg	*g;
	int		 gone, invite = msg.method == SIP_INVITE;

	if (!(invite && msg.to_tag[0] == '\0') && msg.method != SIP_ACK)
		return (NULL);
	if (rewrite_trunk(u, &name, &aor)) {
		if ((g = bindings_lookup(NULL, aor, &gone)) == NULL) {
			if (invite)
				log_often("%s: call for %s: trunk %s: no phone "
				    "registered as %s", sip_msg_callid(&msg),
				    u->user, name, aor);
			return (NULL);
		}
		if (rewrite_user_uri(g->se.contact, u->user, uri, len) == -1)
			uri[0] = '\0';
		if (invite)
			log_often("%s: call for %s: to trunk %s",
			    sip_msg_callid(&msg), u->user, name);
		return (g);
	}
	if ((aor = rewrite_default_target()) == NULL || (!expired &&
	    (u->scheme == SIP_URI_TEL || !host_ours(u->host, u->port))))
		return (NULL);
	if ((g = bindings_lookup(NULL, aor, &gone)) == NULL)
		return (NULL);
	if (invite)
		log_often("%s: call for %s: no registered phone, to the "
		    "default target %s", sip_msg_callid(&msg), u->user, aor);
	return (g);
}

/*
 * A line about calls from outside, which anyone may send: at most ten
 * a second, then a count of those left out.
 */
static void
log_often(const char *fmt, ...)
{
	static time_t		 last;
	static unsigned int	 n;
	static unsigned long	 quiet;
	va_list			 ap;
	time_t			 now = time(NULL);

	if (now != last) {
		if (quiet > 0)
			log_info("%lu lines like the last not logged", quiet);
		last = now;
		n = quiet = 0;
	}
	if (n++ >= 10) {
		quiet++;
		return;
	}
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

/*
 * From a phone to a phone inside: a new request for the local domain
 * to the phone registered for its address of record (404 for none, 480
 * when it expired), a request in a dialog between two phones to the
 * other one, never anywhere else.
 */
static enum verdict
local_route(struct req *r, const struct sip_uri *u, struct hop *hop)
{
	struct reg	*reg;
	char		 aor[SIP_MAX_URILEN];
	int		 expired = 0;

	hop->side = LEG_INSIDE;
	if (r->call != NULL && r->call->inner && msg.to_tag[0] != '\0') {
		if (sa_cmp(&r->src, &r->call->phone_addr) == 0) {
			hop->ss = r->call->peer_addr;
			hop->local = r->call->peer_local;
		} else {
			hop->ss = r->call->phone_addr;
			hop->local = r->call->phone_local;
		}
		return (GO);
	}
	reg = localreg_aor(u, aor, sizeof(aor)) == -1 ? NULL :
	    bindings_local_lookup(aor, &expired);
	return (to_phone(r, reg, expired, hop));
}

/*
 * To a phone inside, by its registration: its contact the Request-URI,
 * where its REGISTER came from the next hop. Without one, 404, or 480
 * when it expired.
 */
static enum verdict
to_phone(struct req *r, struct reg *reg, int expired, struct hop *hop)
{
	if (reg == NULL) {
		reply(r, expired ? 480 : 404, expired ?
		    "Temporarily Unavailable" : "Not Found");
		return (DONE);
	}
	if (sip_edit_ruri(&msg, reg->se.contact) == -1) {
		reply(r, 500, "Server Internal Error - Request-URI");
		return (DONE);
	}
	return (phone_hop(r, hop, reg->transport, &reg->source,
	    reg->se.contact, &reg->local));
}

/*
 * `limit streams per offer`: an SDP in a request asking for more relayed
 * streams than that is answered 488 (RFC 3261 21.4.26) before any port
 * is taken. Returns the streams it asks for (0 without SDP), or -1 when
 * it was refused. An SDP that does not parse is media()'s to refuse.
 */
static int
offer_streams(struct req *r)
{
	struct sdp	 sdp;
	const char	*ctype, *body, *err;
	size_t		 blen;
	int		 i, n = 0;

	/* With `rtp relay no` nothing is relayed: no stream to count. */
	if (!engine_global()->rtp_relay)
		return (0);
	ctype = sip_msg_content_type(&msg);
	if (msg.body_len == 0 || ctype == NULL ||
	    strncasecmp(ctype, "application/sdp", 15) != 0)
		return (0);
	body = sip_msg_body(&msg, &blen);
	if (sdp_parse(body, blen, &sdp, &err) == -1)
		return (0);
	for (i = 0; i < sdp.nmedia; i++)
		n += sdp.media[i].port != 0;
	if ((uint32_t)n <= engine_global()->limit_media ||
	    msg.method == SIP_ACK)
		return (n);
	sip_stats.limit_media++;
	log_refusal(r, "too many media streams in an offer");
	reply(r, 488, "Not Acceptable Here - Too many media streams");
	return (-1);
}

/*
 * A new call from outside, with nstreams streams offered: within what
 * its source may hold (`limit calls per source`, `limit streams per
 * source`), and the calls in set-up from outside leave room for the
 * phones' own. Else 503 with Retry-After: the source's calls ring out
 * or end by then.
 */
static enum verdict
limit_source(struct req *r, int nstreams)
{
	const struct conf_global *g = engine_global();
	unsigned int	 setup, streams, outside;

	call_source_usage(&r->src, &setup, &streams, &outside);
	/* 3/4 of `call max` (at least 1): the rest is for the phones. */
	if (setup >= g->limit_calls || (outside >= g->call_max * 3 / 4 &&
	    outside >= 1)) {
		sip_stats.limit_calls++;
		log_refusal(r, "too many calls in set-up");
		reply_extra(r, 503, "Service Unavailable - Too many calls",
		    LIMIT_RETRY);
		return (DONE);
	}
	if (streams + nstreams > g->limit_streams) {
		sip_stats.limit_streams++;
		log_refusal(r, "too many media streams held");
		reply_extra(r, 503, "Service Unavailable - Too many streams",
		    LIMIT_RETRY);
		return (DONE);
	}
	return (GO);
}

/*
 * A table at its limit (`registration max`, `call max`): the request is
 * answered 503 with Retry-After, counted and logged like a refusal.
 */
static enum verdict
table_full(struct req *r, uint64_t *counter, const char *why)
{
	(*counter)++;
	log_refusal(r, why);
	reply_extra(r, 503, "Service Unavailable - Table full", LIMIT_RETRY);
	return (DONE);
}

/*
 * A refusal a flood repeats is logged once a second at most, with how
 * many went unlogged before it.
 */
static void
log_refusal(struct req *r, const char *why)
{
	static time_t		 last;
	static unsigned long	 quiet;
	time_t			 now = time(NULL);

	if (now == last) {
		quiet++;
		return;
	}
	last = now;
	if (quiet > 0)
		log_warnx("%s: refused: %s (and %lu refusals not logged)",
		    addr_str((struct sockaddr *)&r->src, 1), why, quiet);
	else
		log_warnx("%s: refused: %s",
		    addr_str((struct sockaddr *)&r->src, 1), why);
	quiet = 0;
}

/*
 * An in-dialog request from outside that matches no call of ours. If
 * its Call-ID is one of our calls, its tags or its transaction are
 * wrong: whoever sent it is not the party of that call, and it goes no
 * further (481). The requests that only live in an INVITE dialog get
 * 481 even for a Call-ID we do not know; others (a NOTIFY of a
 * subscription, say) go on to a registered phone like a new request.
 */
static enum verdict
dialog_outside(struct req *r)
{
	int	 known;

	if (msg.to_tag[0] == '\0' && msg.method != SIP_CANCEL)
		return (GO);
	known = call_find(sip_msg_callid(&msg)) != NULL;
	r->known = known;
	switch (msg.method) {
	case SIP_ACK:
		if (!known)
			return (GO);
		log_debug("%s: ACK from %s matches no dialog, dropped",
		    sip_msg_callid(&msg),
		    addr_str((struct sockaddr *)&r->src, 1));
		sip_stats.dropped++;
		return (DONE);
	case SIP_INVITE:
	case SIP_BYE:
	case SIP_CANCEL:
	case SIP_UPDATE:
	case SIP_PRACK:
	case SIP_INFO:
		break;
	default:
		if (!known)
			return (GO);
		break;
	}
	log_refusal(r, "an in-dialog request of no call (481)");
	reply(r, 481, "Call/Transaction Does Not Exist");
	return (DONE);
}

/* Numeric hops are known at once, names come from the resolver. */
static enum verdict
resolve(struct req *r, struct hop *hop)
{
	struct engine_listener	*el;
	int			 family = AF_UNSPEC;

	if (hop->ss.ss_family != AF_UNSPEC)
		return (GO);
	if ((el = engine_listener_side(hop->side, AF_UNSPEC)) != NULL)
		family = el->cl.ss.ss_family;
	switch (dns_lookup_tr(hop->host, hop->port, family, hop->tr,
	    &hop->ss)) {
	case DNS_OK:
		return (GO);
	case DNS_PENDING:
		return (PARK);
	default:
		log_warnx("%s: cannot resolve %s: %s", sip_msg_callid(&msg),
		    hop->host, dns_error(hop->host) != NULL ?
		    dns_error(hop->host) : "failed");
		if (msg.request && msg.method != SIP_ACK)
			reply(r, 503, "Service Unavailable - DNS failure");
		return (DONE);
	}
}

static enum verdict
forward_request(struct req *r, struct hop *hop)
{
	struct engine_listener	*to;
	struct call		*c;
	enum verdict		 v;
	char			 mf[16], ruri[8];
	int			 i;

	/*
	 * A sips: target is reached over TLS or not at all (RFC 3261 19.1,
	 * RFC 5630 3.1.3): never downgraded to a hop without it.
	 */
	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	if (hop->tr != SIP_TR_TLS && strncasecmp(ruri, "sips:", 5) == 0) {
		log_debug("%s: sips: target, next hop %s over %s: refused",
		    sip_msg_callid(&msg), addr_str((struct sockaddr *)
		    &hop->ss, 1), transport_str(hop->tr));
		reply(r, 480, "Temporarily Unavailable - sips: needs TLS");
		if (r->call != NULL && msg.method == SIP_INVITE &&
		    msg.to_tag[0] == '\0')
			call_end(r->call, "sips: needs TLS");
		return (DONE);
	}

	if ((to = engine_listener_at(hop->side, hop->tr, &hop->local,
	    &hop->ss)) == NULL) {
		log_warnx("no %s socket for %s", hop->side == LEG_INSIDE ?
		    "inside" : "outside",
		    addr_str((struct sockaddr *)&hop->ss, 1));
		reply(r, 503, "Service Unavailable - No route");
		return (DONE);
	}

	c = r->call;
	/* `strip header`: all of them, or the request goes no further. */
	if (rewrite_strip(&msg) == -1) {
		log_often("%s: more headers to strip than can be, refused",
		    sip_msg_callid(&msg));
		reply(r, 500, "Server Internal Error - Too many headers");
		if (c != NULL && msg.method == SIP_INVITE &&
		    msg.to_tag[0] == '\0')
			call_end(c, "too many headers to strip");
		return (DONE);
	}
	if (c != NULL && msg.body_len > 0 &&
	    (v = media(r, c, hop->side, 1, to)) != GO)
		return (v);
	if (c != NULL && c->media_failed) {
		reply(r, 503, "Service Unavailable - No RTP ports");
		if (msg.method == SIP_INVITE && msg.to_tag[0] == '\0')
			call_end(c, "no rtp ports");
		return (DONE);
	}

	/* Max-Forwards, Via, Record-Route, Contact: RFC 3261 16.6. */
	if ((i = msg.hdr_first[SIP_HDR_MAX_FORWARDS]) >= 0) {
		snprintf(mf, sizeof(mf), "%d", msg.max_forwards - 1);
		if (sip_edit_value(&msg, i, mf) == -1)
			goto full;
	} else if (sip_edit_insert(&msg, 0, "Max-Forwards", "70") == -1)
		goto full;
	/* Record-Route first: a new one goes above the Vias, not between. */
	if (msg.to_tag[0] == '\0' && msg.method != SIP_REGISTER &&
	    msg.method != SIP_CANCEL && msg.method != SIP_ACK &&
	    record_route(r, to, hop->tr) == -1)
		goto full;
	if (via_mark(r) == -1 || via_insert(r, to, hop->tr) == -1)
		goto full;
	if (r->side == LEG_INSIDE && hop->side == LEG_OUTSIDE &&
	    contacts_masquerade(to, hop->tr, r,
	    msg.method == SIP_REGISTER) == -1)
		goto full;
	if (r->side == LEG_INSIDE && hop->side == LEG_OUTSIDE &&
	    acl_user_agent(&msg) == -1)
		goto full;

	if (c != NULL) {
		if (msg.method == SIP_BYE)
			call_end(c, "bye");
		else if (msg.method == SIP_CANCEL)
			call_cancel(c);
	}
	send_msg(r, hop);
	return (DONE);
 full:
	log_warnx("%s: message too large to rewrite", sip_msg_callid(&msg));
	reply(r, 500, "Server Internal Error - Message too large");
	if (c != NULL && msg.method == SIP_INVITE && msg.to_tag[0] == '\0')
		call_end(c, "message too large to rewrite");
	return (DONE);
}

/*
 * Responses go back along the Via path: the top Via must be ours, the
 * next one says where (RFC 3581: received and rport first).
 */
static enum verdict
response(struct req *r)
{
	struct sip_via	 v, next;
	struct hop	 hop;
	struct call	*c;
	enum verdict	 vd;
	int		 i = 0;

	memset(&hop, 0, sizeof(hop));
	if (sip_msg_via(&msg, 0, &v) == -1 ||
	    sip_msg_via(&msg, 1, &next) == -1 ||
	    (i = via_ours(&v, &next, &hop.side, &hop.tr, &hop.local)) != 1) {
		sip_stats.dropped++;
		if (i == -1)
			log_refusal(r, "a response whose branch of ours does "
			    "not check out");
		else
			log_debug("response from %s not for us, dropped",
			    addr_str((struct sockaddr *)&r->src, 1));
		return (DONE);
	}
	strlcpy(hop.host, next.received[0] != '\0' ? next.received :
	    next.host, sizeof(hop.host));
	hop.port = next.rport > 0 ? next.rport : next.port != 0 ? next.port :
	    SIP_PORT;
	if ((vd = resolve(r, &hop)) != GO)
		return (vd);
	/*
	 * RFC 3261 18.2.2: over a stream, back on the connection the
	 * request came on; if that is gone, a new one to its sent-by port.
	 */
	if (hop.tr != SIP_TR_UDP &&
	    conn_find(hop.side, hop.tr, &hop.ss) == NULL)
		sa_set_port(&hop.ss, next.port != 0 ? next.port :
		    hop.tr == SIP_TR_TLS ? SIPS_PORT : SIP_PORT);

	/* The request came from hop.side; its sender's Via is next. */
	c = call_match(&msg, hop.side, next.branch);
	if (c != NULL && msg.body_len > 0 && msg.status >= 180 &&
	    msg.status < 300 && (vd = media(r, c, hop.side, 0,
	    engine_listener_at(hop.side, hop.tr, &hop.local, &hop.ss))) != GO)
		return (vd);

	i = msg.hdr_first[SIP_HDR_VIA];
	if (sip_edit_elem(&msg, i, 0, NULL) == -1)
		goto full;
	if (r->side == LEG_INSIDE && hop.side == LEG_OUTSIDE &&
	    msg.cseq_method != SIP_REGISTER &&
	    contacts_masquerade(engine_listener_tr(LEG_OUTSIDE,
	    hop.ss.ss_family, hop.tr), hop.tr, r, 0) == -1)
		goto full;
	if (r->side == LEG_INSIDE && hop.side == LEG_OUTSIDE &&
	    acl_user_agent(&msg) == -1)
		goto full;
	if (rewrite_strip(&msg) == -1) {
		log_often("%s: more headers to strip than can be, response "
		    "dropped", sip_msg_callid(&msg));
		sip_stats.dropped++;
		return (DONE);
	}
	if (r->side == LEG_OUTSIDE && msg.cseq_method == SIP_REGISTER)
		register_response();
	if (c != NULL)
		call_response(c, &msg, r->side == LEG_INSIDE);
	send_msg(r, &hop);
	return (DONE);
 full:
	log_warnx("%s: response too large to rewrite", sip_msg_callid(&msg));
	return (DONE);
}

/*
 * The SDP of a message to side `to`: each stream gets relay ports, the
 * body our address and those ports. A request (ACK aside) whose SDP does
 * not parse, or names media we do not relay (sdp_check_media(): a
 * multicast, broadcast, foreign loopback or unspecified address, more
 * than one port), is answered 488, and a new INVITE's call ends there.
 * A response or ACK cannot be refused: one that does not parse is passed
 * on unchanged, and a stream it names a refused address for loses that
 * address, so the relay sends that party nothing until it latches to
 * media from where the party's SIP came from.
 * A call made under `rtp relay no` has none of this: its SDP is neither
 * parsed nor judged, as it goes to a party that sends its media straight
 * there, not to us; only `codec allow` and `codec deny` edit it.
 */
static enum verdict
media(struct req *r, struct call *c, int to, int isreq,
    struct engine_listener *via)
{
	struct sdp		 sdp;
	struct sockaddr_storage	 addr;
	struct engine_listener	*el;
	const char		*body, *ctype, *err, *why = NULL;
	char			 bad[ADDRSTR_LEN];
	uint16_t		 ports[SDP_MAX_MEDIA];
	size_t			 blen, olen;
	int			 rv, i, refusable, edited;

	ctype = sip_msg_content_type(&msg);
	if (ctype == NULL || strncasecmp(ctype, "application/sdp", 15) != 0)
		return (GO);
	refusable = isreq && msg.method != SIP_ACK;
	body = sip_msg_body(&msg, &blen);
	/* Filtered, it is sent so even if the relay has no ports for it. */
	if ((edited = codecs(r, c, refusable, &body, &blen)) == -1) {
		reply(r, 488, "Not Acceptable Here - No codec allowed");
		goto refused;
	}
	if (c->norelay)
		goto done;
	if (sdp_parse(body, blen, &sdp, &err) == -1) {
		log_warnx("%s: SDP from %s: %s", c->callid,
		    addr_str((struct sockaddr *)&r->src, 1), err);
		if (!refusable)
			return (GO);
		reply(r, 488, "Not Acceptable Here - Malformed SDP");
		goto refused;
	}
	for (i = 0; i < sdp.nmedia; i++) {
		if ((why = sdp_check_media(&sdp.media[i], &r->src)) == NULL)
			continue;
		strlcpy(bad, addr_str((struct sockaddr *)&sdp.media[i].addr,
		    0), sizeof(bad));
		log_warnx("%s: SDP from %s: stream %d (%s): %s, %s",
		    c->callid, addr_str((struct sockaddr *)&r->src, 1), i, bad,
		    why, refusable ? "refused" : "address ignored");
		if (refusable) {
			reply(r, 488, "Not Acceptable Here - Media refused");
			goto refused;
		}
		sdp.media[i].addr.ss_family = AF_UNSPEC;
		sdp.media[i].hold_addr = 0;
	}
	/* An answer (in a response, or in the ACK) names the codec. */
	if (!refusable)
		call_codec(c, body, blen);
	rv = call_media(c, &sdp, r->side, &r->src, ports);
	if (rv == CALL_MEDIA_WAIT)
		return (PARK);
	if (rv == CALL_MEDIA_FAIL) {
		/* A request is answered 503 by the caller. */
		if (!isreq)
			log_warnx("%s: no relay ports, SDP passed on "
			    "without them", c->callid);
	} else if ((el = to == LEG_INSIDE && via != NULL ? via :
	    engine_listener_side(to, AF_UNSPEC)) != NULL) {
		/* Inside, the address of the LAN the message goes out to. */
		engine_advertised(el, &addr);
		if (sdp_rewrite(body, blen, &sdp, &addr, ports, sdpout,
		    sizeof(sdpout), &olen) == 0) {
			body = sdpout;
			blen = olen;
			edited = 1;
		} else
			log_warnx("%s: SDP too large to rewrite", c->callid);
	}
 done:
	if (edited && sip_edit_body(&msg, body, blen) == -1)
		log_warnx("%s: SDP too large to rewrite", c->callid);
	return (GO);
 refused:
	/* A re-INVITE refused leaves the session as it was (RFC 3261 14.1). */
	if (msg.method == SIP_INVITE && msg.to_tag[0] == '\0')
		call_end(c, "media refused");
	return (DONE);
}

/*
 * `codec allow` and `codec deny`: the SDP without the payload types they
 * take out, in sdpfilt. A request (ACK aside) offering a stream left with
 * no codec returns -1, to be refused 488; in a response or an ACK such a
 * stream is rejected (port 0). Returns 1 when *body, *blen now are the
 * filtered SDP, 0 when nothing was taken out.
 */
static int
codecs(struct req *r, struct call *c, int refusable, const char **body,
    size_t *blen)
{
	const struct codec_rules	*rules = &engine_global()->codecs;
	size_t				 olen;
	int				 emptied;

	if (rules->nallow == 0 && rules->ndeny == 0)
		return (0);
	/* What cannot be filtered, sdp_parse() judges next. */
	if (codec_filter(*body, *blen, rules, sdpfilt, sizeof(sdpfilt), &olen,
	    &emptied) != 1)
		return (0);
	if (emptied > 0) {
		log_info("%s: SDP from %s: %d stream(s) with no codec allowed%s",
		    c->callid, addr_str((struct sockaddr *)&r->src, 1),
		    emptied, refusable ? ", refused" : ", rejected");
		if (refusable)
			return (-1);
	}
	sip_stats.codecs_filtered++;
	*body = sdpfilt;
	*blen = olen;
	return (1);
}

static void
send_msg(struct req *r, struct hop *hop)
{
	size_t	 len;
	int	 isreq = msg.request && msg.method != SIP_ACK;

	if (sip_msg_write(&msg, out, sizeof(out), &len) == -1) {
		log_warnx("%s: message too large once rewritten",
		    sip_msg_callid(&msg));
		if (msg.request)
			reply(r, 513, "Message Too Large");
		sip_stats.dropped++;
		return;
	}
	if (transmit(hop, out, len, isreq) == -1) {
		if (isreq && hop->tr != SIP_TR_UDP)
			reply(r, 503, "Service Unavailable - No connection");
		return;
	}
	if (msg.request)
		sip_stats.requests_out[msg.method]++;
	else
		sip_stats.responses_out[msg.status / 100]++;
}

/*
 * A message to its next hop: over UDP from the side's socket, over a
 * stream on the connection open to it or a new one. A request that
 * cannot be sent that way is answered later by proxy_unsent().
 */
static int
transmit(struct hop *hop, const char *buf, size_t len, int isreq)
{
	struct engine_listener	*el;

	if (hop->tr == SIP_TR_UDP) {
		if ((el = engine_listener_at(hop->side, SIP_TR_UDP,
		    &hop->local, &hop->ss)) == NULL) {
			sip_stats.dropped++;
			return (-1);
		}
		if (engine_send(el, &hop->ss, buf, len) == -1)
			return (-1);
	} else if (conn_send(hop->side, hop->tr, &hop->ss, hop->host, buf,
	    len, isreq) == -1) {
		sip_stats.dropped++;
		return (-1);
	} else
		sip_stats.sent++;
	if (monitor_active())
		monitor_raw(1, hop->side, hop->tr, &hop->ss, buf, len);
	return (0);
}

/*
 * An answer of ours to where the request came from: over UDP, or on its
 * connection (RFC 3261 18.2.2); with that gone, to nobody.
 */
static int
transmit_back(struct req *r, const char *buf, size_t len)
{
	if (r->tr == SIP_TR_UDP) {
		if (engine_send(r->el, &r->src, buf, len) == -1)
			return (-1);
	} else if (r->conn == NULL || conn_reply(r->conn, buf, len) == -1) {
		sip_stats.dropped++;
		return (-1);
	} else
		sip_stats.sent++;
	if (monitor_active())
		monitor_raw(1, r->side, r->tr, &r->src, buf, len);
	return (0);
}

/*
 * The To tag of our own responses: a MAC of what the request and its
 * ACK share (Call-ID, From tag, CSeq number), so that the ACK is known
 * without keeping state, under a key of its own: a tag tells nothing
 * about our branches.
 */
static void
reply_tag(char *tag, size_t len)
{
	const char	*f[3];
	char		 cseq[16], hex[MAC_HEXLEN + 1];

	snprintf(cseq, sizeof(cseq), "%u", msg.cseq);
	f[0] = sip_msg_callid(&msg);
	f[1] = msg.from_tag;
	f[2] = cseq;
	mac_hex(mac_fields(&tag_key, 'T', f, nitems(f)), hex, sizeof(hex));
	snprintf(tag, len, "%s%s", TAG_PREFIX, hex);
}

/* A response of our own, to where the request came from. */
static void
reply(struct req *r, int status, const char *reason)
{
	reply_extra(r, status, reason, NULL);
}

/* The same with extra header lines, each ended by CRLF. */
static void
reply_extra(struct req *r, int status, const char *reason, const char *extra)
{
	char	 tag[sizeof(TAG_PREFIX) + MAC_HEXLEN];
	size_t	 len;

	if (msg.method == SIP_ACK || acl_quiet(r->side, r->known))
		return;
	reply_tag(tag, sizeof(tag));
	if (sip_msg_response(&msg, status, reason, status > 100 ? tag : NULL,
	    extra, out, sizeof(out), &len) == -1)
		return;
	log_debug("%s: %d %s to %s", sip_msg_callid(&msg), status, reason,
	    addr_str((struct sockaddr *)&r->src, 1));
	if (transmit_back(r, out, len) == 0)
		sip_stats.responses_out[status / 100]++;
}

/*
 * A request that does not parse gets its error when the lines a
 * response needs can be found; anything else is dropped.
 */
static void
reject_raw(struct req *r, const char *data, size_t len, int status,
    const char *reason)
{
	size_t	 olen;

	if (acl_quiet(r->side, 0))
		return;
	if (sip_msg_reject(data, len, status, reason, out, sizeof(out),
	    &olen) == -1) {
		sip_stats.dropped++;
		return;
	}
	if (transmit_back(r, out, olen) == 0)
		sip_stats.responses_out[status / 100]++;
}

/*
 * RFC 3581 and RFC 3261 18.2.1: the top Via learns where the request
 * really came from (received), and the port when the sender asked
 * (rport) or the request came over a stream: its responses go back on
 * the connection from that port. The element is written anew; the
 * others stay as they came.
 */
static int
via_mark(struct req *r)
{
	const struct sip_via	*v = &msg.via;
	char			 host[INET6_ADDRSTRLEN], elem[SIP_MAX_HDRLEN];
	char			 params[SIP_MAX_PARAMS + 64], *p, *next, *name;
	char			 copy[SIP_MAX_PARAMS];
	uint16_t		 port;
	int			 hv6, rport;

	if (src_hostport(r, host, sizeof(host), &port) == -1)
		return (-1);
	rport = v->rport != -1 || r->tr != SIP_TR_UDP;
	if (!rport && strcmp(v->host, host) == 0)
		return (0);

	params[0] = '\0';
	strlcpy(copy, v->params, sizeof(copy));
	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, ';')) != NULL)
			*next++ = '\0';
		name = p + strspn(p, " \t");
		if (*name == '\0' || strncasecmp(name, "received", 8) == 0)
			continue;
		if (strncasecmp(name, "rport", 5) == 0 &&
		    (name[5] == '\0' || name[5] == '=' || name[5] == ' '))
			continue;
		strlcat(params, ";", sizeof(params));
		strlcat(params, p, sizeof(params));
	}
	hv6 = v->host_ipv6;
	if (v->port != 0)
		snprintf(elem, sizeof(elem), "SIP/2.0/%s %s%s%s:%u%s",
		    v->transport, hv6 ? "[" : "", v->host, hv6 ? "]" : "",
		    v->port, params);
	else
		snprintf(elem, sizeof(elem), "SIP/2.0/%s %s%s%s%s",
		    v->transport, hv6 ? "[" : "", v->host, hv6 ? "]" : "",
		    params);
	snprintf(params, sizeof(params), ";received=%s", host);
	if (strlcat(elem, params, sizeof(elem)) >= sizeof(elem))
		return (-1);
	if (rport) {
		snprintf(params, sizeof(params), ";rport=%u", port);
		if (strlcat(elem, params, sizeof(elem)) >= sizeof(elem))
			return (-1);
	}
	return (sip_edit_elem(&msg, msg.hdr_first[SIP_HDR_VIA], 0, elem));
}

/* Where a request came from, as via_mark() writes it. */
static int
src_hostport(struct req *r, char *host, size_t len, uint16_t *port)
{
	if (getnameinfo((struct sockaddr *)&r->src, sa_len(&r->src), host,
	    len, NULL, 0, NI_NUMERICHOST) != 0)
		return (-1);
	*port = sa_port(&r->src);
	return (0);
}

/*
 * Our Via. Its branch is the cookie, a transaction part, a loop part,
 * the side and transport the request came over (where the responses go
 * back), and a check of all that and of where the responses go. The
 * transaction part is a MAC of the request's own top branch and
 * sent-by, Call-ID and CSeq number, so that a CANCEL or a non-2xx ACK
 * gets the INVITE's branch (RFC 3261 16.11). The check is a MAC of the
 * rest and of the address the responses will be sent to (the received
 * and rport via_mark() writes), so that a response, forged or altered,
 * cannot make us send it anywhere else.
 */
static int
via_insert(struct req *r, struct engine_listener *to, int tr)
{
	struct sockaddr_storage	 ss;
	const char		*f[4];
	char			 hp[ADDRSTR_LEN], val[SIP_MAX_HOSTLEN + 128];
	char			 host[INET6_ADDRSTRLEN], cseq[16];
	char			 branch[BRANCH_LEN + 1], tx[MAC_HEXLEN + 1];
	char			 check[MAC_HEXLEN + 1];
	uint16_t		 port, ltag;

	snprintf(cseq, sizeof(cseq), "%u", msg.cseq);
	f[0] = msg.via.branch;
	f[1] = msg.via.host;
	f[2] = sip_msg_callid(&msg);
	f[3] = cseq;
	mac_hex(mac_fields(&branch_key, 'X', f, nitems(f)), tx, sizeof(tx));
	ltag = r->side == LEG_INSIDE ? engine_listener_tag(r->el) : 0;
	snprintf(branch, sizeof(branch), "%s%s%s%c%c%04x", BRANCH_COOKIE, tx,
	    r->loop, r->side == LEG_INSIDE ? 'i' : 'o', TR_CHARS[r->tr],
	    (unsigned int)ltag);

	/* As via_mark() wrote them. */
	if (src_hostport(r, host, sizeof(host), &port) == -1)
		return (-1);
	if (msg.via.rport == -1 && r->tr == SIP_TR_UDP)
		port = msg.via.port != 0 ? msg.via.port : SIP_PORT;
	mac_hex(branch_mac(branch, host, port), check, sizeof(check));

	engine_advertised(to, &ss);
	sa_hostport(&ss, hp, sizeof(hp));
	snprintf(val, sizeof(val), "SIP/2.0/%s %s;branch=%s%s;rport",
	    via_transport(tr), hp, branch, check);
	return (sip_edit_insert(&msg, msg.hdr_first[SIP_HDR_VIA], "Via",
	    val));
}

/* The check of a branch of ours: its first part and where it goes. */
static uint64_t
branch_mac(const char *branch, const char *host, uint16_t port)
{
	const char	*f[3];
	char		 p[8];

	snprintf(p, sizeof(p), "%u", port);
	f[0] = branch;
	f[1] = host;
	f[2] = p;
	return (mac_fields(&branch_key, 'M', f, nitems(f)));
}

/*
 * A response's top Via is ours (1) if it names one of our addresses and
 * its branch checks out with the Via below it; *side and *tr are where
 * and how the response goes. One that names us and carries our cookie
 * but does not check out is forged, altered or from before a restart
 * (-1, counted).
 */
static int
via_ours(const struct sip_via *v, const struct sip_via *below, int *side,
    int *tr, struct sockaddr_storage *local)
{
	char		 branch[BRANCH_LEN + 1], check[MAC_HEXLEN + 1];
	const char	*host, *t;
	unsigned long	 ltag;
	uint16_t	 port;
	int		 i, diff = 0;

	if (!host_ours(v->host, v->port) ||
	    strncmp(v->branch, BRANCH_COOKIE, strlen(BRANCH_COOKIE)) != 0)
		return (0);
	if (strlen(v->branch) != BRANCH_LEN + MAC_HEXLEN)
		goto forged;
	memcpy(branch, v->branch, BRANCH_LEN);
	branch[BRANCH_LEN] = '\0';
	host = below->received[0] != '\0' ? below->received : below->host;
	port = below->rport > 0 ? below->rport : below->port != 0 ?
	    below->port : SIP_PORT;
	mac_hex(branch_mac(branch, host, port), check, sizeof(check));
	/* In constant time: no check learned digit by digit. */
	for (i = 0; i < MAC_HEXLEN; i++)
		diff |= check[i] ^ v->branch[BRANCH_LEN + i];
	if (diff != 0 || (t = strchr(TR_CHARS, branch[BRANCH_LEN - 5])) ==
	    NULL || *t == '\0')
		goto forged;
	*tr = t - TR_CHARS;
	switch (branch[BRANCH_LEN - 6]) {
	case 'i':
		*side = LEG_INSIDE;
		/* The listener it came in on; gone (a reload): not known. */
		memset(local, 0, sizeof(*local));
		ltag = strtoul(branch + BRANCH_LEN - 4, NULL, 16);
		(void)engine_listener_by_tag(ltag, local);
		return (1);
	case 'o':
		*side = LEG_OUTSIDE;
		return (1);
	}
 forged:
	sip_stats.responses_forged++;
	return (-1);
}

/*
 * The loop part of our branch (RFC 3261 16.6 step 8): a MAC of all that
 * decides where the request goes, as it arrived: Request-URI, Route
 * set, tags, Call-ID, CSeq number, and the Proxy-Require and
 * Proxy-Authorization meant for us. An ACK's leaves its To tag out, so
 * that the ACK for an error gets the INVITE's branch.
 */
static void
loop_part(char *buf, size_t len)
{
	static const enum sip_hdr_id	 ids[] = { SIP_HDR_ROUTE,
					    SIP_HDR_PROXY_REQUIRE,
					    SIP_HDR_PROXY_AUTHORIZATION };
	const char			*f[5];
	char				 ruri[SIP_MAX_URILEN], cseq[16];
	char				 prev[MAC_HEXLEN + 1], id[4];
	uint64_t			 h;
	size_t				 k;
	int				 i;

	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	snprintf(cseq, sizeof(cseq), "%u", msg.cseq);
	f[0] = ruri;
	f[1] = msg.from_tag;
	f[2] = msg.method == SIP_ACK ? "" : msg.to_tag;
	f[3] = sip_msg_callid(&msg);
	f[4] = cseq;
	h = mac_fields(&branch_key, 'L', f, 5);
	/* Each header chained on: their number is the packet's. */
	for (k = 0; k < nitems(ids); k++)
		for (i = sip_msg_hdr_find(&msg, ids[k], 0); i >= 0;
		    i = sip_msg_hdr_find(&msg, ids[k], i + 1)) {
			mac_hex(h, prev, sizeof(prev));
			snprintf(id, sizeof(id), "%d", ids[k]);
			f[0] = prev;
			f[1] = id;
			f[2] = sip_msg_hdr_value(&msg, i, NULL);
			h = mac_fields(&branch_key, 'L', f, 3);
		}
	mac_hex(h, buf, len);
}

/*
 * RFC 3261 16.3 step 4: a request with a Via of ours has been here
 * before. If the loop part in that Via is what the request gives now,
 * nothing that routes it has changed: it loops. If not, it spirals (a
 * provider sending a call between two of our phones back to us, with
 * another Request-URI) and goes on.
 */
static int
via_looped(const char *loop)
{
	struct sip_via	 v;
	size_t		 at = strlen(BRANCH_COOKIE) + MAC_HEXLEN;
	int		 i;

	for (i = 0; i < SIP_MAX_VIAS && sip_msg_via(&msg, i, &v) == 0; i++)
		if (host_ours(v.host, v.port) &&
		    strlen(v.branch) == BRANCH_LEN + MAC_HEXLEN &&
		    strncmp(v.branch, BRANCH_COOKIE,
		    strlen(BRANCH_COOKIE)) == 0 &&
		    memcmp(v.branch + at, loop, MAC_HEXLEN) == 0)
			return (1);
	return (0);
}

/*
 * Loose routing (RFC 3261 16.4): the Route entries naming us go, both
 * of a double Record-Route, the last one's transport kept; the first
 * that is not ours, if any, is the next hop.
 */
static int
routes_pop(struct hop *hop)
{
	struct sip_addr	 a;
	struct sip_uri	 u;
	int		 idx, hdr, elem;

	for (idx = 0; idx < SIP_MAX_ELEMS * 4; idx++) {
		if (sip_msg_list_get(&msg, SIP_HDR_ROUTE, idx, &a, &hdr,
		    &elem) == -1)
			return (idx < sip_msg_list_count(&msg, SIP_HDR_ROUTE) ?
			    -1 : 0);
		if (sip_uri_parse(a.uri, strlen(a.uri), &u) == -1 ||
		    u.scheme == SIP_URI_TEL)
			return (-1);
		if (!host_ours(u.host, u.port)) {
			strlcpy(hop->host, u.host, sizeof(hop->host));
			hop->port = u.port;
			hop->tr = uri_transport(&u);
			return (0);
		}
		hop->route_tr = uri_transport(&u);
		if (sip_edit_elem(&msg, hdr, elem, NULL) == -1)
			return (-1);
	}
	return (0);
}

/*
 * RFC 5658 double record-routing: the entry facing the receiver on top,
 * the one facing the sender under it, so that each side's route set
 * starts with our address on its side, with the transport of that side.
 */
static int
record_route(struct req *r, struct engine_listener *to, int tr)
{
	int	 at;

	if ((at = msg.hdr_first[SIP_HDR_RECORD_ROUTE]) < 0)
		at = 0;
	if (record_route_one(at, to, tr) == -1)
		return (-1);
	if (to == r->el && tr == r->tr)
		return (0);
	return (record_route_one(at, r->el, r->tr));
}

static int
record_route_one(int at, struct engine_listener *el, int tr)
{
	struct sockaddr_storage	 ss;
	char			 hp[ADDRSTR_LEN], val[ADDRSTR_LEN + 48];

	engine_advertised(el, &ss);
	sa_hostport(&ss, hp, sizeof(hp));
	snprintf(val, sizeof(val), "<sip:%s%s%s;lr;r2=on>", hp,
	    tr != SIP_TR_UDP ? ";transport=" : "",
	    tr != SIP_TR_UDP ? transport_str(tr) : "");
	return (sip_edit_insert(&msg, at, "Record-Route", val));
}

/*
 * Each Contact of a phone's message is given the outside address, and
 * the transport the outside reaches us over, so that what comes back for
 * it reaches us. In a REGISTER each binding is recorded as pending in the
 * registrar too.
 */
static int
contacts_masquerade(struct engine_listener *to, int tr, struct req *r,
    int reg)
{
	struct sockaddr_storage	 ss;
	struct sip_addr		 a;
	char			 host[INET6_ADDRSTRLEN + 2], hp[SIP_MAX_URILEN];
	char			 masq[SIP_MAX_URILEN], elem[SIP_MAX_HDRLEN];
	char			 params[SIP_MAX_PARAMS];
	uint16_t		 port;
	int			 idx, hdr, el;

	if (to == NULL)
		return (-1);
	engine_advertised(to, &ss);
	strlcpy(host, addr_str((struct sockaddr *)&ss, 0), sizeof(host));
	port = sa_port(&ss);
	for (idx = 0; sip_msg_list_get(&msg, SIP_HDR_CONTACT, idx, &a, &hdr,
	    &el) == 0; idx++) {
		if (a.star)
			continue;
		if (sip_uri_set_hostport(a.uri, strlen(a.uri), host, port,
		    hp, sizeof(hp)) == -1 ||
		    sip_uri_set_transport(hp, strlen(hp), tr != SIP_TR_UDP ?
		    transport_str(tr) : NULL, masq, sizeof(masq)) == -1)
			continue;	/* tel: or odd: not ours to change */
		/* `registration max expires` holds for the registrar too. */
		if (!reg)
			strlcpy(params, a.params, sizeof(params));
		else if (bindings_cap_params(a.params, params,
		    sizeof(params)) == -1)
			return (-1);
		if (snprintf(elem, sizeof(elem), "%s%s<%s>%s", a.display,
		    a.display[0] != '\0' ? " " : "", masq, params) >=
		    (int)sizeof(elem) || sip_edit_elem(&msg, hdr, el, elem) == -1)
			return (-1);
		if (reg && r->aor[0] != '\0')
			bindings_pending(r->aor, a.uri, masq, params, &msg,
			    &r->src, r->tr, &r->el->cl.ss);
	}
	return (0);
}

/*
 * A phone's REGISTER: its Contacts checked, then its address of record,
 * without parameters, for the bindings contacts_masquerade() records.
 */
static enum verdict
register_request(struct req *r)
{
	struct sip_addr	 to, a;
	struct sip_uri	 u;
	unsigned int	 n, nsrc;
	int		 idx;

	if (register_contacts(r) == -1)
		return (DONE);
	r->aor[0] = '\0';
	if (sip_msg_to(&msg, &to) == -1 ||
	    sip_uri_parse(to.uri, strlen(to.uri), &u) == -1)
		return (GO);
	aor_of(&u, r->aor, sizeof(r->aor));
	/*
	 * The bindings it adds must fit: refused now, not lost later. Those
	 * new to its source (moved from another one too) count against
	 * what one source may hold, so that no host fills the table.
	 */
	for (idx = 0, n = 0, nsrc = 0; sip_msg_list_get(&msg, SIP_HDR_CONTACT,
	    idx, &a, NULL, NULL) == 0; idx++) {
		if (a.star)
			continue;
		if (!bindings_known(r->aor, a.uri))
			n++;
		nsrc += bindings_source_new(r->aor, a.uri, &r->src);
	}
	if (nsrc > 0 && bindings_source_held(&r->src) + nsrc >
	    engine_global()->limit_regs) {
		sip_stats.limit_registrations++;
		log_refusal(r, "too many registrations from one source");
		reply_extra(r, 503,
		    "Service Unavailable - Too many registrations", LIMIT_RETRY);
		return (DONE);
	}
	if (n > bindings_free())
		return (table_full(r, &sip_stats.full_registrations,
		    "registration table full"));
	bindings_request(r->aor, &msg);
	if (bindings_cap_header(&msg, 1) == -1) {
		reply(r, 500, "Server Internal Error - Message too long");
		return (DONE);
	}
	return (GO);
}

/* Each Contact of a REGISTER one we may route to, else answered: -1. */
static int
register_contacts(struct req *r)
{
	struct sip_addr	 a;
	const char	*why;
	int		 idx, status;

	for (idx = 0; sip_msg_list_get(&msg, SIP_HDR_CONTACT, idx, &a, NULL,
	    NULL) == 0; idx++) {
		if ((status = register_contact_check(&a, r->tr, &r->src,
		    &why)) == 0)
			continue;
		sip_stats.refused_contacts++;
		log_refusal(r, why);
		reply(r, status, why);
		return (-1);
	}
	return (0);
}

/*
 * A Contact a phone may register: a sip: URI, or a sips: one over TLS
 * (tr; sips: elsewhere could never be reached as it asks; a tel: or
 * other URI names no host to reach) whose host, when it is an address,
 * is the one the REGISTER came from (not with the port of one of our
 * sockets), or else neither one of our own addresses nor loopback,
 * unspecified or multicast. What comes for the phone later would
 * otherwise loop into us or reach a service on this host. A host name
 * is not resolved: what comes for the phone goes to where its REGISTER
 * came from. Returns 0, or the status to answer with *why.
 */
static int
register_contact_check(const struct sip_addr *a, int tr,
    const struct sockaddr_storage *src, const char **why)
{
	struct sockaddr_storage	 ss;
	struct sip_uri		 u;

	if (a->star)
		return (0);
	*why = "Bad Request - Malformed Contact";
	if (sip_uri_parse(a->uri, strlen(a->uri), &u) == -1)
		return (strncasecmp(a->uri, "sip:", 4) == 0 ||
		    strncasecmp(a->uri, "sips:", 5) == 0 ? 400 : 403);
	*why = "Forbidden - Contact scheme not routable";
	if (u.scheme != SIP_URI_SIP &&
	    (u.scheme != SIP_URI_SIPS || tr != SIP_TR_TLS))
		return (403);
	if (sa_from_host(AF_UNSPEC, u.host, u.port != 0 ? u.port :
	    u.scheme == SIP_URI_SIPS ? SIPS_PORT : SIP_PORT, &ss) == -1)
		return (0);
	*why = "Forbidden - Contact names this proxy";
	if (engine_is_ours(&ss))
		return (403);
	if (sa_cmp_host(&ss, src) == 0)
		return (0);
	if (engine_is_our_host(&ss))
		return (403);
	*why = "Forbidden - Contact address not routable";
	if (addr_special(&ss))
		return (403);
	return (0);
}

/* Loopback, unspecified or multicast, IPv4-mapped ones too. */
static int
addr_special(const struct sockaddr_storage *ss)
{
	const struct in6_addr	*a6;
	uint32_t		 a4;

	if ((a6 = sa_in6(ss)) != NULL && (IN6_IS_ADDR_LOOPBACK(a6) ||
	    IN6_IS_ADDR_UNSPECIFIED(a6) || IN6_IS_ADDR_MULTICAST(a6)))
		return (1);
	if (!sa_v4(ss, &a4))
		return (0);
	return ((a4 >> 24) == 127 || a4 == INADDR_ANY ||
	    IN_MULTICAST(a4) || a4 == INADDR_BROADCAST);
}

/*
 * An address of record: scheme, user and host, no port or parameters,
 * an IPv6 host in brackets; "" if it does not fit. buf may be the text
 * u was parsed from.
 */
static void
aor_of(const struct sip_uri *u, char *buf, size_t len)
{
	char	 tmp[SIP_MAX_URILEN];

	if (sip_uri_aor(u, tmp, sizeof(tmp)) == -1 ||
	    strlcpy(buf, tmp, len) >= len)
		buf[0] = '\0';
}

/*
 * The registrar's answer: on 2xx, each binding that is one of ours gets
 * its granted expiry and the phone's own contact back.
 */
static void
register_response(void)
{
	struct sip_addr	 a;
	struct sip_uri	 u;
	struct reg	*g;
	char		 val[32], elem[SIP_MAX_HDRLEN];
	char		 params[SIP_MAX_PARAMS];
	long long	 expires;
	int		 idx, hdr, el;

	if (msg.status < 200 || msg.status >= 300)
		return;
	/* What the phone is granted: `registration max expires` at most. */
	bindings_cap_header(&msg, 0);
	for (idx = 0; sip_msg_list_get(&msg, SIP_HDR_CONTACT, idx, &a, &hdr,
	    &el) == 0; idx++) {
		if (a.star || sip_uri_parse(a.uri, strlen(a.uri), &u) == -1 ||
		    u.scheme == SIP_URI_TEL || !host_ours(u.host, u.port))
			continue;
		if ((g = bindings_pending_find(sip_msg_callid(&msg),
		    u.user)) == NULL)
			continue;
		if (bindings_cap_params(a.params, params,
		    sizeof(params)) == -1)
			strlcpy(params, a.params, sizeof(params));
		/* Kept as long as the phone is told (capped). */
		expires = msg.expires;
		if (sip_param_get(params, strlen(params), "expires", val,
		    sizeof(val)) == 1)
			expires = strtonum(val, 0, INT32_MAX, NULL);
		/* The phone's contact back, before confirm may free g. */
		if (snprintf(elem, sizeof(elem), "%s%s<%s>%s", a.display,
		    a.display[0] != '\0' ? " " : "", g->se.contact, params) <
		    (int)sizeof(elem))
			sip_edit_elem(&msg, hdr, el, elem);
		bindings_confirm(g, expires);
	}
	bindings_response_done(sip_msg_callid(&msg));
}

/*
 * The hop to a phone: where its SIP came from, over the transport it
 * came over. Over a stream that is the connection it registered or
 * called on (RFC 5626 flows); when that is gone, a new one to the port
 * of its contact, only at the address its SIP came from. Else it cannot
 * be reached now: 480.
 */
static enum verdict
phone_hop(struct req *r, struct hop *hop, int tr,
    const struct sockaddr_storage *src, const char *contact,
    const struct sockaddr_storage *local)
{
	struct engine_listener	*el;
	struct sockaddr_storage	 ss;
	struct sip_uri		 u;

	hop->side = LEG_INSIDE;
	hop->tr = tr;
	hop->ss = *src;
	/* The LAN of the phone: its listener, else the nearest one. */
	hop->local = *local;
	if (local->ss_family == AF_UNSPEC &&
	    (el = engine_listener_at(LEG_INSIDE, tr, local, src)) != NULL)
		hop->local = el->cl.ss;
	if (tr == SIP_TR_UDP || conn_find(LEG_INSIDE, tr, src) != NULL)
		return (GO);
	if (sip_uri_parse(contact, strlen(contact), &u) == 0 &&
	    u.scheme != SIP_URI_TEL && sa_from_host(src->ss_family, u.host,
	    u.port != 0 ? u.port : tr == SIP_TR_TLS ? SIPS_PORT : SIP_PORT,
	    &ss) == 0 &&
	    sa_cmp_host(&ss, src) == 0) {
		hop->ss = ss;
		return (GO);
	}
	log_debug("%s: no connection to the phone at %s",
	    sip_msg_callid(&msg), addr_str((const struct sockaddr *)src, 1));
	reply(r, 480, "Temporarily Unavailable - No connection");
	return (DONE);
}

/* The transport a URI asks for (RFC 3263 4.1, no NAPTR). */
static int
uri_transport(const struct sip_uri *u)
{
	char	 tr[16];

	if (u->scheme == SIP_URI_SIPS)
		return (SIP_TR_TLS);
	if (sip_uri_param(u, "transport", tr, sizeof(tr)) != 1)
		return (SIP_TR_UDP);
	if (strcasecmp(tr, "tcp") == 0)
		return (SIP_TR_TCP);
	if (strcasecmp(tr, "tls") == 0)
		return (SIP_TR_TLS);
	return (SIP_TR_UDP);
}

int
proxy_uri_transport(const char *uri)
{
	struct sip_uri	 u;

	if (sip_uri_parse(uri, strlen(uri), &u) == -1)
		return (SIP_TR_UDP);
	return (uri_transport(&u));
}

/* The transport as a Via writes it. */
static const char *
via_transport(int tr)
{
	switch (tr) {
	case SIP_TR_TCP:
		return ("TCP");
	case SIP_TR_TLS:
		return ("TLS");
	}
	return ("UDP");
}

/*
 * RFC 5923: a request over a connection whose top Via asks for ;alias
 * makes the connection the way to its sent-by, an address it must own
 * (conn_alias()).
 */
static void
via_alias(struct req *r)
{
	struct sockaddr_storage	 ss;

	if (sip_param_get(msg.via.params, strlen(msg.via.params), "alias",
	    NULL, 0) < 0 || sa_from_host(r->src.ss_family, msg.via.host,
	    msg.via.port != 0 ? msg.via.port : SIP_PORT, &ss) == -1)
		return;
	conn_alias(r->conn, &ss);
}

/* Is host:port (port 0: 5060) one of our SIP addresses? */
static int
host_ours(const char *host, uint16_t port)
{
	struct sockaddr_storage	 ss;

	if (sa_from_host(AF_UNSPEC, host, port != 0 ? port : SIP_PORT,
	    &ss) == -1)
		return (0);
	return (engine_is_ours(&ss));
}
