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
 * The JSON back end, for firewall GUIs and scripts: one JSON object per
 * command on stdout.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "json.h"

static struct ctl_summary	 jsummary;

static void	 json_head(struct parse_result *);
static void	 json_summary(struct ctl_summary *);
static void	 json_listener(struct ctl_listener *);
static void	 json_registration(struct binding *);
static void	 json_call(struct ctl_call *);
static void	 json_rtp(struct ctl_rtp_stream *);
static void	 json_stats(struct ctl_stats *);
static void	 json_conn(struct ctl_sip_conn *);
static void	 json_user(struct ctl_user *);
static void	 json_ban(struct ctl_ban *);
static void	 json_call_ended(struct ctl_call_ended *);
static void	 json_result(struct ctl_result *);
static int	 json_monitor(struct ctl_monitor *);
static int	 json_tail(struct parse_result *);

const struct output json_output = {
	.head = json_head,
	.summary = json_summary,
	.listener = json_listener,
	.registration = json_registration,
	.call = json_call,
	.rtp = json_rtp,
	.stats = json_stats,
	.conn = json_conn,
	.user = json_user,
	.ban = json_ban,
	.call_ended = json_call_ended,
	.result = json_result,
	.monitor = json_monitor,
	.tail = json_tail
};

static void
json_head(struct parse_result *res)
{
	json_do_start(stdout);
	switch (res->action) {
	case SHOW_REGISTRATIONS:
		json_do_array("registrations");
		break;
	case SHOW_CALLS:
		json_do_array("calls");
		break;
	case SHOW_RTP:
		json_do_array("streams");
		break;
	case SHOW_CONNECTIONS:
		json_do_array("connections");
		break;
	case SHOW_USERS:
		json_do_array("users");
		break;
	case SHOW_BANS:
		json_do_array("bans");
		break;
	case SHOW_CALLS_ENDED:
		json_do_array("calls_ended");
		break;
	default:
		break;
	}
}

/*
 * The daemon writes "addr:port" or "[addr]:port"; split that into its
 * parts. Text of another form is passed on whole, with port 0.
 */
static void
split_addr(const char *text, char *addr, size_t addrlen, int *port)
{
	const char	*colon, *errstr;
	size_t		 len;
	int		 p;

	strlcpy(addr, text, addrlen);
	*port = 0;
	if ((colon = strrchr(text, ':')) == NULL)
		return;
	p = strtonum(colon + 1, 0, 65535, &errstr);
	if (errstr != NULL)
		return;
	if (text[0] == '[' && colon > text + 1 && colon[-1] == ']') {
		len = colon - text - 2;
		if (len >= addrlen)
			return;
		memcpy(addr, text + 1, len);
		addr[len] = '\0';
	} else if (text[0] != '[' && strchr(text, ':') == colon) {
		len = colon - text;
		if (len >= addrlen)
			return;
		memcpy(addr, text, len);
		addr[len] = '\0';
	} else
		return;
	*port = p;
}

static void
json_summary(struct ctl_summary *s)
{
	jsummary = *s;

	json_do_string("version", s->version);
	json_do_int("started", s->started);
	json_do_int("uptime", uptime(s->started));
	json_do_object("pids");
	json_do_int("parent", s->parent_pid);
	json_do_int("engine", s->engine_pid);
	json_do_int("relay", s->relay_pid);
	json_do_end();
	json_do_string("config", s->conffile);
	json_do_string("outside", s->outside);
	json_do_string("external", s->external);
	/* time_t of the outside address's last move, 0: never */
	json_do_int("outside_changed", s->outside_changed);
	json_do_int("external_changed", s->external_changed);
	/* The listeners follow; json_tail() closes the array. */
	json_do_array("listeners");
}

static void
json_listener(struct ctl_listener *l)
{
	char	addr[sizeof(l->addr)];
	int	port;

	split_addr(l->addr, addr, sizeof(addr), &port);
	json_do_object(NULL);
	json_do_string("address", addr);
	json_do_uint("port", port);
	json_do_string("proto", fmt_transport(l->transport));
	json_do_string("name", l->name);
	json_do_end();
}

static void
json_summary_tail(void)
{
	struct ctl_summary	*s = &jsummary;

	json_do_end();		/* listeners */
	json_do_uint("registrations", s->registrations);
	json_do_uint("calls", s->calls);
	json_do_object("rtp");
	json_do_uint("streams", s->rtp_streams);
	json_do_uint("ports_total", s->rtp_ports_total);
	json_do_uint("ports_free", s->rtp_ports_free);
	json_do_uint("port_low", s->rtp_port_lo);
	json_do_uint("port_high", s->rtp_port_hi);
	json_do_bool("relay", s->rtp_relay);
	json_do_end();
	json_do_int("verbose", s->verbose);
	json_do_string("log_verbose", s->log_classes);
	json_do_uint("reloads", s->reloads);
}

static void
json_registration(struct binding *r)
{
	json_do_object(NULL);
	json_do_string("aor", r->aor);
	json_do_string("contact", r->contact);
	json_do_string("masqueraded_contact", r->masq_contact);
	json_do_string("source", r->source);
	json_do_string("user_agent", r->user_agent);
	json_do_int("expires", expires_in(r));
	json_do_end();
}

static void
json_call(struct ctl_call *c)
{
	json_do_object(NULL);
	json_do_string("call_id", c->callid);
	json_do_string("from", c->from);
	json_do_string("to", c->to);
	json_do_string("direction", c->outgoing ? "outgoing" : "incoming");
	json_do_string("state", c->state);
	json_do_int("duration", c->duration);
	json_do_uint("inside_port", c->inside_port);
	json_do_uint("outside_port", c->outside_port);
	json_do_bool("relayed", c->relayed);
	json_do_end();
}

static void
json_rtp_leg(const char *name, struct ctl_rtp_leg *l)
{
	json_do_object(name);
	json_do_uint("port", l->port);
	json_do_string("peer", l->peer);
	json_do_bool("latched", l->latched);
	json_do_uint("packets", l->packets);
	json_do_uint("bytes", l->bytes);
	json_do_uint("dropped", l->dropped);
	json_do_uint("lost", l->lost);
	json_do_uint("jitter_us", l->jitter_us);
	json_do_end();
}

static void
json_rtp(struct ctl_rtp_stream *r)
{
	json_do_object(NULL);
	json_do_uint("id", r->id);
	json_do_string("call_id", r->callid);
	json_do_int("idle", r->idle);
	json_rtp_leg("inside", &r->inside);
	json_rtp_leg("outside", &r->outside);
	json_do_end();
}

static void
json_stats(struct ctl_stats *st)
{
	static const char	*methods[] = SIP_STAT_METHOD_NAMES;
	char			 class[16];
	int			 i;

	json_do_object("sip");
	json_do_uint("received", st->sip.received);
	json_do_uint("sent", st->sip.sent);
	json_do_uint("parse_errors", st->sip.parse_errors);
	json_do_uint("dropped", st->sip.dropped);
	json_do_uint("limit_calls", st->sip.limit_calls);
	json_do_uint("limit_streams", st->sip.limit_streams);
	json_do_uint("limit_media", st->sip.limit_media);
	json_do_uint("codecs_filtered", st->sip.codecs_filtered);
	json_do_uint("refused_contacts", st->sip.refused_contacts);
	json_do_uint("full_registrations", st->sip.full_registrations);
	json_do_uint("full_calls", st->sip.full_calls);
	json_do_uint("limit_registrations", st->sip.limit_registrations);
	json_do_uint("stun_requests", st->sip.stun_requests);
	json_do_uint("stun_answers", st->sip.stun_answers);
	json_do_uint("stun_unexpected", st->sip.stun_unexpected);
	json_do_uint("stun_malformed", st->sip.stun_malformed);
	json_do_uint("responses_forged", st->sip.responses_forged);
	json_do_object("connections");
	json_do_uint("accepted", st->sip.conn_accepted);
	json_do_uint("opened", st->sip.conn_connected);
	json_do_uint("refused", st->sip.conn_refused);
	json_do_uint("connect_failed", st->sip.conn_connect_failed);
	json_do_uint("connect_timeouts", st->sip.conn_connect_timeouts);
	json_do_uint("idle_closed", st->sip.conn_idle_closed);
	json_do_uint("abuse_closed", st->sip.conn_abuse_closed);
	json_do_end();
	json_do_uint("acl_denied", st->sip.acl_denied);
	json_do_uint("scanners", st->sip.scanners);
	json_do_uint("rate_limited", st->sip.rate_limited);
	json_do_uint("banned", st->sip.banned);
	json_do_uint("bans", st->sip.bans);
	json_do_uint("ban_evictions", st->sip.ban_evictions);
	json_do_uint("stealth", st->sip.stealth);
	json_do_uint("monitor_clients", st->sip.monitor_clients);
	json_do_uint("monitor_events", st->sip.monitor_events);
	json_do_uint("monitor_lost", st->sip.monitor_lost);
	json_do_object("requests");
	for (i = 0; i < SIP_STAT_METHODS; i++) {
		json_do_object(methods[i]);
		json_do_uint("in", st->sip.requests_in[i]);
		json_do_uint("out", st->sip.requests_out[i]);
		json_do_end();
	}
	json_do_end();
	json_do_object("responses");
	for (i = 1; i < SIP_STAT_CLASSES; i++) {
		snprintf(class, sizeof(class), "%dxx", i);
		json_do_object(class);
		json_do_uint("in", st->sip.responses_in[i]);
		json_do_uint("out", st->sip.responses_out[i]);
		json_do_end();
	}
	json_do_end();
	json_do_end();
	json_do_object("auth");
	json_do_uint("challenges", st->auth.challenges);
	json_do_uint("accepted", st->auth.accepted);
	json_do_uint("failed", st->auth.failed);
	json_do_uint("stale", st->auth.stale);
	json_do_uint("replayed", st->auth.replayed);
	json_do_uint("malformed", st->auth.malformed);
	json_do_uint("local_registrations", st->auth.local_registers);
	json_do_end();
	json_do_object("rtp");
	json_do_uint("streams_opened", st->rtp.streams_opened);
	json_do_uint("streams_timedout", st->rtp.streams_timedout);
	json_do_uint("packets", st->rtp.packets);
	json_do_uint("bytes", st->rtp.bytes);
	json_do_uint("dropped", st->rtp.dropped);
	json_do_uint("open_failures", st->rtp.open_failures);
	json_do_end();
}

static void
json_conn(struct ctl_sip_conn *c)
{
	char	addr[sizeof(c->peer)];
	int	port;

	json_do_object(NULL);
	json_do_uint("id", c->id);
	split_addr(c->peer, addr, sizeof(addr), &port);
	json_do_string("peer", addr);
	json_do_uint("peer_port", port);
	split_addr(c->local, addr, sizeof(addr), &port);
	json_do_string("local", addr);
	json_do_uint("local_port", port);
	json_do_string("transport", fmt_transport(c->transport));
	json_do_string("side", c->outside ? "outside" : "inside");
	json_do_string("direction", c->outgoing ? "outgoing" : "incoming");
	json_do_string("state", c->state);
	json_do_int("age", c->age);
	json_do_int("idle", c->idle);
	json_do_uint("bytes_in", c->bytes_in);
	json_do_uint("bytes_out", c->bytes_out);
	json_do_uint("queued", c->queued);
	json_do_end();
}

static void
json_user(struct ctl_user *u)
{
	json_do_object(NULL);
	json_do_string("name", u->name);
	json_do_int("last_auth", u->last_auth);
	json_do_string("last_source", u->last_source);
	json_do_uint("accepted", u->accepted);
	json_do_uint("failed", u->failed);
	json_do_int("last_failure", u->last_failure);
	json_do_end();
}

static void
json_ban(struct ctl_ban *b)
{
	json_do_object(NULL);
	json_do_string("source", b->source);
	json_do_string("reason", b->reason);
	json_do_int("since", b->since);
	json_do_int("remaining", b->remaining);
	json_do_uint("dropped", b->dropped);
	json_do_end();
}

static void
json_call_ended(struct ctl_call_ended *c)
{
	json_do_object(NULL);
	json_do_string("call_id", c->callid);
	json_do_string("from", c->from);
	json_do_string("to", c->to);
	json_do_string("direction", c->direction);
	json_do_string("codec", c->codec);
	json_do_int("started", c->started);
	json_do_int("duration", c->duration);
	json_do_object("inside");
	json_do_uint("packets", c->packets[LEG_INSIDE]);
	json_do_uint("lost", c->lost[LEG_INSIDE]);
	json_do_end();
	json_do_object("outside");
	json_do_uint("packets", c->packets[LEG_OUTSIDE]);
	json_do_uint("lost", c->lost[LEG_OUTSIDE]);
	json_do_end();
	json_do_string("cause", c->cause);
	json_do_end();
}

static void
json_result(struct ctl_result *cr)
{
	json_do_string("result", "ok");
	json_do_string("message", cr->msg);
}

/* sipctl -j monitor: one object per line, written as it comes. */
static int
json_monitor(struct ctl_monitor *ev)
{
	static const char	*types[] = { "sip", "call", "lost" };

	json_do_line(stdout);
	if (ev->type >= 0 && ev->type < (int)nitems(types))
		json_do_string("type", types[ev->type]);
	json_do_int("time", ev->time);
	json_do_uint("usec", ev->usec);
	switch (ev->type) {
	case MON_SIP:
		json_do_string("direction", ev->out ? "out" : "in");
		json_do_string("side", ev->outside ? "outside" : "inside");
		json_do_string("transport", fmt_transport(ev->transport));
		json_do_string("peer", ev->peer);
		if (ev->method[0] != '\0')
			json_do_string("method", ev->method);
		else
			json_do_int("status", ev->status);
		json_do_string("call_id", ev->callid);
		json_do_string("from", ev->from);
		json_do_string("to", ev->to);
		json_do_uint("cseq", ev->cseq);
		json_do_string("cseq_method", ev->cseq_method);
		break;
	case MON_CALL:
		json_do_string("event", fmt_mon_event(ev->event));
		json_do_string("direction", ev->out ? "outgoing" : "incoming");
		json_do_string("call_id", ev->callid);
		json_do_string("from", ev->from);
		json_do_string("to", ev->to);
		if (ev->cause[0] != '\0')
			json_do_string("cause", ev->cause);
		if (ev->event == MON_EV_MEDIA ||
		    ev->event == MON_EV_MEDIA_TIMEOUT) {
			json_do_uint("inside_port", ev->port[LEG_INSIDE]);
			json_do_uint("outside_port", ev->port[LEG_OUTSIDE]);
		}
		break;
	case MON_LOST:
		json_do_uint("lost", ev->lost);
		break;
	}
	return (json_do_finish());
}

static int
json_tail(struct parse_result *res)
{
	if (res->action == SHOW_SUMMARY)
		json_summary_tail();
	/* json_do_finish() closes whatever is still open. */
	return (json_do_finish());
}
