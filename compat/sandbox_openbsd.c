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
 * The OpenBSD sandbox: the promise words are pledge(2)'s own, and the
 * recorded paths go to unveil(2) when the process enters the sandbox, at
 * the same point as on the other systems.
 */

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"

#define SANDBOX_MAXPATHS	16

struct sandbox_path {
	char	 path[PATH_MAX];
	char	 perms[8];
};

static struct sandbox_path	 sandbox_paths[SANDBOX_MAXPATHS];
static size_t			 sandbox_npaths;
static int			 sandbox_entered;

/* The words the Linux back end knows: the same set everywhere. */
static const char *const sandbox_words[] = {
	"stdio", "rpath", "wpath", "cpath", "inet", "unix", "dns", "route",
	"recvfd", "sendfd", "proc", "exec",
};

static void	sandbox_check(const char *);

void
sandbox_unveil(const char *path, const char *perms)
{
	struct sandbox_path	*sp;

	if (sandbox_entered)
		fatalx("sandbox: unveil %s after entering", path);
	if (sandbox_npaths >= SANDBOX_MAXPATHS)
		fatalx("sandbox: too many unveiled paths");
	if (perms[strspn(perms, "rwcx")] != '\0')
		fatalx("sandbox: bad unveil permissions \"%s\" for %s",
		    perms, path);
	sp = &sandbox_paths[sandbox_npaths];
	if (strlcpy(sp->path, path, sizeof(sp->path)) >= sizeof(sp->path) ||
	    strlcpy(sp->perms, perms, sizeof(sp->perms)) >= sizeof(sp->perms))
		fatalx("sandbox: unveil %s: too long", path);
	sandbox_npaths++;
}

/* pledge(2) cannot name the processes "proc" may signal. */
void
sandbox_kill_pid(pid_t pid)
{
	(void)pid;
}

void
sandbox_enter(const char *promises)
{
	size_t	 i;

	if (sandbox_entered)
		fatalx("sandbox: entered twice");
	sandbox_entered = 1;
	sandbox_check(promises);

	/* Without a path, hide the whole tree as Landlock does on Linux. */
	if (sandbox_npaths == 0 && unveil("/", "") == -1)
		fatal("sandbox: unveil /");
	for (i = 0; i < sandbox_npaths; i++) {
		if (unveil(sandbox_paths[i].path,
		    sandbox_paths[i].perms) == -1) {
			if (errno == ENOENT) {
				log_debug("sandbox: %s does not exist, "
				    "skipped", sandbox_paths[i].path);
				continue;
			}
			fatal("sandbox: unveil %s", sandbox_paths[i].path);
		}
	}
	if (unveil(NULL, NULL) == -1)
		fatal("sandbox: unveil");
	if (pledge(promises, NULL) == -1)
		fatal("sandbox: pledge");
}

static void
sandbox_check(const char *promises)
{
	const char	*p;
	size_t		 len, i;

	for (p = promises; *p != '\0'; p += len) {
		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) == 0)
			break;
		for (i = 0; i < nitems(sandbox_words); i++) {
			if (strlen(sandbox_words[i]) == len &&
			    strncmp(sandbox_words[i], p, len) == 0)
				break;
		}
		if (i == nitems(sandbox_words))
			fatalx("sandbox: unknown promise %.*s", (int)len, p);
	}
}
