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
 * The parent's side of the access lists between the processes: each set
 * (its header, then its prefixes in messages of ACL_NETS_MSG), the rules
 * and the scanner patterns go with the rest of a configuration;
 * acl_imsg.c rebuilds them in the engine.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "sipproxd.h"
#include "acl.h"

/* The access lists of a configuration, before its DONE. */
void
acl_send(struct acl_conf *ac, struct imsgev *iev)
{
	struct conf_acl_set	 cs;
	struct acl_set		*s;
	char			 pat[SCANNER_LEN];
	uint32_t		 i;
	size_t			 k, n;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->nsets; i++) {
		s = ac->sets[i];
		memset(&cs, 0, sizeof(cs));
		strlcpy(cs.name, s->name, sizeof(cs.name));
		cs.id = s->id;
		cs.count = s->n;
		imsgev_compose(iev, IMSG_RECONF_ACL_SET, 0, -1, &cs,
		    sizeof(cs));
		for (k = 0; k < s->n; k += n) {
			n = s->n - k < ACL_NETS_MSG ? s->n - k : ACL_NETS_MSG;
			imsgev_compose(iev, IMSG_RECONF_ACL_NETS, 0, -1,
			    &s->nets[k], n * sizeof(s->nets[0]));
		}
	}
	for (k = 0; k < ac->nrules; k++)
		imsgev_compose(iev, IMSG_RECONF_ACL_RULE, 0, -1,
		    &ac->rules[k], sizeof(ac->rules[k]));
	for (k = 0; k < ac->nscanners; k++) {
		memset(pat, 0, sizeof(pat));
		strlcpy(pat, ac->scanners[k], sizeof(pat));
		imsgev_compose(iev, IMSG_RECONF_SCANNER, 0, -1, pat,
		    sizeof(pat));
	}
}
