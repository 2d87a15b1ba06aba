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
 * Every message a less trusted process sends up the chain of trust (the
 * engine or the relay to the parent, the engine to the relay) passes
 * here before anyone reads it. The table, indexed by enum imsg_type, says
 * which way a type may travel and which check its payload must pass: one
 * check per payload type, so a new type without an entry is refused.
 * A message that fails means its sender no longer runs our code: the
 * receiver logs it and takes the daemon down.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sipproxd.h"

/* The ways up the chain of trust. */
#define WAY_ENGINE_PARENT	0x01
#define WAY_RELAY_PARENT	0x02
#define WAY_ENGINE_RELAY	0x04

typedef const char	*(*imsg_checker)(const void *, size_t);

static const char	*check_empty(const void *, size_t);
static const char	*check_verbose(const void *, size_t);
static const char	*check_binding(const void *, size_t);
static const char	*check_user(const void *, size_t);
static const char	*check_outbound(const void *, size_t);
static const char	*check_rewrite(const void *, size_t);
static const char	*check_rtp_open(const void *, size_t);
static const char	*check_rtp_peers(const void *, size_t);
static const char	*check_tls_file(const void *, size_t);
static const char	*check_tls_data(const void *, size_t);
static const char	*check_wan_listener(const void *, size_t);
static const char	*check_wan_address(const void *, size_t);
static const char	*check_peers(const struct rtp_peers *);
static const char	*check_acl_set(const void *, size_t);
static const char	*check_acl_nets(const void *, size_t);
static const char	*check_acl_rule(const void *, size_t);
static const char	*check_scanner(const void *, size_t);
static const char	*check_unban(const void *, size_t);
static int		 check_family(const struct sockaddr_storage *, int);

static const struct {
	const char	*name;
	int		 ways;
	imsg_checker	 check;
} imsg_rules[IMSG_MAX] = {
	[IMSG_CTL_SHOW_SUMMARY] = { "IMSG_CTL_SHOW_SUMMARY",
	    WAY_ENGINE_RELAY, check_empty },
	[IMSG_CTL_SHOW_RTP] = { "IMSG_CTL_SHOW_RTP",
	    WAY_ENGINE_RELAY, check_empty },
	[IMSG_CTL_SHOW_STATS] = { "IMSG_CTL_SHOW_STATS",
	    WAY_ENGINE_RELAY, check_empty },
	[IMSG_CTL_RELOAD] = { "IMSG_CTL_RELOAD",
	    WAY_ENGINE_PARENT, check_empty },
	[IMSG_CTL_LOG_VERBOSE] = { "IMSG_CTL_LOG_VERBOSE",
	    WAY_ENGINE_PARENT | WAY_ENGINE_RELAY, check_verbose },
	[IMSG_RECONF_DONE] = { "IMSG_RECONF_DONE",
	    WAY_ENGINE_PARENT | WAY_RELAY_PARENT, check_empty },
	[IMSG_RTP_OPEN] = { "IMSG_RTP_OPEN",
	    WAY_ENGINE_RELAY, check_rtp_open },
	[IMSG_RTP_UPDATE] = { "IMSG_RTP_UPDATE",
	    WAY_ENGINE_RELAY, check_rtp_peers },
	[IMSG_RTP_CLOSE] = { "IMSG_RTP_CLOSE",
	    WAY_ENGINE_RELAY, check_empty },
	[IMSG_STATE_ENTRY] = { "IMSG_STATE_ENTRY",
	    WAY_ENGINE_PARENT, check_binding },
	[IMSG_STATE_END] = { "IMSG_STATE_END",
	    WAY_ENGINE_PARENT, check_empty },
	/* Down only, parent -> engine: checked by the engine all the same. */
	[IMSG_RECONF_TLS_FILE] = { "IMSG_RECONF_TLS_FILE",
	    0, check_tls_file },
	[IMSG_RECONF_TLS_DATA] = { "IMSG_RECONF_TLS_DATA",
	    0, check_tls_data },
	/* Down the chain: the engine checks what the parent sends. */
	[IMSG_RECONF_USER] = { "IMSG_RECONF_USER", 0, check_user },
	/*
	 * Down the chain (the parent to the engine, sipctl to the engine):
	 * on no way up, checked by their receiver with imsg_check_payload().
	 */
	[IMSG_RECONF_ACL_SET] = { "IMSG_RECONF_ACL_SET", 0, check_acl_set },
	[IMSG_RECONF_ACL_NETS] = { "IMSG_RECONF_ACL_NETS", 0,
	    check_acl_nets },
	[IMSG_RECONF_ACL_RULE] = { "IMSG_RECONF_ACL_RULE", 0,
	    check_acl_rule },
	[IMSG_RECONF_SCANNER] = { "IMSG_RECONF_SCANNER", 0, check_scanner },
	[IMSG_CTL_UNBAN] = { "IMSG_CTL_UNBAN", 0, check_unban },
	[IMSG_RECONF_OUTBOUND] = { "IMSG_RECONF_OUTBOUND", 0,
	    check_outbound },
	[IMSG_RECONF_REWRITE] = { "IMSG_RECONF_REWRITE", 0, check_rewrite },
	/* Down, parent -> engine and relay: checked all the same. */
	[IMSG_WAN_LISTENER] = { "IMSG_WAN_LISTENER", 0, check_wan_listener },
	[IMSG_WAN_ADDRESS] = { "IMSG_WAN_ADDRESS", 0, check_wan_address },
};

/* A string must end within its array. */
#define NUL_IN(a)	(memchr((a), '\0', sizeof(a)) != NULL)

static const char *
check_empty(const void *data, size_t len)
{
	(void)data;
	return (len == 0 ? NULL : "payload where none belongs");
}

static const char *
check_verbose(const void *data, size_t len)
{
	int	 v;

	if (len != sizeof(v))
		return ("wrong size");
	memcpy(&v, data, sizeof(v));
	if (v < 0 || v > LOG_VERBOSE_MAX)
		return ("log classes out of range");
	return (NULL);
}

static const char *
check_binding(const void *data, size_t len)
{
	struct binding	 se;

	if (len != sizeof(se))
		return ("wrong size");
	memcpy(&se, data, sizeof(se));
	if (!NUL_IN(se.aor))
		return ("aor not NUL-terminated");
	if (!NUL_IN(se.contact))
		return ("contact not NUL-terminated");
	if (!NUL_IN(se.masq_contact))
		return ("masq_contact not NUL-terminated");
	if (!NUL_IN(se.source))
		return ("source not NUL-terminated");
	if (!NUL_IN(se.user_agent))
		return ("user_agent not NUL-terminated");
	/* What state_load() would refuse must not be written. */
	if (se.aor[0] == '\0' || se.contact[0] == '\0')
		return ("empty aor or contact");
	if (se.expires_at < 0)
		return ("negative expiry");
	return (NULL);
}

/* A per-domain outbound proxy: a domain and a host, a transport. */
static const char *
check_outbound(const void *data, size_t len)
{
	struct conf_outbound	 co;

	if (len != sizeof(co))
		return ("wrong size");
	memcpy(&co, data, sizeof(co));
	if (!NUL_IN(co.domain) || co.domain[0] == '\0')
		return ("domain empty or not NUL-terminated");
	if (!NUL_IN(co.host) || co.host[0] == '\0')
		return ("host empty or not NUL-terminated");
	if (co.transport != SIP_TR_UDP && co.transport != SIP_TR_TCP &&
	    co.transport != SIP_TR_TLS)
		return ("unknown transport");
	return (NULL);
}

/* A rewrite: a known kind, its strings NUL-terminated. */
static const char *
check_rewrite(const void *data, size_t len)
{
	struct conf_rewrite	 cr;

	if (len != sizeof(cr))
		return ("wrong size");
	memcpy(&cr, data, sizeof(cr));
	if (cr.type < REWRITE_STRIP || cr.type > REWRITE_RURI)
		return ("unknown kind of rewrite");
	if (!NUL_IN(cr.name) || !NUL_IN(cr.a) || !NUL_IN(cr.b))
		return ("string not NUL-terminated");
	return (NULL);
}

/* A user: a name, and HA1s in lower-case hex of their length or "". */
static const char *
check_user(const void *data, size_t len)
{
	static const size_t	 hexlen[AUTH_ALGS] = { 32, 64 };
	struct conf_user	 cu;
	const char		*why;
	size_t			 i, n;
	int			 any = 0;

	if (len != sizeof(cu))
		return ("wrong size");
	memcpy(&cu, data, sizeof(cu));
	if (!NUL_IN(cu.name) || cu.name[0] == '\0') {
		why = "name empty or not NUL-terminated";
		goto done;
	}
	for (i = 0; i < AUTH_ALGS; i++) {
		if (!NUL_IN(cu.ha1[i])) {
			why = "HA1 not NUL-terminated";
			goto done;
		}
		if ((n = strlen(cu.ha1[i])) == 0)
			continue;
		if (n != hexlen[i] ||
		    strspn(cu.ha1[i], "0123456789abcdef") != n) {
			why = "HA1 not hex of its length";
			goto done;
		}
		any = 1;
	}
	why = any ? NULL : "no HA1";
 done:
	/* It is as good as a password for our realm. */
	explicit_bzero(&cu, sizeof(cu));
	return (why);
}

/* An address family we use, or none where none is allowed. */
static int
check_family(const struct sockaddr_storage *ss, int unspec_ok)
{
	switch (ss->ss_family) {
	case AF_INET:
	case AF_INET6:
		return (1);
	case AF_UNSPEC:
		return (unspec_ok);
	default:
		return (0);
	}
}

static const char *
check_peers(const struct rtp_peers *rp)
{
	int	 leg;

	for (leg = 0; leg < 2; leg++) {
		if (!check_family(&rp->leg[leg].rtp, 1) ||
		    !check_family(&rp->leg[leg].sig, 1))
			return ("peer address family out of range");
	}
	return (NULL);
}

static const char *
check_rtp_open(const void *data, size_t len)
{
	struct rtp_open	 ro;

	if (len != sizeof(ro))
		return ("wrong size");
	memcpy(&ro, data, sizeof(ro));
	if (!NUL_IN(ro.callid))
		return ("callid not NUL-terminated");
	if (ro.media >= CALL_MEDIA_MAX)
		return ("media index out of range");
	if (!check_family(&ro.local[LEG_INSIDE], 0) ||
	    !check_family(&ro.local[LEG_OUTSIDE], 0))
		return ("local address family out of range");
	return (check_peers(&ro.peers));
}

static const char *
check_rtp_peers(const void *data, size_t len)
{
	struct rtp_peers	 rp;

	if (len != sizeof(rp))
		return ("wrong size");
	memcpy(&rp, data, sizeof(rp));
	return (check_peers(&rp));
}

static const char *
check_tls_file(const void *data, size_t len)
{
	struct conf_tlsfile	 tf;

	if (len != sizeof(tf))
		return ("wrong size");
	memcpy(&tf, data, sizeof(tf));
	if (tf.which >= TLS_FILES)
		return ("no such file");
	if (tf.len == 0 || tf.len > TLS_FILE_MAX)
		return ("file size out of range");
	return (NULL);
}

/* A chunk of a TLS file; which file (the peerid) is tls.c's to check. */
static const char *
check_tls_data(const void *data, size_t len)
{
	(void)data;
	if (len == 0 || len > TLS_CHUNK)
		return ("chunk size out of range");
	return (NULL);
}

static const char *
check_acl_set(const void *data, size_t len)
{
	struct conf_acl_set	 cs;
	const char		*p;

	if (len != sizeof(cs))
		return ("wrong size");
	memcpy(&cs, data, sizeof(cs));
	if (!NUL_IN(cs.name))
		return ("name not NUL-terminated");
	for (p = cs.name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return ("bad character in name");
	if (cs.id >= ACL_SETS_MAX)
		return ("set id out of range");
	if (cs.count > ACL_SET_NETS_MAX)
		return ("too many prefixes");
	return (NULL);
}

/* Prefixes of a family we use, of a length it has, masked. */
static const char *
check_acl_nets(const void *data, size_t len)
{
	struct acl_net	 n;
	size_t		 i, b;
	int		 max;

	if (len == 0 || len % sizeof(n) != 0 ||
	    len / sizeof(n) > ACL_NETS_MSG)
		return ("wrong size");
	for (i = 0; i < len / sizeof(n); i++) {
		memcpy(&n, (const char *)data + i * sizeof(n), sizeof(n));
		if (n.family == AF_INET)
			max = 32;
		else if (n.family == AF_INET6)
			max = 128;
		else
			return ("address family out of range");
		if (n.plen > max)
			return ("prefix length out of range");
		for (b = n.plen; b < sizeof(n.addr) * 8; b++)
			if (n.addr[b / 8] & (0x80 >> (b % 8)))
				return ("bits set past the prefix length");
	}
	return (NULL);
}

static const char *
check_acl_rule(const void *data, size_t len)
{
	struct conf_acl_rule	 cr;

	if (len != sizeof(cr))
		return ("wrong size");
	memcpy(&cr, data, sizeof(cr));
	if (cr.action != ACL_ALLOW && cr.action != ACL_DENY)
		return ("action out of range");
	if (cr.what != ACL_SIP && cr.what != ACL_REGISTER)
		return ("kind out of range");
	if (cr.set >= ACL_SETS_MAX)
		return ("set id out of range");
	return (NULL);
}

static const char *
check_scanner(const void *data, size_t len)
{
	char	 pat[SCANNER_LEN];

	if (len != sizeof(pat))
		return ("wrong size");
	memcpy(pat, data, sizeof(pat));
	if (!NUL_IN(pat))
		return ("pattern not NUL-terminated");
	if (pat[0] == '\0')
		return ("empty pattern");
	return (NULL);
}

static const char *
check_unban(const void *data, size_t len)
{
	struct ctl_unban	 cu;

	if (len != sizeof(cu))
		return ("wrong size");
	memcpy(&cu, data, sizeof(cu));
	if (!NUL_IN(cu.source))
		return ("source not NUL-terminated");
	return (NULL);
}

/* An outside listener's fate (wan.c): a socket address, a known op. */
static const char *
check_wan_listener(const void *data, size_t len)
{
	struct wan_listener	 wl;

	if (len != sizeof(wl))
		return ("wrong size");
	memcpy(&wl, data, sizeof(wl));
	if (!check_family(&wl.cl.ss, 0))
		return ("address family out of range");
	if (!NUL_IN(wl.cl.name))
		return ("name not NUL-terminated");
	if (!wl.cl.outside)
		return ("not an outside listener");
	if (wl.cl.proto != IPPROTO_UDP && wl.cl.proto != IPPROTO_TCP)
		return ("protocol out of range");
	if (wl.cl.transport < SIP_TR_UDP || wl.cl.transport > SIP_TR_TLS)
		return ("transport out of range");
	if (wl.op > WAN_L_CLOSE)
		return ("op out of range");
	return (NULL);
}

/* The outside's new address: one of ours to name in SIP and SDP. */
static const char *
check_wan_address(const void *data, size_t len)
{
	struct wan_address	 wa;
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;

	if (len != sizeof(wa))
		return ("wrong size");
	memcpy(&wa, data, sizeof(wa));
	if (!check_family(&wa.addr, 0))
		return ("address family out of range");
	if (wa.addr.ss_family == AF_INET) {
		memcpy(&sin, &wa.addr, sizeof(sin));
		if (sin.sin_addr.s_addr == htonl(INADDR_ANY) ||
		    IN_MULTICAST(ntohl(sin.sin_addr.s_addr)) ||
		    sin.sin_addr.s_addr == htonl(INADDR_BROADCAST))
			return ("not a unicast address");
		if (sin.sin_port != 0)
			return ("a port where none belongs");
	} else {
		memcpy(&sin6, &wa.addr, sizeof(sin6));
		if (IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&sin6.sin6_addr))
			return ("not a unicast address");
		if (sin6.sin6_port != 0)
			return ("a port where none belongs");
	}
	if (wa.changed <= 0)
		return ("change time out of range");
	if (wa.source != WAN_SRC_IFACE)
		return ("source out of range");
	return (NULL);
}

/*
 * The payload check of one message type, whoever sent it: NULL when it
 * passes, else why not.
 */
const char *
imsg_check_payload(uint32_t type, const void *data, size_t len)
{
	if (type >= IMSG_MAX || imsg_rules[type].check == NULL)
		return ("unexpected message type");
	return (imsg_rules[type].check(data, len));
}

/*
 * Check a message that came from a less trusted process: NULL when it
 * may be read, else a line for the log that names the message.
 */
const char *
imsg_check(enum sipproxd_role from, enum sipproxd_role to, struct imsg *imsg)
{
	static char	 why[128];
	const char	*name = "unknown", *bad;
	const void	*data = NULL;
	uint32_t	 type = imsg_get_type(imsg);
	size_t		 len = 0;
	int		 way;

	if (from == ROLE_ENGINE && to == ROLE_PARENT)
		way = WAY_ENGINE_PARENT;
	else if (from == ROLE_RELAY && to == ROLE_PARENT)
		way = WAY_RELAY_PARENT;
	else if (from == ROLE_ENGINE && to == ROLE_RELAY)
		way = WAY_ENGINE_RELAY;
	else
		way = 0;

	if (type < IMSG_MAX && imsg_rules[type].name != NULL)
		name = imsg_rules[type].name;
	if (imsg->buf != NULL) {
		data = ibuf_data(imsg->buf);
		len = ibuf_size(imsg->buf);
	}
	if (type >= IMSG_MAX || (imsg_rules[type].ways & way) == 0)
		bad = "unexpected message type";
	else if (imsg->buf != NULL && ibuf_fd_avail(imsg->buf))
		bad = "unexpected file descriptor";
	else
		bad = imsg_check_payload(type, data, len);
	if (bad == NULL)
		return (NULL);
	snprintf(why, sizeof(why), "bad imsg %u (%s), %zu bytes: %s",
	    type, name, len, bad);
	return (why);
}
