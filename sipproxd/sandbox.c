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
 * The sandbox as every system sees it: pledge(2)'s promise words and
 * unveil(2)'s permissions, recorded and checked here, then handed once to
 * the system's back end (compat/sandbox_<os>.c, sandbox_apply()), which
 * knows only its own mechanism. A word or permission none of them knows
 * is fatal on every system alike: a typo must neither widen a sandbox
 * nor narrow it until the process dies far from the typo.
 */

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

/* The longest piece of an unknown word an error message repeats. */
#define SANDBOX_ERRWORD		32

static const struct {
	const char	*word;
	unsigned int	 bit;
} sandbox_vocab[] = {
	{ "stdio",	SANDBOX_STDIO },
	{ "rpath",	SANDBOX_RPATH },
	{ "wpath",	SANDBOX_WPATH },
	{ "cpath",	SANDBOX_CPATH },
	{ "inet",	SANDBOX_INET },
	{ "unix",	SANDBOX_UNIX },
	{ "dns",	SANDBOX_DNS },
	{ "route",	SANDBOX_ROUTE },
	{ "recvfd",	SANDBOX_RECVFD },
	{ "sendfd",	SANDBOX_SENDFD },
	{ "proc",	SANDBOX_PROC },
	{ "exec",	SANDBOX_EXEC },
};

static struct sandbox	 sandbox;
static int		 sandbox_entered;

/*
 * Promise words separated by spaces into their bits; a word said twice
 * counts once, as with pledge(2). On an unknown word, -1 and errbuf
 * says which.
 */
int
sandbox_parse(const char *promises, unsigned int *set, char *errbuf,
    size_t errlen)
{
	const char	*p;
	size_t		 len, i;
	unsigned int	 bits = 0;

	for (p = promises; *p != '\0'; p += len) {
		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) == 0)
			break;
		for (i = 0; i < nitems(sandbox_vocab); i++) {
			if (strlen(sandbox_vocab[i].word) == len &&
			    strncmp(sandbox_vocab[i].word, p, len) == 0)
				break;
		}
		if (i == nitems(sandbox_vocab)) {
			if (errlen > 0)
				snprintf(errbuf, errlen,
				    "unknown promise \"%.*s\"%s",
				    (int)(len > SANDBOX_ERRWORD ?
				    SANDBOX_ERRWORD : len), p,
				    len > SANDBOX_ERRWORD ? "..." : "");
			return (-1);
		}
		bits |= sandbox_vocab[i].bit;
	}
	*set = bits;
	return (0);
}

/* unveil(2) permissions, any of "rwcx"; "" hides the path. */
int
sandbox_parse_perms(const char *perms, unsigned int *set)
{
	const char	*p;
	unsigned int	 bits = 0;

	for (p = perms; *p != '\0'; p++) {
		switch (*p) {
		case 'r':
			bits |= SANDBOX_UNVEIL_R;
			break;
		case 'w':
			bits |= SANDBOX_UNVEIL_W;
			break;
		case 'c':
			bits |= SANDBOX_UNVEIL_C;
			break;
		case 'x':
			bits |= SANDBOX_UNVEIL_X;
			break;
		default:
			return (-1);
		}
	}
	*set = bits;
	return (0);
}

/* The words of a set, in the vocabulary's order, as pledge(2) takes them. */
int
sandbox_words(unsigned int set, char *buf, size_t len)
{
	size_t		 i;
	unsigned int	 known = 0;

	if (len == 0)
		return (-1);
	buf[0] = '\0';
	for (i = 0; i < nitems(sandbox_vocab); i++) {
		known |= sandbox_vocab[i].bit;
		if ((set & sandbox_vocab[i].bit) == 0)
			continue;
		if ((buf[0] != '\0' && strlcat(buf, " ", len) >= len) ||
		    strlcat(buf, sandbox_vocab[i].word, len) >= len)
			return (-1);
	}
	return ((set & ~known) == 0 ? 0 : -1);
}

void
sandbox_unveil(const char *path, const char *perms)
{
	struct sandbox_path	*sp;

	if (sandbox_entered)
		fatalx("sandbox: unveil %s after entering", path);
	if (sandbox.npaths >= SANDBOX_MAXPATHS)
		fatalx("sandbox: too many unveiled paths");
	sp = &sandbox.paths[sandbox.npaths];
	if (strlcpy(sp->path, path, sizeof(sp->path)) >= sizeof(sp->path))
		fatalx("sandbox: unveil path too long: %s", path);
	if (sandbox_parse_perms(perms, &sp->perms) == -1)
		fatalx("sandbox: bad unveil permissions \"%s\" for %s",
		    perms, path);
	sandbox.npaths++;
}

void
sandbox_kill_pid(pid_t pid)
{
	if (sandbox_entered)
		fatalx("sandbox: kill pid %d after entering", (int)pid);
	if (sandbox.npids >= SANDBOX_MAXPIDS)
		fatalx("sandbox: too many pids to signal");
	sandbox.pids[sandbox.npids++] = pid;
}

void
sandbox_enter(const char *promises)
{
	char	 err[64 + SANDBOX_ERRWORD];

	if (sandbox_entered)
		fatalx("sandbox: entered twice");
	sandbox_entered = 1;
	if (sandbox_parse(promises, &sandbox.promises, err, sizeof(err)) == -1)
		fatalx("sandbox: %s", err);
	sandbox_apply(&sandbox);
}
