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
 * The parent: reads the configuration, opens the sockets, starts the SIP
 * engine and the RTP relay, hands them what they need, reloads, persists
 * the registration state, and takes the daemon down if a child dies.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "sipproxd.h"
#include "acl.h"
#include "log.h"
#include "sandbox.h"

struct child {
	const char	*name;
	pid_t		 pid;
	struct imsgev	 iev;
	int		 alive;
};

__dead static void	 usage(void);
static int		 listeners_open(struct sipproxd_config *,
			    struct sipproxd_config *);
static int		 control_open(const char *);
static void		 parent_send_config(void);
static void		 parent_send_tls(void);
static void		 parent_reload(uint32_t);
static void		 parent_reply(uint32_t, int, const char *);
static void		 parent_dispatch(struct imsgev *, struct imsg *);
static void		 parent_gone(struct imsgev *);
static void		 parent_sig(int, short, void *);
static void		 parent_reap(int);
__dead static void	 parent_shutdown(int);
__dead static void	 parent_compromised(struct imsgev *, const char *);
static void		 parent_unveil(void);
static int		 pid_file_lock(const char *);
static void		 pid_file_write(int, const char *);
__dead static void	 pid_file_exit(void);

static struct sipproxd_config	*conf;
static struct child		 children[2] = {
	{ .name = "sip engine", .pid = -1 },
	{ .name = "rtp relay", .pid = -1 }
};
#define ENGINE	(&children[0])
#define RELAY	(&children[1])

static const char	*conffile = SIPPROXD_CONFIG;
static const char	*sockpath = SIPPROXD_SOCKET;
static const char	*pidpath;	/* -p, NULL: none */
static int		 pidfd = -1;
static int		 reload_acks;		/* children yet to ack */
static uint32_t		 reload_peer;		/* sipctl waiting, 0: none */
static int		 shutting_down;
static int		 engine_compromised;	/* its last words unread */

__dead static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-dnv] [-D macro=value] [-f file] "
	    "[-p pidfile] [-s socket]\n", __progname);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct sock_conn sc;
	struct passwd	*pw;
	uid_t		 engine_uid;
	char		 errbuf[CTL_MSG_LEN];
	const char	*role = NULL, *argv0;
	char		*path;
	int		 ch, debug = 0, noaction = 0, verbose = 0;
	int		 pipe_engine[2], pipe_relay[2], pipe_er[2], ctl_fd;

	log_init(1, LOG_DAEMON);

	while ((ch = getopt(argc, argv, "dD:f:np:P:s:v")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'D':
			if (cmdline_symset(optarg) < 0)
				errx(1, "could not parse macro definition %s",
				    optarg);
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'p':
			pidpath = optarg;
			break;
		case 'P':
			role = optarg;
			break;
		case 's':
			sockpath = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc > 0)
		usage();

	if (role != NULL) {
		if (strcmp(role, "engine") == 0)
			engine_main(debug, verbose);
		if (strcmp(role, "relay") == 0)
			relay_main(debug, verbose);
		errx(1, "unknown process role %s", role);
	}

	log_setcmdline(verbose ? LOG_C_ALL : 0);
	/* libcrypto reads its configuration now, outside the sandbox. */
	if (tls_init() == -1)
		errx(1, "tls_init");
	if ((conf = parse_config(conffile, errbuf, sizeof(errbuf))) == NULL)
		exit(1);
	if (noaction) {
		if (verbose)
			print_config(conf);
		fprintf(stderr, "configuration OK\n");
		exit(0);
	}

	if (geteuid() != 0)
		errx(1, "need root privileges");
	if ((pw = getpwnam(SIPPROXD_USER)) == NULL)
		errx(1, "unknown user %s", SIPPROXD_USER);
	engine_uid = pw->pw_uid;
	/* A relay the engine's uid could reach would protect nothing. */
	if ((pw = getpwnam(SIPPROXD_RTP_USER)) == NULL)
		errx(1, "unknown user %s", SIPPROXD_RTP_USER);
	if (pw->pw_uid == engine_uid || pw->pw_uid == 0)
		errx(1, "user %s needs a uid of its own", SIPPROXD_RTP_USER);

	/* Children are re-executed by absolute path, or found in $PATH. */
	argv0 = argv[0];
	if (strchr(argv0, '/') != NULL) {
		if ((path = realpath(argv0, NULL)) == NULL)
			err(1, "realpath %s", argv0);
		argv0 = path;
	}

	log_init(debug, LOG_DAEMON);
	log_setcmdline(verbose ? LOG_C_ALL : 0);
	log_reconf(conf->g.log_verbose);

	if (pidpath != NULL && (pidfd = pid_file_lock(pidpath)) == -1)
		exit(1);
	if ((ctl_fd = control_open(sockpath)) == -1)
		pid_file_exit();
	if (listeners_open(conf, NULL) == -1) {
		unlink(sockpath);
		pid_file_exit();
	}

	if (!debug && daemon(0, 0) == -1)
		fatal("daemon");
	if (pidfd != -1)
		pid_file_write(pidfd, pidpath);
	log_info("startup, version %s", SIPPROXD_VERSION);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    PF_UNSPEC, pipe_engine) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    PF_UNSPEC, pipe_relay) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    PF_UNSPEC, pipe_er) == -1)
		fatal("socketpair");

#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer needs ptrace, and the chroot hides the symbolizer. */
	setenv("ASAN_OPTIONS", "detect_leaks=0:symbolize=0", 0);
#endif
	ENGINE->pid = proc_start(ROLE_ENGINE, argv0, pipe_engine[1], debug,
	    verbose, 0);
	/* Dejitter as configured at start gets the precise timer. */
	RELAY->pid = proc_start(ROLE_RELAY, argv0, pipe_relay[1], debug,
	    verbose, conf->g.rtp_dejitter > 0);
	ENGINE->alive = RELAY->alive = 1;

	setproctitle("parent");
	event_init();

	proc_signals(parent_sig, 1);

	imsgev_peer(&ENGINE->iev, pipe_engine[0], ENGINE->name,
	    parent_dispatch, parent_gone, ENGINE);
	imsgev_peer(&RELAY->iev, pipe_relay[0], RELAY->name,
	    parent_dispatch, parent_gone, RELAY);
	imsgev_check(&ENGINE->iev, ROLE_ENGINE, ROLE_PARENT,
	    parent_compromised);
	imsgev_check(&RELAY->iev, ROLE_RELAY, ROLE_PARENT,
	    parent_compromised);
	imsgbuf_allow_fdpass(&ENGINE->iev.ibuf);
	imsgbuf_allow_fdpass(&RELAY->iev.ibuf);

	/* The engine and the relay talk to each other directly. */
	sc.parent_pid = getpid();
	sc.peer_pid = RELAY->pid;
	imsgev_compose(&ENGINE->iev, IMSG_SOCKET_CONN, 0, pipe_er[0],
	    &sc, sizeof(sc));
	sc.peer_pid = ENGINE->pid;
	imsgev_compose(&RELAY->iev, IMSG_SOCKET_CONN, 0, pipe_er[1],
	    &sc, sizeof(sc));
	imsgev_compose(&ENGINE->iev, IMSG_SOCKET_CTL, 0, ctl_fd, NULL, 0);
	parent_send_config();
	/* The outside's address, followed when it names an interface. */
	wan_init(&ENGINE->iev, &RELAY->iev);
	wan_reconf(conf);

	if (conf->g.reg_state[0] != '\0')
		state_load(conf->g.reg_state, conf->g.reg_max,
		    &ENGINE->iev);

	parent_unveil();
	sandbox_kill_pid(ENGINE->pid);
	sandbox_kill_pid(RELAY->pid);
	sandbox_enter("stdio rpath wpath cpath inet route sendfd proc");
#ifdef SIPPROXD_REGRESS
	regress_parent_trigger();
#endif

	event_dispatch();
	parent_shutdown(1);
}

/*
 * What the parent keeps touching after start-up, file by file: the
 * configuration and its includes (read again on reload: a file that was
 * not read at start-up stays out of reach), the state file and its
 * temporary (written, renamed over it) and the control socket (removed
 * at exit).
 */
static void
parent_unveil(void)
{
	struct conf_file	*f;
	char			 tmp[PATH_MAX], *real;
	int			 i;

	TAILQ_FOREACH(f, &conf->files, entry)
		sandbox_unveil(f->path, "r");
	/*
	 * The TLS files are read again on reload, and a renewed
	 * certificate is a new file (renamed over the old, or a symbolic
	 * link changed to point at it): their directories, and the one a
	 * link points into, are readable.
	 */
	for (i = 0; i < TLS_FILES; i++) {
		if (conf->tls[i].path == NULL)
			continue;
		if (strlcpy(tmp, conf->tls[i].path, sizeof(tmp)) >=
		    sizeof(tmp))
			fatalx("tls path too long");
		sandbox_unveil(dirname(tmp), "r");
		if ((real = realpath(conf->tls[i].path, NULL)) == NULL)
			continue;
		sandbox_unveil(dirname(real), "r");
		free(real);
	}
	if (conf->g.reg_state[0] != '\0') {
		if (state_tmpname(conf->g.reg_state, tmp, sizeof(tmp)) == -1)
			fatalx("state path too long");
		sandbox_unveil(conf->g.reg_state, "wc");
		sandbox_unveil(tmp, "wc");
	}
	sandbox_unveil(sockpath, "c");
	if (pidpath != NULL)
		sandbox_unveil(pidpath, "c");
}

/*
 * The pid file for rc(8), locked for as long as we run: a second
 * sipproxd given the same file refuses to start, and a stale file left
 * by a crash is taken over. The lock survives daemon(3), whose child
 * inherits the open file.
 */
static int
pid_file_lock(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("pid file %s", path);
		return (-1);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			log_warnx("pid file %s: in use by a running sipproxd",
			    path);
		else
			log_warn("pid file %s: lock", path);
		close(fd);
		return (-1);
	}
	return (fd);
}

static void
pid_file_write(int fd, const char *path)
{
	char	 buf[32];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || write(fd, buf, n) != n)
		fatal("pid file %s", path);
}

/* Start-up failed after the pid file was taken: leave no stale one. */
__dead static void
pid_file_exit(void)
{
	if (pidfd != -1)
		unlink(pidpath);
	exit(1);
}

int
listener_open(struct listener *l)
{
	int	 fd, on = 1, type;

	type = l->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	if ((fd = socket(l->ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    l->proto)) == -1) {
		log_warn("listen on %s %s: socket",
		    addr_str((struct sockaddr *)&l->ss, 1),
		    transport_str(l->transport));
		return (-1);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (l->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&l->ss, sa_len(&l->ss)) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) == -1)
		goto fail;
	l->fd = fd;
	return (0);
 fail:
	log_warn("listen on %s %s", addr_str((struct sockaddr *)&l->ss, 1),
	    transport_str(l->transport));
	close(fd);
	return (-1);
}

/*
 * Open the listeners of a new configuration that the old one (if any) does
 * not already have open; all or nothing.
 */
static int
listeners_open(struct sipproxd_config *nconf, struct sipproxd_config *oconf)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &nconf->listeners, entry) {
		if (oconf != NULL &&
		    listener_find(&oconf->listeners, l) != NULL)
			continue;
		if (listener_open(l) == -1)
			goto fail;
	}
	return (0);
 fail:
	TAILQ_FOREACH(l, &nconf->listeners, entry) {
		if (l->fd != -1) {
			close(l->fd);
			l->fd = -1;
		}
	}
	return (-1);
}

/*
 * The control socket: refuse to take it from a daemon that still answers
 * on it, else replace a stale one.
 */
static int
control_open(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old_umask;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("control socket %s: path too long", path);
		return (-1);
	}

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_warnx("control socket %s: in use by a running sipproxd",
		    path);
		close(fd);
		return (-1);
	}
	close(fd);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("unlink %s", path);
		return (-1);
	}

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("socket");
	old_umask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("control socket %s: bind", path);
		umask(old_umask);
		close(fd);
		return (-1);
	}
	umask(old_umask);
	if (chmod(path, 0660) == -1 || listen(fd, CTL_MAX_CLIENTS) == -1) {
		log_warn("control socket %s", path);
		unlink(path);
		close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * Send the configuration piece by piece; the children build it aside and
 * swap on DONE. A listener's fd goes along only when it is new: imsg
 * closes our copy once sent, the engine owns the socket from then on.
 */
static void
parent_send_config(void)
{
	struct conf_listener	 cl;
	struct listener		*l;
	struct user		*u;
	unsigned int		 i;
	struct rewrite		*rw;

	imsgev_compose(&ENGINE->iev, IMSG_RECONF_CONF, 0, -1, &conf->g,
	    sizeof(conf->g));
	imsgev_compose(&RELAY->iev, IMSG_RECONF_CONF, 0, -1, &conf->g,
	    sizeof(conf->g));
	TAILQ_FOREACH(l, &conf->listeners, entry) {
		memset(&cl, 0, sizeof(cl));
		cl.ss = l->ss;
		strlcpy(cl.name, l->name, sizeof(cl.name));
		cl.proto = l->proto;
		cl.transport = l->transport;
		cl.outside = l->outside;
		imsgev_compose(&ENGINE->iev, IMSG_RECONF_LISTENER, 0, l->fd,
		    &cl, sizeof(cl));
		l->fd = -1;
	}
	parent_send_tls();
	for (i = 0; i < conf->noutbound; i++)
		imsgev_compose(&ENGINE->iev, IMSG_RECONF_OUTBOUND, 0, -1,
		    &conf->outbound[i], sizeof(conf->outbound[i]));
	/* HA1s only: the passwords were wiped once hashed. */
	TAILQ_FOREACH(u, &conf->users, entry)
		imsgev_compose(&ENGINE->iev, IMSG_RECONF_USER, 0, -1, &u->cu,
		    sizeof(u->cu));
	acl_send(conf->acl, &ENGINE->iev);
	TAILQ_FOREACH(rw, &conf->rewrites, entry)
		imsgev_compose(&ENGINE->iev, IMSG_RECONF_REWRITE, 0, -1,
		    &rw->cr, sizeof(rw->cr));
	imsgev_compose(&ENGINE->iev, IMSG_RECONF_DONE, 0, -1, NULL, 0);
	imsgev_compose(&RELAY->iev, IMSG_RECONF_DONE, 0, -1, NULL, 0);
	reload_acks = 2;
}

/*
 * The TLS files' contents to the engine, each announced with its size,
 * then in chunks that fit an imsg. The parent keeps no copy: the key is
 * wiped here, and read again on reload.
 */
static void
parent_send_tls(void)
{
	struct conf_tlsfile	 tf;
	struct tlsfile		*f;
	size_t			 off, n;
	int			 i;

	for (i = 0; i < TLS_FILES; i++) {
		f = &conf->tls[i];
		if (f->data == NULL)
			continue;
		memset(&tf, 0, sizeof(tf));
		tf.which = i;
		tf.len = f->len;
		imsgev_compose(&ENGINE->iev, IMSG_RECONF_TLS_FILE, 0, -1,
		    &tf, sizeof(tf));
		for (off = 0; off < f->len; off += n) {
			n = f->len - off;
			if (n > TLS_CHUNK)
				n = TLS_CHUNK;
			imsgev_compose(&ENGINE->iev, IMSG_RECONF_TLS_DATA, i,
			    -1, f->data + off, n);
		}
	}
	config_tls_wipe(conf);
}

/*
 * Reload, from SIGHUP (peer 0) or sipctl: a configuration that does not
 * parse, or whose new sockets cannot be opened, leaves everything as is.
 */
static void
parent_reload(uint32_t peer)
{
	struct sipproxd_config	*nconf;
	char			 errbuf[CTL_MSG_LEN];

	if (reload_acks > 0) {
		parent_reply(peer, 1, "reload already in progress");
		return;
	}
	log_info("reloading configuration %s", conffile);
	errbuf[0] = '\0';
	if ((nconf = parse_config(conffile, errbuf, sizeof(errbuf))) == NULL) {
		log_warnx("reload failed, keeping the running configuration");
		parent_reply(peer, 1, errbuf);
		return;
	}
	if (listeners_open(nconf, conf) == -1) {
		log_warnx("reload failed, keeping the running configuration");
		config_free(nconf);
		parent_reply(peer, 1, "reload failed: cannot open a new "
		    "listener, see the log");
		return;
	}
	config_free(conf);
	conf = nconf;
	log_reconf(conf->g.log_verbose);
	reload_peer = peer;
	parent_send_config();
	wan_reconf(conf);
}

static void
parent_reply(uint32_t peer, int error, const char *msg)
{
	struct ctl_result	 res;

	if (peer == 0)
		return;
	memset(&res, 0, sizeof(res));
	res.error = error;
	strlcpy(res.msg, msg, sizeof(res.msg));
	imsgev_compose(&ENGINE->iev, IMSG_CTL_RESULT, peer, -1, &res,
	    sizeof(res));
}

/* The child is gone: reap it to say why, then go down. */
static void
parent_gone(struct imsgev *iev)
{
	event_del(&iev->ev);
	parent_reap(1);
	if (!shutting_down)
		parent_shutdown(1);
}

/* A message from a child, checked by imsgev_dispatch() already. */
static void
parent_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct child		*c = iev->data;
	struct binding	 se;
	int			 verbose;

	switch (imsg_get_type(imsg)) {
	case IMSG_RECONF_DONE:
		if (reload_acks > 0 && --reload_acks == 0) {
			log_info("configuration loaded");
			parent_reply(reload_peer, 0, "reload complete");
			reload_peer = 0;
		}
		break;
	case IMSG_CTL_RELOAD:
		if (c != ENGINE)
			fatalx("%s: unexpected reload", c->name);
		parent_reload(imsg_get_id(imsg));
		break;
	case IMSG_CTL_LOG_VERBOSE:
		if (imsg_get_data(imsg, &verbose, sizeof(verbose)) == -1)
			fatalx("%s: bad log verbose", c->name);
		log_setverbose(verbose);
		break;
	case IMSG_STATE_ENTRY:
		if (c != ENGINE ||
		    imsg_get_data(imsg, &se, sizeof(se)) == -1)
			fatalx("%s: bad state entry", c->name);
		state_add(conf->g.reg_state, &se,
		    conf->g.reg_max);
		break;
	case IMSG_STATE_END:
		if (c != ENGINE)
			fatalx("%s: unexpected state end", c->name);
		if (conf->g.reg_state[0] != '\0')
			state_commit(conf->g.reg_state);
		break;
	default:
		fatalx("%s: unexpected imsg %u", c->name,
		    imsg_get_type(imsg));
	}
}

static void
parent_sig(int sig, short event, void *arg)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		log_info("received signal %d, terminating", sig);
		parent_shutdown(0);
	case SIGHUP:
		parent_reload(0);
		break;
	case SIGCHLD:
		parent_reap(0);
		if (!shutting_down && (!ENGINE->alive || !RELAY->alive))
			parent_shutdown(1);
		break;
	}
}

/* Collect exited children and say how each ended. */
static void
parent_reap(int block)
{
	struct child	*c;
	pid_t		 pid;
	int		 status, sig;

	for (;;) {
		pid = waitpid(WAIT_ANY, &status, block ? 0 : WNOHANG);
		if (pid <= 0)
			return;
		block = 0;
		if (pid == ENGINE->pid)
			c = ENGINE;
		else if (pid == RELAY->pid)
			c = RELAY;
		else
			continue;
		c->alive = 0;
		if (WIFSIGNALED(status)) {
			sig = WTERMSIG(status);
			if (sig == SIGSYS)
				log_warnx("%s (pid %d) terminated by signal %d "
				    "(SIGSYS): sandbox violation", c->name,
				    (int)pid, sig);
			else
				log_warnx("%s (pid %d) terminated by signal %d "
				    "(%s)", c->name, (int)pid, sig,
				    strsignal(sig));
		} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warnx("%s (pid %d) exited with status %d",
			    c->name, (int)pid, WEXITSTATUS(status));
		else if (!shutting_down)
			log_warnx("%s (pid %d) exited", c->name, (int)pid);
	}
}

/*
 * Stop both children, wait for them (bounded), save what the engine sent
 * on its way out, remove the control socket and exit.
 */
__dead static void
parent_shutdown(int code)
{
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	struct imsgev	*iev = &ENGINE->iev;
	int		 i;

	shutting_down = 1;
	for (i = 0; i < 2; i++)
		if (children[i].alive)
			kill(children[i].pid, SIGTERM);
	for (i = 0; i < 100 && (ENGINE->alive || RELAY->alive); i++) {
		parent_reap(0);
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < 2; i++) {
		if (children[i].alive) {
			log_warnx("%s (pid %d) did not stop, killing it",
			    children[i].name, (int)children[i].pid);
			kill(children[i].pid, SIGKILL);
			parent_reap(1);
		}
	}

	/*
	 * The engine's last state message may still wait in the socket,
	 * unless the engine is known to be compromised.
	 */
	if (iev->ibuf.fd != -1 && !engine_compromised) {
		event_del(&iev->ev);
		for (i = 0; i < 1000 && imsgbuf_read(&iev->ibuf) == 1; i++) {
			struct imsg		 imsg;
			struct binding	 se;

			while (imsg_get(&iev->ibuf, &imsg) > 0) {
				if (imsg_check(ROLE_ENGINE, ROLE_PARENT,
				    &imsg) != NULL) {
					log_warnx("sip engine: bad imsg at "
					    "exit, state not saved");
					imsg_free(&imsg);
					goto done;
				}
				if (imsg_get_type(&imsg) == IMSG_STATE_ENTRY &&
				    imsg_get_data(&imsg, &se, sizeof(se)) == 0)
					state_add(conf->g.reg_state, &se,
					    conf->g.reg_max);
				else if (imsg_get_type(&imsg) ==
				    IMSG_STATE_END && conf->g.reg_state[0] != '\0')
					state_commit(conf->g.reg_state);
				imsg_free(&imsg);
			}
		}
	}

 done:
	if (unlink(sockpath) == -1 && errno != ENOENT)
		log_warn("unlink %s", sockpath);
	if (pidfd != -1 && unlink(pidpath) == -1 && errno != ENOENT)
		log_warn("unlink %s", pidpath);
	log_info("terminating");
	exit(code);
}

/*
 * A child sent what our code never sends: it runs someone else's code.
 * Trust nothing more from it and take the daemon down.
 */
__dead static void
parent_compromised(struct imsgev *iev, const char *why)
{
	struct child	*c = iev->data;

	log_warnx("%s (pid %d) compromised: %s; stopping", c->name,
	    (int)c->pid, why);
	if (c == ENGINE)
		engine_compromised = 1;
	parent_shutdown(1);
}
