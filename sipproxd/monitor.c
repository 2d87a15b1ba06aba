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
 * What sipctl monitor sees, in the engine: a summary of each SIP message
 * in and out and the events of calls, sent to the monitor clients
 * (control.c) and, for SIP messages, logged as the debug lines of the
 * sip class. With neither listening nothing here is done.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"

static void	 mon_str(char *, size_t, const char *);
static void	 mon_user(char *, size_t, const char *);
static void	 mon_init(struct ctl_monitor *, int);
static void	 mon_log(const struct ctl_monitor *);

/* Whether anyone wants the events: a monitor client or the sip class. */
int
monitor_active(void)
{
	return (control_monitors() > 0 ||
	    (log_getverbose() & LOG_C_SIP) != 0);
}

/*
 * Network text for an event: each byte that is not printable ASCII, and
 * the backslash, as \xNN, so that the text is one line a terminal shows
 * as it is; cut where the next character would not fit.
 */
static void
mon_str(char *dst, size_t dstlen, const char *src)
{
	unsigned char	 ch;
	size_t		 o = 0;

	for (; *src != '\0'; src++) {
		ch = *src;
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = ch;
		} else {
			if (o + 4 >= dstlen)
				break;
			snprintf(dst + o, dstlen - o, "\\x%02x", ch);
			o += 4;
		}
	}
	dst[o] = '\0';
}

/*
 * The user part of a From or To URI: never its password, should the URI
 * carry one; "" when it has no user or is no URI of ours.
 */
static void
mon_user(char *dst, size_t dstlen, const char *uri)
{
	static struct sip_uri	 u;

	dst[0] = '\0';
	if (sip_uri_parse(uri, strlen(uri), &u) == 0)
		mon_str(dst, dstlen, u.user);
}

static void
mon_init(struct ctl_monitor *ev, int type)
{
	struct timespec	 ts;

	memset(ev, 0, sizeof(*ev));
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0) {
		ev->time = ts.tv_sec;
		ev->usec = ts.tv_nsec / 1000;
	}
	ev->type = type;
}

/*
 * A SIP message received (out 0) or sent (out 1) on side `side` over
 * transport tr, from or to peer; parsed already.
 */
void
monitor_msg(int out, int side, int tr, const struct sockaddr_storage *peer,
    const struct sip_msg *m)
{
	static struct sip_addr	 a;
	struct ctl_monitor	 ev;
	char			 method[SIP_MAX_TOKEN];

	if (!monitor_active())
		return;
	mon_init(&ev, MON_SIP);
	ev.out = out;
	ev.outside = side == LEG_OUTSIDE;
	ev.transport = tr;
	strlcpy(ev.peer, addr_str((const struct sockaddr *)peer, 1),
	    sizeof(ev.peer));
	if (m->request) {
		sip_msg_method_text(m, method, sizeof(method));
		mon_str(ev.method, sizeof(ev.method), method);
	} else
		ev.status = m->status;
	mon_str(ev.callid, sizeof(ev.callid), sip_msg_callid(m));
	if (sip_msg_from(m, &a) == 0)
		mon_user(ev.from, sizeof(ev.from), a.uri);
	if (sip_msg_to(m, &a) == 0)
		mon_user(ev.to, sizeof(ev.to), a.uri);
	ev.cseq = m->cseq;
	mon_str(ev.cseq_method, sizeof(ev.cseq_method), m->cseq_method_text);
	mon_log(&ev);
	if (control_monitors() > 0)
		control_monitor(&ev);
}

/* The same for a message we send, as its bytes. */
void
monitor_raw(int out, int side, int tr, const struct sockaddr_storage *peer,
    const char *buf, size_t len)
{
	static struct sip_msg	 m;

	if (!monitor_active())
		return;
	if (sip_msg_parse(&m, buf, len) == SIP_OK)
		monitor_msg(out, side, tr, peer, &m);
}

/* A call's event (MON_EV_*); cause: why it ended, else NULL. */
void
monitor_call(const struct call *c, int event, const char *cause,
    const uint16_t *ports)
{
	struct ctl_monitor	 ev;

	if (control_monitors() == 0)
		return;
	mon_init(&ev, MON_CALL);
	ev.event = event;
	ev.out = c->outgoing;
	mon_str(ev.callid, sizeof(ev.callid), c->callid);
	mon_user(ev.from, sizeof(ev.from), c->from);
	mon_user(ev.to, sizeof(ev.to), c->to);
	if (cause != NULL)
		mon_str(ev.cause, sizeof(ev.cause), cause);
	if (ports != NULL) {
		ev.port[LEG_INSIDE] = ports[LEG_INSIDE];
		ev.port[LEG_OUTSIDE] = ports[LEG_OUTSIDE];
	}
	control_monitor(&ev);
}

/* The sip class's debug line of a message: what monitor shows. */
static void
mon_log(const struct ctl_monitor *ev)
{
	char	 what[MON_WORD_LEN];

	if ((log_getverbose() & LOG_C_SIP) == 0)
		return;
	if (ev->method[0] != '\0')
		strlcpy(what, ev->method, sizeof(what));
	else
		snprintf(what, sizeof(what), "%d", ev->status);
	log_debug("sip %s %s %s %s %s from %s to %s cseq %u %s call-id %s",
	    ev->out ? "out" : "in", ev->outside ? "outside" : "inside",
	    transport_str(ev->transport), ev->peer, what, ev->from, ev->to,
	    ev->cseq, ev->cseq_method, ev->callid);
}
