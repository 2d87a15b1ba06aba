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
 * The text back end: aligned tables for humans. Table rows are kept until
 * the end so that every column is as wide as its widest cell; anything
 * that came from the network is passed through vis(3) first.
 */

#include <err.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vis.h>

#include "output.h"

#define TABLE_MAXCOLS	12
#define VIS_FLAGS	(VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL)

struct table {
	size_t		 ncols;
	const char	*head[TABLE_MAXCOLS];
	int		 right[TABLE_MAXCOLS];	/* numbers align right */
	char		**cells;		/* nrows * ncols */
	size_t		 nrows;
	size_t		 maxrows;
};

static struct table		 table;
static struct ctl_summary	 summary;
static unsigned int		 nlisteners;

static void	 table_init(const char *, ...);
static void	 table_row(const char *, ...);
static void	 table_print(void);
static char	*vis_dup(const char *);
static const char *fmt_u64(uint64_t);
static const char *fmt_port(uint16_t);

static void	 show_head(struct parse_result *);
static void	 show_summary(struct ctl_summary *);
static void	 show_listener(struct ctl_listener *);
static void	 show_registration(struct binding *);
static void	 show_call(struct ctl_call *);
static int	 show_monitor(struct ctl_monitor *);
static void	 show_rtp(struct ctl_rtp_stream *);
static void	 show_stats(struct ctl_stats *);
static void	 show_conn(struct ctl_sip_conn *);
static void	 show_user(struct ctl_user *);
static void	 show_ban(struct ctl_ban *);
static void	 show_call_ended(struct ctl_call_ended *);
static void	 show_result(struct ctl_result *);
static int	 show_tail(struct parse_result *);

const struct output show_output = {
	.head = show_head,
	.summary = show_summary,
	.listener = show_listener,
	.registration = show_registration,
	.call = show_call,
	.rtp = show_rtp,
	.stats = show_stats,
	.conn = show_conn,
	.user = show_user,
	.ban = show_ban,
	.call_ended = show_call_ended,
	.result = show_result,
	.monitor = show_monitor,
	.tail = show_tail
};

/* Seconds since start, never negative even if the clocks disagree. */
int64_t
uptime(int64_t started)
{
	time_t	now = time(NULL);

	if (started <= 0 || now <= started)
		return (0);
	return ((int64_t)now - started);
}

/* Seconds a registration has left, 0 once it ran out. */
int64_t
expires_in(const struct binding *b)
{
	time_t	now = time(NULL);

	if (b->expires_at <= now)
		return (0);
	return (b->expires_at - (int64_t)now);
}

/* "00:01:02" below a day, "2d03h04m05s" from there on. */
const char *
fmt_timeframe(int64_t t)
{
	static char	buf[64];
	int64_t		d, h, m, s;

	if (t < 0)
		t = 0;
	d = t / 86400;
	h = (t % 86400) / 3600;
	m = (t % 3600) / 60;
	s = t % 60;
	if (d == 0)
		snprintf(buf, sizeof(buf), "%02" PRId64 ":%02" PRId64
		    ":%02" PRId64, h, m, s);
	else
		snprintf(buf, sizeof(buf), "%" PRId64 "d%02" PRId64 "h%02"
		    PRId64 "m%02" PRId64 "s", d, h, m, s);
	return (buf);
}

const char *
fmt_proto(int proto)
{
	static char	buf[16];

	switch (proto) {
	case IPPROTO_UDP:
		return ("udp");
	case IPPROTO_TCP:
		return ("tcp");
	default:
		snprintf(buf, sizeof(buf), "proto-%d", proto);
		return (buf);
	}
}

const char *
fmt_transport(int tr)
{
	static char	buf[16];

	switch (tr) {
	case SIP_TR_UDP:
		return ("udp");
	case SIP_TR_TCP:
		return ("tcp");
	case SIP_TR_TLS:
		return ("tls");
	default:
		snprintf(buf, sizeof(buf), "transport-%d", tr);
		return (buf);
	}
}

static char *
vis_dup(const char *s)
{
	char	*v;

	if (s == NULL || *s == '\0')
		s = "-";
	if (stravis(&v, s, VIS_FLAGS) == -1)
		err(1, NULL);
	return (v);
}

static const char *
fmt_u64(uint64_t v)
{
	static char	buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return (buf);
}

static const char *
fmt_port(uint16_t port)
{
	static char	buf[8];

	if (port == 0)
		return ("-");
	snprintf(buf, sizeof(buf), "%u", port);
	return (buf);
}

/*
 * table_init("lrr", "Name", "Count", "Size") declares a table: one
 * character per column (l: left, r: right aligned), then the headers.
 */
static void
table_init(const char *align, ...)
{
	va_list	ap;
	size_t	i;

	memset(&table, 0, sizeof(table));
	table.ncols = strlen(align);
	if (table.ncols > TABLE_MAXCOLS)
		errx(1, "table_init: too many columns");
	va_start(ap, align);
	for (i = 0; i < table.ncols; i++) {
		table.head[i] = va_arg(ap, const char *);
		table.right[i] = align[i] == 'r';
	}
	va_end(ap);
}

/* Add a row of ncols strings; each is copied and made safe to print. */
static void
table_row(const char *first, ...)
{
	va_list	 ap;
	char	**cells;
	size_t	 i, newmax;

	if (table.nrows == table.maxrows) {
		newmax = table.maxrows == 0 ? 64 : table.maxrows * 2;
		if ((cells = recallocarray(table.cells,
		    table.maxrows * table.ncols, newmax * table.ncols,
		    sizeof(char *))) == NULL)
			err(1, NULL);
		table.cells = cells;
		table.maxrows = newmax;
	}
	cells = table.cells + table.nrows * table.ncols;
	va_start(ap, first);
	cells[0] = vis_dup(first);
	for (i = 1; i < table.ncols; i++)
		cells[i] = vis_dup(va_arg(ap, const char *));
	va_end(ap);
	table.nrows++;
}

static void
table_print(void)
{
	size_t	 width[TABLE_MAXCOLS];
	size_t	 r, c, len;
	char	*cell;

	for (c = 0; c < table.ncols; c++)
		width[c] = strlen(table.head[c]);
	for (r = 0; r < table.nrows; r++)
		for (c = 0; c < table.ncols; c++) {
			len = strlen(table.cells[r * table.ncols + c]);
			if (len > width[c])
				width[c] = len;
		}

	for (r = 0; r <= table.nrows; r++) {
		for (c = 0; c < table.ncols; c++) {
			cell = r == 0 ? (char *)table.head[c] :
			    table.cells[(r - 1) * table.ncols + c];
			if (c > 0)
				fputs("  ", stdout);
			if (c == table.ncols - 1 && !table.right[c])
				fputs(cell, stdout);
			else
				printf(table.right[c] ? "%*s" : "%-*s",
				    (int)width[c], cell);
		}
		putchar('\n');
	}

	for (r = 0; r < table.nrows * table.ncols; r++)
		free(table.cells[r]);
	free(table.cells);
	memset(&table, 0, sizeof(table));
}

static void
show_head(struct parse_result *res)
{
	switch (res->action) {
	case SHOW_REGISTRATIONS:
		table_init("lllllr", "AOR", "Contact", "Masqueraded contact",
		    "Source", "User agent", "Expires");
		break;
	case SHOW_CALLS:
		table_init("llllllrr", "Call-ID", "From", "To", "Dir",
		    "State", "Duration", "Inside", "Outside");
		break;
	case SHOW_RTP:
		table_init("rlrlrllrrrrr", "ID", "Call-ID", "Idle", "Leg",
		    "Port", "Peer", "Latched", "Packets", "Bytes", "Dropped",
		    "Lost", "Jitter");
		break;
	case SHOW_CONNECTIONS:
		table_init("rllllllrrrrr", "ID", "Peer", "Local", "Proto",
		    "Side", "Dir", "State", "Age", "Idle", "In", "Out",
		    "Queued");
		break;
	case SHOW_USERS:
		table_init("llrrl", "User", "Last authenticated", "OK",
		    "Failed", "From");
		break;
	case SHOW_BANS:
		table_init("llrrr", "Source", "Reason", "Age",
		    "Remaining", "Dropped");
		break;
	case SHOW_CALLS_ENDED:
		table_init("llllllrrrrrl", "Started", "Call-ID", "From", "To",
		    "Dir", "Codec", "Duration", "Packets in", "Lost in",
		    "Packets out", "Lost out", "Cause");
		break;
	default:
		break;
	}
}

static void
print_field(const char *label, const char *value)
{
	char	*v;

	v = vis_dup(value);
	printf("%-18s%s\n", label, v);
	free(v);
}

static void
show_summary(struct ctl_summary *s)
{
	char	buf[128];

	summary = *s;
	nlisteners = 0;

	print_field("Version:", s->version);
	print_field("Uptime:", fmt_timeframe(uptime(s->started)));
	snprintf(buf, sizeof(buf), "parent %ld, engine %ld, relay %ld",
	    (long)s->parent_pid, (long)s->engine_pid, (long)s->relay_pid);
	print_field("Processes:", buf);
	print_field("Config file:", s->conffile);
	print_field("Outside:", s->outside);
	print_field("External:", s->external);
	/* The outside interface's address moved (or a reload moved it). */
	if (s->outside_changed > 0) {
		snprintf(buf, sizeof(buf), "%s ago",
		    fmt_timeframe(uptime(s->outside_changed)));
		print_field("Outside changed:", buf);
	}
	/* The external address's name resolved to another address. */
	if (s->external_changed > 0) {
		snprintf(buf, sizeof(buf), "%s ago",
		    fmt_timeframe(uptime(s->external_changed)));
		print_field("External changed:", buf);
	}
}

static void
show_listener(struct ctl_listener *l)
{
	char	*addr, *name;

	addr = vis_dup(l->addr);
	if (l->name[0] != '\0') {
		name = vis_dup(l->name);
		printf("%-18s%s %s (%s)\n", "Listener:", addr,
		    fmt_transport(l->transport), name);
		free(name);
	} else
		printf("%-18s%s %s\n", "Listener:", addr,
		    fmt_transport(l->transport));
	free(addr);
	nlisteners++;
}

static void
show_summary_tail(void)
{
	struct ctl_summary	*s = &summary;
	char			 buf[128];

	if (nlisteners == 0)
		print_field("Listener:", "none");
	printf("%-18s%u\n", "Registrations:", s->registrations);
	printf("%-18s%u\n", "Calls:", s->calls);
	printf("%-18s%u\n", "RTP streams:", s->rtp_streams);
	snprintf(buf, sizeof(buf), "%u free of %u, range %u-%u",
	    s->rtp_ports_free, s->rtp_ports_total, s->rtp_port_lo,
	    s->rtp_port_hi);
	print_field("RTP ports:", buf);
	print_field("RTP relay:", s->rtp_relay ? "yes" : "no");
	if (s->verbose != 0)
		snprintf(buf, sizeof(buf), "verbose: %s", s->log_classes);
	else
		strlcpy(buf, "brief", sizeof(buf));
	print_field("Logging:", buf);
	printf("%-18s%u\n", "Reloads:", s->reloads);
}

static void
show_registration(struct binding *r)
{
	int64_t	 left = expires_in(r);

	table_row(r->aor, r->contact, r->masq_contact, r->source,
	    r->user_agent, left > 0 ? fmt_timeframe(left) : "expired");
}

static void
show_call(struct ctl_call *c)
{
	char	dur[64], in[8], out[8];

	strlcpy(dur, fmt_timeframe(c->duration), sizeof(dur));
	strlcpy(in, fmt_port(c->inside_port), sizeof(in));
	strlcpy(out, fmt_port(c->outside_port), sizeof(out));
	/* `rtp relay no`: the media goes between the parties themselves. */
	if (!c->relayed) {
		strlcpy(in, "direct", sizeof(in));
		strlcpy(out, "direct", sizeof(out));
	}
	table_row(c->callid, c->from, c->to, c->outgoing ? "out" : "in",
	    c->state, dur, in, out);
}

static void
show_rtp_leg(const char *id, const char *callid, const char *idle,
    const char *leg, struct ctl_rtp_leg *l)
{
	char	port[8], pkts[32], bytes[32], drop[32], lost[32], jit[32];

	strlcpy(port, fmt_port(l->port), sizeof(port));
	strlcpy(pkts, fmt_u64(l->packets), sizeof(pkts));
	strlcpy(bytes, fmt_u64(l->bytes), sizeof(bytes));
	strlcpy(drop, fmt_u64(l->dropped), sizeof(drop));
	strlcpy(lost, fmt_u64(l->lost), sizeof(lost));
	snprintf(jit, sizeof(jit), "%u.%01ums", l->jitter_us / 1000,
	    (l->jitter_us % 1000) / 100);
	table_row(id, callid, idle, leg, port, l->peer,
	    l->latched ? "yes" : "no", pkts, bytes, drop, lost, jit);
}

static void
show_rtp(struct ctl_rtp_stream *r)
{
	char	id[16], idle[64];

	snprintf(id, sizeof(id), "%u", r->id);
	strlcpy(idle, fmt_timeframe(r->idle), sizeof(idle));
	/* One line per leg; the second leaves the stream columns empty. */
	show_rtp_leg(id, r->callid, idle, "inside", &r->inside);
	show_rtp_leg(" ", " ", " ", "outside", &r->outside);
}

static void
show_conn(struct ctl_sip_conn *c)
{
	char	id[16], age[64], idle[64], in[32], out[32], queued[32];

	snprintf(id, sizeof(id), "%u", c->id);
	strlcpy(age, fmt_timeframe(c->age), sizeof(age));
	strlcpy(idle, fmt_timeframe(c->idle), sizeof(idle));
	strlcpy(in, fmt_u64(c->bytes_in), sizeof(in));
	strlcpy(out, fmt_u64(c->bytes_out), sizeof(out));
	strlcpy(queued, fmt_u64(c->queued), sizeof(queued));
	table_row(id, c->peer, c->local[0] != '\0' ? c->local : "-",
	    fmt_transport(c->transport), c->outside ? "outside" : "inside",
	    c->outgoing ? "out" : "in", c->state, age, idle, in, out, queued);
}

/* One line of show stats: a label and its count. */
static void
counter(const char *label, uint64_t n)
{
	printf("%-28s%" PRIu64 "\n", label, n);
}

static void
show_stats(struct ctl_stats *st)
{
	static const char	*methods[] = SIP_STAT_METHOD_NAMES;
	int			 i;

	counter("SIP messages received:", st->sip.received);
	counter("SIP messages sent:", st->sip.sent);
	counter("SIP parse errors:", st->sip.parse_errors);
	counter("SIP messages dropped:", st->sip.dropped);
	counter("Calls over source limit:", st->sip.limit_calls);
	counter("Streams over source limit:", st->sip.limit_streams);
	counter("Offers over stream limit:", st->sip.limit_media);
	counter("SDP codec-filtered:", st->sip.codecs_filtered);
	counter("REGISTER Contacts refused:", st->sip.refused_contacts);
	counter("Registration table full:", st->sip.full_registrations);
	counter("Call table full:", st->sip.full_calls);
	counter("Registrations over limit:", st->sip.limit_registrations);
	counter("STUN requests:", st->sip.stun_requests);
	counter("STUN answers taken:", st->sip.stun_answers);
	counter("STUN unexpected:", st->sip.stun_unexpected);
	counter("STUN malformed:", st->sip.stun_malformed);
	counter("SIP responses forged:", st->sip.responses_forged);
	counter("Connections accepted:", st->sip.conn_accepted);
	counter("Connections opened:", st->sip.conn_connected);
	counter("Connections refused:", st->sip.conn_refused);
	counter("Connects failed:", st->sip.conn_connect_failed);
	counter("Connects timed out:", st->sip.conn_connect_timeouts);
	counter("Connections closed, idle:", st->sip.conn_idle_closed);
	counter("Connections dropped, abuse:", st->sip.conn_abuse_closed);
	counter("Requests denied by rules:", st->sip.acl_denied);
	counter("Scanner requests dropped:", st->sip.scanners);
	counter("Requests over rate limit:", st->sip.rate_limited);
	counter("Messages of banned sources:", st->sip.banned);
	counter("Sources banned:", st->sip.bans);
	counter("Bans ended early:", st->sip.ban_evictions);
	counter("Answers kept from outside:", st->sip.stealth);
	counter("Monitor clients:", st->sip.monitor_clients);
	counter("Monitor events:", st->sip.monitor_events);
	counter("Monitor events lost:", st->sip.monitor_lost);
	printf("%-28s%10s%10s\n", "SIP requests:", "in", "out");
	for (i = 0; i < SIP_STAT_METHODS; i++)
		if (st->sip.requests_in[i] || st->sip.requests_out[i])
			printf("  %-26s%10" PRIu64 "%10" PRIu64 "\n",
			    methods[i], st->sip.requests_in[i],
			    st->sip.requests_out[i]);
	printf("%-28s%10s%10s\n", "SIP responses:", "in", "out");
	for (i = 1; i < SIP_STAT_CLASSES; i++)
		if (st->sip.responses_in[i] || st->sip.responses_out[i])
			printf("  %dxx%23s%10" PRIu64 "%10" PRIu64 "\n", i, "",
			    st->sip.responses_in[i], st->sip.responses_out[i]);
	counter("Auth challenges:", st->auth.challenges);
	counter("Auth accepted:", st->auth.accepted);
	counter("Auth failed:", st->auth.failed);
	counter("Auth stale nonces:", st->auth.stale);
	counter("Auth nonce counts replayed:", st->auth.replayed);
	counter("Auth malformed:", st->auth.malformed);
	counter("Local registrations:", st->auth.local_registers);
	counter("RTP streams opened:", st->rtp.streams_opened);
	counter("RTP streams timed out:", st->rtp.streams_timedout);
	counter("RTP stream open failures:", st->rtp.open_failures);
	counter("RTP packets relayed:", st->rtp.packets);
	counter("RTP bytes relayed:", st->rtp.bytes);
	counter("RTP packets dropped:", st->rtp.dropped);
}

/* A time of day, or "never"; the user's, not the network's, text. */
static const char *
fmt_when(int64_t t)
{
	static char	 buf[32];
	time_t		 tt = t;
	struct tm	*tm;

	if (t <= 0 || (tm = localtime(&tt)) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", tm) == 0)
		return ("never");
	return (buf);
}

static void
show_user(struct ctl_user *u)
{
	char	 ok[32], failed[32];

	strlcpy(ok, fmt_u64(u->accepted), sizeof(ok));
	strlcpy(failed, fmt_u64(u->failed), sizeof(failed));
	table_row(u->name, fmt_when(u->last_auth), ok, failed,
	    u->last_source);
}

/* In and out as the phone sees it: out is what it sent. */
static void
show_call_ended(struct ctl_call_ended *c)
{
	char	 dur[64], pin[32], lin[32], pout[32], lout[32];

	strlcpy(dur, fmt_timeframe(c->duration), sizeof(dur));
	strlcpy(pout, fmt_u64(c->packets[LEG_INSIDE]), sizeof(pout));
	strlcpy(lout, fmt_u64(c->lost[LEG_INSIDE]), sizeof(lout));
	strlcpy(pin, fmt_u64(c->packets[LEG_OUTSIDE]), sizeof(pin));
	strlcpy(lin, fmt_u64(c->lost[LEG_OUTSIDE]), sizeof(lin));
	table_row(fmt_when(c->started), c->callid, c->from, c->to,
	    c->direction, c->codec[0] != '\0' ? c->codec : "-", dur, pin,
	    lin, pout, lout, c->cause);
}

static void
show_ban(struct ctl_ban *b)
{
	char	since[64], left[64], dropped[32];

	strlcpy(since, fmt_timeframe(uptime(b->since)), sizeof(since));
	strlcpy(left, fmt_timeframe(b->remaining), sizeof(left));
	strlcpy(dropped, fmt_u64(b->dropped), sizeof(dropped));
	table_row(b->source, b->reason, since, left, dropped);
}

/* An event's time of day, to the millisecond. */
const char *
fmt_mon_time(const struct ctl_monitor *ev)
{
	static char	 buf[48];
	char		 hms[32];
	time_t		 t = ev->time;
	struct tm	*tm;

	if ((tm = localtime(&t)) == NULL ||
	    strftime(hms, sizeof(hms), "%H:%M:%S", tm) == 0)
		strlcpy(hms, "--:--:--", sizeof(hms));
	snprintf(buf, sizeof(buf), "%s.%03u", hms,
	    (ev->usec % 1000000) / 1000);
	return (buf);
}

const char *
fmt_mon_event(int event)
{
	static const char	*names[] = MON_EV_NAMES;

	if (event < 0 || event >= (int)nitems(names))
		return ("unknown");
	return (names[event]);
}

/*
 * sipctl monitor: a line per event, out as it comes (a pipe to grep
 * or a file must see each at once).
 */
static int
show_monitor(struct ctl_monitor *ev)
{
	const char	*t = fmt_mon_time(ev);

	switch (ev->type) {
	case MON_SIP:
		printf("%s %-3s %-7s %s %s ", t, ev->out ? "out" : "in",
		    ev->outside ? "outside" : "inside",
		    fmt_transport(ev->transport), ev->peer);
		if (ev->method[0] != '\0')
			printf("%s", ev->method);
		else
			printf("%d", ev->status);
		printf(" from %s to %s cseq %u %s call-id %s\n",
		    ev->from[0] != '\0' ? ev->from : "-",
		    ev->to[0] != '\0' ? ev->to : "-", ev->cseq,
		    ev->cseq_method, ev->callid);
		break;
	case MON_CALL:
		printf("%s call %s %s from %s to %s", t,
		    ev->out ? "outgoing" : "incoming",
		    fmt_mon_event(ev->event),
		    ev->from[0] != '\0' ? ev->from : "-",
		    ev->to[0] != '\0' ? ev->to : "-");
		if (ev->cause[0] != '\0')
			printf(" (%s)", ev->cause);
		if (ev->event == MON_EV_MEDIA ||
		    ev->event == MON_EV_MEDIA_TIMEOUT)
			printf(" ports %u/%u", ev->port[LEG_INSIDE],
			    ev->port[LEG_OUTSIDE]);
		printf(" call-id %s\n", ev->callid);
		break;
	case MON_LOST:
		printf("%s lost %" PRIu64 " events\n", t, ev->lost);
		break;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		return (-1);
	return (0);
}

static void
show_result(struct ctl_result *cr)
{
	char	*v;
	size_t	 len;

	if (cr->msg[0] == '\0')
		return;
	/* Keep the line structure of "file:line: message" lists. */
	if (stravis(&v, cr->msg, VIS_CSTYLE | VIS_OCTAL) == -1)
		err(1, NULL);
	len = strlen(v);
	printf("%s%s", v, len > 0 && v[len - 1] == '\n' ? "" : "\n");
	free(v);
}

static int
show_tail(struct parse_result *res)
{
	switch (res->action) {
	case SHOW_SUMMARY:
		show_summary_tail();
		break;
	case SHOW_REGISTRATIONS:
	case SHOW_CALLS:
	case SHOW_RTP:
	case SHOW_CONNECTIONS:
	case SHOW_USERS:
	case SHOW_BANS:
	case SHOW_CALLS_ENDED:
		table_print();
		break;
	default:
		break;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		return (-1);
	return (0);
}
