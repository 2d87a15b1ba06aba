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
 * The Linux sandbox from the outside: each check forks a child that enters
 * the sandbox with some promises and then does one allowed or forbidden
 * thing; the parent judges by how the child ended.
 *
 * cc -Wall -Wextra -Icompat -Isipproxd \
 *     $(pkg-config --cflags libbsd-overlay libseccomp) \
 *     regress/unit/sandbox_test.c sipproxd/sandbox.c compat/sandbox_linux.c \
 *     sipproxd/log.c \
 *     $(pkg-config --libs libbsd-overlay libseccomp) -o sandbox_test
 */

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/landlock.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

#define EXPECT_EXIT0	0	/* survived, the call worked */
#define EXPECT_SIGSYS	1	/* killed by the seccomp filter */
#define EXPECT_SIGABRT	2
#define EXPECT_EXIT1	3	/* fatalx() */

struct sbtest {
	const char	*name;
	const char	*promises;
	const char	*unveil;	/* "TMP" is the scratch directory */
	const char	*perms;
	int		 landlock;	/* needs Landlock */
	int		 expect;
	int		(*fn)(void);
};

static char	 tmpdir[64];
static int	 failed;

/* Each child returns 0 when the permitted call behaved as permitted. */
static int
t_basic(void)
{
	struct timespec	 ts;
	char		*p;
	int		 fd;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return (1);
	if ((p = malloc(1024 * 1024)) == NULL)	/* mmap */
		return (2);
	memset(p, 'x', 1024 * 1024);
	free(p);
	if ((fd = dup(STDIN_FILENO)) == -1 || close(fd) == -1)
		return (3);
	if (getpid() <= 0 || getuid() != geteuid())
		return (4);
	if (isatty(STDIN_FILENO) && errno != ENOTTY)	/* TCGETS soft */
		return (5);
	return (0);
}

static int
t_openat(void)
{
	open("/etc/hostname", O_RDONLY);
	return (1);
}

static int
t_mmap_exec(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANON, -1, 0);
	return (1);
}

static int
t_mprotect_exec(void)
{
	void	*p;

	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0);
	if (p == MAP_FAILED)
		return (2);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	return (1);
}

static int
t_udp(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	char			 buf[8];
	int			 s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return (2);
	if (getsockname(s, (struct sockaddr *)&sin, &len) == -1)
		return (3);
	if (sendto(s, "ping", 4, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) != 4)
		return (4);
	usleep(10000);
	if (recv(s, buf, sizeof(buf), 0) != 4)
		return (5);
	close(s);
	return (0);
}

/* A resolver: connected UDP, no bind. */
static int
t_dns(void)
{
	struct sockaddr_in	 sin;
	int			 s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP))
	    == -1)
		return (1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return (2);
	if (send(s, "q", 1, 0) != 1)
		return (3);
	close(s);
	return (0);
}

static int
t_tcp6(void)
{
	int	 s, on = 1;

	if ((s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)) == -1)
		return (1);
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		return (2);
	close(s);
	return (0);
}

static int
t_unix_stream(void)
{
	socket(AF_UNIX, SOCK_STREAM, 0);
	return (1);
}

static int
t_unix_dgram_soft(void)
{
	if (socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) != -1)
		return (1);
	return (errno == EACCES ? 0 : 2);
}

static int
t_unix_ok(void)
{
	int	 s;

	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return (1);
	close(s);
	return (0);
}

static int
t_raw(void)
{
	socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	return (1);
}

static int
t_icmp_dgram(void)
{
	socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	return (1);
}

static int
t_read_file(void)
{
	char	 buf[64];
	int	 fd;

	if ((fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC)) == -1)
		return (1);
	if (read(fd, buf, sizeof(buf)) < 0)
		return (2);
	close(fd);
	return (0);
}

static int
t_write_open(void)
{
	open("/etc/hostname", O_WRONLY);
	return (1);
}

static int
t_creat_open(void)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	open(path, O_RDONLY | O_CREAT, 0600);
	return (1);
}

/* Landlock without rules: no file system at all, but no kill either. */
static int
t_landlock_none(void)
{
	if (open("/etc/hostname", O_RDONLY) != -1)
		return (1);
	return (errno == EACCES ? 0 : 2);
}

/* A parent: may create in the unveiled directory, nothing elsewhere. */
static int
t_landlock_parent(void)
{
	char	 path[PATH_MAX], path2[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/created", tmpdir);
	snprintf(path2, sizeof(path2), "%s/renamed", tmpdir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return (1);
	if (write(fd, "state\n", 6) != 6 || fsync(fd) == -1)
		return (2);
	close(fd);
	if (rename(path, path2) == -1)
		return (3);
	if ((fd = open(path2, O_RDONLY)) == -1)
		return (4);
	close(fd);
	if (open("/etc/hostname", O_RDONLY) != -1)
		return (5);
	if (errno != EACCES)
		return (6);
	if (unlink(path2) == -1)
		return (7);
	return (0);
}

/*
 * "wc" on a file, as the parent has its state file: write a temporary
 * beside it and rename it over; but read nothing there, make no
 * directory.
 */
static int
t_landlock_file(void)
{
	char	 path[PATH_MAX], tmp[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/state", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s/state.tmp", tmpdir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return (1);
	if (write(fd, "state\n", 6) != 6 || fsync(fd) == -1)
		return (2);
	close(fd);
	if (rename(tmp, path) == -1)
		return (3);
	if (open(path, O_RDONLY) != -1 || errno != EACCES)
		return (4);
	snprintf(tmp, sizeof(tmp), "%s/dir", tmpdir);
	if (mkdir(tmp, 0700) != -1 || errno != EACCES)
		return (5);
	if (unlink(path) == -1)
		return (6);
	return (0);
}

static int
t_route(void)
{
	struct ifaddrs	*ifa;

	if (getifaddrs(&ifa) == -1)
		return (1);
	freeifaddrs(ifa);
	return (0);
}

static int
t_kill_self(void)
{
	return (kill(getpid(), 0) == 0 ? 0 : 2);
}

static int
t_abort(void)
{
	abort();
}

static int
t_exec(void)
{
	char	*argv[] = { "true", NULL };

	execve("/bin/true", argv, NULL);
	return (1);
}

static int
t_nothing(void)
{
	return (0);
}

static const struct sbtest tests[] = {
	{ "sandbox_stdio_basic", "stdio", NULL, NULL, 0, EXPECT_EXIT0,
	    t_basic },
	{ "sandbox_stdio_openat_killed", "stdio", NULL, NULL, 0, EXPECT_SIGSYS,
	    t_openat },
	{ "sandbox_mmap_exec_killed", "stdio", NULL, NULL, 0, EXPECT_SIGSYS,
	    t_mmap_exec },
	{ "sandbox_mprotect_exec_killed", "stdio", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_mprotect_exec },
	{ "sandbox_stdio_udp_killed", "stdio", NULL, NULL, 0, EXPECT_SIGSYS,
	    t_udp },
	{ "sandbox_inet_udp", "stdio inet", NULL, NULL, 0, EXPECT_EXIT0,
	    t_udp },
	{ "sandbox_inet_tcp6", "stdio inet", NULL, NULL, 0, EXPECT_EXIT0,
	    t_tcp6 },
	{ "sandbox_dns_udp", "stdio dns", NULL, NULL, 0, EXPECT_EXIT0,
	    t_dns },
	{ "sandbox_dns_bind_killed", "stdio dns", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_udp },
	{ "sandbox_inet_unix_killed", "stdio inet", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_unix_stream },
	{ "sandbox_inet_unix_dgram_eacces", "stdio inet", NULL, NULL, 0,
	    EXPECT_EXIT0, t_unix_dgram_soft },
	{ "sandbox_inet_raw_killed", "stdio inet", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_raw },
	{ "sandbox_inet_icmp_killed", "stdio inet", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_icmp_dgram },
	{ "sandbox_unix_stream", "stdio unix", NULL, NULL, 0, EXPECT_EXIT0,
	    t_unix_ok },
	{ "sandbox_unix_udp_killed", "stdio unix", NULL, NULL, 0,
	    EXPECT_SIGSYS, t_udp },
	{ "sandbox_rpath_read", "stdio rpath", "/etc", "r", 0, EXPECT_EXIT0,
	    t_read_file },
	{ "sandbox_rpath_write_killed", "stdio rpath", "/etc", "r", 0,
	    EXPECT_SIGSYS, t_write_open },
	{ "sandbox_rpath_creat_killed", "stdio rpath", "TMP", "r", 0,
	    EXPECT_SIGSYS, t_creat_open },
	{ "sandbox_landlock_no_paths", "stdio rpath", NULL, NULL, 1,
	    EXPECT_EXIT0, t_landlock_none },
	{ "sandbox_landlock_parent", "stdio rpath wpath cpath proc", "TMP",
	    "rwc", 1, EXPECT_EXIT0, t_landlock_parent },
	{ "sandbox_landlock_file_wc", "stdio rpath wpath cpath proc",
	    "TMP/state", "wc", 1, EXPECT_EXIT0, t_landlock_file },
	{ "sandbox_route_getifaddrs", "stdio route", NULL, NULL, 0,
	    EXPECT_EXIT0, t_route },
	{ "sandbox_proc_kill", "stdio proc", NULL, NULL, 0, EXPECT_EXIT0,
	    t_kill_self },
	{ "sandbox_stdio_kill_killed", "stdio", NULL, NULL, 0, EXPECT_SIGSYS,
	    t_kill_self },
	{ "sandbox_stdio_abort", "stdio", NULL, NULL, 0, EXPECT_SIGABRT,
	    t_abort },
	{ "sandbox_exec_killed", "stdio proc", NULL, NULL, 0, EXPECT_SIGSYS,
	    t_exec },
	{ "sandbox_engine_promises", "stdio inet dns recvfd unix", NULL, NULL,
	    0, EXPECT_EXIT0, t_udp },
	{ "sandbox_parent_promises",
	    "stdio rpath wpath cpath inet sendfd proc route exec", "TMP", "rwc",
	    0, EXPECT_EXIT0, t_route },
	{ "sandbox_unknown_promise", "stdio inet bogus", NULL, NULL, 0,
	    EXPECT_EXIT1, t_nothing },
	{ "sandbox_unveil_missing_path", "stdio", "/nonexistent/dir", "r", 0,
	    EXPECT_EXIT0, t_nothing },
	{ "sandbox_unveil_file_rwc", "stdio", "/etc/hostname", "rwc", 0,
	    EXPECT_EXIT0, t_nothing },
};

static int
landlock_abi(void)
{
	long	 abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return (abi < 0 ? 0 : (int)abi);
}

static void
result(const char *name, int ok, const char *fmt, ...)
{
	va_list	 ap;

	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failed++;
	}
	fflush(stdout);
}

static void
describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "status 0x%x", status);
}

static void
run(const struct sbtest *t)
{
	char	 how[64], path[PATH_MAX];
	pid_t	 pid;
	int	 status, ok = 0, devnull;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		result(t->name, 0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* Expected fatal messages would only clutter the output. */
		if (t->expect == EXPECT_EXIT1 &&
		    (devnull = open("/dev/null", O_WRONLY)) != -1)
			dup2(devnull, STDERR_FILENO);
		if (t->unveil != NULL && strncmp(t->unveil, "TMP", 3) == 0) {
			snprintf(path, sizeof(path), "%s%s", tmpdir,
			    t->unveil + 3);
			sandbox_unveil(path, t->perms);
		} else if (t->unveil != NULL)
			sandbox_unveil(t->unveil, t->perms);
		sandbox_enter(t->promises);
		_exit(t->fn());
	}
	if (waitpid(pid, &status, 0) == -1) {
		result(t->name, 0, "waitpid: %s", strerror(errno));
		return;
	}
	switch (t->expect) {
	case EXPECT_EXIT0:
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		break;
	case EXPECT_EXIT1:
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 1;
		break;
	case EXPECT_SIGSYS:
		ok = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
		break;
	case EXPECT_SIGABRT:
		ok = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
		break;
	}
	describe(status, how, sizeof(how));
	result(t->name, ok, "promises \"%s\": %s", t->promises, how);
}

/* Look at a sandboxed child from outside, while it waits. */
static void
check_status(void)
{
	char	 path[64], buf[4096], c;
	FILE	*fp;
	pid_t	 pid;
	size_t	 n;
	int	 go[2], ready[2], status, devnull;

	if (pipe(go) == -1 || pipe(ready) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		/* RLIMIT_FSIZE is kept when stderr is a file. */
		if ((devnull = open("/dev/null", O_WRONLY)) != -1)
			dup2(devnull, STDERR_FILENO);
		sandbox_enter("stdio");
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) != 0)
			_exit(2);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		result("sandbox_proc_status", 0, "child did not get ready");
	else {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if ((fp = fopen(path, "r")) == NULL)
			err(1, "%s", path);
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		result("sandbox_nonewprivs", strstr(buf, "\nNoNewPrivs:\t1\n")
		    != NULL, "NoNewPrivs is not 1");
		result("sandbox_seccomp_mode", strstr(buf, "\nSeccomp:\t2\n")
		    != NULL, "Seccomp is not 2");

		snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
		if ((fp = fopen(path, "r")) == NULL)
			err(1, "%s", path);
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		result("sandbox_child_rlimits",
		    strstr(buf, "Max processes             0") != NULL &&
		    strstr(buf, "Max file size             0") != NULL,
		    "RLIMIT_NPROC or RLIMIT_FSIZE is not 0");
	}
	close(go[1]);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		result("sandbox_proc_status_exit", 0, "child did not exit 0");
	close(ready[0]);
}

/* SANDBOX_DEBUG=1: the forbidden call is named and fails, no kill. */
static void
check_debug(void)
{
	char	 buf[256], want[64];
	pid_t	 pid;
	ssize_t	 n;
	size_t	 off = 0;
	int	 p[2], status;

	if (pipe(p) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		setenv("SANDBOX_DEBUG", "1", 1);
		sandbox_enter("stdio");
		if (open("/etc/hostname", O_RDONLY) != -1)
			_exit(1);
		_exit(errno == ENOSYS ? 0 : 2);
	}
	close(p[1]);
	while (off < sizeof(buf) - 1 &&
	    (n = read(p[0], buf + off, sizeof(buf) - 1 - off)) > 0)
		off += n;
	buf[off] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	snprintf(want, sizeof(want), "forbidden system call %d\n",
	    SYS_openat);
	result("sandbox_debug_trap", WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && strstr(buf, want) != NULL,
	    "status 0x%x, stderr \"%s\"", status, buf);
}

int
main(void)
{
	char	 path[PATH_MAX];
	size_t	 i;
	int	 abi;

	log_init(1, LOG_DAEMON);
	if (getenv("SANDBOX_DEBUG") != NULL)
		unsetenv("SANDBOX_DEBUG");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sandbox_test.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		err(1, "mkdtemp");
	abi = landlock_abi();

	for (i = 0; i < nitems(tests); i++) {
		if (tests[i].landlock && abi == 0) {
			printf("skipped %s: landlock not available\n",
			    tests[i].name);
			continue;
		}
		run(&tests[i]);
	}
	check_status();
	check_debug();

	snprintf(path, sizeof(path), "%s/created", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/renamed", tmpdir);
	unlink(path);
	if (rmdir(tmpdir) == -1)
		result("sandbox_cleanup", 0, "rmdir %s: %s", tmpdir,
		    strerror(errno));
	return (failed ? 1 : 0);
}
