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
 * Regress and bench builds only: a control client may open, update and
 * close relay streams itself, with the very imsg messages the SIP layer
 * uses, so the relay can be tested and measured without a call. Never
 * compiled into an installed binary.
 */

#ifdef SIPPROXD_REGRESS

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"

#define RTPTEST_MAX	4096

struct rtptest {
	LIST_ENTRY(rtptest)	 entry;
	uint32_t		 id;		/* relay stream */
	uint32_t		 conn;		/* control connection */
};

static LIST_HEAD(, rtptest)	 rtptests = LIST_HEAD_INITIALIZER(rtptests);
static unsigned int		 nrtptests;

static struct rtptest *
rtptest_find(uint32_t id)
{
	struct rtptest	*t;

	LIST_FOREACH(t, &rtptests, entry)
		if (t->id == id)
			return (t);
	return (NULL);
}

/* A request from a control client; the stream id is the client's key. */
void
rtptest_request(uint32_t conn, struct imsg *imsg)
{
	struct rtp_open		 ro;
	struct rtp_peers	 rp;
	struct rtptest		*t;
	uint32_t		 id = imsg_get_id(imsg);
	int			 error = EINVAL;

	switch (imsg_get_type(imsg)) {
	case IMSG_RTP_OPEN:
		if (imsg_get_data(imsg, &ro, sizeof(ro)) == -1 || id == 0 ||
		    rtptest_find(id) != NULL || nrtptests >= RTPTEST_MAX) {
			control_compose_id(conn, IMSG_RTP_OPEN_FAIL, id,
			    &error, sizeof(error));
			return;
		}
		if ((t = calloc(1, sizeof(*t))) == NULL)
			fatal(NULL);
		t->id = id;
		t->conn = conn;
		LIST_INSERT_HEAD(&rtptests, t, entry);
		nrtptests++;
		engine_to_relay(IMSG_RTP_OPEN, id, &ro, sizeof(ro));
		break;
	case IMSG_RTP_UPDATE:
		if (imsg_get_data(imsg, &rp, sizeof(rp)) == -1 ||
		    (t = rtptest_find(id)) == NULL || t->conn != conn)
			return;
		engine_to_relay(IMSG_RTP_UPDATE, id, &rp, sizeof(rp));
		break;
	case IMSG_RTP_CLOSE:
		if ((t = rtptest_find(id)) == NULL || t->conn != conn)
			return;
		engine_to_relay(IMSG_RTP_CLOSE, id, NULL, 0);
		LIST_REMOVE(t, entry);
		nrtptests--;
		free(t);
		break;
	}
}

/* The relay's answer about a test stream; 0 when it is not one. */
int
rtptest_reply(struct imsg *imsg)
{
	struct rtptest	*t;
	struct ibuf	 ibuf;
	uint32_t	 type = imsg_get_type(imsg);

	if ((t = rtptest_find(imsg_get_id(imsg))) == NULL)
		return (0);
	if (imsg_get_ibuf(imsg, &ibuf) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	control_compose_id(t->conn, type, t->id, ibuf_data(&ibuf),
	    ibuf_size(&ibuf));
	if (type == IMSG_RTP_OPEN_FAIL || type == IMSG_RTP_TIMEOUT) {
		LIST_REMOVE(t, entry);
		nrtptests--;
		free(t);
	}
	return (1);
}

/* A client went away: its streams go with it. */
void
rtptest_drop(uint32_t conn)
{
	struct rtptest	*t, *next;

	LIST_FOREACH_SAFE(t, &rtptests, entry, next) {
		if (t->conn != conn)
			continue;
		engine_to_relay(IMSG_RTP_CLOSE, t->id, NULL, 0);
		LIST_REMOVE(t, entry);
		nrtptests--;
		free(t);
	}
}

#endif /* SIPPROXD_REGRESS */
