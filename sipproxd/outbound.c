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
 * `outbound proxy ... for domain` in the engine: the proxy a phone's
 * request goes to by the host of its Request-URI. A domain covers
 * itself and every name under it (a whole label: "example.com" covers
 * "sip.example.com", never "badexample.com"); of those that cover a
 * host, the longest wins. An address given as a domain covers only
 * itself. A new configuration replaces the whole set.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"

static struct conf_outbound	 cur[OUTBOUND_DOMAINS_MAX];
static struct conf_outbound	 next[OUTBOUND_DOMAINS_MAX];
static unsigned int		 ncur, nnext;

/* IMSG_RECONF_OUTBOUND: one entry of the configuration being sent. */
void
outbound_reconf(struct imsg *imsg)
{
	struct conf_outbound	 co;
	const char		*why = NULL;

	if (imsg_get_data(imsg, &co, sizeof(co)) == -1 ||
	    (why = imsg_check_payload(IMSG_RECONF_OUTBOUND, &co,
	    sizeof(co))) != NULL)
		fatalx("bad IMSG_RECONF_OUTBOUND: %s", why != NULL ? why :
		    "wrong size");
	if (nnext >= OUTBOUND_DOMAINS_MAX)
		fatalx("IMSG_RECONF_OUTBOUND: more than %d domains",
		    OUTBOUND_DOMAINS_MAX);
	next[nnext++] = co;
}

/* IMSG_RECONF_DONE: the entries sent are the set from now on. */
void
outbound_reconf_done(void)
{
	memcpy(cur, next, nnext * sizeof(next[0]));
	ncur = nnext;
	nnext = 0;
}

/*
 * The entry for a Request-URI host, or NULL. A host ending in a dot
 * (absolute) is taken without it; an IPv6 reference keeps its brackets
 * and so only matches a domain written the same way.
 */
const struct conf_outbound *
outbound_find(const char *host)
{
	const struct conf_outbound	*best = NULL;
	size_t				 hlen, dlen, blen = 0;
	unsigned int			 i;

	hlen = strlen(host);
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	for (i = 0; i < ncur; i++) {
		dlen = strlen(cur[i].domain);
		if (dlen > hlen || dlen <= blen ||
		    strncasecmp(host + hlen - dlen, cur[i].domain, dlen) != 0)
			continue;
		/* Under it: the rest ends at a dot; an address never is. */
		if (dlen < hlen && (host[hlen - dlen - 1] != '.' ||
		    strspn(cur[i].domain, "0123456789.") == dlen ||
		    strchr(cur[i].domain, ':') != NULL))
			continue;
		best = &cur[i];
		blen = dlen;
	}
	return (best);
}
