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
 * paths sandbox_unveil() recorded go to unveil(2) when the process
 * enters the sandbox, at the same point as on the other systems.
 * pledge(2) cannot name the processes "proc" may signal.
 */

#include <errno.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

void
sandbox_apply(const struct sandbox *sb)
{
	const struct sandbox_path	*sp;
	char				 perms[5], words[SANDBOX_WORDS_LEN];
	size_t				 i, n;

	/* Without a path, hide the whole tree as Landlock does on Linux. */
	if (sb->npaths == 0 && unveil("/", "") == -1)
		fatal("sandbox: unveil /");
	for (i = 0; i < sb->npaths; i++) {
		sp = &sb->paths[i];
		n = 0;
		if (sp->perms & SANDBOX_UNVEIL_R)
			perms[n++] = 'r';
		if (sp->perms & SANDBOX_UNVEIL_W)
			perms[n++] = 'w';
		if (sp->perms & SANDBOX_UNVEIL_C)
			perms[n++] = 'c';
		if (sp->perms & SANDBOX_UNVEIL_X)
			perms[n++] = 'x';
		perms[n] = '\0';
		if (unveil(sp->path, perms) == -1) {
			if (errno == ENOENT) {
				log_debug("sandbox: %s does not exist, "
				    "skipped", sp->path);
				continue;
			}
			fatal("sandbox: unveil %s", sp->path);
		}
	}
	if (unveil(NULL, NULL) == -1)
		fatal("sandbox: unveil");
	if (sandbox_words(sb->promises, words, sizeof(words)) == -1)
		fatalx("sandbox: promises 0x%x", sb->promises);
	if (pledge(words, NULL) == -1)
		fatal("sandbox: pledge \"%s\"", words);
}

/* pledge(2) governs the calls of the process, not its descriptors. */
void
sandbox_limit_fd(int fd, enum sandbox_fd use)
{
}
