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
 * The local registrar (`local domain`): REGISTERs of the phones inside
 * for addresses of record in that domain are answered here (RFC 3261
 * 10.3, without a provider), their bindings kept in the table of
 * bindings.c with no masqueraded contact, and requests for the domain
 * from inside go to the phone registered for it. Only phones inside may
 * register there, and only phones inside reach them.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sip_msg.h"

/* Is host the local domain (case does not matter in a host name)? */
int
localreg_host(const char *host)
{
	const char	*dom = engine_global()->local_domain;

	return (dom[0] != '\0' && strcasecmp(host, dom) == 0);
}

/* A REGISTER for an address of record of the local domain. */
int
localreg_ours(const struct sip_msg *m)
{
	struct sip_addr	 to;
	struct sip_uri	 u;

	if (m->method != SIP_REGISTER || sip_msg_to(m, &to) == -1 ||
	    sip_uri_parse(to.uri, strlen(to.uri), &u) == -1 ||
	    u.scheme == SIP_URI_TEL)
		return (0);
	return (localreg_host(u.host));
}

/*
 * The address of record of a URI in the local domain: "sip:user@domain"
 * with the domain as configured, whatever the scheme, port or case.
 * -1 without a user part.
 */
int
localreg_aor(const struct sip_uri *u, char *aor, size_t len)
{
	int	 n;

	if (u->user[0] == '\0')
		return (-1);
	n = snprintf(aor, len, "sip:%s@%s", u->user,
	    engine_global()->local_domain);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/*
 * A REGISTER of the local domain whose Contacts the proxy checked:
 * bindings added, refreshed or removed, and the status to answer with,
 * the Contact lines of a 2xx in extra. user: who authenticated, "" when
 * there are no users; then anybody inside may register any name.
 */
int
localreg_register(const struct sip_msg *m, const struct sockaddr_storage *src,
    const struct sockaddr_storage *local, const char *user, char *extra,
    size_t elen, const char **reason)
{
	struct sip_addr	 to, a;
	struct sip_uri	 u;
	char		 aor[sizeof(((struct binding *)0)->aor)], val[32];
	const char	*ua = "", *errstr;
	long long	 expires;
	int		 idx, i, n;

	extra[0] = '\0';
	auth_local_register();
	*reason = "Bad Request - Malformed To";
	if (sip_msg_to(m, &to) == -1 ||
	    sip_uri_parse(to.uri, strlen(to.uri), &u) == -1)
		return (400);
	*reason = "Not Found - No user in the address of record";
	if (localreg_aor(&u, aor, sizeof(aor)) == -1)
		return (404);
	/* With users, each may register only its own address. */
	*reason = "Forbidden - Not the authenticated user's address";
	if (auth_enabled() && strcmp(user, u.user) != 0)
		return (403);
	if ((i = sip_msg_hdr_find(m, SIP_HDR_USER_AGENT, 0)) >= 0)
		ua = sip_msg_hdr_value(m, i, NULL);

	n = sip_msg_list_count(m, SIP_HDR_CONTACT);
	for (idx = 0; idx < n; idx++) {
		*reason = "Bad Request - Malformed Contact";
		if (sip_msg_list_get(m, SIP_HDR_CONTACT, idx, &a, NULL,
		    NULL) == -1)
			return (400);
		if (a.star) {
			*reason = "Bad Request - Contact * with others or "
			    "Expires not 0";
			if (n != 1 || m->expires != 0)
				return (400);
			bindings_local_clear(aor);
			break;
		}
		*reason = "Bad Request - Malformed expires";
		if (sip_param_get(a.params, strlen(a.params), "expires", val,
		    sizeof(val)) == 1) {
			expires = strtonum(val, 0, INT32_MAX, &errstr);
			if (errstr != NULL)
				return (400);
		} else if (m->expires >= 0)
			expires = m->expires;
		else
			expires = engine_global()->reg_expires;
		if (expires > REG_EXPIRES_MAX)
			expires = REG_EXPIRES_MAX;
		expires = bindings_cap(expires);
		*reason = "Service Unavailable - Too many registrations";
		if (bindings_local_set(aor, a.uri, src, local, ua,
		    expires) == -1)
			return (503);
	}
	*reason = "Server Internal Error - Too many contacts";
	if (bindings_local_contacts(aor, extra, elen) == -1)
		return (500);
	*reason = "OK";
	return (200);
}
