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
 * Access control and bans without the daemon: prefixes parsed and
 * printed, set lookups against util.c's sa_cmp_prefix() over random
 * tables, the token bucket over time, the rules sent through a real
 * imsg pair and asked (last match wins, allow register), the payload
 * checks of the new messages, and ban.c's requests, bans, auth
 * failures, unban and its bounded tables. The engine's few functions
 * ban.c calls are stubbed here.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"
#include "engine.h"
#include "acl.h"
#include "sip_msg.h"
#include "check.h"

/* The engine, as much of it as ban.c and acl_imsg.c see. */
struct ctl_sip_stats	 sip_stats;
static struct conf_global g;
static int		 sp[2];
static struct imsgbuf	 wbuf, rbuf;
static unsigned int	 nbans_shown, nends;
static struct ctl_ban	 last_ban;
static int		 last_error;
static char		 last_msg[CTL_MSG_LEN];
static struct sip_msg	 m;

const struct conf_global *
engine_global(void)
{
	return (&g);
}

int
control_compose(uint32_t id, uint32_t type, const void *data, size_t len)
{
	(void)id;
	if (type == IMSG_CTL_SHOW_BANS && len == sizeof(last_ban)) {
		memcpy(&last_ban, data, len);
		nbans_shown++;
	} else if (type == IMSG_CTL_END)
		nends++;
	return (0);
}

void
control_result(uint32_t id, int error, const char *msg)
{
	(void)id;
	last_error = error;
	strlcpy(last_msg, msg, sizeof(last_msg));
}

/* The parent's side of acl_send(): each message at once to acl_reconf(). */
int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peer, int fd,
    const void *data, size_t len)
{
	struct imsg	 imsg;

	(void)iev;
	if (imsg_compose(&wbuf, type, peer, 0, fd, data, len) == -1 ||
	    imsgbuf_flush(&wbuf) == -1)
		err(1, "imsg_compose");
	if (imsgbuf_read(&rbuf) != 1)
		errx(1, "imsg lost");
	while (imsg_get(&rbuf, &imsg) > 0) {
		acl_reconf(&imsg);
		imsg_free(&imsg);
	}
	return (0);
}

static int
net(const char *s, struct acl_net *n)
{
	return (acl_net_parse(s, -1, n));
}

static void
sa(const char *host, struct sockaddr_storage *ss)
{
	if (sa_from_host(AF_UNSPEC, host, 5060, ss) == -1)
		errx(1, "%s: not an address", host);
}

static void
test_parse(void)
{
	static const struct {
		const char	*in, *out;
	} good[] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "192.0.2.77/24", "192.0.2.0/24" },
		{ "10.1.2.3/8", "10.0.0.0/8" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:db8:1:2:3::1/64", "2001:db8:1:2::/64" },
		{ "2001:db8::ff/121", "2001:db8::80/121" },
		{ "::/0", "::/0" },
		{ "::ffff:192.0.2.1", "192.0.2.1" },
		{ "::ffff:192.0.2.0/120", "192.0.2.0/24" },
		{ "::ffff:0:0/95", "::fffe:0:0/95" },
	};
	static const char *bad[] = { "", "x", "192.0.2.1/33", "::/129",
	    "192.0.2.1/", "192.0.2.1/-1", "192.0.2.1/a", "192.0.2", "1.2.3.4.5",
	    "2001:db8:::1", "192.0.2.1/24/1", "[::1]",
	    "0000000000000000000000000000000000000000000000000000000001" };
	struct acl_net	 n;
	char		 name[64];
	size_t		 i;

	for (i = 0; i < nitems(good); i++) {
		snprintf(name, sizeof(name), "parse_good_%zu", i);
		check(name, net(good[i].in, &n) == 0 &&
		    strcmp(acl_net_str(&n), good[i].out) == 0,
		    "%s: got %s, want %s", good[i].in, acl_net_str(&n),
		    good[i].out);
	}
	for (i = 0; i < nitems(bad); i++) {
		snprintf(name, sizeof(name), "parse_bad_%zu", i);
		check(name, net(bad[i], &n) == -1, "%s accepted", bad[i]);
	}
	check("parse_len_given", acl_net_parse("192.0.2.9", 30, &n) == 0 &&
	    strcmp(acl_net_str(&n), "192.0.2.8/30") == 0, "got %s",
	    acl_net_str(&n));
	check("parse_len_twice", acl_net_parse("192.0.2.9/30", 30, &n) == -1,
	    "a length given twice accepted");
}

/* The set's answer and the one of sa_cmp_prefix over every entry. */
static int
brute(const struct acl_set *s, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage	 e;
	size_t			 i;
	int			 af;

	for (i = 0; i < s->n; i++) {
		af = s->nets[i].family;
		if (sa_from_addr(af, s->nets[i].addr, 0, &e) == -1)
			errx(1, "sa_from_addr");
		if (sa_cmp_prefix(&e, ss, s->nets[i].plen,
		    s->nets[i].plen) == 0)
			return (1);
	}
	return (0);
}

static int
lookup(const struct acl_set *s, const char *host)
{
	struct sockaddr_storage	 ss;
	struct acl_net		 a;

	sa(host, &ss);
	if (acl_net_of(&ss, -1, &a) == -1)
		return (-1);
	return (acl_set_match(s, &a));
}

static void
test_match(void)
{
	static const char *entries[] = { "10.0.0.0/8", "192.168.1.0/24",
	    "192.168.1.77", "2001:db8::/32", "2001:db8:1::/48", "fe80::1",
	    "10.0.0.0/8" };
	static const struct {
		const char	*host;
		int		 in;
	} probes[] = {
		{ "10.255.1.2", 1 }, { "11.0.0.1", 0 }, { "9.255.255.255", 0 },
		{ "192.168.1.200", 1 }, { "192.168.2.1", 0 },
		{ "2001:db8:ffff::1", 1 }, { "2001:db9::", 0 },
		{ "fe80::1", 1 }, { "fe80::2", 0 }, { "::ffff:10.1.2.3", 1 },
		{ "::ffff:11.1.2.3", 0 }, { "::a01:203", 0 },
	};
	struct acl_conf	*ac;
	struct acl_set	*s, *t;
	struct acl_net	 n;
	struct sockaddr_storage ss;
	uint8_t		 a[16];
	char		 name[64];
	size_t		 i, k, bad = 0;
	int		 af;

	if ((ac = acl_conf_new()) == NULL || (s = acl_set_new(ac, "t")) ==
	    NULL)
		err(1, NULL);
	for (i = 0; i < nitems(entries); i++)
		if (net(entries[i], &n) == -1 || acl_set_add(s, &n) == -1)
			errx(1, "%s", entries[i]);
	acl_conf_done(ac);
	check("set_dedup", s->n == nitems(entries) - 1, "%zu entries", s->n);
	for (i = 0; i < nitems(probes); i++) {
		snprintf(name, sizeof(name), "match_%s", probes[i].host);
		check(name, lookup(s, probes[i].host) == probes[i].in,
		    "want %d", probes[i].in);
	}

	/* Random tables, random addresses near them: as the brute force. */
	srandom(4711);
	for (k = 0; k < 20; k++) {
		if ((t = acl_set_new(ac, NULL)) == NULL)
			err(1, NULL);
		for (i = 0; i < 2000; i++) {
			memset(&n, 0, sizeof(n));
			n.family = random() % 2 ? AF_INET : AF_INET6;
			/* A small address space, so that prefixes overlap. */
			n.addr[0] = n.family == AF_INET ? 10 : 0x20;
			n.addr[1] = random() % 4;
			n.addr[2] = random() % 8;
			n.addr[3] = random() % 16;
			n.addr[15] = random() % 4;
			n.plen = n.family == AF_INET ? 8 + random() % 25 :
			    8 + random() % 121;
			acl_net_mask(&n);
			if (acl_set_add(t, &n) == -1)
				err(1, NULL);
		}
		acl_set_sort(t);
		for (i = 0; i < 5000; i++) {
			memset(a, 0, sizeof(a));
			af = random() % 2 ? AF_INET : AF_INET6;
			a[0] = af == AF_INET ? 10 : 0x20;
			a[1] = random() % 5;
			a[2] = random() % 9;
			a[3] = random() % 17;
			a[15] = random() % 5;
			sa_from_addr(af, a, 0, &ss);
			if (acl_net_of(&ss, -1, &n) == -1)
				errx(1, "acl_net_of");
			if (acl_set_match(t, &n) != brute(t, &ss))
				bad++;
		}
	}
	check("match_random", bad == 0, "%zu of 100000 lookups differ from "
	    "sa_cmp_prefix", bad);

	/* The largest table, and one entry more refused. */
	if ((t = acl_set_new(ac, "big")) == NULL)
		err(1, NULL);
	for (i = 0; i < ACL_SET_NETS_MAX; i++) {
		memset(&n, 0, sizeof(n));
		n.family = AF_INET;
		n.plen = 32;
		n.addr[0] = 172;
		n.addr[1] = 16 + (i >> 16);
		n.addr[2] = i >> 8;
		n.addr[3] = i;
		if (acl_set_add(t, &n) == -1)
			break;
	}
	check("set_full", i == ACL_SET_NETS_MAX && acl_set_add(t, &n) == -1,
	    "%zu entries taken", i);
	acl_set_sort(t);
	check("set_full_match", lookup(t, "172.16.200.7") == 1 &&
	    lookup(t, "172.17.0.0") == 0, "lookup in the full table");
	acl_conf_free(ac);
}

static void
test_bucket(void)
{
	struct ban_bucket	 b;
	int			 n, i;

	memset(&b, 0, sizeof(b));
	for (n = 0; n < 10 && ban_bucket_take(&b, 1000, 10, 5); n++)
		;
	check("bucket_burst", n == 5, "%d taken at once, want 5", n);
	check("bucket_99ms", !ban_bucket_take(&b, 1099, 10, 5),
	    "a request 99 ms later taken at 10/s");
	check("bucket_100ms", ban_bucket_take(&b, 1100, 10, 5) &&
	    !ban_bucket_take(&b, 1100, 10, 5), "one request after 100 ms");
	for (n = 0; n < 10 && ban_bucket_take(&b, 1000000, 10, 5); n++)
		;
	check("bucket_refilled", n == 5, "%d after a long pause", n);
	/* Time going backwards gives nothing; a huge pause overflows not. */
	check("bucket_backwards", !ban_bucket_take(&b, 500, 10, 5),
	    "a request taken from the past");
	for (n = 0; n < 10 && ban_bucket_take(&b, UINT64_MAX / 2,
	    LIMIT_REQUESTS_MAX, LIMIT_BURST_MAX); n++)
		;
	check("bucket_huge", n == 10, "%d after a huge pause", n);
	memset(&b, 0, sizeof(b));
	for (i = n = 0; i < 10000; i++)
		n += ban_bucket_take(&b, i, 1, 1);
	check("bucket_rate1", n == 10, "%d in 10 s at 1/s, burst 1", n);
}

/* A configuration's rules through imsg, as the engine gets them. */
static void
test_rules(void)
{
	struct sockaddr_storage	 ss;
	struct acl_conf		*ac;
	struct acl_set		*lan, *any, *one, *reg;
	struct acl_net		 n;
	static const struct {
		const char	*host;
		int		 is_reg, ok;
	} cases[] = {
		{ "192.168.1.10", 0, 1 }, { "192.168.1.66", 0, 0 },
		{ "203.0.113.5", 0, 0 }, { "2001:db8::5", 0, 1 },
		{ "2001:db9::5", 0, 0 }, { "192.168.1.10", 1, 1 },
		{ "192.168.2.10", 0, 1 }, { "192.168.2.10", 1, 0 },
		{ "2001:db8::5", 1, 0 }, { "192.168.1.66", 1, 0 },
	};
	char			 name[64];
	size_t			 i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		err(1, "socketpair");
	if (imsgbuf_init(&wbuf, sp[0]) == -1 ||
	    imsgbuf_init(&rbuf, sp[1]) == -1)
		err(1, "imsgbuf_init");

	sa("192.0.2.1", &ss);
	acl_reconf_done();	/* none: everything passes */
	check("rules_none", acl_check(&ss, 0) && acl_check(&ss, 1),
	    "no rules, yet refused");

	/*
	 * deny sip from any; allow sip from <lan>; deny sip from
	 * 192.168.1.66; allow register from 192.168.1.0/24
	 */
	if ((ac = acl_conf_new()) == NULL || (lan = acl_set_new(ac, "lan")) ==
	    NULL || (any = acl_set_new(ac, NULL)) == NULL ||
	    (one = acl_set_new(ac, NULL)) == NULL ||
	    (reg = acl_set_new(ac, NULL)) == NULL)
		err(1, NULL);
	net("192.168.0.0/16", &n);
	acl_set_add(lan, &n);
	net("2001:db8::/32", &n);
	acl_set_add(lan, &n);
	net("0.0.0.0/0", &n);
	acl_set_add(any, &n);
	net("::/0", &n);
	acl_set_add(any, &n);
	net("192.168.1.66", &n);
	acl_set_add(one, &n);
	net("192.168.1.0/24", &n);
	acl_set_add(reg, &n);
	acl_rule_add(ac, ACL_DENY, ACL_SIP, any);
	acl_rule_add(ac, ACL_ALLOW, ACL_SIP, lan);
	acl_rule_add(ac, ACL_DENY, ACL_SIP, one);
	acl_rule_add(ac, ACL_ALLOW, ACL_REGISTER, reg);
	acl_scanner_add(ac, "EvilBot");
	acl_conf_done(ac);
	acl_send(ac, NULL);
	acl_reconf_done();
	for (i = 0; i < nitems(cases); i++) {
		snprintf(name, sizeof(name), "rules_%s_%s", cases[i].host,
		    cases[i].is_reg ? "register" : "sip");
		sa(cases[i].host, &ss);
		check(name, acl_check(&ss, cases[i].is_reg) == cases[i].ok,
		    "want %d", cases[i].ok);
	}
	check("scanner_builtin", acl_scanner("Friendly-Scanner 1.0") != NULL &&
	    acl_scanner("sipvicious") != NULL, "built-in pattern missed");
	check("scanner_config", acl_scanner("an evilbot/2") != NULL,
	    "configured pattern missed");
	check("scanner_phone", acl_scanner("Grandstream GXP2160") == NULL,
	    "a phone taken for a scanner");
	acl_conf_free(ac);

	/* A table of more prefixes than one message holds. */
	if ((ac = acl_conf_new()) == NULL || (lan = acl_set_new(ac, "big")) ==
	    NULL)
		err(1, NULL);
	for (i = 0; i < 3 * ACL_NETS_MSG + 7; i++) {
		memset(&n, 0, sizeof(n));
		n.family = AF_INET6;
		n.plen = 128;
		n.addr[0] = 0x20;
		n.addr[14] = i >> 8;
		n.addr[15] = i;
		acl_set_add(lan, &n);
	}
	acl_rule_add(ac, ACL_DENY, ACL_SIP, lan);
	acl_conf_done(ac);
	acl_send(ac, NULL);
	acl_reconf_done();
	snprintf(name, sizeof(name), "2000::%zx", i - 1);
	sa(name, &ss);
	check("rules_big_table", !acl_check(&ss, 0), "last entry not seen");
	sa("2000::1:0", &ss);
	check("rules_big_table_miss", acl_check(&ss, 0), "a stranger denied");
	acl_conf_free(ac);
	acl_reconf_done();	/* back to none */
}

static int
passes(uint32_t type, const void *p, size_t len)
{
	return (imsg_check_payload(type, p, len) == NULL);
}

static void
test_payloads(void)
{
	struct conf_acl_set	 cs;
	struct conf_acl_rule	 cr;
	struct acl_net		 n[2];
	struct ctl_unban	 cu;
	char			 pat[SCANNER_LEN];

	memset(&cs, 0, sizeof(cs));
	strlcpy(cs.name, "lan-v4_x", sizeof(cs.name));
	cs.count = 3;
	check("payload_set", passes(IMSG_RECONF_ACL_SET, &cs, sizeof(cs)),
	    "a good set refused");
	cs.name[2] = ' ';
	check("payload_set_name", !passes(IMSG_RECONF_ACL_SET, &cs,
	    sizeof(cs)), "a name with a space accepted");
	memset(cs.name, 'x', sizeof(cs.name));
	check("payload_set_nul", !passes(IMSG_RECONF_ACL_SET, &cs,
	    sizeof(cs)), "a name without NUL accepted");
	memset(&cs, 0, sizeof(cs));
	cs.count = ACL_SET_NETS_MAX + 1;
	check("payload_set_count", !passes(IMSG_RECONF_ACL_SET, &cs,
	    sizeof(cs)), "too many prefixes accepted");
	cs.count = 0;
	cs.id = ACL_SETS_MAX;
	check("payload_set_id", !passes(IMSG_RECONF_ACL_SET, &cs,
	    sizeof(cs)), "a set id out of range accepted");

	net("192.0.2.0/24", &n[0]);
	net("2001:db8::/32", &n[1]);
	check("payload_nets", passes(IMSG_RECONF_ACL_NETS, n, sizeof(n)),
	    "good prefixes refused");
	check("payload_nets_size", !passes(IMSG_RECONF_ACL_NETS, n,
	    sizeof(n) - 1) && !passes(IMSG_RECONF_ACL_NETS, n, 0),
	    "a broken size accepted");
	n[0].addr[3] = 1;
	check("payload_nets_mask", !passes(IMSG_RECONF_ACL_NETS, n,
	    sizeof(n)), "bits past the length accepted");
	net("192.0.2.0/24", &n[0]);
	n[0].plen = 33;
	check("payload_nets_plen", !passes(IMSG_RECONF_ACL_NETS, n,
	    sizeof(n)), "an IPv4 /33 accepted");
	n[0].plen = 24;
	n[1].family = AF_UNIX;
	check("payload_nets_family", !passes(IMSG_RECONF_ACL_NETS, n,
	    sizeof(n)), "AF_UNIX accepted");

	memset(&cr, 0, sizeof(cr));
	cr.action = ACL_ALLOW;
	cr.what = ACL_REGISTER;
	check("payload_rule", passes(IMSG_RECONF_ACL_RULE, &cr, sizeof(cr)),
	    "a good rule refused");
	cr.action = 3;
	check("payload_rule_action", !passes(IMSG_RECONF_ACL_RULE, &cr,
	    sizeof(cr)), "action 3 accepted");
	cr.action = ACL_DENY;
	cr.what = 0;
	check("payload_rule_what", !passes(IMSG_RECONF_ACL_RULE, &cr,
	    sizeof(cr)), "kind 0 accepted");

	memset(pat, 0, sizeof(pat));
	check("payload_scanner_empty", !passes(IMSG_RECONF_SCANNER, pat,
	    sizeof(pat)), "an empty pattern accepted");
	memset(pat, 'a', sizeof(pat));
	check("payload_scanner_nul", !passes(IMSG_RECONF_SCANNER, pat,
	    sizeof(pat)), "a pattern without NUL accepted");
	memset(&cu, 'a', sizeof(cu));
	check("payload_unban_nul", !passes(IMSG_CTL_UNBAN, &cu, sizeof(cu)),
	    "an unban without NUL accepted");
}

/* A request from host with a User-Agent, parsed into m. */
static void
request(const char *method, const char *ua)
{
	char	 buf[1024];
	int	 len;

	len = snprintf(buf, sizeof(buf), "%s sip:100@192.0.2.9 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
	    "From: <sip:a@192.0.2.1>;tag=1\r\nTo: <sip:100@192.0.2.9>\r\n"
	    "Call-ID: 1@x\r\nCSeq: 1 %s\r\n%s%s%sContent-Length: 0\r\n\r\n",
	    method, method, ua != NULL ? "User-Agent: " : "",
	    ua != NULL ? ua : "", ua != NULL ? "\r\n" : "");
	if (sip_msg_parse(&m, buf, len) != SIP_OK)
		errx(1, "request does not parse: %s", sip_msg_error(&m));
}

/* sipctl unban ADDRESS, as the engine gets it. */
static void
unban(const char *addr)
{
	struct ctl_unban	 cu;
	struct imsg		 imsg;

	memset(&cu, 0, sizeof(cu));
	strlcpy(cu.source, addr, sizeof(cu.source));
	if (imsg_compose(&wbuf, IMSG_CTL_UNBAN, 0, 0, -1, &cu,
	    sizeof(cu)) == -1 || imsgbuf_flush(&wbuf) == -1 ||
	    imsgbuf_read(&rbuf) != 1 || imsg_get(&rbuf, &imsg) <= 0)
		errx(1, "imsg");
	ban_lift(1, &imsg);
	imsg_free(&imsg);
}

static void
test_bans(void)
{
	struct sockaddr_storage	 a, b, v6a, v6b, v6c;
	char			 name[64];
	int			 i, n;

	memset(&g, 0, sizeof(g));
	g.block_scanners = 1;
	g.limit_requests = 3;
	g.limit_burst = 3;
	g.ban_time = 60;
	g.limit_auth = 3;
	sa("192.0.2.1", &a);
	sa("192.0.2.2", &b);
	sa("2001:db8::1", &v6a);
	sa("2001:db8::2", &v6b);
	sa("2001:db8:0:1::1", &v6c);

	request("OPTIONS", "Zoiper");
	for (n = 0; n < 10 && ban_request(&a, &m) == BAN_PASS; n++)
		;
	check("ban_rate_burst", n == 3 && sip_stats.rate_limited == 1 &&
	    sip_stats.bans == 1, "%d passed, %llu limited, %llu bans", n,
	    (unsigned long long)sip_stats.rate_limited,
	    (unsigned long long)sip_stats.bans);
	check("ban_source", ban_source(&a) && ban_source(&a) &&
	    !ban_source(&b), "the banned source not dropped, or another");
	check("ban_other_passes", ban_request(&b, &m) == BAN_PASS,
	    "another source refused");

	nbans_shown = nends = 0;
	ban_show(1);
	check("ban_show", nbans_shown == 1 && nends == 1 &&
	    strcmp(last_ban.source, "192.0.2.1") == 0 &&
	    strcmp(last_ban.reason, "rate") == 0 && last_ban.dropped == 2 &&
	    last_ban.remaining > 58 && last_ban.remaining <= 60,
	    "%u shown: %s %s dropped %llu remaining %lld", nbans_shown,
	    last_ban.source, last_ban.reason,
	    (unsigned long long)last_ban.dropped,
	    (long long)last_ban.remaining);

	/* IPv6: one /64 is one source, the next /64 another. */
	for (n = 0; n < 3; n++)
		ban_request(n % 2 ? &v6b : &v6a, &m);
	check("ban_v6_64", ban_request(&v6b, &m) == BAN_DROP &&
	    ban_source(&v6a) && !ban_source(&v6c) &&
	    ban_request(&v6c, &m) == BAN_PASS, "/64 not one source");

	/* unban, through the payload sipctl sends. */
	unban("2001:db8::77");
	check("unban_v6", last_error == 0 && !ban_source(&v6a) &&
	    strcmp(last_msg, "unbanned 2001:db8::/64") == 0, "%d %s",
	    last_error, last_msg);
	unban("192.0.2.2");
	check("unban_not_banned", last_error == 1 &&
	    strcmp(last_msg, "192.0.2.2: not banned") == 0, "%d %s",
	    last_error, last_msg);
	unban("banana");
	check("unban_garbage", last_error == 1, "banana unbanned");

	/* Failed authentications: the third within the window bans. */
	sa("198.51.100.7", &a);
	ban_auth_failure(&a);
	ban_auth_failure(&a);
	check("auth_two", !ban_source(&a), "banned after two failures");
	ban_auth_failure(&a);
	check("auth_three", ban_source(&a), "not banned after three");
	g.limit_auth = 0;
	sa("198.51.100.8", &a);
	for (i = 0; i < 10; i++)
		ban_auth_failure(&a);
	check("auth_off", !ban_source(&a), "banned with the limit off");

	/* Scanners: dropped and banned, or let be when allowed. */
	sa("198.51.100.9", &a);
	request("INVITE", "friendly-scanner");
	check("scanner_drop", ban_request(&a, &m) == BAN_DROP &&
	    ban_source(&a) && sip_stats.scanners == 1,
	    "a scanner not dropped and banned");
	g.block_scanners = 0;
	sa("198.51.100.10", &a);
	check("scanner_allowed", ban_request(&a, &m) == BAN_PASS,
	    "a scanner dropped with allow scanners");
	g.block_scanners = 1;

	/* ban time 0: over the rate is dropped, nobody banned. */
	g.ban_time = 0;
	sa("198.51.100.11", &a);
	request("OPTIONS", NULL);
	for (n = 0; n < 10; n++)
		ban_request(&a, &m);
	check("no_ban_time", !ban_source(&a), "banned with ban time 0");
	g.ban_time = 60;

	/*
	 * Bounded: BAN_MAX + 10 scanners from distinct sources keep
	 * BAN_MAX bans, the 10 oldest ended early and counted; a flood of
	 * sources that are only tracked does not end a ban.
	 */
	sip_stats.ban_evictions = 0;
	request("OPTIONS", "sipvicious");
	for (i = 0; i < BAN_MAX + 10; i++) {
		memset(&a, 0, sizeof(a));
		sa_from_addr(AF_INET, &(uint32_t){ htonl(0x0a000000 + i) }, 0,
		    &a);
		ban_request(&a, &m);
	}
	nbans_shown = 0;
	ban_show(1);
	check("bans_bounded", nbans_shown == BAN_MAX &&
	    sip_stats.ban_evictions >= 10, "%u bans shown, %llu evicted",
	    nbans_shown, (unsigned long long)sip_stats.ban_evictions);
	sa("10.0.4.9", &a);	/* the last one banned */
	request("OPTIONS", NULL);
	for (i = 0; i < 30000; i++) {
		memset(&b, 0, sizeof(b));
		sa_from_addr(AF_INET, &(uint32_t){ htonl(0x0b000000 + i) }, 0,
		    &b);
		ban_request(&b, &m);
	}
	check("bans_survive_churn", ban_source(&a), "a ban lost to churn");
	snprintf(name, sizeof(name), "ban_tick");
	ban_tick(time(NULL) + 61);
	check(name, !ban_source(&a), "a ban outlived its time");
}

static void
test_user_agent(void)
{
	char	 out[2048];
	size_t	 len;
	const char *resp = "SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
	    "From: <sip:a@192.0.2.1>;tag=1\r\nTo: <sip:b@192.0.2.9>;tag=2\r\n"
	    "Call-ID: 1@x\r\nCSeq: 1 INVITE\r\nServer: Yealink T46 66.1\r\n"
	    "User-Agent: Yealink\r\nContent-Length: 0\r\n\r\n";

	memset(&g, 0, sizeof(g));
	if (sip_msg_parse(&m, resp, strlen(resp)) != SIP_OK)
		errx(1, "response does not parse");
	check("ua_unset", acl_user_agent(&m) == 0 && m.nedits == 0,
	    "edited without user-agent");
	strlcpy(g.user_agent, "Acme", sizeof(g.user_agent));
	if (acl_user_agent(&m) == -1 ||
	    sip_msg_write(&m, out, sizeof(out) - 1, &len) == -1)
		errx(1, "acl_user_agent");
	out[len] = '\0';
	check("ua_replaced", strstr(out, "\r\nServer: Acme\r\n") != NULL &&
	    strstr(out, "\r\nUser-Agent: Acme\r\n") != NULL &&
	    strstr(out, "Yealink") == NULL, "%s", out);
}

int
main(void)
{
	test_parse();
	test_match();
	test_bucket();
	test_rules();
	test_payloads();
	test_bans();
	test_user_agent();
	return (failures != 0);
}
