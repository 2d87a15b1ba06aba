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
 * Configuration objects: creation with defaults, release, comparison, and
 * the pieces sent to the children.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"
#include "acl.h"
#include "log.h"

struct sipproxd_config *
config_new(void)
{
	struct sipproxd_config	*conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return (NULL);
	TAILQ_INIT(&conf->listeners);
	TAILQ_INIT(&conf->files);
	conf->g.external_addr.ss_family = AF_UNSPEC;
	conf->g.rtp_port_lo = RTP_PORT_LO;
	conf->g.rtp_port_hi = RTP_PORT_HI;
	conf->g.rtp_timeout = RTP_TIMEOUT;
	conf->g.rtp_latch = RTP_LATCH_LEARN;
	conf->g.rtp_dscp = RTP_DSCP;
	conf->g.sip_dscp = SIP_DSCP;
	conf->g.reg_expires = REG_EXPIRES;
	conf->g.limit_calls = LIMIT_CALLS;
	conf->g.limit_media = LIMIT_MEDIA;
	conf->g.block_scanners = 1;
	conf->g.stealth = 1;
	conf->g.ban_time = BAN_TIME;
	if ((conf->acl = acl_conf_new()) == NULL) {
		free(conf);
		return (NULL);
	}
	return (conf);
}

void
config_free(struct sipproxd_config *conf)
{
	struct listener		*l;
	struct conf_file	*f;

	if (conf == NULL)
		return;
	while ((f = TAILQ_FIRST(&conf->files)) != NULL) {
		TAILQ_REMOVE(&conf->files, f, entry);
		free(f->path);
		free(f);
	}
	while ((l = TAILQ_FIRST(&conf->listeners)) != NULL) {
		TAILQ_REMOVE(&conf->listeners, l, entry);
		if (l->fd != -1)
			close(l->fd);
		free(l);
	}
	acl_conf_free(conf->acl);
	free(conf);
}

/* Remember a file read, for the sandbox of the parent. */
void
config_add_file(struct sipproxd_config *conf, const char *path)
{
	struct conf_file	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL)
		fatal(NULL);
	TAILQ_INSERT_TAIL(&conf->files, f, entry);
}

/* The listener with the same address, port and protocol, if any. */
struct listener *
listener_find(struct listeners *head, const struct listener *key)
{
	struct listener	*l;

	TAILQ_FOREACH(l, head, entry)
		if (l->proto == key->proto && sa_cmp(&l->ss, &key->ss) == 0)
			return (l);
	return (NULL);
}

static const struct {
	const char	*name;
	int		 value;
} dscp_names[] = {
	{ "af11", 10 }, { "af12", 12 }, { "af13", 14 },
	{ "af21", 18 }, { "af22", 20 }, { "af23", 22 },
	{ "af31", 26 }, { "af32", 28 }, { "af33", 30 },
	{ "af41", 34 }, { "af42", 36 }, { "af43", 38 },
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 },
	{ "cs4", 32 }, { "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 },
	{ "ef", 46 }
};

/* A DSCP name as in pf.conf(5), or -1. */
int
dscp_from_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(dscp_names); i++)
		if (strcasecmp(name, dscp_names[i].name) == 0)
			return (dscp_names[i].value);
	return (-1);
}

/* The name of a DSCP value where it has one, else NULL. */
const char *
dscp_name(int value)
{
	size_t	 i;

	for (i = 0; i < nitems(dscp_names); i++)
		if (dscp_names[i].value == value)
			return (dscp_names[i].name);
	return (NULL);
}

const char *
latch_name(int latch)
{
	switch (latch) {
	case RTP_LATCH_STRICT:
		return ("strict");
	case RTP_LATCH_ANY:
		return ("any");
	}
	return ("learn");
}
