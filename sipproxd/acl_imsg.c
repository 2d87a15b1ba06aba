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
 * The access lists in the engine: rebuilt aside from the parent's
 * messages (acl_send.c), each payload checked by imsg_check.c, and
 * swapped in with the configuration. Then the engine asks: may this
 * source send this request, is this User-Agent a scanner's.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"
#include "engine.h"
#include "acl.h"
#include "log.h"
#include "sip_msg.h"

/*
 * The User-Agents of SIP scanners seen in the wild, matched as
 * substrings without regard to case; `scanner "..."` adds to them.
 */
static const char *const scanners_builtin[] = {
	"friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipscan",
	"vaxsipuseragent", "pplsip", "iwar", "sundayddr", "siparmyknife",
	"sipsak-scan"
};

static void	 set_complete(struct acl_conf *);
static int	 rules_eval(int, const struct acl_net *, int);

static struct acl_conf	*acl_live, *acl_next;

/*
 * Engine: one piece of the next configuration's access lists. The
 * parent sends them in one order (a set, all of its prefixes, the
 * next set, then the rules); anything else is a bug of ours.
 */
void
acl_reconf(struct imsg *imsg)
{
	struct conf_acl_set	 cs;
	struct conf_acl_rule	 cr;
	struct acl_set		*s;
	struct ibuf		 ibuf;
	const struct acl_net	*nets;
	const char		*why;
	uint32_t		 type = imsg_get_type(imsg);
	size_t			 len, i, n;

	if (imsg_get_ibuf(imsg, &ibuf) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	len = ibuf_size(&ibuf);
	if ((why = imsg_check_payload(type, ibuf_data(&ibuf), len)) != NULL)
		fatalx("bad imsg %u from the parent: %s", type, why);
	if (acl_next == NULL && (acl_next = acl_conf_new()) == NULL)
		fatal(NULL);

	switch (type) {
	case IMSG_RECONF_ACL_SET:
		memcpy(&cs, ibuf_data(&ibuf), sizeof(cs));
		set_complete(acl_next);
		if (cs.id != acl_next->nsets ||
		    (s = acl_set_new(acl_next, cs.name)) == NULL)
			fatalx("access set %u out of order", cs.id);
		if (cs.count > 0 && (s->nets = reallocarray(NULL, cs.count,
		    sizeof(*s->nets))) == NULL)
			fatal(NULL);
		s->max = s->want = cs.count;
		break;
	case IMSG_RECONF_ACL_NETS:
		n = len / sizeof(*nets);
		nets = ibuf_data(&ibuf);
		if (acl_next->nsets == 0)
			fatalx("access set prefixes without a set");
		s = acl_next->sets[acl_next->nsets - 1];
		if (s->n + n > s->want)
			fatalx("access set prefixes out of order");
		for (i = 0; i < n; i++)
			if (acl_set_add(s, &nets[i]) == -1)
				fatal(NULL);
		break;
	case IMSG_RECONF_ACL_RULE:
		memcpy(&cr, ibuf_data(&ibuf), sizeof(cr));
		set_complete(acl_next);
		if (cr.set >= acl_next->nsets ||
		    acl_rule_add(acl_next, cr.action, cr.what,
		    acl_next->sets[cr.set]) == -1)
			fatalx("access rule for set %u out of order", cr.set);
		break;
	case IMSG_RECONF_SCANNER:
		if (acl_scanner_add(acl_next, ibuf_data(&ibuf)) == -1)
			fatalx("too many scanner patterns");
		break;
	default:
		fatalx("%s: imsg %u", __func__, type);
	}
}

/* The last set got all the prefixes it announced. */
static void
set_complete(struct acl_conf *ac)
{
	struct acl_set	*s;

	if (ac->nsets == 0)
		return;
	s = ac->sets[ac->nsets - 1];
	if (s->n != s->want)
		fatalx("access set %u: %zu of %zu prefixes", s->id, s->n,
		    s->want);
}

/* The configuration is complete: its lists replace the running ones. */
void
acl_reconf_done(void)
{
	if (acl_next != NULL) {
		set_complete(acl_next);
		acl_conf_done(acl_next);
	}
	acl_conf_free(acl_live);
	acl_live = acl_next;
	acl_next = NULL;
	if (acl_live != NULL)
		log_debug("access control: %u sets, %zu rules, %zu scanner "
		    "patterns", acl_live->nsets, acl_live->nrules,
		    acl_live->nscanners);
}

/*
 * The rules of one kind over an address: the last that matches
 * decides, as in pf; none matching leaves dflt.
 */
static int
rules_eval(int what, const struct acl_net *a, int dflt)
{
	const struct conf_acl_rule	*r;
	size_t				 i;
	int				 verdict = dflt;

	for (i = 0; i < acl_live->nrules; i++) {
		r = &acl_live->rules[i];
		if (r->what == what &&
		    acl_set_match(acl_live->sets[r->set], a))
			verdict = r->action;
	}
	return (verdict);
}

/*
 * May a request from src pass? Every request answers to the sip rules
 * (none matching: it may). A REGISTER answers to the register rules
 * as well; once one `allow register` rule is written, a source no
 * register rule allows may not register. 1: it may.
 */
int
acl_check(const struct sockaddr_storage *src, int is_register)
{
	struct acl_net	 a;

	if (acl_live == NULL || acl_live->nrules == 0)
		return (1);
	if (acl_net_of(src, -1, &a) == -1)
		return (0);
	if (rules_eval(ACL_SIP, &a, ACL_ALLOW) != ACL_ALLOW)
		return (0);
	if (!is_register)
		return (1);
	return (rules_eval(ACL_REGISTER, &a, acl_live->allow_register ?
	    ACL_DENY : ACL_ALLOW) == ACL_ALLOW);
}

/* The scanner pattern a User-Agent holds, or NULL. */
const char *
acl_scanner(const char *ua)
{
	size_t	 i;

	for (i = 0; i < nitems(scanners_builtin); i++)
		if (strcasestr(ua, scanners_builtin[i]) != NULL)
			return (scanners_builtin[i]);
	for (i = 0; acl_live != NULL && i < acl_live->nscanners; i++)
		if (strcasestr(ua, acl_live->scanners[i]) != NULL)
			return (acl_live->scanners[i]);
	return (NULL);
}

/*
 * `stealth`: from outside, only those who reach a phone of ours or a
 * call through us get an answer of ours; a scanner probing the outside
 * address gets none, not even for what does not parse. known: the
 * request's target is a registered phone or a call. 1: keep quiet.
 */
int
acl_quiet(int side, int known)
{
	if (side != LEG_OUTSIDE || known || !engine_global()->stealth)
		return (0);
	sip_stats.stealth++;
	return (1);
}

/*
 * `user-agent`: a phone's message on its way out carries ours in its
 * User-Agent and Server headers instead of its make and firmware.
 */
int
acl_user_agent(struct sip_msg *m)
{
	const char	*ua = engine_global()->user_agent;
	int		 i;

	if (ua[0] == '\0')
		return (0);
	for (i = 0; i < m->nhdrs; i++)
		if ((m->hdrs[i].id == SIP_HDR_USER_AGENT ||
		    m->hdrs[i].id == SIP_HDR_SERVER) &&
		    sip_edit_value(m, i, ua) == -1)
			return (-1);
	return (0);
}
