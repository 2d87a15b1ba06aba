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
 * The SIP engine's stream connections (RFC 3261 18, RFC 5626, RFC 5923):
 * accepted on our TCP listeners, or opened by us without ever blocking
 * (`tcp connect timeout`). Each is found again by side, transport and
 * peer address, or the alias the peer asked for, so that responses go
 * back on the connection their request came on and a phone is reached
 * on the connection it registered over.
 *
 * Everything from the network is hostile: a message is framed by
 * sip_frame() within SIP_MAX_MSGLEN and SIP_MAX_HEADERS, must be complete
 * CONN_READ_DEADLINE seconds after its first byte (and the first one that
 * long after the connection was accepted), accepted connections are
 * capped in all and per source address (an IPv4 address or an IPv6 /64),
 * and a peer that does not read what we send is dropped when
 * CONN_WQ_MAX bytes wait for it. Idle connections close after `tcp
 * inactivity timeout`; `tcp keepalive` pings idle ones (RFC 5626 4.4.1)
 * and every ping is answered.
 *
 * Reads and writes go through conn_io_read() and conn_io_write(): plain
 * for TCP, libtls for TLS (tls.c has the contexts). A TLS connection
 * first does its handshake, driven by the event loop as libtls asks
 * (TLS_WANT_POLLIN, TLS_WANT_POLLOUT), within CONN_TLS_DEADLINE seconds:
 * a client that stays silent or speaks no TLS holds no slot for long,
 * and a server we connect to must show a certificate the CA signed for
 * the name we asked for, or what waited for it gets 503. A connection
 * is closed at once but freed only on the way back to the event loop,
 * so that no caller up the stack (the proxy handling a message it read)
 * is left with a freed one.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"
#include "sip_frame.h"

#define CONN_MAX_IN		512	/* accepted connections */
#define CONN_MAX_OUT		128	/* connections we opened */
#define CONN_PER_SOURCE		16	/* accepted per address or /64 */
#define CONN_READ_DEADLINE	10	/* seconds a message may take */
#define CONN_RBUF		(SIP_MAX_MSGLEN + 1)
#define CONN_WQ_MAX		(256 * 1024)	/* bytes waiting for a peer */
#define CONN_ACCEPT_BURST	16	/* accepts per listener event */
#define CONN_TLS_DEADLINE	10	/* seconds a TLS handshake may take */
#define CONN_TLS_BURST		(256 * 1024)	/* bytes read per event */

#define CONN_AGAIN		-2	/* conn_io_*: wait for c->*want */

/* What conn_write() queues. */
#define CONN_W_KEEPALIVE	0
#define CONN_W_MSG		1
#define CONN_W_REQUEST		2	/* answered if it is never sent */

enum conn_state {
	CONN_CONNECTING,
	CONN_OPEN,
	CONN_CLOSED		/* out of the list, freed by conn_reap() */
};

/* Bytes to send. */
struct conn_wbuf {
	TAILQ_ENTRY(conn_wbuf)	 entry;
	size_t			 len;
	size_t			 off;		/* sent so far */
	int			 kind;		/* CONN_W_* */
	char			 data[];
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	uint32_t		 id;
	enum sip_transport	 tr;
	int			 side;		/* LEG_INSIDE, LEG_OUTSIDE */
	int			 outgoing;	/* opened by us */
	enum conn_state		 state;
	int			 fd;
	struct event		 ev;
	short			 events;	/* ev waits for these */
	short			 rwant;		/* a read waits for this event */
	short			 wwant;		/* a write waits for this one */
	struct event		 ev_connect;	/* its deadline */
	int			 connect_error;	/* connect() failed at once */
	struct sockaddr_storage	 peer;
	struct sockaddr_storage	 alias;		/* RFC 5923, AF_UNSPEC: none */
	struct sockaddr_storage	 listener;	/* accepted on, else ours */
	struct sockaddr_storage	 local;
	char			*rbuf;		/* CONN_RBUF, while reading */
	size_t			 rlen;
	struct sip_frame	 frame;
	time_t			 msg_since;	/* read deadline from here */
	TAILQ_HEAD(, conn_wbuf)	 wq;
	size_t			 wqlen;		/* bytes not sent yet */
	time_t			 created;
	time_t			 last_in;	/* a byte received */
	time_t			 last_out;	/* a byte sent */
	time_t			 last_msg;	/* a message sent */
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
	struct tls		*tls;		/* TLS: libtls's context */
	time_t			 handshake;	/* since when, 0: done */
	short			 hswant;	/* the handshake waits for */
	char			 name[SIP_MAX_HOSTLEN];	/* server to verify */
};

TAILQ_HEAD(conn_list, conn);

static struct conn	*conn_new(int, int, int, int,
			    const struct sockaddr_storage *);
static struct conn	*conn_open(int, int, const struct sockaddr_storage *,
			    const char *);
static void		 conn_handshake(struct conn *);
static void		 conn_sockopts(struct conn *);
static void		 conn_established(struct conn *);
static void		 conn_connect_done(int, short, void *);
static void		 conn_connect_failed(struct conn *, const char *, int);
static void		 conn_io(int, short, void *);
static ssize_t		 conn_io_read(struct conn *, void *, size_t);
static ssize_t		 conn_io_write(struct conn *, const void *, size_t);
static void		 conn_input(struct conn *);
static void		 conn_frames(struct conn *);
static int		 conn_write(struct conn *, const void *, size_t, int);
static void		 conn_flush(struct conn *);
static void		 conn_events(struct conn *);
static time_t		 conn_active(const struct conn *);
static struct engine_listener *conn_listener(struct conn *);
static void		 conn_close(struct conn *, const char *);
static void		 conn_abuse(struct conn *, const char *);
static void		 conn_reap(int, short, void *);
static void		 conn_free(struct conn *);
static unsigned int	 conn_source_count(const struct sockaddr_storage *);

static struct conn_list	 conns = TAILQ_HEAD_INITIALIZER(conns);
static struct conn_list	 dead = TAILQ_HEAD_INITIALIZER(dead);
static struct event	 ev_reap;
static int		 reap_init;
static unsigned int	 nconns_in, nconns_out;
static uint32_t		 conn_ids;

/* A listener has connections waiting: take them, within the limits. */
void
conn_accept(struct engine_listener *el)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct conn		*c;
	char			 peer[ADDRSTR_LEN];
	int			 fd, i;

	for (i = 0; i < CONN_ACCEPT_BURST; i++) {
		sslen = sizeof(ss);
		memset(&ss, 0, sizeof(ss));
		if ((fd = accept4(el->fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept on %s",
				    addr_str((struct sockaddr *)&el->cl.ss, 1));
			return;
		}
		/* A banned source gets no connection, not even a TLS one. */
		if (ban_source(&ss)) {
			close(fd);
			continue;
		}
		sip_stats.conn_accepted++;
		if (nconns_in >= CONN_MAX_IN ||
		    conn_source_count(&ss) >= CONN_PER_SOURCE) {
			sip_stats.conn_refused++;
			log_debug("connection from %s refused: %s",
			    addr_str((struct sockaddr *)&ss, 1),
			    nconns_in >= CONN_MAX_IN ? "too many connections" :
			    "too many connections from there");
			close(fd);
			continue;
		}
		c = conn_new(fd, el->cl.outside ? LEG_OUTSIDE : LEG_INSIDE,
		    el->cl.transport, 0, &ss);
		c->listener = el->cl.ss;
		c->state = CONN_OPEN;
		/* Whoever connects must say something, and soon. */
		c->msg_since = c->created;
		conn_sockopts(c);
		/* addr_str() has one buffer: the peer first, then ours. */
		sa_hostport(&ss, peer, sizeof(peer));
		log_debug("connection %u from %s on %s %s", c->id, peer,
		    addr_str((struct sockaddr *)&el->cl.ss, 1),
		    transport_str(c->tr));
		if (c->tr == SIP_TR_TLS) {
			/* The server side of the handshake, first. */
			if ((c->tls = tlsctx_accept(fd, peer)) == NULL) {
				conn_close(c, "no tls");
				continue;
			}
			c->handshake = c->created;
			c->hswant = EV_READ;
		}
		conn_events(c);
	}
}

/*
 * A message to a peer, on the connection open to it or on a new one.
 * name: the host name we meant to reach, that a TLS server's certificate
 * must be valid for (NULL: its address). report: a request to be
 * answered by proxy_unsent() if the connection cannot be opened.
 * Returns -1 if it cannot even be tried.
 */
int
conn_send(int side, int tr, const struct sockaddr_storage *to,
    const char *name, const void *data, size_t len, int report)
{
	struct conn	*c;

	if ((c = conn_find(side, tr, to)) == NULL &&
	    (c = conn_open(side, tr, to, name)) == NULL)
		return (-1);
	return (conn_write(c, data, len, report ? CONN_W_REQUEST :
	    CONN_W_MSG));
}

/* A message on the connection a request came on. */
int
conn_reply(struct conn *c, const void *data, size_t len)
{
	return (conn_write(c, data, len, CONN_W_MSG));
}

/* The open (or opening) connection to a peer, by address or alias. */
struct conn *
conn_find(int side, int tr, const struct sockaddr_storage *ss)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &conns, entry)
		if (c->side == side && (int)c->tr == tr &&
		    (sa_cmp(&c->peer, ss) == 0 ||
		    (c->alias.ss_family != AF_UNSPEC &&
		    sa_cmp(&c->alias, ss) == 0)))
			return (c);
	return (NULL);
}

struct conn *
conn_by_id(uint32_t id)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &conns, entry)
		if (c->id == id)
			return (c);
	return (NULL);
}

uint32_t
conn_id(const struct conn *c)
{
	return (c->id);
}

int
conn_transport(const struct conn *c)
{
	return (c->tr);
}

/*
 * RFC 5923: the peer asked (;alias in its Via) that what we send to its
 * sent-by go over this connection. Only for its own address: nobody
 * takes over another host's traffic.
 */
void
conn_alias(struct conn *c, const struct sockaddr_storage *ss)
{
	if (sa_cmp_host(ss, &c->peer) != 0 || sa_cmp(ss, &c->alias) == 0)
		return;
	c->alias = *ss;
	log_debug("connection %u: alias %s", c->id,
	    addr_str((const struct sockaddr *)ss, 1));
}

/*
 * Once a second: the read deadline, `tcp inactivity timeout` and `tcp
 * keepalive`. Idle means nothing received and no message sent; our own
 * pings do not count, the peer's answers do. In whole seconds, so that
 * a timeout is never early: a connection goes up to two seconds late.
 */
void
conn_tick(time_t now)
{
	const struct conf_global	*g = engine_global();
	struct conn			*c, *next;

	TAILQ_FOREACH_SAFE(c, &conns, entry, next) {
		if (c->state != CONN_OPEN)
			continue;
		if (c->handshake != 0) {
			/* Whole seconds: never early, a second late at most. */
			if (now - c->handshake <= CONN_TLS_DEADLINE)
				continue;
			if (c->outgoing) {
				sip_stats.conn_connect_timeouts++;
				conn_connect_failed(c, "tls handshake timed "
				    "out", 408);
			} else
				conn_abuse(c, "tls handshake deadline");
			continue;
		}
		if (c->msg_since != 0 &&
		    now - c->msg_since > CONN_READ_DEADLINE) {
			conn_abuse(c, "read deadline");
			continue;
		}
		if (now - conn_active(c) > (time_t)g->tcp_idle) {
			sip_stats.conn_idle_closed++;
			conn_close(c, "inactivity timeout");
			continue;
		}
		if (g->tcp_keepalive != 0 && TAILQ_EMPTY(&c->wq) &&
		    now - (c->last_in > c->last_out ? c->last_in :
		    c->last_out) >= (time_t)g->tcp_keepalive)
			conn_write(c, "\r\n\r\n", 4, CONN_W_KEEPALIVE);
	}
}

/* `sipctl show connections` */
void
conn_show(uint32_t peer)
{
	struct ctl_sip_conn	 cc;
	struct conn		*c;
	time_t			 now = time(NULL);

	TAILQ_FOREACH(c, &conns, entry) {
		memset(&cc, 0, sizeof(cc));
		cc.id = c->id;
		strlcpy(cc.peer, addr_str((struct sockaddr *)&c->peer, 1),
		    sizeof(cc.peer));
		if (c->local.ss_family != AF_UNSPEC)
			strlcpy(cc.local, addr_str((struct sockaddr *)
			    &c->local, 1), sizeof(cc.local));
		cc.transport = c->tr;
		cc.outgoing = c->outgoing;
		cc.outside = c->side == LEG_OUTSIDE;
		strlcpy(cc.state, c->state == CONN_CONNECTING ? "connecting" :
		    c->handshake != 0 ? "handshake" : "open", sizeof(cc.state));
		cc.age = now - c->created;
		cc.idle = now - conn_active(c);
		cc.bytes_in = c->bytes_in;
		cc.bytes_out = c->bytes_out;
		cc.queued = c->wqlen;
		control_compose(peer, IMSG_CTL_SHOW_CONNECTIONS, &cc,
		    sizeof(cc));
	}
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}

static struct conn *
conn_new(int fd, int side, int tr, int outgoing,
    const struct sockaddr_storage *peer)
{
	struct conn	*c;
	socklen_t	 len = sizeof(c->local);

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal(NULL);
	/* Ids are never 0, which means "no connection" to the proxy. */
	if (++conn_ids == 0)
		conn_ids = 1;
	c->id = conn_ids;
	c->fd = fd;
	c->side = side;
	c->tr = tr;
	c->outgoing = outgoing;
	c->peer = *peer;
	c->alias.ss_family = AF_UNSPEC;
	c->rwant = EV_READ;
	c->wwant = EV_WRITE;
	c->created = c->last_in = c->last_out = c->last_msg = time(NULL);
	if (getsockname(fd, (struct sockaddr *)&c->local, &len) == -1)
		memset(&c->local, 0, sizeof(c->local));
	sip_frame_init(&c->frame);
	TAILQ_INIT(&c->wq);
	evtimer_set(&c->ev_connect, conn_connect_done, c);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	if (outgoing)
		nconns_out++;
	else
		nconns_in++;
	return (c);
}

/*
 * A new connection of ours, from the side's address: non-blocking, the
 * outcome comes to conn_connect_done() by `tcp connect timeout` at the
 * latest. Even a connect() that fails at once is reported from there,
 * never from within the proxy's own call.
 */
static struct conn *
conn_open(int side, int tr, const struct sockaddr_storage *to,
    const char *name)
{
	const struct conf_global	*g = engine_global();
	struct engine_listener		*el;
	struct sockaddr_storage		 local;
	struct timeval			 tv;
	struct conn			*c;
	int				 fd;

	if (tr == SIP_TR_TLS && !tlsctx_can_connect()) {
		log_warnx("tls to %s: no CA to verify the server by, see tls "
		    "ca in sipproxd.conf(5)",
		    addr_str((const struct sockaddr *)to, 1));
		return (NULL);
	}
	if (tr != SIP_TR_TCP && tr != SIP_TR_TLS)
		return (NULL);
	if (nconns_out >= CONN_MAX_OUT) {
		sip_stats.conn_refused++;
		log_warnx("connection to %s not opened: %d open already",
		    addr_str((const struct sockaddr *)to, 1), CONN_MAX_OUT);
		return (NULL);
	}
	if ((el = engine_listener_tr(side, to->ss_family, tr)) == NULL)
		return (NULL);
	local = el->cl.ss;
	sa_set_port(&local, 0);
	if ((fd = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP)) == -1) {
		log_warn("connection to %s: socket",
		    addr_str((const struct sockaddr *)to, 1));
		return (NULL);
	}
	if (bind(fd, (struct sockaddr *)&local, sa_len(&local)) == -1) {
		log_warn("connection from %s: bind",
		    addr_str((struct sockaddr *)&local, 0));
		close(fd);
		return (NULL);
	}
	c = conn_new(fd, side, tr, 1, to);
	c->listener = el->cl.ss;
	c->state = CONN_CONNECTING;
	/* The certificate names the host we meant, or its address. */
	strlcpy(c->name, name != NULL && *name != '\0' ? name :
	    addr_str((const struct sockaddr *)to, 0), sizeof(c->name));
	conn_sockopts(c);
	sip_stats.conn_connected++;
	log_debug("connection %u to %s", c->id,
	    addr_str((const struct sockaddr *)to, 1));
	if (connect(fd, (const struct sockaddr *)to, sa_len(to)) == 0) {
		conn_established(c);
		return (c);
	}
	if (errno != EINPROGRESS) {
		/* Not the socket's event: it may say nothing more. */
		c->connect_error = errno;
		timerclear(&tv);
		evtimer_add(&c->ev_connect, &tv);
		return (c);
	}
	tv.tv_sec = g->tcp_connect / 1000;
	tv.tv_usec = g->tcp_connect % 1000 * 1000;
	evtimer_add(&c->ev_connect, &tv);
	conn_events(c);
	return (c);
}

/* `sip dscp`, and no delay for the small writes of signalling. */
static void
conn_sockopts(struct conn *c)
{
	int	 tos = engine_global()->sip_dscp << 2, on = 1;

	if ((c->peer.ss_family == AF_INET6 ? setsockopt(c->fd, IPPROTO_IPV6,
	    IPV6_TCLASS, &tos, sizeof(tos)) : setsockopt(c->fd, IPPROTO_IP,
	    IP_TOS, &tos, sizeof(tos))) == -1)
		log_debug("connection %u: sip dscp: %s", c->id,
		    strerror(errno));
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) ==
	    -1)
		log_debug("connection %u: nodelay: %s", c->id,
		    strerror(errno));
}

/* Connected: what waited for it goes. */
static void
conn_established(struct conn *c)
{
	socklen_t	 len = sizeof(c->local);

	evtimer_del(&c->ev_connect);
	c->state = CONN_OPEN;
	c->last_in = time(NULL);
	if (getsockname(c->fd, (struct sockaddr *)&c->local, &len) == -1)
		memset(&c->local, 0, sizeof(c->local));
	log_debug("connection %u to %s open", c->id,
	    addr_str((struct sockaddr *)&c->peer, 1));
	if (c->tr == SIP_TR_TLS) {
		/* The client side of the handshake; the queue waits. */
		if ((c->tls = tlsctx_connect(c->fd, c->name,
		    addr_str((struct sockaddr *)&c->peer, 1))) == NULL) {
			conn_connect_failed(c, "no tls", 503);
			return;
		}
		c->handshake = c->last_in;
		c->hswant = EV_WRITE;
		conn_handshake(c);
		return;
	}
	conn_flush(c);
}

/*
 * One step of a TLS handshake, when the socket is ready for it. Done:
 * what waited is sent, what comes is read. Failed: a server we could
 * not verify answers what waited with 503, the log line saying why; a
 * client that spoke no TLS is dropped like any other that breaks the
 * rules.
 */
static void
conn_handshake(struct conn *c)
{
	const char	*why;
	char		 buf[512];
	int		 rv;

	rv = tlsctx_handshake(c->tls, addr_str((struct sockaddr *)&c->peer,
	    1), c->outgoing, &why);
	if (rv == TLS_WANT_POLLIN || rv == TLS_WANT_POLLOUT) {
		c->hswant = rv == TLS_WANT_POLLIN ? EV_READ : EV_WRITE;
		conn_events(c);
		return;
	}
	if (rv == -1) {
		snprintf(buf, sizeof(buf), "tls handshake%s%s%s: %s",
		    c->outgoing ? " (server name " : "",
		    c->outgoing ? c->name : "", c->outgoing ? ")" : "", why);
		if (c->outgoing)
			conn_connect_failed(c, buf, 503);
		else
			conn_abuse(c, buf);
		return;
	}
	c->handshake = 0;
	c->rwant = EV_READ;
	c->wwant = EV_WRITE;
	/* The first message has its full read deadline from now on. */
	if (!c->outgoing)
		c->msg_since = time(NULL);
	conn_flush(c);
	/* What came with the end of the handshake may wait in libtls. */
	if (c->state == CONN_OPEN)
		conn_input(c);
	conn_events(c);
}

/* The connect deadline, or a connect() that failed at once. */
static void
conn_connect_done(int fd, short event, void *arg)
{
	struct conn	*c = arg;

	if (c->state != CONN_CONNECTING)
		return;
	if (c->connect_error != 0) {
		conn_connect_failed(c, strerror(c->connect_error), 503);
		return;
	}
	sip_stats.conn_connect_timeouts++;
	conn_connect_failed(c, "timed out", 408);
}

/*
 * A connection that could not be opened. The requests that waited for
 * it get what the next hop would have answered (RFC 3261 16.7 step 10,
 * 16.9): 408 when the connect timed out, 503 when it failed.
 */
static void
conn_connect_failed(struct conn *c, const char *why, int status)
{
	struct conn_wbuf	*wb;

	sip_stats.conn_connect_failed++;
	log_warnx("connection to %s failed: %s",
	    addr_str((struct sockaddr *)&c->peer, 1), why);
	/* Out of the list first: the answers must not find it. */
	conn_close(c, NULL);
	TAILQ_FOREACH(wb, &c->wq, entry)
		if (wb->kind == CONN_W_REQUEST)
			proxy_unsent(c->side, c->tr, &c->peer, wb->data,
			    wb->len, status);
}

/* The socket is ready for what the connection waits for. */
static void
conn_io(int fd, short event, void *arg)
{
	struct conn	*c = arg;
	int		 error;
	socklen_t	 len = sizeof(error);

	if (c->state == CONN_CONNECTING) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
			error = errno;
		if (error != 0)
			conn_connect_failed(c, strerror(error), 503);
		else
			conn_established(c);
		return;
	}
	if (c->handshake != 0) {
		conn_handshake(c);
		return;
	}
	if ((event & c->wwant) && !TAILQ_EMPTY(&c->wq))
		conn_flush(c);
	if (c->state == CONN_OPEN && (event & c->rwant))
		conn_input(c);
	conn_events(c);
}

/*
 * The transport's read and write: plain sockets for TCP; for TLS
 * tls_read() and tls_write(), where TLS_WANT_POLLIN or TLS_WANT_POLLOUT
 * set c->rwant (in a read) or c->wwant (in a write) to EV_READ or
 * EV_WRITE, whichever libtls needs, and return CONN_AGAIN. A write is
 * retried with the same bytes from the queue, as libtls wants.
 * Returns the bytes moved, 0 at the end (read), -1 on an error.
 */
static ssize_t
conn_io_read(struct conn *c, void *buf, size_t len)
{
	ssize_t	 n;

	if (c->tls != NULL) {
		n = tls_read(c->tls, buf, len);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
			c->rwant = n == TLS_WANT_POLLIN ? EV_READ : EV_WRITE;
			return (CONN_AGAIN);
		}
		return (n);
	}
	if ((n = read(c->fd, buf, len)) == -1 &&
	    (errno == EAGAIN || errno == EINTR)) {
		c->rwant = EV_READ;
		return (CONN_AGAIN);
	}
	return (n);
}

static ssize_t
conn_io_write(struct conn *c, const void *buf, size_t len)
{
	ssize_t	 n;

	if (c->tls != NULL) {
		n = tls_write(c->tls, buf, len);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
			c->wwant = n == TLS_WANT_POLLIN ? EV_READ : EV_WRITE;
			return (CONN_AGAIN);
		}
		return (n);
	}
	if ((n = write(c->fd, buf, len)) == -1 &&
	    (errno == EAGAIN || errno == EINTR)) {
		c->wwant = EV_WRITE;
		return (CONN_AGAIN);
	}
	return (n);
}

/*
 * What the peer sent. Over TLS, libtls may hold the rest of a record
 * that the socket no longer shows: read on until it wants more, up to
 * CONN_TLS_BURST bytes, then come back through the event loop so that
 * one busy peer does not starve the others.
 */
static void
conn_input(struct conn *c)
{
	const char	*why;
	ssize_t		 n;
	size_t		 burst = 0;

	for (;;) {
		if (c->rbuf == NULL &&
		    (c->rbuf = malloc(CONN_RBUF)) == NULL) {
			log_warn("connection %u", c->id);
			conn_close(c, "out of memory");
			return;
		}
		if ((n = conn_io_read(c, c->rbuf + c->rlen,
		    CONN_RBUF - c->rlen)) == CONN_AGAIN)
			return;
		if (n <= 0) {
			if (n == 0)
				why = "closed by peer";
			else if (c->tls == NULL ||
			    (why = tls_error(c->tls)) == NULL)
				why = strerror(errno);
			conn_close(c, why);
			return;
		}
		c->rlen += n;
		c->bytes_in += n;
		c->last_in = time(NULL);
		conn_frames(c);
		if (c->tls == NULL || c->state != CONN_OPEN)
			return;
		if ((burst += n) >= CONN_TLS_BURST) {
			event_active(&c->ev, EV_READ, 1);
			return;
		}
	}
}

/*
 * Every whole frame in the buffer: messages to the proxy, pings
 * answered. What is left is the start of the next one; the read
 * deadline runs while a message has begun.
 */
static void
conn_frames(struct conn *c)
{
	struct engine_listener	*el;
	size_t			 off = 0;
	int			 rv;

	while (c->state == CONN_OPEN) {
		rv = sip_frame(&c->frame, c->rbuf + off, c->rlen - off);
		if (rv == SIP_FRAME_MORE)
			break;
		if (rv == SIP_FRAME_ERROR) {
			conn_abuse(c, c->frame.error);
			return;
		}
		if (rv == SIP_FRAME_PING)
			conn_write(c, "\r\n", 2, CONN_W_KEEPALIVE);
		else if (rv == SIP_FRAME_MSG) {
			c->msg_since = 0;
			sip_stats.received++;
			if ((el = conn_listener(c)) != NULL)
				proxy_input(el, c, c->rbuf + off,
				    c->frame.len, &c->peer);
			else
				sip_stats.dropped++;
		}
		off += c->frame.len;
		sip_frame_init(&c->frame);
	}
	if (c->state != CONN_OPEN)
		return;
	/* A full buffer always holds a frame or an error: sip_frame.h. */
	if (off == 0 && c->rlen == CONN_RBUF) {
		conn_abuse(c, "buffer full");
		return;
	}
	c->rlen -= off;
	if (c->rlen == 0) {
		free(c->rbuf);
		c->rbuf = NULL;
	} else if (off > 0)
		memmove(c->rbuf, c->rbuf + off, c->rlen);
	if (c->frame.inmsg && c->msg_since == 0)
		c->msg_since = time(NULL);
}

/*
 * Queue bytes to a connection and send what the socket takes. A peer
 * with CONN_WQ_MAX bytes waiting does not read: it is dropped. While a
 * connection is opening, a message over that is refused instead.
 */
static int
conn_write(struct conn *c, const void *data, size_t len, int kind)
{
	struct conn_wbuf	*wb;

	if (c->state == CONN_CLOSED)
		return (-1);
	if (len > CONN_WQ_MAX - c->wqlen) {
		if (c->state == CONN_OPEN)
			conn_abuse(c, "does not read");
		return (-1);
	}
	if ((wb = malloc(sizeof(*wb) + len)) == NULL) {
		log_warn("connection %u", c->id);
		return (-1);
	}
	wb->len = len;
	wb->off = 0;
	wb->kind = kind;
	memcpy(wb->data, data, len);
	TAILQ_INSERT_TAIL(&c->wq, wb, entry);
	c->wqlen += len;
	if (kind != CONN_W_KEEPALIVE)
		c->last_msg = time(NULL);
	if (c->state == CONN_OPEN)
		conn_flush(c);
	return (0);
}

static void
conn_flush(struct conn *c)
{
	struct conn_wbuf	*wb;
	ssize_t			 n;

	/* Nothing goes before the TLS handshake is done. */
	if (c->handshake != 0) {
		conn_events(c);
		return;
	}
	while ((wb = TAILQ_FIRST(&c->wq)) != NULL) {
		n = conn_io_write(c, wb->data + wb->off, wb->len - wb->off);
		if (n == CONN_AGAIN)
			break;
		if (n == -1) {
			conn_close(c, c->tls != NULL && tls_error(c->tls) !=
			    NULL ? tls_error(c->tls) : strerror(errno));
			return;
		}
		wb->off += n;
		c->wqlen -= n;
		c->bytes_out += n;
		c->last_out = time(NULL);
		if (wb->off < wb->len)
			continue;
		TAILQ_REMOVE(&c->wq, wb, entry);
		free(wb);
	}
	conn_events(c);
}

/* Wait for what the connection needs next, and only that. */
static void
conn_events(struct conn *c)
{
	short	 want;

	if (c->state == CONN_CLOSED)
		return;
	if (c->state == CONN_CONNECTING)
		want = EV_WRITE;
	else if (c->handshake != 0)
		want = c->hswant;
	else {
		want = c->rwant;
		if (!TAILQ_EMPTY(&c->wq))
			want |= c->wwant;
	}
	if (want == c->events)
		return;
	if (c->events != 0)
		event_del(&c->ev);
	c->events = want;
	event_set(&c->ev, c->fd, want | EV_PERSIST, conn_io, c);
	event_add(&c->ev, NULL);
}

/* The last time something was received or a message was sent. */
static time_t
conn_active(const struct conn *c)
{
	return (c->last_in > c->last_msg ? c->last_in : c->last_msg);
}

/* Our socket that names us on this connection, for the proxy. */
static struct engine_listener *
conn_listener(struct conn *c)
{
	struct engine_listener	*el;

	if (!c->outgoing &&
	    (el = engine_listener_find(&c->listener, IPPROTO_TCP)) != NULL)
		return (el);
	return (engine_listener_tr(c->side, c->peer.ss_family, c->tr));
}

/*
 * Out of the list, socket closed; the memory goes once the event loop
 * has it back. why: logged, NULL if the caller did.
 */
static void
conn_close(struct conn *c, const char *why)
{
	struct timeval	 tv = { 0, 0 };

	if (c->state == CONN_CLOSED)
		return;
	if (why != NULL)
		log_debug("connection %u with %s closed: %s", c->id,
		    addr_str((struct sockaddr *)&c->peer, 1), why);
	/* A TLS close_notify, if the socket takes it: nobody waits. */
	if (c->tls != NULL && c->handshake == 0)
		(void)tls_close(c->tls);
	if (c->events != 0)
		event_del(&c->ev);
	evtimer_del(&c->ev_connect);
	close(c->fd);
	c->fd = -1;
	c->state = CONN_CLOSED;
	TAILQ_REMOVE(&conns, c, entry);
	if (c->outgoing)
		nconns_out--;
	else
		nconns_in--;
	TAILQ_INSERT_TAIL(&dead, c, entry);
	if (!reap_init) {
		evtimer_set(&ev_reap, conn_reap, NULL);
		reap_init = 1;
	}
	if (!evtimer_pending(&ev_reap, NULL))
		evtimer_add(&ev_reap, &tv);
}

/*
 * A peer that broke the rules: it is dropped and counted, and logged
 * once a second at most with how many went unlogged before.
 */
static void
conn_abuse(struct conn *c, const char *why)
{
	static time_t		 last;
	static unsigned long	 quiet;
	time_t			 now = time(NULL);

	sip_stats.conn_abuse_closed++;
	if (now == last)
		quiet++;
	else {
		log_warnx("connection %u with %s dropped: %s (and %lu not "
		    "logged)", c->id, addr_str((struct sockaddr *)&c->peer, 1),
		    why, quiet);
		last = now;
		quiet = 0;
	}
	conn_close(c, NULL);
}

static void
conn_reap(int fd, short event, void *arg)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&dead)) != NULL) {
		TAILQ_REMOVE(&dead, c, entry);
		conn_free(c);
	}
}

static void
conn_free(struct conn *c)
{
	struct conn_wbuf	*wb;

	tls_free(c->tls);
	while ((wb = TAILQ_FIRST(&c->wq)) != NULL) {
		TAILQ_REMOVE(&c->wq, wb, entry);
		free(wb);
	}
	free(c->rbuf);
	free(c);
}

/* Accepted connections from one address, or one IPv6 /64. */
static unsigned int
conn_source_count(const struct sockaddr_storage *ss)
{
	struct conn	*c;
	unsigned int	 n = 0;

	TAILQ_FOREACH(c, &conns, entry)
		if (!c->outgoing && sa_cmp_prefix(&c->peer, ss, 32, 64) == 0)
			n++;
	return (n);
}
