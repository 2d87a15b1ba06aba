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
 * sipctl: ask sipproxd over its control socket, print the answer.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "sipproxd.h"
#include "parser.h"
#include "output.h"

#define CTL_TIMEOUT	5	/* seconds for connect and for each answer */

/* What has arrived so far, to check the order of the answer. */
struct ctl_state {
	struct parse_result	*res;
	const struct output	*out;
	int			 started;	/* head() called */
	int			 summaries;
	int			 stats;
};

__dead static void	 usage(void);
static void		 deadline_set(struct timespec *);
static int		 deadline_left(const struct timespec *);
static void		 ctl_poll(int, short);
static void		 ctl_poll_forever(int);
static int		 ctl_connect(const char *);
static void		 ctl_closed(void);
static void		 ctl_get(struct imsg *, void *, size_t);
static void		 ctl_str(const char *, size_t);
static void		 ctl_text(const char *, size_t);
static void		 ctl_start(struct ctl_state *);
__dead static void	 ctl_unexpected(uint32_t);
__dead static void	 ctl_failed(struct ctl_result *);
static int		 ctl_dispatch(struct ctl_state *, struct imsg *);

__dead static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-j] [-s socket] command [argument ...]\n",
	    __progname);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct ctl_state	 st;
	struct imsgbuf		 ibuf;
	struct imsg		 imsg;
	struct parse_result	*res;
	struct ctl_unban	 cu;
	const char		*sockname = SIPPROXD_SOCKET;
	const void		*data = NULL;
	size_t			 datalen = 0;
	ssize_t			 n;
	uint32_t		 type = IMSG_NONE;
	int			 ch, fd, verbose, done = 0;

	memset(&st, 0, sizeof(st));
	st.out = &show_output;

	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			st.out = &json_output;
			break;
		case 's':
			sockname = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if ((res = parse(argc, argv)) == NULL)
		exit(1);
	st.res = res;

	switch (res->action) {
	case SHOW_SUMMARY:
		type = IMSG_CTL_SHOW_SUMMARY;
		break;
	case SHOW_REGISTRATIONS:
		type = IMSG_CTL_SHOW_REGISTRATIONS;
		break;
	case SHOW_CALLS:
		type = IMSG_CTL_SHOW_CALLS;
		break;
	case SHOW_RTP:
		type = IMSG_CTL_SHOW_RTP;
		break;
	case SHOW_STATS:
		type = IMSG_CTL_SHOW_STATS;
		break;
	case SHOW_CONNECTIONS:
		type = IMSG_CTL_SHOW_CONNECTIONS;
		break;
	case SHOW_USERS:
		type = IMSG_CTL_SHOW_USERS;
		break;
	case SHOW_CALLS_ENDED:
		type = IMSG_CTL_SHOW_CALLS_ENDED;
		break;
	case RELOAD:
		type = IMSG_CTL_RELOAD;
		break;
	case MONITOR:
		type = IMSG_CTL_MONITOR;
		break;
	case LOG_VERBOSE:
	case LOG_BRIEF:
		type = IMSG_CTL_LOG_VERBOSE;
		verbose = 0;
		if (res->action == LOG_VERBOSE)
			verbose = res->classes != 0 ? res->classes : LOG_C_ALL;
		data = &verbose;
		datalen = sizeof(verbose);
		break;
	case SHOW_BANS:
		type = IMSG_CTL_SHOW_BANS;
		break;
	case UNBAN:
		type = IMSG_CTL_UNBAN;
		memset(&cu, 0, sizeof(cu));
		strlcpy(cu.source, res->addr, sizeof(cu.source));
		data = &cu;
		datalen = sizeof(cu);
		break;
	case NONE:
		usage();
	}

#ifdef __OpenBSD__
	if (pledge("stdio unix", NULL) == -1)
		err(1, "pledge");
#endif

	/* A daemon that goes away must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	fd = ctl_connect(sockname);

#ifdef __OpenBSD__
	if (pledge("stdio", NULL) == -1)
		err(1, "pledge");
#endif

	if (imsgbuf_init(&ibuf, fd) == -1)
		err(1, NULL);
	if (imsg_compose(&ibuf, type, 0, 0, -1, data, datalen) == -1)
		err(1, "imsg_compose");
	/* One small message on an empty socket: this does not block. */
	if (imsgbuf_flush(&ibuf) == -1) {
		if (errno == EPIPE || errno == ECONNRESET)
			ctl_closed();
		err(1, "write");
	}

	/* Each round waits at most CTL_TIMEOUT or exits. */
	while (!done) {
		/* A monitor waits as long as nothing happens. */
		if (res->action == MONITOR)
			ctl_poll_forever(fd);
		else
			ctl_poll(fd, POLLIN);
		switch (imsgbuf_read(&ibuf)) {
		case -1:
			if (errno == ECONNRESET)
				ctl_closed();
			err(1, "read");
		case 0:
			ctl_closed();
		}
		while (!done) {
			if ((n = imsg_get(&ibuf, &imsg)) == -1) {
				if (errno == EBADMSG || errno == ERANGE)
					errx(1, "malformed reply from "
					    "sipproxd");
				err(1, "imsg_get");
			}
			if (n == 0)
				break;
			done = ctl_dispatch(&st, &imsg);
			imsg_free(&imsg);
		}
	}

	imsgbuf_clear(&ibuf);
	close(fd);

	if (st.out->tail(res) == -1)
		err(1, "stdout");
	return (0);
}

static void
deadline_set(struct timespec *deadline)
{
	if (clock_gettime(CLOCK_MONOTONIC, deadline) == -1)
		err(1, "clock_gettime");
	deadline->tv_sec += CTL_TIMEOUT;
}

/* Milliseconds until the deadline, 0 once it has passed. */
static int
deadline_left(const struct timespec *deadline)
{
	struct timespec	now;
	int64_t		ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		err(1, "clock_gettime");
	ms = ((int64_t)deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return (0);
	return ((int)ms);
}

/* Wait for the socket, at most CTL_TIMEOUT seconds from now. */
static void
ctl_poll(int fd, short events)
{
	struct timespec	 deadline;
	struct pollfd	 pfd;
	int		 ms, n;

	deadline_set(&deadline);
	for (;;) {
		if ((ms = deadline_left(&deadline)) == 0)
			break;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, ms)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (n == 0)
			break;
		if (pfd.revents & POLLNVAL)
			errx(1, "poll: invalid descriptor");
		/* Data, hangup or error: the read or write tells which. */
		return;
	}
	errx(1, "no answer from sipproxd within %d seconds", CTL_TIMEOUT);
}

/* Wait for the socket to have something, however long that takes. */
static void
ctl_poll_forever(int fd)
{
	struct pollfd	 pfd;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd.revents & POLLNVAL)
			errx(1, "poll: invalid descriptor");
		return;
	}
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	struct timespec		 deadline;
	socklen_t		 len;
	int			 fd, error, ms;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "socket name too long: %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");

	deadline_set(&deadline);
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
		    errno == EISCONN)
			return (fd);
		if (errno == EINPROGRESS || errno == EALREADY ||
		    errno == EINTR) {
			ctl_poll(fd, POLLOUT);
			len = sizeof(error);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error,
			    &len) == -1)
				err(1, "getsockopt");
			if (error != 0) {
				errno = error;
				err(1, "connect: %s", path);
			}
			return (fd);
		}
		if (errno != EAGAIN)
			err(1, "connect: %s", path);
		/* Linux: the listen queue is full. Retry until the deadline. */
		if ((ms = deadline_left(&deadline)) == 0)
			errx(1, "no answer from sipproxd within %d seconds",
			    CTL_TIMEOUT);
		poll(NULL, 0, ms < 100 ? ms : 100);
	}
}

__dead static void
ctl_closed(void)
{
	errx(1, "connection closed early by sipproxd");
}

/* The payload must be exactly the struct we expect. */
static void
ctl_get(struct imsg *imsg, void *data, size_t len)
{
	if (imsg_get_data(imsg, data, len) == -1)
		errx(1, "malformed reply from sipproxd: type %u, %zu bytes, "
		    "expected %zu", imsg_get_type(imsg), imsg_get_len(imsg),
		    len);
}

/* A string from the daemon must end within its array. */
static void
ctl_str(const char *s, size_t len)
{
	if (memchr(s, '\0', len) == NULL)
		errx(1, "malformed reply from sipproxd: unterminated string");
}

#define CTL_STR(field)	ctl_str((field), sizeof(field))

/*
 * Network text the daemon passed on (monitor): ended within its array
 * and printable, the daemon escaped everything else; anything else is
 * not shown.
 */
static void
ctl_text(const char *s, size_t len)
{
	ctl_str(s, len);
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			errx(1, "malformed reply from sipproxd: control "
			    "character");
}

#define CTL_TEXT(field)	ctl_text((field), sizeof(field))

static void
ctl_start(struct ctl_state *st)
{
	if (!st->started) {
		st->out->head(st->res);
		st->started = 1;
	}
}

__dead static void
ctl_unexpected(uint32_t type)
{
	errx(1, "unexpected reply from sipproxd: type %u", type);
}

/* The daemon said no: its message goes to stderr as it is. */
__dead static void
ctl_failed(struct ctl_result *cr)
{
	char	*v;
	size_t	 len;

	fflush(stdout);
	if (cr->msg[0] == '\0')
		errx(1, "request failed (error %d)", cr->error);
	if (stravis(&v, cr->msg, VIS_CSTYLE | VIS_OCTAL) == -1)
		err(1, NULL);
	len = strlen(v);
	if (len > 0 && v[len - 1] == '\n')
		v[len - 1] = '\0';
	errx(1, "%s", v);
}

/* Returns 1 when the answer is complete. */
static int
ctl_dispatch(struct ctl_state *st, struct imsg *imsg)
{
	struct ctl_result	 cr;
	struct ctl_summary	 sum;
	struct ctl_listener	 lis;
	struct binding	 reg;
	struct ctl_call		 call;
	struct ctl_rtp_stream	 rtp;
	struct ctl_stats	 stats;
	struct ctl_sip_conn	 conn;
	struct ctl_user		 user;
	struct ctl_ban		 ban;
	struct ctl_call_ended	 ended;
	struct ctl_monitor	 mon;
	enum actions		 action = st->res->action;
	uint32_t		 type;

	type = imsg_get_type(imsg);
	switch (type) {
	case IMSG_CTL_RESULT:
		ctl_get(imsg, &cr, sizeof(cr));
		CTL_STR(cr.msg);
		if (cr.error != 0)
			ctl_failed(&cr);
		if (action != RELOAD && action != LOG_VERBOSE &&
		    action != LOG_BRIEF && action != UNBAN)
			ctl_unexpected(type);
		ctl_start(st);
		st->out->result(&cr);
		return (1);
	case IMSG_CTL_END:
		if (imsg_get_len(imsg) != 0)
			errx(1, "malformed reply from sipproxd: type %u, "
			    "%zu bytes, expected 0", type, imsg_get_len(imsg));
		if (action == RELOAD || action == LOG_VERBOSE ||
		    action == LOG_BRIEF || action == UNBAN)
			ctl_unexpected(type);
		if ((action == SHOW_SUMMARY && st->summaries == 0) ||
		    (action == SHOW_STATS && st->stats == 0))
			errx(1, "incomplete reply from sipproxd");
		ctl_start(st);
		return (1);
	case IMSG_CTL_SHOW_SUMMARY:
		if (action != SHOW_SUMMARY || st->summaries++ > 0)
			ctl_unexpected(type);
		ctl_get(imsg, &sum, sizeof(sum));
		CTL_STR(sum.version);
		CTL_STR(sum.conffile);
		CTL_STR(sum.outside);
		CTL_STR(sum.external);
		CTL_STR(sum.log_classes);
		ctl_start(st);
		st->out->summary(&sum);
		break;
	case IMSG_CTL_SHOW_LISTENER:
		if (action != SHOW_SUMMARY || st->summaries == 0)
			ctl_unexpected(type);
		ctl_get(imsg, &lis, sizeof(lis));
		CTL_STR(lis.addr);
		CTL_STR(lis.name);
		st->out->listener(&lis);
		break;
	case IMSG_CTL_SHOW_REGISTRATIONS:
		if (action != SHOW_REGISTRATIONS)
			ctl_unexpected(type);
		ctl_get(imsg, &reg, sizeof(reg));
		CTL_STR(reg.aor);
		CTL_STR(reg.contact);
		CTL_STR(reg.masq_contact);
		CTL_STR(reg.source);
		CTL_STR(reg.user_agent);
		ctl_start(st);
		st->out->registration(&reg);
		break;
	case IMSG_CTL_SHOW_CALLS:
		if (action != SHOW_CALLS)
			ctl_unexpected(type);
		ctl_get(imsg, &call, sizeof(call));
		CTL_STR(call.callid);
		CTL_STR(call.from);
		CTL_STR(call.to);
		CTL_STR(call.state);
		ctl_start(st);
		st->out->call(&call);
		break;
	case IMSG_CTL_SHOW_RTP:
		if (action != SHOW_RTP)
			ctl_unexpected(type);
		ctl_get(imsg, &rtp, sizeof(rtp));
		CTL_STR(rtp.callid);
		CTL_STR(rtp.inside.peer);
		CTL_STR(rtp.outside.peer);
		ctl_start(st);
		st->out->rtp(&rtp);
		break;
	case IMSG_CTL_SHOW_BANS:
		if (action != SHOW_BANS)
			ctl_unexpected(type);
		ctl_get(imsg, &ban, sizeof(ban));
		CTL_STR(ban.source);
		CTL_STR(ban.reason);
		ctl_start(st);
		st->out->ban(&ban);
		break;
	case IMSG_CTL_SHOW_STATS:
		if (action != SHOW_STATS || st->stats++ > 0)
			ctl_unexpected(type);
		ctl_get(imsg, &stats, sizeof(stats));
		ctl_start(st);
		st->out->stats(&stats);
		break;
	case IMSG_CTL_SHOW_CONNECTIONS:
		if (action != SHOW_CONNECTIONS)
			ctl_unexpected(type);
		ctl_get(imsg, &conn, sizeof(conn));
		CTL_STR(conn.peer);
		CTL_STR(conn.local);
		CTL_STR(conn.state);
		ctl_start(st);
		st->out->conn(&conn);
		break;
	case IMSG_CTL_SHOW_USERS:
		if (action != SHOW_USERS)
			ctl_unexpected(type);
		ctl_get(imsg, &user, sizeof(user));
		CTL_STR(user.name);
		CTL_STR(user.last_source);
		ctl_start(st);
		st->out->user(&user);
		break;
	case IMSG_CTL_SHOW_CALLS_ENDED:
		if (action != SHOW_CALLS_ENDED)
			ctl_unexpected(type);
		ctl_get(imsg, &ended, sizeof(ended));
		CTL_STR(ended.callid);
		CTL_STR(ended.from);
		CTL_STR(ended.to);
		CTL_STR(ended.direction);
		CTL_STR(ended.codec);
		CTL_STR(ended.cause);
		ctl_start(st);
		st->out->call_ended(&ended);
		break;
	case IMSG_CTL_MONITOR:
		if (action != MONITOR)
			ctl_unexpected(type);
		ctl_get(imsg, &mon, sizeof(mon));
		CTL_TEXT(mon.peer);
		CTL_TEXT(mon.method);
		CTL_TEXT(mon.callid);
		CTL_TEXT(mon.from);
		CTL_TEXT(mon.to);
		CTL_TEXT(mon.cseq_method);
		CTL_TEXT(mon.cause);
		if (st->out->monitor(&mon) == -1) {
			/* sipctl monitor | head: the reader had enough. */
			if (errno == EPIPE)
				exit(0);
			err(1, "stdout");
		}
		break;
	default:
		ctl_unexpected(type);
	}
	return (0);
}
