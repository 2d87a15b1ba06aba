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
 * `sipproxd -nv`: the configuration in canonical form, every value
 * explicit, such that parsing the output gives the same configuration.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>

#include "sipproxd.h"
#include "digest.h"
#include "acl.h"

static void	 acl_print(const struct sipproxd_config *);
static void	 acl_set_print(const struct acl_set *, int);
static void	 acl_print_string(const char *);

static void
print_dscp(const char *what, int dscp)
{
	const char	*name;

	if ((name = dscp_name(dscp)) != NULL)
		printf("%s dscp %s\n", what, name);
	else
		printf("%s dscp %d\n", what, dscp);
}

static void
print_codecs(const char *what, const char (*names)[CODEC_NAMELEN],
    uint32_t n)
{
	uint32_t	 i;

	if (n == 0)
		return;
	printf("codec %s {", what);
	for (i = 0; i < n && i < CODEC_MAX; i++)
		printf(" %s", names[i]);
	printf(" }\n");
}

/* The lexer's escapes: a quote or a backslash gets a backslash. */
void
print_quoted(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

/* The rewrites, each kind in the order written. */
static void
print_rewrites(struct sipproxd_config *conf)
{
	struct rewrite	*rw;
	int		 type;

	for (type = REWRITE_STRIP; type <= REWRITE_RURI; type++)
		TAILQ_FOREACH(rw, &conf->rewrites, entry) {
			if (rw->cr.type != type)
				continue;
			switch (type) {
			case REWRITE_STRIP:
				printf("strip header \"%s\"\n", rw->cr.name);
				break;
			case REWRITE_DEFAULT:
				printf("default target \"%s\"\n", rw->cr.a);
				break;
			case REWRITE_TRUNK:
				printf("trunk \"%s\" account \"%s\" numbers \"",
				    rw->cr.name, rw->cr.a);
				print_quoted(rw->cr.b);
				printf("\"\n");
				break;
			case REWRITE_RURI:
				printf("rewrite request-uri \"");
				print_quoted(rw->cr.a);
				printf("\" to \"");
				print_quoted(rw->cr.b);
				printf("\"\n");
				break;
			}
		}
}

/*
 * Users and authentication. A password is never shown: each is
 * "********", and the users file is named, not listed.
 */
static void
print_auth(struct sipproxd_config *conf)
{
	struct user	*u;
	int		 i;

	TAILQ_FOREACH(u, &conf->users, entry)
		if (!u->from_file)
			printf("user \"%s\" password \"********\"\n",
			    u->cu.name);
	if (conf->g.users_file[0] != '\0') {
		printf("users file \"");
		print_quoted(conf->g.users_file);
		printf("\"\n");
	}
	printf("auth realm \"%s\"\n", conf->g.auth_realm);
	printf("auth methods {");
	for (i = 1; i < SIP_STAT_METHODS; i++)
		if (conf->g.auth_methods & (1U << i))
			printf(" %s", method_name(i));
	printf(" }\n");
	printf("auth algorithms {");
	for (i = 0; i < AUTH_ALGS; i++)
		if (conf->g.auth_alg[i] != -1)
			printf(" %s", digest_alg_word(conf->g.auth_alg[i]));
	printf(" }\n");
	printf("auth nonce lifetime %u\n", conf->g.auth_nonce_lifetime);
}

void
print_config(struct sipproxd_config *conf)
{
	struct listener		*l;
	struct conf_outbound	*co;
	in_port_t		 port;
	unsigned int		 i;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		port = sa_port(&l->ss);
		if (!l->outside)
			printf("listen on %s port %u %s\n",
			    addr_str((struct sockaddr *)&l->ss, 0), port,
			    transport_str(l->transport));
	}
	TAILQ_FOREACH(l, &conf->listeners, entry) {
		if (!l->outside)
			continue;
		port = sa_port(&l->ss);
		printf("outside %s", conf->g.outside_name);
		if (port != SIP_PORT)
			printf(" port %u", port);
		if (l->transport != SIP_TR_UDP)
			printf(" %s", transport_str(l->transport));
		printf("\n");
	}
	if (conf->g.external_addr.ss_family != AF_UNSPEC)
		printf("external address %s\n",
		    addr_str((struct sockaddr *)&conf->g.external_addr, 0));
	if (conf->g.external_name[0] != '\0')
		printf("external address \"%s\"\n", conf->g.external_name);
	if (conf->g.stun_server[0] != '\0')
		printf("external address stun \"%s\" port %u\n",
		    conf->g.stun_server, conf->g.stun_port);
	if (conf->g.outbound_proxy[0] != '\0') {
		printf("outbound proxy \"%s\"", conf->g.outbound_proxy);
		if (conf->g.outbound_port != 0)
			printf(" port %u", conf->g.outbound_port);
		if (conf->g.outbound_transport != SIP_TR_UDP)
			printf(" %s", transport_str(conf->g.outbound_transport));
		printf("\n");
	}
	for (i = 0; i < conf->noutbound; i++) {
		co = &conf->outbound[i];
		printf("outbound proxy \"%s\"", co->host);
		if (co->port != 0)
			printf(" port %u", co->port);
		if (co->transport != SIP_TR_UDP)
			printf(" %s", transport_str(co->transport));
		printf(" for domain \"%s\"\n", co->domain);
	}
	if (conf->g.log_verbose != 0)
		printf("log verbose %s\n",
		    log_classes_str(conf->g.log_verbose));
	print_dscp("sip", conf->g.sip_dscp);
	/* The default, yes, is not written out. */
	if (!conf->g.rtp_relay)
		printf("rtp relay no\n");
	printf("rtp ports %u to %u\n", conf->g.rtp_port_lo, conf->g.rtp_port_hi);
	printf("rtp timeout %u\n", conf->g.rtp_timeout);
	printf("rtp latch %s\n", latch_name(conf->g.rtp_latch));
	printf("rtp dejitter %u\n", conf->g.rtp_dejitter);
	print_dscp("rtp", conf->g.rtp_dscp);
	printf("registration expires %u\n", conf->g.reg_expires);
	if (conf->g.reg_max_expires != 0)
		printf("registration max expires %u\n",
		    conf->g.reg_max_expires);
	if (conf->g.reg_state[0] != '\0') {
		printf("registration state \"");
		print_quoted(conf->g.reg_state);
		printf("\"\n");
	}
	printf("registration max %u\n", conf->g.reg_max);
	printf("call max %u\n", conf->g.call_max);
	printf("limit calls per source %u\n", conf->g.limit_calls);
	printf("limit registrations per source %u\n", conf->g.limit_regs);
	printf("limit streams per source %u\n", conf->g.limit_streams);
	printf("limit streams per offer %u\n", conf->g.limit_media);
	print_codecs("allow", conf->g.codecs.allow, conf->g.codecs.nallow);
	print_codecs("deny", conf->g.codecs.deny, conf->g.codecs.ndeny);
	print_rewrites(conf);
	printf("tcp inactivity timeout %u\n", conf->g.tcp_idle);
	printf("tcp connect timeout %u\n", conf->g.tcp_connect);
	printf("tcp keepalive %u\n", conf->g.tcp_keepalive);
	/* The system's CA bundle is the default, not written out. */
	for (i = 0; i < TLS_FILES; i++) {
		if (conf->tls[i].path == NULL || conf->tls[i].implicit)
			continue;
		printf("tls %s \"", tlsfile_name(i));
		print_quoted(conf->tls[i].path);
		printf("\"\n");
	}
	if (conf->g.auth)
		print_auth(conf);
	if (conf->g.local_domain[0] != '\0')
		printf("local domain \"%s\"\n", conf->g.local_domain);
	acl_print(conf);
}

static void
acl_set_print(const struct acl_set *s, int braces)
{
	size_t	 i;

	if (s->name[0] != '\0' && !braces) {
		printf("<%s>", s->name);
		return;
	}
	if (acl_set_is_any(s)) {
		printf("any");
		return;
	}
	if (s->n == 1 && !braces) {
		printf("%s", acl_net_str(&s->nets[0]));
		return;
	}
	printf("{");
	for (i = 0; i < s->n; i++)
		printf("%s %s", i > 0 ? "," : "", acl_net_str(&s->nets[i]));
	printf(" }");
}

static void
acl_print_string(const char *s)
{
	putchar('"');
	print_quoted(s);
	putchar('"');
}

/* `sipproxd -nv`: tables, rules, and the settings of acl.c and ban.c. */
static void
acl_print(const struct sipproxd_config *conf)
{
	const struct acl_conf	*ac = conf->acl;
	const struct conf_global *g = &conf->g;
	const struct conf_acl_rule *r;
	uint32_t		 i;

	for (i = 0; ac != NULL && i < ac->nsets; i++) {
		if (ac->sets[i]->name[0] == '\0')
			continue;
		printf("table <%s> ", ac->sets[i]->name);
		if (ac->sets[i]->path[0] != '\0') {
			printf("file ");
			acl_print_string(ac->sets[i]->path);
		} else
			acl_set_print(ac->sets[i], 1);
		printf("\n");
	}
	for (i = 0; ac != NULL && i < ac->nrules; i++) {
		r = &ac->rules[i];
		printf("%s %s from ", r->action == ACL_ALLOW ? "allow" : "deny",
		    r->what == ACL_REGISTER ? "register" : "sip");
		acl_set_print(ac->sets[r->set], 0);
		printf("\n");
	}
	printf("block %s\n", g->block_return ? "return" : "drop");
	printf("%s scanners\n", g->block_scanners ? "block" : "allow");
	for (i = 0; ac != NULL && i < ac->nscanners; i++) {
		printf("scanner ");
		acl_print_string(ac->scanners[i]);
		printf("\n");
	}
	printf("stealth %s\n", g->stealth ? "yes" : "no");
	printf("limit requests per second %u", g->limit_requests);
	if (g->limit_requests > 0)
		printf(" burst %u", g->limit_burst);
	printf("\n");
	printf("limit auth failures %u\n", g->limit_auth);
	printf("ban time %u\n", g->ban_time);
	if (g->user_agent[0] != '\0') {
		printf("user-agent ");
		acl_print_string(g->user_agent);
		printf("\n");
	}
}
