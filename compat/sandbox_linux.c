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
 * The Linux sandbox: the promise words of sipproxd/sandbox.c mapped onto
 * PR_SET_NO_NEW_PRIVS, resource limits, Landlock (the file system, where
 * the kernel has it) and a seccomp-BPF allowlist built with libseccomp.
 *
 * Promise words and what they allow (anything else kills the process):
 *   stdio   memory without PROT_EXEC, time, I/O and sendmsg/recvmsg on
 *	     fds already open, epoll/poll/select, setting a timerfd already
 *	     open (libevent's precise timer), signal handling, close,
 *	     fcntl, dup, fstat, lseek, get*id, getrandom, exit, futex,
 *	     shutdown, getsockname/getpeername/getsockopt, pipe2,
 *	     socketpair(AF_UNIX), uname, sched_yield, ioctl FIONREAD/FIONBIO,
 *	     tgkill on the own process (abort(3))
 *   rpath   open read-only, stat, readlink, access, getdents, getcwd
 *   wpath   open write-only (read-write also needs rpath), O_TRUNC,
 *	     ftruncate, fsync, fdatasync
 *   cpath   O_CREAT (with the access mode's own word), unlink, rename,
 *	     mkdir, rmdir, fchmod, umask
 *   inet    socket(AF_INET/AF_INET6, SOCK_STREAM/SOCK_DGRAM, TCP/UDP or
 *	     0), bind, connect, listen, accept, setsockopt, recvmmsg/sendmmsg
 *   unix    socket(AF_UNIX, stream/dgram/seqpacket), bind, connect,
 *	     listen, accept, setsockopt
 *   dns     the inet sockets, connect, setsockopt, recvmmsg/sendmmsg
 *   route   socket(AF_NETLINK, raw/dgram, NETLINK_ROUTE), bind
 *	     (getifaddrs(3))
 *   recvfd, sendfd  nothing more: seccomp cannot see SCM_RIGHTS
 *   proc    kill of the own process and of those sandbox_kill_pid()
 *	     named, wait4, waitid
 *   exec    execve
 *
 * Harmless library probes fail with an error instead of killing:
 * sched_getaffinity, sysinfo, getrlimit/prlimit64 (EACCES), ioctl TCGETS
 * (ENOTTY, so isatty(3) says no) and, without "unix",
 * socket(AF_UNIX, SOCK_DGRAM) (EACCES: syslog(3) reconnecting).
 *
 * Sanitizer builds also allow readlink(2) and let the raw open(2) (not
 * openat) fail, so that a report is written instead of a SIGSYS.
 *
 * Landlock handles every file system right the kernel's ABI knows, and
 * each sandbox_unveil() directory gets one path-beneath rule: "r" read
 * file and directory, "w" write and truncate, "c" create and remove
 * files, directories and sockets, "x" execute. A file (or a path not
 * there yet) gets "r", "w" and "x" on itself where it exists; but
 * Landlock cannot name a file that does not exist yet, and creating and
 * removing are rights of the directory: "c" on a file becomes a rule on
 * its directory to create regular files and remove files there, with
 * "w" to write them. No path, no file system. ABI 6 adds the abstract
 * unix socket scope.
 *
 * Capabilities: all but those the promises need are dropped from the
 * effective, permitted, inheritable, ambient and (given CAP_SETPCAP)
 * bounding sets: "inet" keeps CAP_NET_BIND_SERVICE (a new listener on a
 * low port at reload), "proc" CAP_KILL (children of another uid). So a
 * root parent cannot write routes (CAP_NET_ADMIN), read what root alone
 * may not (CAP_DAC_*) or undo its sandbox.
 *
 * A process that does not promise "proc" is a child: it gets
 * RLIMIT_NPROC 0, RLIMIT_FSIZE 0 (unless stderr is a regular file, as
 * with a redirected foreground daemon) and the Landlock signal scope.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* REG_RAX for the debug handler */
#endif

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

/* The installed linux/landlock.h may predate these (ABI 3 to 6). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

/* The ruleset attribute as of ABI 6; older kernels accept zero tails. */
struct sandbox_ll_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

#define LL_FS_READ	(LANDLOCK_ACCESS_FS_READ_FILE | \
			    LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_WRITE	(LANDLOCK_ACCESS_FS_WRITE_FILE | \
			    LANDLOCK_ACCESS_FS_TRUNCATE)
#define LL_FS_CREATE	(LANDLOCK_ACCESS_FS_MAKE_REG | \
			    LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			    LANDLOCK_ACCESS_FS_MAKE_SOCK | \
			    LANDLOCK_ACCESS_FS_MAKE_DIR | \
			    LANDLOCK_ACCESS_FS_REMOVE_DIR | \
			    LANDLOCK_ACCESS_FS_REFER)
/* The only rights a rule on a non-directory may carry. */
#define LL_FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | \
			    LANDLOCK_ACCESS_FS_WRITE_FILE | \
			    LANDLOCK_ACCESS_FS_READ_FILE | \
			    LANDLOCK_ACCESS_FS_TRUNCATE | \
			    LANDLOCK_ACCESS_FS_IOCTL_DEV)

/*
 * An int argument: the kernel uses the low 32 bits only, so compare just
 * those (the upper half of the register is not defined for an int).
 */
#define ARG_INT(n, v)	SCMP_CMP((n), SCMP_CMP_MASKED_EQ, 0xffffffffULL, \
			    (v))
#define ARG_EQ(n, v)	SCMP_CMP((n), SCMP_CMP_EQ, (v), 0)

/*
 * System calls allowed without argument checks, per promise. Names are
 * resolved by libseccomp; one the native architecture lacks is skipped,
 * a misspelt one is fatal.
 */
static const char *const sc_stdio[] = {
	"brk", "munmap", "mremap", "madvise",
	"clock_gettime", "clock_getres", "gettimeofday", "nanosleep",
	"clock_nanosleep", "timerfd_settime",
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"preadv", "pwritev",
	"recvfrom", "recvmsg", "sendmsg", "sendto",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "poll", "ppoll", "select", "pselect6",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"close", "close_range", "fcntl", "dup", "dup2", "dup3", "fstat",
	"lseek",
	"getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getresuid", "getresgid", "getgroups",
	"getrandom", "exit", "exit_group", "futex", "restart_syscall",
	"rseq", "set_robust_list", "sched_yield",
	"shutdown", "getsockname", "getpeername", "getsockopt", "pipe2",
	"uname",
	NULL
};
static const char *const sc_rpath[] = {
	"newfstatat", "statx", "stat", "lstat", "readlink", "readlinkat",
	"access", "faccessat", "faccessat2", "getdents64", "getcwd",
	NULL
};
static const char *const sc_wpath[] = {
	"ftruncate", "fsync", "fdatasync",
	NULL
};
static const char *const sc_cpath[] = {
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir",
	"mkdirat", "rmdir", "fchmod", "umask",
	NULL
};
static const char *const sc_inet[] = {
	"bind", "connect", "listen", "accept", "accept4", "setsockopt",
	"recvmmsg", "sendmmsg",
	NULL
};
static const char *const sc_unix[] = {
	"bind", "connect", "listen", "accept", "accept4", "setsockopt",
	NULL
};
static const char *const sc_dns[] = {
	"connect", "setsockopt", "recvmmsg", "sendmmsg",
	NULL
};
static const char *const sc_route[] = {
	"bind",
	NULL
};
static const char *const sc_proc[] = {
	"wait4", "waitid",
	NULL
};
static const char *const sc_exec[] = {
	"execve",
	NULL
};
/* Library probes that may fail politely, whatever was promised. */
static const char *const sc_soft[] = {
	"sched_getaffinity", "sysinfo", "getrlimit", "prlimit64",
	NULL
};
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER	1
#endif
#endif
#ifdef SANDBOX_SANITIZER
/* What the sanitizer runtime needs to write its report. */
static const char *const sc_sanitizer[] = {
	"readlink", "readlinkat",
	NULL
};
#endif

static const struct {
	unsigned int		 bit;
	const char *const	*calls;
} sandbox_tables[] = {
	{ SANDBOX_STDIO,	sc_stdio },
	{ SANDBOX_RPATH,	sc_rpath },
	{ SANDBOX_WPATH,	sc_wpath },
	{ SANDBOX_CPATH,	sc_cpath },
	{ SANDBOX_INET,		sc_inet },
	{ SANDBOX_UNIX,		sc_unix },
	{ SANDBOX_DNS,		sc_dns },
	{ SANDBOX_ROUTE,	sc_route },
	{ SANDBOX_PROC,		sc_proc },
	{ SANDBOX_EXEC,		sc_exec },
};

static void		sandbox_caps(unsigned int);
static void		sandbox_rlimits(void);
static void		sandbox_landlock(const struct sandbox *);
static void		sandbox_ll_rule(int, const char *, uint64_t, uint64_t);
static void		sandbox_seccomp(const struct sandbox *);
static void		sandbox_rule(scmp_filter_ctx, uint32_t, const char *,
			    unsigned int, const struct scmp_arg_cmp *);
static void		sandbox_rules_mem(scmp_filter_ctx);
static void		sandbox_rules_open(scmp_filter_ctx, unsigned int);
static void		sandbox_rules_socket(scmp_filter_ctx, unsigned int);
static void		sandbox_rules_misc(scmp_filter_ctx,
			    const struct sandbox *);
static void		sandbox_sigsys(int, siginfo_t *, void *);

/*
 * In order: no new privileges, so that nothing after can undo what
 * follows; a child's rlimits; capabilities; Landlock for the file system;
 * and last the system call filter, which would forbid the calls before.
 */
void
sandbox_apply(const struct sandbox *sb)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("sandbox: PR_SET_NO_NEW_PRIVS");
	if ((sb->promises & SANDBOX_PROC) == 0)
		sandbox_rlimits();
	sandbox_caps(sb->promises);
	sandbox_landlock(sb);
	sandbox_seccomp(sb);
}

/* seccomp and Landlock govern calls by the process, not by descriptor. */
void
sandbox_limit_fd(int fd, enum sandbox_fd use)
{
}

/*
 * Keep only the capabilities the promises need. The bounding set goes
 * first, while CAP_SETPCAP is still effective; a process without it (a
 * child after setresuid) has nothing left to drop there.
 */
static void
sandbox_caps(unsigned int set)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	uint64_t			 keep = 0, have;
	int				 cap;

	if (set & SANDBOX_INET)
		keep |= 1ULL << CAP_NET_BIND_SERVICE;
	if (set & SANDBOX_PROC)
		keep |= 1ULL << CAP_KILL;

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("sandbox: capget");
	have = data[0].permitted | (uint64_t)data[1].permitted << 32;
	if (have & (1ULL << CAP_SETPCAP)) {
		for (cap = 0; cap < 64; cap++) {
			if (keep & (1ULL << cap))
				continue;
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
				if (errno == EINVAL)
					break;	/* past the last one */
				fatal("sandbox: PR_CAPBSET_DROP %d", cap);
			}
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		fatal("sandbox: PR_CAP_AMBIENT_CLEAR_ALL");
	keep &= have;
	data[0].effective = data[0].permitted = keep & 0xffffffff;
	data[1].effective = data[1].permitted = keep >> 32;
	data[0].inheritable = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("sandbox: capset");
}

/* A child forks nothing and writes no file. */
static void
sandbox_rlimits(void)
{
	struct rlimit	 rl;
	struct stat	 sb;

	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_NPROC, &rl) == -1)
		fatal("sandbox: setrlimit RLIMIT_NPROC");
	/* A foreground daemon's stderr may be a file: keep logging. */
	if (fstat(STDERR_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
		log_debug("sandbox: stderr is a file, RLIMIT_FSIZE unchanged");
		return;
	}
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		fatal("sandbox: setrlimit RLIMIT_FSIZE");
}

static void
sandbox_landlock(const struct sandbox *sb)
{
	struct sandbox_ll_attr			 attr;
	const struct sandbox_path		*sp;
	struct stat				 st;
	char					 dir[PATH_MAX];
	uint64_t				 access;
	size_t					 i;
	long					 abi;
	int					 rfd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_debug("sandbox: landlock not available: %s",
		    strerror(errno));
		return;
	}

	memset(&attr, 0, sizeof(attr));
	/* ABI 1: execute .. make_sym, every right below REFER. */
	attr.handled_access_fs = LANDLOCK_ACCESS_FS_REFER - 1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	/*
	 * TCP bind and connect stay unhandled: the processes open sockets
	 * after setup, and seccomp fences the socket types.
	 */
	if (abi >= 6) {
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		/* The parent signals its children, outside its domain. */
		if ((sb->promises & SANDBOX_PROC) == 0)
			attr.scoped |= LANDLOCK_SCOPE_SIGNAL;
	}

	rfd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rfd == -1)
		fatal("sandbox: landlock_create_ruleset");

	for (i = 0; i < sb->npaths; i++) {
		sp = &sb->paths[i];
		access = 0;
		if (sp->perms & SANDBOX_UNVEIL_R)
			access |= LL_FS_READ;
		if (sp->perms & SANDBOX_UNVEIL_W)
			access |= LL_FS_WRITE;
		if (sp->perms & SANDBOX_UNVEIL_C)
			access |= LL_FS_CREATE;
		if (sp->perms & SANDBOX_UNVEIL_X)
			access |= LANDLOCK_ACCESS_FS_EXECUTE;
		if (stat(sp->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			sandbox_ll_rule(rfd, sp->path, access,
			    attr.handled_access_fs);
			continue;
		}
		sandbox_ll_rule(rfd, sp->path, access & LL_FS_FILE,
		    attr.handled_access_fs);
		if ((sp->perms & SANDBOX_UNVEIL_C) == 0)
			continue;
		/* The file's own name cannot be told apart from others. */
		access = LANDLOCK_ACCESS_FS_MAKE_REG |
		    LANDLOCK_ACCESS_FS_REMOVE_FILE;
		if (sp->perms & SANDBOX_UNVEIL_W)
			access |= LL_FS_WRITE;
		if (strlcpy(dir, sp->path, sizeof(dir)) >= sizeof(dir))
			fatalx("sandbox: path too long: %s", sp->path);
		sandbox_ll_rule(rfd, dirname(dir), access,
		    attr.handled_access_fs);
	}

	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		fatal("sandbox: landlock_restrict_self");
	close(rfd);
	log_debug("sandbox: landlock ABI %ld, %zu paths", abi,
	    sb->npaths);
}

/* One path-beneath rule; a path that does not exist gets none. */
static void
sandbox_ll_rule(int rfd, const char *path, uint64_t access, uint64_t handled)
{
	struct landlock_path_beneath_attr	 pb;
	int					 fd;

	if ((access &= handled) == 0)
		return;
	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			log_debug("sandbox: %s does not exist, skipped", path);
			return;
		}
		fatal("sandbox: open %s", path);
	}
	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = fd;
	pb.allowed_access = access;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		fatal("sandbox: landlock_add_rule %s", path);
	close(fd);
}

static void
sandbox_seccomp(const struct sandbox *sb)
{
	scmp_filter_ctx		 ctx;
	struct sigaction	 sa;
	const char *const	*c;
	const char		*dbg;
	uint32_t		 action = SCMP_ACT_KILL_PROCESS;
	unsigned int		 set = sb->promises;
	size_t			 i;
	int			 rc;

	if ((dbg = getenv("SANDBOX_DEBUG")) != NULL && strcmp(dbg, "1") == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = sandbox_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) == -1)
			fatal("sandbox: sigaction SIGSYS");
		action = SCMP_ACT_TRAP;
		log_info("sandbox: debug mode, forbidden calls are logged");
	}

	if ((ctx = seccomp_init(action)) == NULL)
		fatalx("sandbox: seccomp_init failed");
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0) {
		errno = -rc;
		fatal("sandbox: seccomp_attr_set");
	}

	for (i = 0; i < nitems(sandbox_tables); i++) {
		if ((set & sandbox_tables[i].bit) == 0)
			continue;
		for (c = sandbox_tables[i].calls; *c != NULL; c++)
			sandbox_rule(ctx, SCMP_ACT_ALLOW, *c, 0, NULL);
	}
	if (set & SANDBOX_STDIO)
		sandbox_rules_mem(ctx);
	sandbox_rules_open(ctx, set);
	sandbox_rules_socket(ctx, set);
	sandbox_rules_misc(ctx, sb);

	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc;
		fatal("sandbox: seccomp_load");
	}
	seccomp_release(ctx);
}

static void
sandbox_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
    unsigned int argc, const struct scmp_arg_cmp *argv)
{
	int	 nr, rc;

	if ((nr = seccomp_syscall_resolve_name(name)) == __NR_SCMP_ERROR)
		fatalx("sandbox: unknown system call %s", name);
	if (nr < 0)
		return;		/* not on this architecture */
	if ((rc = seccomp_rule_add_array(ctx, action, nr, argc, argv)) < 0) {
		errno = -rc;
		fatal("sandbox: seccomp rule for %s", name);
	}
}

/* Memory may be mapped and protected, never executable. */
static void
sandbox_rules_mem(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 noexec[] = {
		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)
	};

	sandbox_rule(ctx, SCMP_ACT_ALLOW, "mmap", 1, noexec);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, "mmap2", 1, noexec);
	sandbox_rule(ctx, SCMP_ACT_ALLOW, "mprotect", 1, noexec);
}

/*
 * open/openat by flags: O_RDONLY needs rpath, O_WRONLY wpath, O_RDWR
 * both; O_TRUNC also needs wpath, O_CREAT also cpath. openat2 keeps its
 * flags in memory seccomp cannot read and is never allowed.
 */
static void
sandbox_rules_open(scmp_filter_ctx ctx, unsigned int set)
{
	static const int	 accmode[] = { O_RDONLY, O_WRONLY, O_RDWR };
	struct scmp_arg_cmp	 arg;
	unsigned int		 need;
	size_t			 i;
	int			 creat, trunc;
	uint64_t		 mask = O_ACCMODE | O_CREAT | O_TRUNC, val;

	for (i = 0; i < nitems(accmode); i++) {
		for (creat = 0; creat < 2; creat++) {
			for (trunc = 0; trunc < 2; trunc++) {
				need = 0;
				if (accmode[i] != O_WRONLY)
					need |= SANDBOX_RPATH;
				if (accmode[i] != O_RDONLY || trunc)
					need |= SANDBOX_WPATH;
				if (creat)
					need |= SANDBOX_CPATH;
				if ((set & need) != need)
					continue;
				val = accmode[i] | (creat ? O_CREAT : 0) |
				    (trunc ? O_TRUNC : 0);
				arg = SCMP_A2(SCMP_CMP_MASKED_EQ, mask, val);
				sandbox_rule(ctx, SCMP_ACT_ALLOW, "openat", 1,
				    &arg);
				arg = SCMP_A1(SCMP_CMP_MASKED_EQ, mask, val);
				sandbox_rule(ctx, SCMP_ACT_ALLOW, "open", 1,
				    &arg);
			}
		}
	}
}

static void
sandbox_rules_socket(scmp_filter_ctx ctx, unsigned int set)
{
	static const int	 inet_af[] = { AF_INET, AF_INET6 };
	static const int	 unix_type[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET
	};
	static const int	 route_type[] = { SOCK_RAW, SOCK_DGRAM };
	static const struct {
		int	 type;
		int	 proto;
	} inet_type[] = {
		{ SOCK_STREAM,	0 },
		{ SOCK_STREAM,	IPPROTO_TCP },
		{ SOCK_DGRAM,	0 },
		{ SOCK_DGRAM,	IPPROTO_UDP },
	};
	/* Masked type compare: SOCK_NONBLOCK and SOCK_CLOEXEC pass. */
	const uint64_t		 tmask = 0xf;
	struct scmp_arg_cmp	 a[3];
	size_t			 i, j;

	if (set & (SANDBOX_INET | SANDBOX_DNS)) {
		for (i = 0; i < nitems(inet_af); i++) {
			for (j = 0; j < nitems(inet_type); j++) {
				a[0] = ARG_INT(0, inet_af[i]);
				a[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, tmask,
				    inet_type[j].type);
				a[2] = ARG_INT(2, inet_type[j].proto);
				sandbox_rule(ctx, SCMP_ACT_ALLOW, "socket", 3,
				    a);
			}
		}
	}
	if (set & SANDBOX_UNIX) {
		for (i = 0; i < nitems(unix_type); i++) {
			a[0] = ARG_INT(0, AF_UNIX);
			a[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, tmask, unix_type[i]);
			a[2] = ARG_INT(2, 0);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "socket", 3, a);
		}
	} else {
		/* syslog(3) reconnecting to /dev/log: fail, do not kill. */
		a[0] = ARG_INT(0, AF_UNIX);
		a[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, tmask, SOCK_DGRAM);
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), "socket", 2, a);
	}
	if (set & SANDBOX_ROUTE) {
		for (i = 0; i < nitems(route_type); i++) {
			a[0] = ARG_INT(0, AF_NETLINK);
			a[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, tmask,
			    route_type[i]);
			a[2] = ARG_INT(2, NETLINK_ROUTE);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "socket", 3, a);
		}
	}
	if (set & SANDBOX_STDIO) {
		/* An anonymous pair reaches nothing new. */
		a[0] = ARG_INT(0, AF_UNIX);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, "socketpair", 1, a);
	}
}

static void
sandbox_rules_misc(scmp_filter_ctx ctx, const struct sandbox *sb)
{
	const char *const	*c;
	struct scmp_arg_cmp	 a;
	unsigned int		 set = sb->promises;
	size_t			 i;

	for (c = sc_soft; *c != NULL; c++)
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), *c, 0, NULL);
	a = ARG_EQ(1, TCGETS);
	sandbox_rule(ctx, SCMP_ACT_ERRNO(ENOTTY), "ioctl", 1, &a);

	if (set & SANDBOX_STDIO) {
		a = ARG_EQ(1, FIONREAD);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &a);
		a = ARG_EQ(1, FIONBIO);
		sandbox_rule(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &a);
		/* abort(3) and raise(3) signal the own process only. */
		a = ARG_INT(0, (uint64_t)getpid());
		sandbox_rule(ctx, SCMP_ACT_ALLOW, "tgkill", 1, &a);
	}
	if (set & SANDBOX_PROC) {
		/* Our children and ourselves, nobody else. */
		a = ARG_INT(0, (uint64_t)getpid());
		sandbox_rule(ctx, SCMP_ACT_ALLOW, "kill", 1, &a);
		for (i = 0; i < sb->npids; i++) {
			a = ARG_INT(0, (uint64_t)sb->pids[i]);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "kill", 1, &a);
		}
	}
	if (set & SANDBOX_STDIO) {
		/* fstat(3) is fstatat(fd, "", AT_EMPTY_PATH). */
		if ((set & SANDBOX_RPATH) == 0) {
			a = SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
			    AT_EMPTY_PATH);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "newfstatat", 1, &a);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "fstatat64", 1, &a);
			a = SCMP_A2(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
			    AT_EMPTY_PATH);
			sandbox_rule(ctx, SCMP_ACT_ALLOW, "statx", 1, &a);
		}
	}
#ifdef SANDBOX_SANITIZER
	for (c = sc_sanitizer; *c != NULL; c++)
		sandbox_rule(ctx, SCMP_ACT_ALLOW, *c, 0, NULL);
	/*
	 * The runtime reads /proc/self/maps with the raw open(2), which
	 * libc never uses (it calls openat): let it fail, not kill.
	 */
	if ((set & (SANDBOX_RPATH | SANDBOX_WPATH | SANDBOX_CPATH)) == 0)
		sandbox_rule(ctx, SCMP_ACT_ERRNO(EACCES), "open", 0, NULL);
#endif
}

/* SANDBOX_DEBUG=1: name the forbidden call and let it fail. */
static void
sandbox_sigsys(int sig, siginfo_t *si, void *uctx)
{
	static const char	 msg[] = "sandbox: forbidden system call ";
	char			 buf[sizeof(msg) + 16], num[16];
	size_t			 len, n = 0;
	ssize_t			 wlen;
	int			 nr, save_errno = errno;

	(void)sig;
	nr = si->si_syscall;
	memcpy(buf, msg, sizeof(msg) - 1);
	len = sizeof(msg) - 1;
	if (nr < 0)
		nr = 0;
	do {
		num[n++] = '0' + nr % 10;
		nr /= 10;
	} while (nr > 0 && n < sizeof(num));
	while (n > 0)
		buf[len++] = num[--n];
	buf[len++] = '\n';
	wlen = write(STDERR_FILENO, buf, len);
	(void)wlen;		/* nowhere to report a failure */
#if defined(__x86_64__) && defined(REG_RAX)
	/* The kernel rolled the call back; make it fail instead. */
	((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
#else
	(void)uctx;
#endif
	errno = save_errno;
}
