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
#include "acl.h"

static void
print_dscp(const char *what, int dscp)
{
	const char	*name;

	if ((name = dscp_name(dscp)) != NULL)
		printf("%s dscp %s\n", what, name);
	else
		printf("%s dscp %d\n", what, dscp);
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

void
print_config(struct sipproxd_config *conf)
{
	struct listener	*l;
	in_port_t	 port, outside_port = SIP_PORT;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		port = sa_port(&l->ss);
		if (l->outside)
			outside_port = port;
		else
			printf("listen on %s port %u %s\n",
			    addr_str((struct sockaddr *)&l->ss, 0), port,
			    proto_str(l->proto));
	}
	printf("outside %s", conf->g.outside_name);
	if (outside_port != SIP_PORT)
		printf(" port %u", outside_port);
	printf("\n");
	if (conf->g.external_addr.ss_family != AF_UNSPEC)
		printf("external address %s\n",
		    addr_str((struct sockaddr *)&conf->g.external_addr, 0));
	if (conf->g.outbound_proxy[0] != '\0') {
		printf("outbound proxy \"%s\"", conf->g.outbound_proxy);
		if (conf->g.outbound_port != 0)
			printf(" port %u", conf->g.outbound_port);
		printf("\n");
	}
	print_dscp("sip", conf->g.sip_dscp);
	printf("rtp ports %u to %u\n", conf->g.rtp_port_lo, conf->g.rtp_port_hi);
	printf("rtp timeout %u\n", conf->g.rtp_timeout);
	printf("rtp latch %s\n", latch_name(conf->g.rtp_latch));
	printf("rtp dejitter %u\n", conf->g.rtp_dejitter);
	print_dscp("rtp", conf->g.rtp_dscp);
	printf("registration expires %u\n", conf->g.reg_expires);
	if (conf->g.reg_state[0] != '\0') {
		printf("registration state \"");
		print_quoted(conf->g.reg_state);
		printf("\"\n");
	}
	printf("limit calls per source %u\n", conf->g.limit_calls);
	printf("limit streams per source %u\n", conf->g.limit_streams);
	printf("limit streams per offer %u\n", conf->g.limit_media);
	acl_print(conf);
}
