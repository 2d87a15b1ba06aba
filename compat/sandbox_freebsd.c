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
 * The FreeBSD sandbox is what the caller has already done before entering:
 * chroot to an empty directory and a full privilege drop (children), or
 * running as root with the file system in view (parent). Here only the
 * promise words and unveil permissions are checked, so that a wrong word
 * fails on every system alike.
 *
 * Capsicum is not used: cap_enter() forbids bind(2) and connect(2) to
 * addresses, and every process binds sockets after setup (the parent's
 * listeners on reload, the relay's RTP ports, the engine's TCP and DNS
 * connections). Nor is there a path allowlist like unveil(2) or Landlock.
 */

#include <string.h>

#include "compat.h"
#include "log.h"

static int	 sandbox_entered;

/* The words the Linux back end knows: the same set everywhere. */
static const char *const sandbox_words[] = {
	"stdio", "rpath", "wpath", "cpath", "inet", "unix", "dns", "route",
	"recvfd", "sendfd", "proc", "exec",
};

void
sandbox_unveil(const char *path, const char *perms)
{
	if (sandbox_entered)
		fatalx("sandbox: unveil %s after entering", path);
	if (perms[strspn(perms, "rwcx")] != '\0')
		fatalx("sandbox: bad unveil permissions \"%s\" for %s",
		    perms, path);
	/* Nothing to record: FreeBSD has no path allowlist. */
}

/* Nothing here narrows kill(2) to given processes. */
void
sandbox_kill_pid(pid_t pid)
{
	(void)pid;
}

void
sandbox_enter(const char *promises)
{
	const char	*p;
	size_t		 len, i;

	if (sandbox_entered)
		fatalx("sandbox: entered twice");
	sandbox_entered = 1;

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
	log_debug("sandbox: chroot and privilege drop only (\"%s\")",
	    promises);
}
