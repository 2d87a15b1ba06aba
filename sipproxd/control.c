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
 * The control socket, served in the SIP engine (the bgpd pattern): sipctl
 * requests are answered here, forwarded to the relay or to the parent,
 * and their answers come back by the connection's id.
 */

#define LOG_CLASS	LOG_C_CONTROL	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sandbox.h"

/*
 * The answers that are not streamed must fit in one client's queue: the
 * longest is show rtp, a message per relay stream.
 */
#if CTL_MAX_QUEUE <= RTP_STREAMS_MAX
#error "CTL_MAX_QUEUE holds less than show rtp's longest answer"
#endif

/*
 * show registrations and show calls are streamed: CTL_STREAM_BATCH
 * entries whenever the client's queue is down to CTL_STREAM_LOW, so
 * that a table of any size costs a client a bounded queue. A client
 * whose answer did not move for CTL_STALL_MAX seconds does not read:
 * it is dropped (sipctl itself gives up after as long).
 */
#define CTL_STREAM_BATCH	64
#define CTL_STREAM_LOW		64
#define CTL_STALL_MAX		5

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	uint32_t		 id;
	int			 busy;	/* its dispatcher is running */
	int			 dead;	/* dropped, the struct not yet freed */
	uint32_t		 streaming;	/* the answer being sent, 0: none */
	struct ctl_cursor	 cursor;	/* ... where it goes on */
	time_t			 moved;		/* it last went on */
	int			 monitor;	/* sipctl monitor */
	uint64_t		 lost;		/* ... events it missed */
	struct imsgev		 iev;
};

static void		 control_accept(int, short, void *);
static void		 control_dispatch(int, short, void *);
static void		 control_request(struct ctl_conn *, struct imsg *);
static struct ctl_conn	*control_find(uint32_t);
static void		 control_drop(struct ctl_conn *);
static void		 control_stream(struct ctl_conn *);
static void		 control_events(struct ctl_conn *);
static void		 control_monitor_start(struct ctl_conn *);
static int		 control_monitor_lost(struct ctl_conn *);

static TAILQ_HEAD(, ctl_conn)	 ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);
static unsigned int		 ctl_nconns;
static unsigned int		 ctl_nmonitors;
static uint32_t			 ctl_lastid;
static struct event		 ctl_ev;
static int			 ctl_fd = -1;

void
control_listen(int fd)
{
	if (ctl_fd != -1)
		fatalx("control socket received twice");
	ctl_fd = fd;
	sandbox_limit_fd(fd, SANDBOX_FD_CONTROL);
	event_set(&ctl_ev, fd, EV_READ | EV_PERSIST, control_accept, NULL);
	event_add(&ctl_ev, NULL);
}

void
control_close(void)
{
	struct ctl_conn	*c;

	while ((c = TAILQ_FIRST(&ctl_conns)) != NULL)
		control_drop(c);
	if (ctl_fd != -1) {
		event_del(&ctl_ev);
		close(ctl_fd);
		ctl_fd = -1;
	}
}

static void
control_accept(int fd, short event, void *arg)
{
	struct ctl_conn	*c;
	uid_t		 uid;
	gid_t		 gid;
	int		 s;

	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control accept");
		return;
	}
	/* The socket is root's, mode 0660: root and its group may talk. */
	if (getpeereid(s, &uid, &gid) == -1 || (uid != 0 && gid != 0)) {
		log_warnx("control: refused connection from uid %d",
		    (int)uid);
		close(s);
		return;
	}
	if (ctl_nconns >= CTL_MAX_CLIENTS) {
		log_warnx("control: too many clients");
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control");
		close(s);
		return;
	}
	/* Ids are never 0, which means "nobody waits" elsewhere. */
	if (++ctl_lastid == 0)
		ctl_lastid = 1;
	c->id = ctl_lastid;
	imsgev_init(&c->iev, s, control_dispatch, c);
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	ctl_nconns++;
}

static struct ctl_conn *
control_find(uint32_t id)
{
	struct ctl_conn	*c;

	TAILQ_FOREACH(c, &ctl_conns, entry)
		if (c->id == id)
			return (c);
	return (NULL);
}

/*
 * A client is dropped at once: it leaves the list (no answer finds it),
 * its socket and queue go. An answer being composed inside its own
 * dispatcher (show calls, show registrations) may drop it there, so
 * the dispatcher, still holding it, frees it on its way out.
 */
static void
control_drop(struct ctl_conn *c)
{
	if (c->dead)
		return;
#ifdef SIPPROXD_REGRESS
	rtptest_drop(c->id);
#endif
	TAILQ_REMOVE(&ctl_conns, c, entry);
	ctl_nconns--;
	if (c->monitor)
		ctl_nmonitors--;
	imsgev_clear(&c->iev);
	c->dead = 1;
	if (!c->busy)
		free(c);
}

static void
control_dispatch(int fd, short event, void *arg)
{
	struct imsgev	*iev = arg;
	struct ctl_conn	*c = iev->data;
	struct imsg	 imsg;
	ssize_t		 n;

	c->busy = 1;
	if (imsgev_io(&c->iev, event) == -1)
		control_drop(c);
	if (!c->dead && (event & EV_WRITE))
		c->moved = time(NULL);
	/* No request is taken while an answer is being streamed. */
	if (!c->dead && c->streaming)
		control_stream(c);
	while (!c->dead && !c->streaming) {
		if ((n = imsg_get(&c->iev.ibuf, &imsg)) == -1) {
			/* A client's garbage ends its connection only. */
			log_warnx("control: bad message, dropping client");
			control_drop(c);
			break;
		}
		if (n == 0)
			break;
		control_request(c, &imsg);
		imsg_free(&imsg);
	}
	if (!c->dead)
		control_events(c);
	c->busy = 0;
	if (c->dead)
		free(c);
}

/*
 * What the client's event waits for: while an answer is streamed, only
 * for its queue to drain (the requests it sends meanwhile wait in the
 * socket); else for requests, and to write what is queued.
 */
static void
control_events(struct ctl_conn *c)
{
	struct imsgev	*iev = &c->iev;

	if (!c->streaming) {
		imsgev_add(iev);
		return;
	}
	iev->events = EV_WRITE;
	event_del(&iev->ev);
	event_set(&iev->ev, iev->ibuf.fd, iev->events, iev->cb, iev);
	event_add(&iev->ev, NULL);
}

/*
 * The next parts of a streamed answer, while the client's queue is
 * short; a part that ends the answer ends the streaming.
 */
static void
control_stream(struct ctl_conn *c)
{
	int	 done = 0;

	while (!done && !c->dead &&
	    imsgbuf_queuelen(&c->iev.ibuf) < CTL_STREAM_LOW) {
		if (c->streaming == IMSG_CTL_SHOW_REGISTRATIONS)
			done = bindings_show(c->id, &c->cursor,
			    CTL_STREAM_BATCH);
		else
			done = call_show(c->id, &c->cursor, CTL_STREAM_BATCH);
	}
	if (done)
		c->streaming = 0;
}

/* Once a second: a client whose answer does not move is dropped. */
void
control_tick(time_t now)
{
	struct ctl_conn	*c, *next;

	TAILQ_FOREACH_SAFE(c, &ctl_conns, entry, next) {
		/* A monitor that caught up hears what it missed. */
		if (c->monitor && control_monitor_lost(c) == -1)
			continue;
		if (!c->streaming || now - c->moved < CTL_STALL_MAX)
			continue;
		log_warnx("control: client does not read, dropping it");
		control_drop(c);
	}
}

static void
control_request(struct ctl_conn *c, struct imsg *imsg)
{
	char	 msg[CTL_MSG_LEN];
	int	 verbose;

	/*
	 * A monitor's queue is the events': an answer streamed into it
	 * would wait behind them, or take their place.
	 */
	if (c->monitor) {
		control_result(c->id, 1, "a monitor takes no other request");
		return;
	}
	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_SHOW_SUMMARY:
	case IMSG_CTL_SHOW_RTP:
	case IMSG_CTL_SHOW_STATS:
		/* The relay answers first, we complete the answer. */
		engine_to_relay(imsg_get_type(imsg), c->id, NULL, 0);
		break;
	case IMSG_CTL_SHOW_REGISTRATIONS:
	case IMSG_CTL_SHOW_CALLS:
		c->streaming = imsg_get_type(imsg);
		memset(&c->cursor, 0, sizeof(c->cursor));
		c->moved = time(NULL);
		control_stream(c);
		break;
	case IMSG_CTL_SHOW_CONNECTIONS:
		conn_show(c->id);
		break;
	case IMSG_CTL_SHOW_USERS:
		auth_show(c->id);
		break;
	case IMSG_CTL_SHOW_BANS:
		ban_show(c->id);
		break;
	case IMSG_CTL_UNBAN:
		ban_lift(c->id, imsg);
		break;
	case IMSG_CTL_SHOW_CALLS_ENDED:
		calllog_show(c->id);
		break;
	case IMSG_CTL_RELOAD:
		engine_to_parent(IMSG_CTL_RELOAD, c->id, NULL, 0);
		break;
	case IMSG_CTL_MONITOR:
		control_monitor_start(c);
		break;
	case IMSG_CTL_LOG_VERBOSE:
		if (imsg_get_data(imsg, &verbose, sizeof(verbose)) == -1 ||
		    verbose < 0 || verbose > LOG_VERBOSE_MAX) {
			control_result(c->id, 1, "bad log classes");
			break;
		}
		log_setverbose(verbose);
		engine_to_parent(IMSG_CTL_LOG_VERBOSE, 0, &verbose,
		    sizeof(verbose));
		engine_to_relay(IMSG_CTL_LOG_VERBOSE, 0, &verbose,
		    sizeof(verbose));
		if (verbose != 0)
			snprintf(msg, sizeof(msg), "logging verbose: %s",
			    log_classes_str(verbose));
		else
			strlcpy(msg, "logging brief", sizeof(msg));
		log_info("%s", msg);
		control_result(c->id, 0, msg);
		break;
#ifdef SIPPROXD_REGRESS
	case IMSG_RTP_OPEN:
	case IMSG_RTP_UPDATE:
	case IMSG_RTP_CLOSE:
		rtptest_request(c->id, imsg);
		break;
#endif
	default:
		control_result(c->id, 1, "unknown request");
		break;
	}
}

/*
 * sipctl monitor: from now on the client gets the events, until it
 * goes; only so many clients at once.
 */
static void
control_monitor_start(struct ctl_conn *c)
{
	char	 msg[CTL_MSG_LEN];

	if (ctl_nmonitors >= MON_CLIENTS_MAX) {
		log_warnx("control: monitor refused, %d clients already",
		    MON_CLIENTS_MAX);
		snprintf(msg, sizeof(msg), "too many monitor clients: "
		    "%d already", MON_CLIENTS_MAX);
		control_result(c->id, 1, msg);
		return;
	}
	c->monitor = 1;
	ctl_nmonitors++;
	log_debug("control: client %u monitors", c->id);
}

unsigned int
control_monitors(void)
{
	return (ctl_nmonitors);
}

/*
 * The events a monitor client missed, once it has room for the notice:
 * 0 when it has room for more, 1 when not, -1 when it was dropped.
 */
static int
control_monitor_lost(struct ctl_conn *c)
{
	struct ctl_monitor	 ev;
	struct timespec		 ts;

	if (imsgbuf_queuelen(&c->iev.ibuf) >= MON_QUEUE_MAX)
		return (1);
	if (c->lost == 0)
		return (0);
	memset(&ev, 0, sizeof(ev));
	clock_gettime(CLOCK_REALTIME, &ts);
	ev.time = ts.tv_sec;
	ev.usec = ts.tv_nsec / 1000;
	ev.type = MON_LOST;
	ev.lost = c->lost;
	if (imsgev_compose(&c->iev, IMSG_CTL_MONITOR, 0, -1, &ev,
	    sizeof(ev)) == -1) {
		control_drop(c);
		return (-1);
	}
	c->lost = 0;
	return (imsgbuf_queuelen(&c->iev.ibuf) >= MON_QUEUE_MAX);
}

/*
 * An event to each monitor client. One that is MON_QUEUE_MAX events
 * behind does not get it: it is counted, and the client told later.
 * Nothing here waits for a client.
 */
void
control_monitor(const struct ctl_monitor *ev)
{
	struct ctl_conn	*c, *next;
	int		 full;

	TAILQ_FOREACH_SAFE(c, &ctl_conns, entry, next) {
		if (!c->monitor)
			continue;
		if ((full = control_monitor_lost(c)) == -1)
			continue;
		if (full) {
			c->lost++;
			sip_stats.monitor_lost++;
			continue;
		}
		if (imsgev_compose(&c->iev, IMSG_CTL_MONITOR, 0, -1, ev,
		    sizeof(*ev)) == -1) {
			control_drop(c);
			continue;
		}
		sip_stats.monitor_events++;
	}
}

/*
 * Queue a message to a client. A client that went away is no error; one
 * that does not read its answers is dropped before it costs memory. The
 * cap holds the longest answer not streamed with room to spare, so only
 * a client that lets answers pile up reaches it.
 */
int
control_compose(uint32_t id, uint32_t type, const void *data, size_t len)
{
	return (control_compose_id(id, type, 0, data, len));
}

/* The same, with a peerid naming the object the message is about. */
int
control_compose_id(uint32_t id, uint32_t type, uint32_t peerid,
    const void *data, size_t len)
{
	struct ctl_conn	*c;

	if ((c = control_find(id)) == NULL)
		return (-1);
	if (imsgbuf_queuelen(&c->iev.ibuf) >= CTL_MAX_QUEUE) {
		log_warnx("control: client does not read, dropping it");
		control_drop(c);
		return (-1);
	}
	return (imsgev_compose(&c->iev, type, peerid, -1, data, len));
}

void
control_result(uint32_t id, int error, const char *msg)
{
	struct ctl_result	 res;

	memset(&res, 0, sizeof(res));
	res.error = error;
	strlcpy(res.msg, msg, sizeof(res.msg));
	control_compose(id, IMSG_CTL_RESULT, &res, sizeof(res));
}

/* An answer from the relay or the parent, passed on to its client. */
void
control_forward(struct imsg *imsg)
{
	struct ibuf	 ibuf;

	if (imsg_get_ibuf(imsg, &ibuf) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	control_compose(imsg_get_id(imsg), imsg_get_type(imsg),
	    ibuf_data(&ibuf), ibuf_size(&ibuf));
}
