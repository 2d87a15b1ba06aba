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
 * The sandbox: one vocabulary of pledge(2) promise words and unveil(2)
 * permissions, parsed in sandbox.c, and one back end per system in
 * compat/sandbox_<os>.c that maps it onto the system's mechanism.
 */

#ifndef SANDBOX_H
#define SANDBOX_H

#include <sys/types.h>

#include <limits.h>

/* What a descriptor is for; on FreeBSD it keeps the rights for that. */
enum sandbox_fd {
	SANDBOX_FD_IMSG,	/* an imsg channel: read, write, poll */
	SANDBOX_FD_UDP,		/* a SIP listener: recvfrom, sendto, dscp */
	SANDBOX_FD_CONTROL,	/* the control listener and its clients */
};

/* The calls of the daemon, the same on every system. */
void	sandbox_unveil(const char *, const char *);
/* With "proc": a process the sandboxed one may signal (Linux only). */
void	sandbox_kill_pid(pid_t);
void	sandbox_enter(const char *);
void	sandbox_limit_fd(int, enum sandbox_fd);

/* The promise words, one bit each. */
#define SANDBOX_STDIO		0x0001
#define SANDBOX_RPATH		0x0002
#define SANDBOX_WPATH		0x0004
#define SANDBOX_CPATH		0x0008
#define SANDBOX_INET		0x0010
#define SANDBOX_UNIX		0x0020
#define SANDBOX_DNS		0x0040
#define SANDBOX_ROUTE		0x0080
#define SANDBOX_RECVFD		0x0100
#define SANDBOX_SENDFD		0x0200
#define SANDBOX_PROC		0x0400
#define SANDBOX_EXEC		0x0800

/* The unveil permissions "r", "w", "c" and "x". */
#define SANDBOX_UNVEIL_R	0x01
#define SANDBOX_UNVEIL_W	0x02
#define SANDBOX_UNVEIL_C	0x04
#define SANDBOX_UNVEIL_X	0x08

#define SANDBOX_MAXPATHS	64
#define SANDBOX_MAXPIDS		4
/* Every word once, space-separated, and the NUL. */
#define SANDBOX_WORDS_LEN	80

struct sandbox_path {
	char		 path[PATH_MAX];
	unsigned int	 perms;		/* SANDBOX_UNVEIL_* */
};

/* All that sandbox_enter() hands the back end, checked. */
struct sandbox {
	unsigned int		 promises;	/* SANDBOX_* */
	struct sandbox_path	 paths[SANDBOX_MAXPATHS];
	size_t			 npaths;
	pid_t			 pids[SANDBOX_MAXPIDS];
	size_t			 npids;
};

/* sandbox.c: the vocabulary */
int	 sandbox_parse(const char *, unsigned int *, char *, size_t);
int	 sandbox_parse_perms(const char *, unsigned int *);
int	 sandbox_words(unsigned int, char *, size_t);

/* compat/sandbox_<os>.c: the mechanism, called once */
void	 sandbox_apply(const struct sandbox *);

#endif /* SANDBOX_H */
