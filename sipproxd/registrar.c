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
 * The registrar table in the SIP engine: the phones registered through us,
 * their expiry, and their persistence through the parent's state file.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipproxd.h"
#include "log.h"

#define REG_SAVE_INTERVAL	5	/* seconds between state writes */

struct reg {
	TAILQ_ENTRY(reg)	 entry;
	struct state_entry	 se;
};

static TAILQ_HEAD(, reg)	 regs = TAILQ_HEAD_INITIALIZER(regs);
static unsigned int		 nregs;
static int			 regs_dirty;
static time_t			 regs_saved;

/* A registration restored from the state file, checked like any input. */
void
registrar_restore(const struct state_entry *se)
{
	struct reg	*r;

	if (memchr(se->aor, '\0', sizeof(se->aor)) == NULL ||
	    memchr(se->contact, '\0', sizeof(se->contact)) == NULL ||
	    memchr(se->masq_contact, '\0', sizeof(se->masq_contact)) == NULL ||
	    memchr(se->source, '\0', sizeof(se->source)) == NULL ||
	    memchr(se->user_agent, '\0', sizeof(se->user_agent)) == NULL)
		fatalx("registrar: unterminated string in state entry");
	if (nregs >= REG_MAX) {
		log_warnx("registrar: table full, %s not restored", se->aor);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal(NULL);
	r->se = *se;
	TAILQ_INSERT_TAIL(&regs, r, entry);
	nregs++;
}

unsigned int
registrar_count(void)
{
	return (nregs);
}

/*
 * Called once a second: drop expired entries, and save the table when it
 * changed, at most every REG_SAVE_INTERVAL seconds (or now, when forced).
 */
void
registrar_tick(time_t now, int force)
{
	struct reg	*r, *next;

	TAILQ_FOREACH_SAFE(r, &regs, entry, next) {
		if (r->se.expires_at > now)
			continue;
		log_info("registration of %s expired", r->se.aor);
		TAILQ_REMOVE(&regs, r, entry);
		free(r);
		nregs--;
		regs_dirty = 1;
	}
	if (!regs_dirty || (!force && now - regs_saved < REG_SAVE_INTERVAL))
		return;
	TAILQ_FOREACH(r, &regs, entry)
		engine_to_parent(IMSG_STATE_ENTRY, 0, &r->se, sizeof(r->se));
	engine_to_parent(IMSG_STATE_END, 0, NULL, 0);
	regs_dirty = 0;
	regs_saved = now;
}

void
registrar_show(uint32_t peer)
{
	struct ctl_registration	 cr;
	struct reg		*r;
	time_t			 now = time(NULL);

	TAILQ_FOREACH(r, &regs, entry) {
		memset(&cr, 0, sizeof(cr));
		strlcpy(cr.aor, r->se.aor, sizeof(cr.aor));
		strlcpy(cr.contact, r->se.contact, sizeof(cr.contact));
		strlcpy(cr.masq_contact, r->se.masq_contact,
		    sizeof(cr.masq_contact));
		strlcpy(cr.source, r->se.source, sizeof(cr.source));
		strlcpy(cr.user_agent, r->se.user_agent,
		    sizeof(cr.user_agent));
		cr.expires = r->se.expires_at > now ?
		    r->se.expires_at - now : 0;
		control_compose(peer, IMSG_CTL_SHOW_REGISTRATIONS, &cr,
		    sizeof(cr));
	}
	control_compose(peer, IMSG_CTL_END, NULL, 0);
}
