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
 * Process plumbing shared by the three processes: starting a child by
 * re-executing ourselves, dropping privileges, and imsg buffers driven by
 * libevent.
 */

#include <sys/types.h>
#include <sys/socket.h>

#ifdef SIPPROXD_REGRESS
#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif
#include <netinet/in.h>
#include <arpa/inet.h>
#include <limits.h>
#include <signal.h>
#endif

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"
#include "log.h"
#include "sandbox.h"

/*
 * Fork and re-execute ourselves as the child of the given role, with its
 * end of the socketpair on fd 3: a child starts from a fresh address space
 * and inherits nothing but what we pass on purpose.
 */
pid_t
proc_start(enum sipproxd_role role, const char *argv0, int fd, int debug,
    int verbose, int precise)
{
	char	*argv[16];
	int	 argc = 0;
	pid_t	 pid;

	switch (pid = fork()) {
	case -1:
		fatal("cannot fork");
	case 0:
		break;
	default:
		close(fd);
		return (pid);
	}

	if (fd != 3) {
		if (dup2(fd, 3) == -1)
			fatal("cannot setup imsg fd");
	} else if (fcntl(fd, F_SETFD, 0) == -1)
		fatal("cannot setup imsg fd");
	/* Whatever else is open, ours or inherited, stays behind. */
	closefrom(4);
	/*
	 * libevent 2.1 runs timers on CLOCK_MONOTONIC_COARSE, which moves a
	 * kernel tick at a time (4 ms at HZ=250) and lags by as much, unless
	 * the process asks for the precise timer, which event_init() takes
	 * from the environment. The relay's dejitter paces packets to the
	 * millisecond and needs it; without dejitter it would cost the
	 * relay a system call per pass of its loop for nothing. Other
	 * libevents (OpenBSD's is precise already) ignore the variable.
	 */
	if (precise && setenv("EVENT_PRECISE_TIMER", "1", 1) == -1)
		fatal("setenv");

	argv[argc++] = (char *)argv0;
	argv[argc++] = "-P";
	argv[argc++] = role == ROLE_ENGINE ? "engine" : "relay";
	if (debug)
		argv[argc++] = "-d";
	while (verbose-- > 0 && argc < (int)nitems(argv) - 1)
		argv[argc++] = "-v";
	argv[argc] = NULL;

	execvp(argv0, argv);
	fatal("execvp %s", argv0);
}

/*
 * SIGINT, SIGTERM, SIGHUP (and for the parent SIGCHLD) to one handler in
 * the event loop; SIGPIPE ignored, a closed peer shows as EPIPE.
 */
void
proc_signals(void (*cb)(int, short, void *), int sigchld)
{
	static struct event	 ev[4];
	static const int	 sigs[4] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	int			 i, n = sigchld ? 4 : 3;

	for (i = 0; i < n; i++) {
		signal_set(&ev[i], sigs[i], cb, NULL);
		signal_add(&ev[i], NULL);
	}
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Leave the real root behind: chroot, then drop groups and ids, each
 * checked. Called by the children before sandbox_enter().
 */
void
proc_drop_privs(const char *user, const char *root)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	if (chroot(root) == -1)
		fatal("chroot %s", root);
	if (chdir("/") == -1)
		fatal("chdir /");
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges");
}

void
imsgev_init(struct imsgev *iev, int fd, void (*cb)(int, short, void *),
    void *data)
{
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		fatal("imsgbuf_init");
	sandbox_limit_fd(fd, SANDBOX_FD_IMSG);
	iev->cb = cb;
	iev->data = data;
	iev->events = EV_READ;
	event_set(&iev->ev, fd, iev->events, cb, iev);
	event_add(&iev->ev, NULL);
}

/* Re-arm the event, with EV_WRITE while messages are queued. */
void
imsgev_add(struct imsgev *iev)
{
	iev->events = EV_READ;
	if (imsgbuf_queuelen(&iev->ibuf) > 0)
		iev->events |= EV_WRITE;
	event_del(&iev->ev);
	event_set(&iev->ev, iev->ibuf.fd, iev->events, iev->cb, iev);
	event_add(&iev->ev, NULL);
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t datalen)
{
	int	 ret;

	if ((ret = imsg_compose(&iev->ibuf, type, peerid, 0, fd, data,
	    datalen)) != -1)
		imsgev_add(iev);
	return (ret);
}

/*
 * The I/O half of an imsg event handler: returns 0 when the handler may go
 * on to imsg_get(), -1 when the peer is gone.
 */
int
imsgev_io(struct imsgev *iev, short event)
{
	if (event & EV_READ) {
		if (imsgbuf_read(&iev->ibuf) != 1)
			return (-1);
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(&iev->ibuf) == -1)
			return (-1);
	}
	return (0);
}

static void
imsgev_callback(int fd, short event, void *arg)
{
	imsgev_dispatch(arg, event);
}

/*
 * One of the daemon's own processes at the other end of fd: its messages
 * go to handler, one at a time; gone is told when it closes or its socket
 * fails, and decides what that means for us.
 */
void
imsgev_peer(struct imsgev *iev, int fd, const char *name,
    void (*handler)(struct imsgev *, struct imsg *),
    void (*gone)(struct imsgev *), void *data)
{
	iev->name = name;
	iev->handler = handler;
	iev->gone = gone;
	iev->compromised = NULL;
	imsgev_init(iev, fd, imsgev_callback, data);
}

/* In a child: the parent is gone, and so are we. */
void
imsgev_parent_gone(struct imsgev *iev)
{
	log_debug("parent gone");
	event_loopexit(NULL);
}

/* In a child: the other child is gone; the parent notices and stops. */
void
imsgev_sibling_gone(struct imsgev *iev)
{
	log_warnx("%s gone", iev->name);
	event_loopexit(NULL);
}

/*
 * The peer is less trusted than we are (from -> to in imsg_check()): a
 * message that fails its check is never handled, compromised() is called
 * instead and must not return.
 */
void
imsgev_check(struct imsgev *iev, enum sipproxd_role from,
    enum sipproxd_role to, void (*compromised)(struct imsgev *, const char *))
{
	iev->from = from;
	iev->to = to;
	iev->compromised = compromised;
}

/*
 * The one read/get/dispatch loop of the daemon's processes (relayd's
 * proc_dispatch): whatever arrived is handled in order, then the event is
 * re-armed, with EV_WRITE while answers wait.
 */
void
imsgev_dispatch(struct imsgev *iev, short event)
{
	struct imsg	 imsg;
	const char	*why;
	ssize_t		 n;

	if (imsgev_io(iev, event) == -1) {
		iev->gone(iev);
		return;
	}

	for (;;) {
		if ((n = imsg_get(&iev->ibuf, &imsg)) == -1)
			fatal("%s: imsg_get", iev->name);
		if (n == 0)
			break;
		if (iev->compromised != NULL &&
		    (why = imsg_check(iev->from, iev->to, &imsg)) != NULL) {
			iev->compromised(iev, why);
			fatalx("%s: compromised: %s", iev->name, why);
		}
		iev->handler(iev, &imsg);
		imsg_free(&imsg);
	}
	imsgev_add(iev);
}

void
imsgev_clear(struct imsgev *iev)
{
	event_del(&iev->ev);
	imsgbuf_clear(&iev->ibuf);
	close(iev->ibuf.fd);
	iev->ibuf.fd = -1;
}

#ifdef SIPPROXD_REGRESS
/*
 * Regress builds only: SIPPROXD_REGRESS_IMSG=ROLE-WHAT makes that child
 * send the parent what a compromised one might, straight onto fd 3: a
 * "state" entry without a NUL, a "verbose" level out of range, or a
 * message "type" it never sends.
 */
static void
regress_imsg_trigger(const char *role)
{
	struct imsgbuf		 ibuf;
	struct binding	 se;
	const char		*env, *what;
	size_t			 len;
	int			 verbose = 1000;

	if ((env = getenv("SIPPROXD_REGRESS_IMSG")) == NULL)
		return;
	len = strlen(role);
	if (strncmp(env, role, len) != 0 || env[len] != '-')
		return;
	what = env + len + 1;
	if (imsgbuf_init(&ibuf, 3) == -1)
		fatal("imsgbuf_init");
	if (strcmp(what, "state") == 0) {
		memset(&se, 'A', sizeof(se));
		se.expires_at = INT64_MAX;
		imsg_compose(&ibuf, IMSG_STATE_ENTRY, 0, 0, -1, &se,
		    sizeof(se));
	} else if (strcmp(what, "verbose") == 0)
		imsg_compose(&ibuf, IMSG_CTL_LOG_VERBOSE, 0, 0, -1, &verbose,
		    sizeof(verbose));
	else if (strcmp(what, "type") == 0)
		imsg_compose(&ibuf, IMSG_SOCKET_CTL, 0, 0, -1, NULL, 0);
	else
		fatalx("regress: unknown SIPPROXD_REGRESS_IMSG %s", env);
	log_warnx("regress: sending a bad imsg (%s)", env);
	if (imsgbuf_flush(&ibuf) == -1)
		fatal("regress: imsgbuf_flush");
	imsgbuf_clear(&ibuf);
}

#ifdef __linux__
/* Ask the kernel for an unreachable route to 192.0.2.77/32. */
static int
regress_route_add(void)
{
	struct {
		struct nlmsghdr	 nh;
		struct rtmsg	 rt;
		struct rtattr	 rta;
		struct in_addr	 dst;
	} req;
	struct {
		struct nlmsghdr	 nh;
		struct nlmsgerr	 err;
	} ack;
	int	 s;

	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		return (errno);
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	req.rt.rtm_table = RT_TABLE_MAIN;
	req.rt.rtm_protocol = RTPROT_STATIC;
	req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	req.rt.rtm_type = RTN_UNREACHABLE;
	req.rta.rta_type = RTA_DST;
	req.rta.rta_len = RTA_LENGTH(sizeof(req.dst));
	req.dst.s_addr = htonl(0xc000024d);
	if (send(s, &req, sizeof(req), 0) == -1 ||
	    recv(s, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack)) {
		close(s);
		return (errno);
	}
	close(s);
	return (ack.nh.nlmsg_type == NLMSG_ERROR ? -ack.err.error : EPROTO);
}
#endif

/*
 * Regress builds only: SIPPROXD_REGRESS_PARENT makes the sandboxed parent
 * try what it must not be able to: "open:PATH" reads a file, "route" adds
 * a route (run it in a network namespace of its own), "kill:PID" signals
 * a process. Each result is logged, if the parent lives to log it.
 */
void
regress_parent_trigger(void)
{
	const char	*env, *errstr;
	pid_t		 pid;
	int		 fd, error;

	if ((env = getenv("SIPPROXD_REGRESS_PARENT")) == NULL)
		return;
	if (strncmp(env, "open:", 5) == 0) {
		if ((fd = open(env + 5, O_RDONLY | O_CLOEXEC)) == -1)
			log_warn("regress: open %s", env + 5);
		else {
			log_warnx("regress: open %s: opened", env + 5);
			close(fd);
		}
	} else if (strcmp(env, "route") == 0) {
#ifdef __linux__
		if ((error = regress_route_add()) != 0)
			log_warnx("regress: route add: %s", strerror(error));
		else
			log_warnx("regress: route add: added");
#endif
	} else if (strncmp(env, "kill:", 5) == 0) {
		pid = strtonum(env + 5, 2, INT_MAX, &errstr);
		if (errstr != NULL)
			fatalx("regress: kill pid %s", errstr);
		if (kill(pid, SIGTERM) == -1)
			log_warn("regress: kill %d", (int)pid);
		else
			log_warnx("regress: kill %d: signalled", (int)pid);
	} else
		fatalx("regress: unknown SIPPROXD_REGRESS_PARENT %s", env);
	(void)error;
}

/*
 * Regress builds only: make the named child issue a system call its
 * sandbox forbids, to prove that the sandbox kills it and the parent
 * reports it.
 */
void
regress_sandbox_trigger(const char *role)
{
	const char	*who;

	regress_imsg_trigger(role);
	if ((who = getenv("SIPPROXD_REGRESS_SYSCALL")) == NULL ||
	    strcmp(who, role) != 0)
		return;
	log_warnx("regress: opening /etc/passwd inside the sandbox");
	open("/etc/passwd", O_RDONLY);
	log_warnx("regress: still alive, the sandbox failed");
}
#endif
