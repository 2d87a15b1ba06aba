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
static void
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
	printf("outside %s", conf->outside_name);
	if (outside_port != SIP_PORT)
		printf(" port %u", outside_port);
	printf("\n");
	if (conf->external_addr.ss_family != AF_UNSPEC)
		printf("external address %s\n",
		    addr_str((struct sockaddr *)&conf->external_addr, 0));
	if (conf->outbound_proxy[0] != '\0') {
		printf("outbound proxy \"%s\"", conf->outbound_proxy);
		if (conf->outbound_port != 0)
			printf(" port %u", conf->outbound_port);
		printf("\n");
	}
	print_dscp("sip", conf->sip_dscp);
	printf("rtp ports %u to %u\n", conf->rtp_port_lo, conf->rtp_port_hi);
	printf("rtp timeout %u\n", conf->rtp_timeout);
	printf("rtp latch %s\n", latch_name(conf->rtp_latch));
	printf("rtp dejitter %u\n", conf->rtp_dejitter);
	print_dscp("rtp", conf->rtp_dscp);
	printf("registration expires %u\n", conf->reg_expires);
	if (conf->reg_state[0] != '\0') {
		printf("registration state \"");
		print_quoted(conf->reg_state);
		printf("\"\n");
	}
	printf("limit calls per source %u\n", conf->limit_calls);
	printf("limit streams per source %u\n", conf->limit_streams);
	printf("limit streams per offer %u\n", conf->limit_media);
}
