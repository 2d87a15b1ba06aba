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
 * The SIP message parser, editor and writer, and SIP URIs: messages in
 * the spirit of RFC 4475 (torture tests), written for this test.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_msg.h"
#include "check.h"

static struct sip_msg	 msg;
static char		 out[SIP_MAX_MSGLEN + 1];

static int	parse(const char *);
static int	write_msg(size_t *);
static void	test_basic(void);
static void	test_roundtrip(void);
static void	test_torture(void);
static void	test_errors(void);
static void	test_edits(void);
static void	test_response(void);
static void	test_uri(void);

#define INVITE_BODY "v=0\r\no=- 1 1 IN IP4 192.168.1.10\r\ns=-\r\n" \
	"c=IN IP4 192.168.1.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

static const char *invite =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@example.com>\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@192.168.1.10:5060;transport=udp>;expires=60\r\n"
    "X-Unknown-Header:   keep   THIS  \r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 93\r\n"
    "\r\n"
    INVITE_BODY;


static int
parse(const char *s)
{
	return (sip_msg_parse(&msg, s, strlen(s)));
}

static int
write_msg(size_t *len)
{
	int	rv;

	rv = sip_msg_write(&msg, out, sizeof(out) - 1, len);
	out[rv == 0 ? *len : 0] = '\0';
	return (rv);
}

static void
test_basic(void)
{
	const struct sip_via	*v;
	struct sip_addr		 a;
	enum sip_method		 cm;
	const char		*ct, *body, *cmt;
	char			 ruri[128];
	size_t			 blen;
	int			 rv, hdr, elem;

	rv = parse(invite);
	check("sip_basic_parse", rv == SIP_OK, "rv %d: %s", rv,
	    sip_msg_error(&msg));
	if (rv != SIP_OK)
		return;
	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	check("sip_basic_request", sip_msg_is_request(&msg) &&
	    sip_msg_method(&msg) == SIP_INVITE &&
	    strcmp(ruri, "sip:bob@example.com") == 0, "ruri %s", ruri);
	check("sip_basic_cseq", sip_msg_cseq(&msg, &cm, &cmt) == 314159 &&
	    cm == SIP_INVITE && strcmp(cmt, "INVITE") == 0, "cseq %u",
	    sip_msg_cseq(&msg, NULL, NULL));
	check("sip_basic_callid", strcmp(sip_msg_callid(&msg),
	    "a84b4c76e66710@pc33.example.com") == 0, "%s",
	    sip_msg_callid(&msg));
	check("sip_basic_tags", strcmp(sip_msg_from_tag(&msg),
	    "1928301774") == 0 && sip_msg_to_tag(&msg)[0] == '\0',
	    "from %s to %s", sip_msg_from_tag(&msg), sip_msg_to_tag(&msg));
	v = sip_msg_top_via(&msg);
	check("sip_basic_via", strcmp(v->transport, "UDP") == 0 &&
	    strcmp(v->host, "192.168.1.10") == 0 && v->port == 5060 &&
	    strcmp(v->branch, "z9hG4bK776asdhds") == 0 && v->rport == 0 &&
	    v->received[0] == '\0' && sip_msg_via_count(&msg) == 1,
	    "%s %s %u %s %d", v->transport, v->host, v->port, v->branch,
	    v->rport);
	check("sip_basic_maxfwd", sip_msg_max_forwards(&msg) == 70 &&
	    sip_msg_expires(&msg) == -1, "%d", sip_msg_max_forwards(&msg));
	rv = sip_msg_list_get(&msg, SIP_HDR_CONTACT, 0, &a, &hdr, &elem);
	check("sip_basic_contact", rv == 0 && a.angle &&
	    strcmp(a.uri, "sip:alice@192.168.1.10:5060;transport=udp") == 0 &&
	    strcmp(a.params, ";expires=60") == 0 && hdr == 6 && elem == 0 &&
	    sip_msg_list_count(&msg, SIP_HDR_CONTACT) == 1,
	    "rv %d uri %s params %s hdr %d", rv, a.uri, a.params, hdr);
	ct = sip_msg_content_type(&msg);
	body = sip_msg_body(&msg, &blen);
	check("sip_basic_body", ct != NULL &&
	    strcmp(ct, "application/sdp") == 0 &&
	    blen == strlen(INVITE_BODY) && memcmp(body, INVITE_BODY,
	    blen) == 0, "ct %s blen %zu", ct ? ct : "NULL", blen);
	rv = sip_msg_hdr_find_name(&msg, "x-unknown-header", 0);
	check("sip_basic_unknown", rv == 7 && strcmp(sip_msg_hdr_value(&msg,
	    rv, NULL), "keep   THIS") == 0, "rv %d", rv);
	check("sip_basic_from", sip_msg_from(&msg, &a) == 0 &&
	    strcmp(a.display, "\"Alice\"") == 0 &&
	    strcmp(a.uri, "sip:alice@example.com") == 0, "%s", a.display);
}

static void
test_roundtrip(void)
{
	static const char *msgs[] = {
		NULL,	/* invite */
		/* LF only, compact forms, folded, no Content-Length */
		"OPTIONS sip:user@example.com SIP/2.0\n"
		"v: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-1\n"
		"f: <sip:a@example.com>;tag=1\n"
		"t: sip:user@example.com\n"
		"i: opt1@host1\n"
		"CSeq: 1\n"
		"   OPTIONS\n"
		"Subject: one,\n\ttwo\n"
		"\n",
		/* extra bytes after Content-Length are not written */
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,"
		" SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
		"From: <sip:a@example.com>;tag=1\r\n"
		"To: <sip:b@example.com>;tag=2\r\n"
		"Call-ID: c1\r\n"
		"CSeq: 2 BYE\r\n"
		"l: 4\r\n"
		"\r\n"
		"abcd",
	};
	size_t	i, len;
	char	name[64];
	int	rv;

	msgs[0] = invite;
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		snprintf(name, sizeof(name), "sip_roundtrip_%zu", i);
		rv = parse(msgs[i]);
		if (rv != SIP_OK) {
			check(name, 0, "parse: %s", sip_msg_error(&msg));
			continue;
		}
		rv = write_msg(&len);
		check(name, rv == 0 && len == strlen(msgs[i]) &&
		    memcmp(out, msgs[i], len) == 0, "rv %d len %zu\n%s", rv,
		    len, out);
	}
	rv = parse("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>;tag=2\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 2 BYE\r\n"
	    "l: 2\r\n"
	    "\r\n"
	    "abcd");
	rv = rv == SIP_OK ? write_msg(&len) : -1;
	check("sip_extra_bytes_dropped", rv == 0 && len > 2 &&
	    memcmp(out + len - 6, "\r\n\r\nab", 6) == 0, "rv %d %s", rv, out);
}

static void
test_torture(void)
{
	struct sip_addr	 a;
	struct sip_via	 v;
	struct sip_uri	 u;
	const char	*p;
	char		 user[64], ruri[256];
	size_t		 len;
	int		 rv, i;

	/* Compact forms, odd spacing, folding, escapes, unknown method. */
	rv = parse("NEWMETHOD sip:%61lice@example.com;transport=TCP SIP/2.0\r\n"
	    "v:  SIP / 2.0 / tcp   [2001:db8::9]:5070 ;received=10.0.0.1"
	    ";rport=6000 ;branch=z9hG4bK.x\r\n"
	    "m: \"Quoted, \\\"name\\\"\" <sip:a@10.0.0.2>;expires=30,\r\n"
	    "  <sip:c@example.com;lr>, sip:d@example.net;q=0.5\r\n"
	    "t  :\r\n  sip:bob@example.com\r\n"
	    "f: Alice Smith <sip:alice@example.com>;TAG=abc\r\n"
	    "i: x@y\r\n"
	    "CSeq: 8 NEWMETHOD\r\n"
	    "s: I know you're there,\r\n"
	    "\tpick up!\r\n"
	    "k: 100rel, timer\r\n"
	    "o: presence\r\n"
	    "x: 1800\r\n"
	    "\r\n");
	check("sip_torture_parse", rv == SIP_OK, "rv %d %s", rv,
	    sip_msg_error(&msg));
	if (rv != SIP_OK)
		return;
	sip_msg_method_text(&msg, user, sizeof(user));
	check("sip_torture_method", sip_msg_method(&msg) ==
	    SIP_METHOD_UNKNOWN && strcmp(user, "NEWMETHOD") == 0, "%s", user);
	sip_msg_ruri(&msg, ruri, sizeof(ruri));
	rv = sip_uri_parse(ruri, strlen(ruri), &u);
	check("sip_torture_ruri_escape", rv == 0 &&
	    sip_unescape(u.user, strlen(u.user), user, sizeof(user)) == 5 &&
	    strcmp(user, "alice") == 0, "rv %d user %s", rv, u.user);
	v = *sip_msg_top_via(&msg);
	check("sip_torture_via_ipv6", strcmp(v.transport, "TCP") == 0 &&
	    v.host_ipv6 && strcmp(v.host, "2001:db8::9") == 0 &&
	    v.port == 5070 && strcmp(v.received, "10.0.0.1") == 0 &&
	    v.rport == 6000 && strcmp(v.branch, "z9hG4bK.x") == 0,
	    "%s %s %u %s %d %s", v.transport, v.host, v.port, v.received,
	    v.rport, v.branch);
	check("sip_torture_contacts",
	    sip_msg_list_count(&msg, SIP_HDR_CONTACT) == 3, "%d",
	    sip_msg_list_count(&msg, SIP_HDR_CONTACT));
	rv = sip_msg_list_get(&msg, SIP_HDR_CONTACT, 0, &a, NULL, NULL);
	check("sip_torture_contact_quoted", rv == 0 &&
	    strcmp(a.display, "\"Quoted, \\\"name\\\"\"") == 0 &&
	    sip_param_get(a.params, strlen(a.params), "expires", user,
	    sizeof(user)) == 1 && strcmp(user, "30") == 0, "%s", a.display);
	rv = sip_msg_list_get(&msg, SIP_HDR_CONTACT, 2, &a, NULL, NULL);
	check("sip_torture_contact_addrspec", rv == 0 && !a.angle &&
	    strcmp(a.uri, "sip:d@example.net") == 0 &&
	    strcmp(a.params, ";q=0.5") == 0, "%s %s", a.uri, a.params);
	check("sip_torture_tag_case", strcmp(sip_msg_from_tag(&msg),
	    "abc") == 0, "%s", sip_msg_from_tag(&msg));
	i = sip_msg_hdr_find(&msg, SIP_HDR_SUBJECT, 0);
	p = sip_msg_hdr_value(&msg, i, &len);
	check("sip_torture_unfold", p != NULL &&
	    strcmp(p, "I know you're there, pick up!") == 0, "<%s>", p);
	i = sip_msg_hdr_find(&msg, SIP_HDR_TO, 0);
	p = sip_msg_hdr_value(&msg, i, &len);
	check("sip_torture_to_fold", p != NULL &&
	    strcmp(p, "sip:bob@example.com") == 0, "<%s>", p);
	check("sip_torture_compact_ids",
	    sip_msg_hdr_find(&msg, SIP_HDR_SUPPORTED, 0) >= 0 &&
	    sip_msg_hdr_find(&msg, SIP_HDR_EVENT, 0) >= 0 &&
	    sip_msg_hdr_find(&msg, SIP_HDR_SESSION_EXPIRES, 0) >= 0 &&
	    sip_msg_hdr_find_name(&msg, "Supported", 0) ==
	    sip_msg_hdr_find(&msg, SIP_HDR_SUPPORTED, 0) &&
	    sip_msg_elem_count(&msg, sip_msg_hdr_find(&msg,
	    SIP_HDR_SUPPORTED, 0)) == 2, "compact");

	/* Several Vias over several lines. */
	rv = parse("BYE sip:bob@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1,\r\n"
	    " SIP/2.0/TCP p2.example.com:5061;branch=z9hG4bK2\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>;tag=2\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 3 BYE\r\n"
	    "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
	    "Route: <sip:weird,comma@p3.example.com;lr>\r\n"
	    "\r\n");
	check("sip_vias_parse", rv == SIP_OK && sip_msg_via_count(&msg) == 3,
	    "rv %d %s", rv, sip_msg_error(&msg));
	rv = sip_msg_via(&msg, 1, &v);
	check("sip_vias_second", rv == 0 && strcmp(v.host,
	    "p2.example.com") == 0 && v.port == 5061, "%s", v.host);
	rv = sip_msg_via(&msg, 2, &v);
	check("sip_vias_third", rv == 0 && strcmp(v.branch, "z9hG4bK3") == 0,
	    "%s", v.branch);
	check("sip_vias_none", sip_msg_via(&msg, 3, &v) == -1, "found");
	rv = sip_msg_list_get(&msg, SIP_HDR_ROUTE, 2, &a, NULL, NULL);
	check("sip_route_angle_comma", rv == 0 &&
	    sip_msg_list_count(&msg, SIP_HDR_ROUTE) == 3 &&
	    strcmp(a.uri, "sip:weird,comma@p3.example.com;lr") == 0,
	    "rv %d %s", rv, a.uri);

	/* Contact: * with Expires: 0 */
	rv = parse("REGISTER sip:example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:a@example.com>\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 3 REGISTER\r\n"
	    "Contact: *\r\n"
	    "Expires: 0\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
	check("sip_contact_star", rv == SIP_OK && sip_msg_expires(&msg) == 0 &&
	    sip_msg_list_get(&msg, SIP_HDR_CONTACT, 0, &a, NULL, NULL) == 0 &&
	    a.star, "rv %d %s", rv, sip_msg_error(&msg));

	/* Leading CRLF is ignored (RFC 3261 7.5). */
	rv = parse("\r\n\r\nSIP/2.0 180 Ringing\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:a@example.com>;tag=x\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 3 INVITE\r\n"
	    "\r\n");
	sip_msg_reason(&msg, user, sizeof(user));
	check("sip_response_parse", rv == SIP_OK && !sip_msg_is_request(&msg)
	    && sip_msg_status(&msg) == 180 && strcmp(user, "Ringing") == 0,
	    "rv %d %s", rv, sip_msg_error(&msg));
}

#define HDRS_OK \
	"Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\r\n" \
	"From: <sip:a@example.com>;tag=1\r\n" \
	"To: <sip:b@example.com>\r\n" \
	"Call-ID: c1\r\n" \
	"CSeq: 1 INVITE\r\n"

static void
test_errors(void)
{
	static const struct {
		const char	*name;
		const char	*msg;
		int		 code;
		const char	*reason;
	} bad[] = {
		{ "sip_missing_via", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@x>\r\n"
		    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Missing Via" },
		{ "sip_missing_from", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:b@x>\r\n"
		    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Missing From" },
		{ "sip_missing_to", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@x>\r\n"
		    "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Missing To" },
		{ "sip_missing_callid", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@x>\r\n"
		    "t: <sip:b@x>\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Missing Call-ID" },
		{ "sip_missing_cseq", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@x>\r\n"
		    "t: <sip:b@x>\r\ni: c\r\n\r\n", SIP_EBAD,
		    "Bad Request - Missing CSeq" },
		{ "sip_cseq_mismatch", "BYE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - CSeq method mismatch" },
		{ "sip_cseq_malformed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@x>\r\n"
		    "t: <sip:b@x>\r\ni: c\r\nCSeq: -1 INVITE\r\n\r\n",
		    SIP_EBAD, "Bad Request - Malformed CSeq" },
		{ "sip_cl_short_body", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Content-Length: 10\r\n\r\nabc", SIP_EBAD,
		    "Bad Request - Content-Length mismatch" },
		{ "sip_cl_malformed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Content-Length: 1x\r\n\r\nabc", SIP_EBAD,
		    "Bad Request - Malformed Content-Length" },
		{ "sip_cl_huge", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Content-Length: 9999999999\r\n\r\nabc", SIP_EBAD,
		    "Bad Request - Malformed Content-Length" },
		{ "sip_cl_duplicate", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "l: 0\r\nContent-Length: 0\r\n\r\n", SIP_EBAD,
		    "Bad Request - Duplicate Content-Length" },
		{ "sip_via_malformed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP\r\nf: <sip:b@x>\r\n"
		    "t: <sip:b@x>\r\ni: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed Via" },
		{ "sip_via_badport", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h:70000;branch=x\r\nf: <sip:b@x>\r\n"
		    "t: <sip:b@x>\r\ni: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed Via" },
		{ "sip_from_unterminated", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		    "f: \"Alice <sip:a@x>;tag=1\r\n"
		    "t: <sip:b@x>\r\ni: c\r\nCSeq: 1 INVITE\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed From" },
		{ "sip_to_duplicate", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "t: <sip:c@x>\r\n\r\n", SIP_EBAD,
		    "Bad Request - Duplicate To" },
		{ "sip_maxfwd_malformed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Max-Forwards: 300\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed Max-Forwards" },
		{ "sip_expires_malformed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Expires: soon\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed Expires" },
		{ "sip_contact_star_mixed", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK "Contact: *, <sip:a@b>\r\n\r\n", SIP_EBAD,
		    "Bad Request - Malformed Contact" },
		{ "sip_version", "INVITE sip:b@example.com SIP/7.0\r\n"
		    HDRS_OK "\r\n", SIP_EVERSION, "Version Not Supported" },
		{ "sip_ruri_space", "INVITE sip:b@example.com x SIP/2.0\r\n"
		    HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed Request-Line" },
		{ "sip_ruri_bad", "INVITE sip:b@exa%mple.com SIP/2.0\r\n"
		    HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed Request-URI" },
		{ "sip_status_range", "SIP/2.0 700 Huh\r\n"
		    HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed Status-Line" },
		{ "sip_no_end", "INVITE sip:b@example.com SIP/2.0\r\n"
		    HDRS_OK, SIP_EBAD, "Bad Request - Missing end of headers" },
		{ "sip_nul_byte", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "X-A: a\0b\r\n" HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Missing Via" },
		{ "sip_bare_cr", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "X-A: a\rb\r\n" HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed header" },
		{ "sip_no_colon", "INVITE sip:b@example.com SIP/2.0\r\n"
		    "X-A a\r\n" HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed header" },
		{ "sip_fold_first", "INVITE sip:b@example.com SIP/2.0\r\n"
		    " X-A: a\r\n" HDRS_OK "\r\n", SIP_EBAD,
		    "Bad Request - Malformed header" },
	};
	static char	 big[SIP_MAX_MSGLEN + 100];
	size_t		 i, len;
	int		 rv;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* sip_nul_byte: parse with the embedded NUL. */
		if (strcmp(bad[i].name, "sip_nul_byte") == 0) {
			len = strlen(bad[i].msg);
			len += 1 + strlen(bad[i].msg + len + 1);
			rv = sip_msg_parse(&msg, bad[i].msg, len);
			check(bad[i].name, rv == SIP_EBAD &&
			    strcmp(sip_msg_error(&msg),
			    "Bad Request - Malformed header") == 0,
			    "rv %d %s", rv, sip_msg_error(&msg));
			continue;
		}
		rv = parse(bad[i].msg);
		check(bad[i].name, rv == bad[i].code &&
		    strcmp(sip_msg_error(&msg), bad[i].reason) == 0,
		    "rv %d <%s>", rv, sip_msg_error(&msg));
	}

	/* Too many headers */
	len = snprintf(big, sizeof(big), "INVITE sip:b@example.com SIP/2.0\r\n"
	    HDRS_OK);
	for (i = 0; i < 200; i++)
		len += snprintf(big + len, sizeof(big) - len, "X-H%zu: v\r\n",
		    i);
	len += snprintf(big + len, sizeof(big) - len, "\r\n");
	rv = sip_msg_parse(&msg, big, len);
	check("sip_too_many_headers", rv == SIP_EBAD && strcmp(
	    sip_msg_error(&msg), "Bad Request - Too many headers") == 0,
	    "rv %d %s", rv, sip_msg_error(&msg));

	/*
	 * Exactly SIP_MAX_HEADERS lines parse; one inserted makes a
	 * message we would refuse, so it is not written either.
	 */
	{
		static char	 wout[SIP_MAX_MSGLEN];
		size_t		 wlen, n = 0;
		const char	*p;

		for (p = HDRS_OK; (p = strchr(p, '\n')) != NULL; p++)
			n++;
		len = snprintf(big, sizeof(big),
		    "INVITE sip:b@example.com SIP/2.0\r\n" HDRS_OK);
		for (i = n; i < SIP_MAX_HEADERS; i++)
			len += snprintf(big + len, sizeof(big) - len,
			    "X-H%zu: v\r\n", i);
		len += snprintf(big + len, sizeof(big) - len, "\r\n");
		rv = sip_msg_parse(&msg, big, len);
		check("sip_max_headers_parse", rv == SIP_OK, "rv %d %s", rv,
		    sip_msg_error(&msg));
		check("sip_max_headers_write_unedited",
		    sip_msg_write(&msg, wout, sizeof(wout), &wlen) == 0,
		    "write failed");
		sip_edit_insert(&msg, 0, "Via",
		    "SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKproxy");
		check("sip_max_headers_write_refused",
		    sip_msg_write(&msg, wout, sizeof(wout), &wlen) == -1,
		    "written with a header too many");
	}

	/* One header longer than SIP_MAX_HDRLEN */
	len = snprintf(big, sizeof(big), "INVITE sip:b@example.com SIP/2.0\r\n"
	    HDRS_OK "X-Long: ");
	memset(big + len, 'a', SIP_MAX_HDRLEN);
	len += SIP_MAX_HDRLEN;
	len += snprintf(big + len, sizeof(big) - len, "\r\n\r\n");
	rv = sip_msg_parse(&msg, big, len);
	check("sip_header_too_long", rv == SIP_EBAD && strcmp(
	    sip_msg_error(&msg), "Bad Request - Header too long") == 0,
	    "rv %d %s", rv, sip_msg_error(&msg));

	/* Whole message too large */
	memset(big, 'a', sizeof(big));
	rv = sip_msg_parse(&msg, big, SIP_MAX_MSGLEN + 1);
	check("sip_too_large", rv == SIP_ETOOBIG, "rv %d", rv);
	rv = sip_msg_parse(&msg, "", 0);
	check("sip_empty", rv == SIP_EBAD, "rv %d", rv);

	/* Many Vias */
	len = snprintf(big, sizeof(big), "INVITE sip:b@example.com SIP/2.0\r\n"
	    HDRS_OK);
	for (i = 0; i < SIP_MAX_VIAS; i++)
		len += snprintf(big + len, sizeof(big) - len,
		    "Via: SIP/2.0/UDP h%zu;branch=z9hG4bK%zu\r\n", i, i);
	len += snprintf(big + len, sizeof(big) - len, "\r\n");
	rv = sip_msg_parse(&msg, big, len);
	check("sip_too_many_vias", rv == SIP_EBAD && strcmp(
	    sip_msg_error(&msg), "Bad Request - Too many Via") == 0,
	    "rv %d %s", rv, sip_msg_error(&msg));
}

static void
test_edits(void)
{
	size_t	len;
	int	rv, i;
	const char *want;

	/* Insert at top, replace a value, delete a line, body and CL. */
	if (parse(invite) != SIP_OK) {
		check("sip_edit_parse", 0, "%s", sip_msg_error(&msg));
		return;
	}
	rv = sip_edit_insert(&msg, 0, "Via",
	    "SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKproxy");
	rv |= sip_edit_value(&msg, sip_msg_hdr_find(&msg,
	    SIP_HDR_MAX_FORWARDS, 0), "69");
	rv |= sip_edit_delete(&msg, sip_msg_hdr_find_name(&msg,
	    "X-Unknown-Header", 0));
	rv |= sip_edit_body(&msg, "v=0\r\n", 5);
	rv |= sip_edit_insert(&msg, msg.nhdrs, "X-End", "1");
	check("sip_edit_record", rv == 0, "rv %d", rv);
	rv = write_msg(&len);
	want = "INVITE sip:bob@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKproxy\r\n"
	    "Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
	    "Max-Forwards: 69\r\n"
	    "To: Bob <sip:bob@example.com>\r\n"
	    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
	    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
	    "CSeq: 314159 INVITE\r\n"
	    "Contact: <sip:alice@192.168.1.10:5060;transport=udp>;expires=60\r\n"
	    "Content-Type: application/sdp\r\n"
	    "Content-Length: 5\r\n"
	    "X-End: 1\r\n"
	    "\r\n"
	    "v=0\r\n";
	check("sip_edit_write", rv == 0 && strcmp(out, want) == 0,
	    "rv %d\n%s", rv, out);
	rv = sip_msg_parse(&msg, out, len);
	check("sip_edit_reparse", rv == SIP_OK && msg.nvias == 2,
	    "rv %d %s", rv, sip_msg_error(&msg));

	/* Conflicting edits are refused. */
	parse(invite);
	i = sip_msg_hdr_find(&msg, SIP_HDR_TO, 0);
	rv = sip_edit_delete(&msg, i);
	check("sip_edit_conflict", rv == 0 && sip_edit_value(&msg, i, "x") ==
	    -1 && sip_edit_delete(&msg, i) == -1 &&
	    sip_edit_value(&msg, 99, "x") == -1 &&
	    sip_edit_value(&msg, 0, "a\r\nb") == -1 &&
	    sip_edit_insert(&msg, 0, "Bad Name", "x") == -1, "rv %d", rv);

	/* Element edits: replace one, delete first, delete all. */
	rv = parse("SIP/2.0 200 OK\r\n"
	    "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp,"
	    "SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK5\r\n"
	    "Record-Route: <sip:a.example.com;lr>,\r\n"
	    "   <sip:b.example.com;lr>,  <sip:c.example.com;lr>\r\n"
	    "Contact: <sip:bob@10.0.0.9>\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>;tag=2\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 2 INVITE\r\n"
	    "l: 0\r\n"
	    "\r\n");
	if (rv != SIP_OK) {
		check("sip_edit_elem_parse", 0, "%s", sip_msg_error(&msg));
		return;
	}
	rv = sip_edit_elem(&msg, 0, 0, NULL);
	rv |= sip_edit_elem(&msg, 1, 1, "<sip:203.0.113.5;lr>");
	rv |= sip_edit_elem(&msg, 2, 0,
	    "<sip:bob@203.0.113.5:5060>");
	rv |= sip_edit_body(&msg, "hello", 5);
	check("sip_edit_elem_record", rv == 0 &&
	    sip_edit_elem(&msg, 1, 3, "x") == -1 &&
	    sip_edit_elem(&msg, 1, 1, "y") == -1, "rv %d", rv);
	rv = write_msg(&len);
	want = "SIP/2.0 200 OK\r\n"
	    "v: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK5\r\n"
	    "Record-Route: <sip:a.example.com;lr>,\r\n"
	    "   <sip:203.0.113.5;lr>,  <sip:c.example.com;lr>\r\n"
	    "Contact: <sip:bob@203.0.113.5:5060>\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>;tag=2\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 2 INVITE\r\n"
	    "l: 5\r\n"
	    "\r\n"
	    "hello";
	check("sip_edit_elem_write", rv == 0 && strcmp(out, want) == 0,
	    "rv %d\n%s", rv, out);

	/* Deleting the middle and the last element keeps separators sane. */
	sip_edit_reset(&msg);
	rv = sip_edit_elem(&msg, 1, 1, NULL);
	rv |= sip_edit_elem(&msg, 1, 2, NULL);
	rv |= write_msg(&len);
	check("sip_edit_elem_delete_tail", rv == 0 && strstr(out,
	    "Record-Route: <sip:a.example.com;lr>\r\nContact") != NULL,
	    "rv %d\n%s", rv, out);
	sip_edit_reset(&msg);
	rv = sip_edit_elem(&msg, 0, 0, NULL);
	rv |= sip_edit_elem(&msg, 0, 1, NULL);
	rv |= write_msg(&len);
	check("sip_edit_elem_delete_all", rv == 0 && strncmp(out,
	    "SIP/2.0 200 OK\r\nRecord-Route:", 29) == 0, "rv %d\n%s", rv, out);

	/* Content-Length added when there was none and a body appears. */
	rv = parse("MESSAGE sip:b@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 1 MESSAGE\r\n"
	    "\r\n");
	rv |= sip_edit_body(&msg, "hi", 2);
	rv |= sip_edit_ruri(&msg, "sip:b@192.168.1.20:5062");
	rv |= write_msg(&len);
	check("sip_edit_cl_added", rv == 0 && strncmp(out,
	    "MESSAGE sip:b@192.168.1.20:5062 SIP/2.0\r\n", 41) == 0 &&
	    len > 23 && strcmp(out + len - 23,
	    "Content-Length: 2\r\n\r\nhi") == 0, "rv %d\n%s", rv, out);

	/* And when there is no body, for a stream to frame it. */
	sip_edit_reset(&msg);
	rv = sip_edit_ruri(&msg, "sip:b@192.168.1.20:5062");
	rv |= write_msg(&len);
	check("sip_edit_cl_zero", rv == 0 && len > 21 &&
	    strcmp(out + len - 21, "Content-Length: 0\r\n\r\n") == 0,
	    "rv %d\n%s", rv, out);

	/* Output bounded: a body that does not fit is refused. */
	{
		static char	body[SIP_MAX_MSGLEN];

		memset(body, 'b', sizeof(body));
		sip_edit_reset(&msg);
		rv = sip_edit_body(&msg, body, sizeof(body));
		check("sip_edit_too_big", rv == 0 &&
		    sip_msg_write(&msg, out, sizeof(out), &len) == -1,
		    "rv %d", rv);
		sip_edit_reset(&msg);
		check("sip_edit_small_out", sip_msg_write(&msg, out, 10,
		    &len) == -1, "fits");
	}
}

static void
test_response(void)
{
	size_t	 len;
	int	 rv;
	const char *want;

	rv = parse("INVITE sip:bob@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1,\r\n"
	    " SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3;rport=5060;received=1.2.3.4\r\n"
	    "f: <sip:a@example.com>;tag=1\r\n"
	    "t: <sip:b@example.com>\r\n"
	    "i: c1\r\n"
	    "CSeq: 7 INVITE\r\n"
	    "X-Other: 1\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n");
	if (rv != SIP_OK) {
		check("sip_response_build", 0, "%s", sip_msg_error(&msg));
		return;
	}
	rv = sip_msg_response(&msg, 486, "Busy Here", "abc123", NULL, out,
	    sizeof(out) - 1, &len);
	out[rv == 0 ? len : 0] = '\0';
	want = "SIP/2.0 486 Busy Here\r\n"
	    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, "
	    "SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK3;rport=5060;received=1.2.3.4\r\n"
	    "From: <sip:a@example.com>;tag=1\r\n"
	    "To: <sip:b@example.com>;tag=abc123\r\n"
	    "Call-ID: c1\r\n"
	    "CSeq: 7 INVITE\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	check("sip_response_build", rv == 0 && strcmp(out, want) == 0,
	    "rv %d\n%s", rv, out);
	rv = sip_msg_parse(&msg, out, len);
	check("sip_response_reparse", rv == SIP_OK && sip_msg_status(&msg) ==
	    486 && strcmp(sip_msg_to_tag(&msg), "abc123") == 0, "rv %d %s", rv,
	    sip_msg_error(&msg));
	rv = sip_msg_response(&msg, 200, "OK", NULL, NULL, out, sizeof(out),
	    &len);
	check("sip_response_to_response", rv == -1, "rv %d", rv);
	parse(invite);
	rv = sip_msg_response(&msg, 400, "Bad\r\nX: y", NULL, NULL, out,
	    sizeof(out), &len);
	check("sip_response_bad_reason", rv == -1, "rv %d", rv);
	rv = sip_msg_response(&msg, 401, "Unauthorized", "t1",
	    "WWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\n", out,
	    sizeof(out) - 1, &len);
	out[rv == 0 ? len : 0] = '\0';
	check("sip_response_extra", rv == 0 && strstr(out,
	    "WWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\n"
	    "Content-Length: 0\r\n\r\n") != NULL, "rv %d\n%s", rv, out);
}

static void
test_uri(void)
{
	static const struct {
		const char	*uri;
		int		 ok;
		int		 scheme;
		const char	*user;
		const char	*host;
		int		 port;
		const char	*params;
	} uris[] = {
		{ "sip:alice@example.com", 1, SIP_URI_SIP, "alice",
		    "example.com", 0, "" },
		{ "SIP:alice:secret@192.0.2.1:5070;transport=udp;lr?subject="
		    "x%20y&priority=urgent", 1, SIP_URI_SIP, "alice",
		    "192.0.2.1", 5070, ";transport=udp;lr" },
		{ "sips:[2001:db8::1]:5061;maddr=10.0.0.1", 1, SIP_URI_SIPS,
		    "", "2001:db8::1", 5061, ";maddr=10.0.0.1" },
		{ "sip:%22J%20Rosenberg%22@example.com", 1, SIP_URI_SIP,
		    "%22J%20Rosenberg%22", "example.com", 0, "" },
		{ "sip:user;par=u%40example.net@example.com", 1, SIP_URI_SIP,
		    "user;par=u%40example.net", "example.com", 0, "" },
		{ "tel:+1-201-555-0123;phone-context=example.com", 1,
		    SIP_URI_TEL, "+1-201-555-0123", "", 0,
		    ";phone-context=example.com" },
		{ "sip:", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:user@", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:host:99999", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:host:", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:ho st", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:%zz@host", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:[2001:db8::1", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:[fe80::zz]", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:-bad.example.com", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:a@b@c", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:host;=x", 0, 0, NULL, NULL, 0, NULL },
		{ "http:host", 0, 0, NULL, NULL, 0, NULL },
		{ "sip:256.1.1.1", 0, 0, NULL, NULL, 0, NULL },
	};
	struct sip_uri	 u;
	struct sip_addr	 a;
	const char	*p;
	char		 name[64], buf[256];
	size_t		 i;
	int		 rv;

	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		snprintf(name, sizeof(name), "sip_uri_%zu", i);
		rv = sip_uri_parse(uris[i].uri, strlen(uris[i].uri), &u);
		if (!uris[i].ok) {
			check(name, rv == -1, "%s parsed", uris[i].uri);
			continue;
		}
		check(name, rv == 0 && u.scheme == uris[i].scheme &&
		    strcmp(u.user, uris[i].user) == 0 &&
		    strcmp(u.host, uris[i].host) == 0 &&
		    u.port == uris[i].port &&
		    strcmp(u.params, uris[i].params) == 0,
		    "%s: rv %d user %s host %s port %u params %s", uris[i].uri,
		    rv, u.user, u.host, u.port, u.params);
	}
	rv = sip_uri_parse(uris[1].uri, strlen(uris[1].uri), &u);
	check("sip_uri_password_headers", rv == 0 && u.has_password &&
	    strcmp(u.password, "secret") == 0 &&
	    strcmp(u.headers, "?subject=x%20y&priority=urgent") == 0 &&
	    sip_uri_param(&u, "LR", buf, sizeof(buf)) == 0 &&
	    sip_uri_param(&u, "transport", buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "udp") == 0 &&
	    sip_uri_param(&u, "maddr", buf, sizeof(buf)) == -1, "%s",
	    u.headers);

	rv = sip_uri_set_hostport("sip:alice@192.168.1.10:5060;transport=udp",
	    41, "203.0.113.5", 7000, buf, sizeof(buf));
	check("sip_uri_set_hostport", rv > 0 && strcmp(buf,
	    "sip:alice@203.0.113.5:7000;transport=udp") == 0, "%s", buf);
	rv = sip_uri_set_hostport("sip:alice@host?x=y", 18, "2001:db8::5", 0,
	    buf, sizeof(buf));
	check("sip_uri_set_hostport_v6", rv > 0 && strcmp(buf,
	    "sip:alice@[2001:db8::5]?x=y") == 0, "%s", buf);
	rv = sip_uri_set_hostport("sip:alice@host", 14, "203.0.113.5", 5060,
	    buf, 10);
	check("sip_uri_set_hostport_small", rv == -1, "rv %d", rv);
	rv = sip_uri_set_hostport("tel:+123", 8, "203.0.113.5", 5060, buf,
	    sizeof(buf));
	check("sip_uri_set_hostport_tel", rv == -1, "rv %d", rv);

	/* The transport parameter replaced, added, removed; the rest kept. */
	p = "sip:a@h:5060;lr;Transport=UDP;x=1?h=v";
	rv = sip_uri_set_transport(p, strlen(p), "tcp", buf, sizeof(buf));
	check("sip_uri_set_transport", rv > 0 && strcmp(buf,
	    "sip:a@h:5060;lr;x=1;transport=tcp?h=v") == 0, "%s", buf);
	p = "sip:a@h;transport=tcp";
	rv = sip_uri_set_transport(p, strlen(p), NULL, buf, sizeof(buf));
	check("sip_uri_set_transport_none", rv > 0 &&
	    strcmp(buf, "sip:a@h") == 0, "%s", buf);
	rv = sip_uri_set_transport("sip:[::1]", 9, "tcp", buf, sizeof(buf));
	check("sip_uri_set_transport_v6", rv > 0 &&
	    strcmp(buf, "sip:[::1];transport=tcp") == 0, "%s", buf);
	rv = sip_uri_set_transport("sip:a@h", 7, "tcp", buf, 10);
	check("sip_uri_set_transport_small", rv == -1, "rv %d", rv);
	rv = sip_uri_set_transport("tel:+1", 6, "tcp", buf, sizeof(buf));
	check("sip_uri_set_transport_tel", rv == -1, "rv %d", rv);

	/* Addresses of record: an IPv6 host in brackets, canonical. */
	rv = sip_uri_parse("sip:alice@[::1]:5070;transport=udp", 34, &u);
	check("sip_uri_aor_parse_v6", rv == 0, "rv %d", rv);
	rv = sip_uri_aor(&u, buf, sizeof(buf));
	check("sip_uri_aor_v6", rv > 0 && strcmp(buf, "sip:alice@[::1]") == 0,
	    "%s", buf);
	rv = sip_uri_parse("sips:[2001:DB8:0:0::5]", 22, &u);
	check("sip_uri_aor_parse_v6_nouser", rv == 0, "rv %d", rv);
	rv = sip_uri_aor(&u, buf, sizeof(buf));
	check("sip_uri_aor_v6_nouser", rv > 0 &&
	    strcmp(buf, "sips:[2001:db8::5]") == 0, "%s", buf);
	rv = sip_uri_parse("sip:bob@192.0.2.1:5060;lr", 25, &u);
	rv = sip_uri_aor(&u, buf, sizeof(buf));
	check("sip_uri_aor_v4", rv > 0 && strcmp(buf, "sip:bob@192.0.2.1") == 0,
	    "%s", buf);
	rv = sip_uri_parse("sip:bob@Example.COM", 19, &u);
	rv = sip_uri_aor(&u, buf, sizeof(buf));
	check("sip_uri_aor_name", rv > 0 &&
	    strcmp(buf, "sip:bob@Example.COM") == 0, "%s", buf);
	rv = sip_uri_parse("tel:+1-555;phone-context=x", 26, &u);
	rv = sip_uri_aor(&u, buf, sizeof(buf));
	check("sip_uri_aor_tel", rv > 0 &&
	    strcmp(buf, "tel:+1-555;phone-context=x") == 0, "%s", buf);
	rv = sip_uri_parse("sip:alice@[::1]", 15, &u);
	rv = sip_uri_aor(&u, buf, 15);
	check("sip_uri_aor_small", rv == -1, "rv %d", rv);
	rv = sip_uri_set_hostport("sip:alice@host", 14, "[::1]", 5060,
	    buf, sizeof(buf));
	check("sip_uri_set_hostport_bracketed", rv > 0 &&
	    strcmp(buf, "sip:alice@[::1]:5060") == 0, "%s", buf);
	rv = sip_uri_set_hostport("sip:alice@host", 14, "::1::2", 5060,
	    buf, sizeof(buf));
	check("sip_uri_set_hostport_bad_v6", rv == -1, "rv %d %s", rv, buf);

	rv = sip_addr_parse("\"A \\\"B\\\" C\" <sip:a@b;lr>;tag=x", 30, &a);
	check("sip_addr_quoted", rv == 0 && a.angle &&
	    strcmp(a.uri, "sip:a@b;lr") == 0 && strcmp(a.params, ";tag=x") == 0,
	    "rv %d uri %s params %s", rv, a.uri, a.params);
	rv = sip_addr_parse("<urn:service:sos>", 17, &a);
	check("sip_addr_other_scheme", rv == 0 &&
	    strcmp(a.uri, "urn:service:sos") == 0, "rv %d", rv);
	rv = sip_addr_parse("Bad<Name <sip:a@b>", 18, &a);
	check("sip_addr_bad", rv == -1, "rv %d", rv);
	rv = sip_unescape("a%4", 3, buf, sizeof(buf));
	check("sip_unescape_short", rv == -1, "rv %d", rv);
}

int
main(void)
{
	test_basic();
	test_roundtrip();
	test_torture();
	test_errors();
	test_edits();
	test_response();
	test_uri();
	return (failures != 0);
}
