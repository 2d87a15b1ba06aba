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
 * Access sets: the input as a table file (acl_set_file), and when it
 * loads, its bytes as addresses looked up in it, each answer compared
 * with sa_cmp_prefix() over every entry (a difference aborts). The
 * input is also offered to the payload checks of the messages that
 * carry sets, rules, scanner patterns and unban requests.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "sipproxd.h"
#include "acl.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
brute(const struct acl_set *s, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage	 e;
	size_t			 i;

	for (i = 0; i < s->n; i++) {
		if (sa_from_addr(s->nets[i].family, s->nets[i].addr, 0,
		    &e) == -1)
			abort();
		if (sa_cmp_prefix(&e, ss, s->nets[i].plen,
		    s->nets[i].plen) == 0)
			return (1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t	 types[] = { IMSG_RECONF_ACL_SET,
				    IMSG_RECONF_ACL_NETS, IMSG_RECONF_ACL_RULE,
				    IMSG_RECONF_SCANNER, IMSG_CTL_UNBAN };
	static char		 path[64];
	struct sockaddr_storage	 ss;
	struct acl_conf		*ac;
	struct acl_set		*s;
	struct acl_net		 a;
	FILE			*fp;
	size_t			 i;

	if (path[0] == '\0') {
		log_init(1, LOG_DAEMON);
		snprintf(path, sizeof(path), "/tmp/fuzz_acl.%d", (int)getpid());
	}
	for (i = 0; i < nitems(types); i++)
		(void)imsg_check_payload(types[i], data, size);

	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	if ((ac = acl_conf_new()) == NULL || (s = acl_set_new(ac, "t")) ==
	    NULL)
		abort();
	if (acl_set_file(s, path) == NULL) {
		acl_set_sort(s);
		for (i = 0; i + 17 <= size; i += 17) {
			if (sa_from_addr(data[i] & 1 ? AF_INET6 : AF_INET,
			    data + i + 1, 0, &ss) == -1 ||
			    acl_net_of(&ss, -1, &a) == -1)
				abort();
			/* A v4-mapped address is the IPv4 one for both. */
			if (a.family == AF_INET)
				sa_from_addr(AF_INET, a.addr, 0, &ss);
			if (acl_set_match(s, &a) != brute(s, &ss))
				abort();
		}
		for (i = 0; i < s->n; i++)
			(void)acl_net_str(&s->nets[i]);
	}
	acl_conf_free(ac);
	return (0);
}
