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
 * libFuzzer harness for the SIP message parser, editor and writer and
 * the URI parser. Beyond "does not crash" it checks three promises:
 * writing an unedited message gives back its bytes; an edited message
 * written out parses again; a response built to a request parses.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sip_msg	msg, msg2;
static char		out[SIP_MAX_MSGLEN];

static void
exercise(const struct sip_msg *m)
{
	static const enum sip_hdr_id lists[] = { SIP_HDR_CONTACT,
	    SIP_HDR_ROUTE, SIP_HDR_RECORD_ROUTE, SIP_HDR_FROM, SIP_HDR_TO };
	struct sip_addr	 a;
	struct sip_uri	 u;
	struct sip_via	 v;
	char		 buf[SIP_MAX_URILEN + 64], val[64];
	const char	*p;
	size_t		 len, i;
	int		 n, j, k;
	enum sip_method	 meth;

	sip_msg_ruri(m, buf, sizeof(buf));
	if (sip_uri_parse(buf, strlen(buf), &u) == 0)
		sip_uri_param(&u, "transport", val, sizeof(val));
	sip_msg_method_text(m, val, sizeof(val));
	sip_msg_reason(m, val, sizeof(val));
	sip_msg_cseq(m, &meth, &p);
	(void)sip_method_name(meth);
	if (strlen(sip_msg_callid(m)) == 0 || m->nvias < 1)
		abort();
	(void)sip_msg_content_type(m);
	(void)sip_msg_body(m, &len);
	for (j = 0; j < sip_msg_via_count(m); j++)
		if (sip_msg_via(m, j, &v) == -1)
			abort();
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		n = sip_msg_list_count(m, lists[i]);
		for (j = 0; j < n; j++) {
			if (sip_msg_list_get(m, lists[i], j, &a, NULL,
			    NULL) == -1)
				abort();
			sip_param_get(a.params, strlen(a.params), "expires",
			    val, sizeof(val));
			if (!a.star)
				sip_uri_set_hostport(a.uri, strlen(a.uri),
				    "203.0.113.5", 5060, buf, sizeof(buf));
		}
	}
	for (j = 0; j < m->nhdrs; j++) {
		n = sip_msg_elem_count(m, j);
		for (k = 0; k < n; k++)
			sip_msg_elem(m, j, k, &p, &len);
		(void)sip_msg_hdr_value(m, j, &len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	struct sip_uri	 u;
	struct sip_addr	 a;
	size_t		 len, skip;
	int		 i, hdr, elem;

	sip_uri_parse(s, size, &u);
	sip_addr_parse(s, size, &a);
	sip_params_valid(s, size);

	if (sip_msg_parse(&msg, s, size) != SIP_OK) {
		if (sip_msg_error(&msg)[0] == '\0')
			abort();
		return (0);
	}
	exercise(&msg);

	/* Unedited: the same bytes, less leading CRLFs and extra body. */
	for (skip = 0; skip < size && (s[skip] == '\r' || s[skip] == '\n');
	    skip++)
		;
	if (sip_msg_write(&msg, out, sizeof(out), &len) == -1)
		abort();
	if (len != msg.body_off + msg.body_len ||
	    memcmp(out, s + skip, len) != 0)
		abort();

	/*
	 * Edited: what a proxy does to a message, then parse it again. Like
	 * the proxy, add no Via beyond what the parser takes.
	 */
	if (msg.nvias < SIP_MAX_VIAS && sip_edit_insert(&msg, 0, "Via",
	    "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bKfuzz;rport") == -1)
		abort();
	if ((i = sip_msg_hdr_find(&msg, SIP_HDR_MAX_FORWARDS, 0)) >= 0)
		sip_edit_value(&msg, i, "69");
	if (sip_msg_list_get(&msg, SIP_HDR_CONTACT, 0, &a, &hdr, &elem) == 0 &&
	    !a.star)
		sip_edit_elem(&msg, hdr, elem, "<sip:u@203.0.113.5:5060>");
	if (sip_msg_list_get(&msg, SIP_HDR_RECORD_ROUTE, 1, NULL, &hdr,
	    &elem) == 0)
		sip_edit_elem(&msg, hdr, elem, NULL);
	if ((i = sip_msg_hdr_find(&msg, SIP_HDR_OTHER, 0)) >= 0)
		sip_edit_delete(&msg, i);
	if (msg.body_len > 0)
		sip_edit_body(&msg, "v=0\r\n", 5);
	if (msg.request)
		sip_edit_ruri(&msg, "sip:x@203.0.113.9");
	if (sip_msg_write(&msg, out, sizeof(out), &len) == 0) {
		if (sip_msg_parse(&msg2, out, len) != SIP_OK)
			abort();
		exercise(&msg2);
	}

	if (msg.request) {
		if (sip_msg_response(&msg, 400, sip_msg_error(&msg2), "tag1",
		    NULL, out, sizeof(out), &len) == 0 &&
		    sip_msg_parse(&msg2, out, len) != SIP_OK)
			abort();
	}
	return (0);
}
