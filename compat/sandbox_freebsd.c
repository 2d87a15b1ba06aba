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
 * The FreeBSD sandbox. The children arrive here chrooted to an empty
 * directory and without privileges (proc_drop_privs()); the parent runs
 * as root with the file system in view. Capsicum adds what fits:
 *
 * - Capability mode (cap_enter(2)) for a process that promises nothing
 *   but "stdio", "recvfd" and "sendfd": its descriptors are all it needs.
 *   None of sipproxd's processes is such a one. Capability mode forbids
 *   bind(2), connect(2) and sendto(2) to an address (ECAPMODE), and
 *   after setup the engine sends SIP to addresses it learns from packets
 *   while c-ares connects a socket per name server, the relay binds a
 *   port pair per stream and sends to the peer it latched, and the
 *   parent opens listeners and reads files at reload.
 * - Descriptor rights (cap_rights_limit(2)) for the use the process names
 *   in sandbox_limit_fd(). Out of capability mode this narrows only what
 *   those descriptors can do: the process may still open others, as far
 *   as its user and chroot let it.
 *
 * Nothing here is like unveil(2) or Landlock: the paths sandbox_unveil()
 * recorded are checked and not used. Nor does anything narrow kill(2) to
 * given processes. Any failure is fatal: no sandbox, no daemon.
 */

#include <sys/capsicum.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

/* What capability mode leaves a process: the descriptors it has. */
#define SANDBOX_CAPMODE	(SANDBOX_STDIO | SANDBOX_RECVFD | SANDBOX_SENDFD)

void
sandbox_apply(const struct sandbox *sb)
{
	if ((sb->promises & ~SANDBOX_CAPMODE) != 0) {
		log_debug("sandbox: no capability mode for these promises");
		return;
	}
	if (cap_enter() == -1)
		fatal("sandbox: cap_enter");
	log_debug("sandbox: capability mode");
}

void
sandbox_limit_fd(int fd, enum sandbox_fd use)
{
	cap_rights_t	 rights;

	switch (use) {
	case SANDBOX_FD_IMSG:
		/* recvmsg(2), sendmsg(2) with or without fds, kevent(2) */
		cap_rights_init(&rights, CAP_RECV, CAP_SEND, CAP_EVENT);
		break;
	case SANDBOX_FD_UDP:
		/* sendto(2) with an address takes CAP_CONNECT; IP_TOS */
		cap_rights_init(&rights, CAP_RECV, CAP_SEND, CAP_CONNECT,
		    CAP_SETSOCKOPT, CAP_EVENT);
		break;
	case SANDBOX_FD_CONTROL:
		/*
		 * accept4(2). The clients inherit the listener's rights;
		 * getpeereid(3) is a getsockopt(2), then imsg.
		 */
		cap_rights_init(&rights, CAP_ACCEPT, CAP_EVENT,
		    CAP_GETSOCKOPT, CAP_RECV, CAP_SEND);
		break;
	default:
		fatalx("sandbox: descriptor use %d", (int)use);
	}
	if (cap_rights_limit(fd, &rights) == -1)
		fatal("sandbox: cap_rights_limit fd %d", fd);
}
