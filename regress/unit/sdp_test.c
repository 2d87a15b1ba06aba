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
 * The SDP parser and rewriter: offers and answers as phones send them
 * (in the spirit of RFC 4317, offer/answer examples), written for this
 * test, and every way parsing can fail; which media sdp_check() refuses;
 * the RFC 3551 clock rates the engine and the relay share.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"
#include "sdp.h"
#include "check.h"

static struct sdp		 sdp;
static char			 out[SDP_MAX_LEN + 1];
static size_t			 outlen;
static struct sockaddr_storage	 pub4, pub6;
static const uint16_t		 ports[SDP_MAX_MEDIA] = { 30000, 30002,
				    30004, 30006, 30008, 30010, 30012, 30014 };

static void	set_addr(struct sockaddr_storage *, const char *);
static int	addr_is(const struct sockaddr_storage *, const char *,
		    uint16_t);
static int	parse(const char *, const char **);
static void	parse_ok(const char *, const char *);
static void	rewrite_is(const char *, const char *,
		    const struct sockaddr_storage *, const uint16_t *,
		    const char *);
static void	test_g711(void);
static void	test_media_c(void);
static void	test_two_media(void);
static void	test_port0(void);
static void	test_hold(void);
static void	test_direction(void);
static void	test_rtcp(void);
static void	test_candidates(void);
static void	test_lf(void);
static void	test_ipv6(void);
static void	test_multicast(void);
static void	test_clock(void);
static void	test_static_clocks(void);
static void	test_check(void);
static void	test_lenient(void);
static void	test_errors(void);
static void	test_limits(void);
static void	test_outbuf(void);

#define G711 \
	"v=0\r\n" \
	"o=alice 2890844526 2890844526 IN IP4 192.168.1.10\r\n" \
	"s=-\r\n" \
	"c=IN IP4 192.168.1.10\r\n" \
	"t=0 0\r\n" \
	"m=audio 49170 RTP/AVP 0 8 101\r\n" \
	"a=rtpmap:0 PCMU/8000\r\n" \
	"a=rtpmap:8 PCMA/8000\r\n" \
	"a=rtpmap:101 telephone-event/8000\r\n" \
	"a=fmtp:101 0-16\r\n" \
	"a=ptime:20\r\n" \
	"a=sendrecv\r\n"

#define G711_PUB \
	"v=0\r\n" \
	"o=alice 2890844526 2890844526 IN IP4 203.0.113.5\r\n" \
	"s=-\r\n" \
	"c=IN IP4 203.0.113.5\r\n" \
	"t=0 0\r\n" \
	"m=audio 30000 RTP/AVP 0 8 101\r\n" \
	"a=rtpmap:0 PCMU/8000\r\n" \
	"a=rtpmap:8 PCMA/8000\r\n" \
	"a=rtpmap:101 telephone-event/8000\r\n" \
	"a=fmtp:101 0-16\r\n" \
	"a=ptime:20\r\n" \
	"a=sendrecv\r\n"


static void
set_addr(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	else
		abort();
}

/* ss is address a with port port; a NULL: AF_UNSPEC. */
static int
addr_is(const struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 =
					    (const struct sockaddr_in6 *)ss;
	struct sockaddr_storage		 want;

	if (a == NULL)
		return (ss->ss_family == AF_UNSPEC);
	set_addr(&want, a);
	if (ss->ss_family != want.ss_family)
		return (0);
	if (ss->ss_family == AF_INET)
		return (sin->sin_addr.s_addr ==
		    ((struct sockaddr_in *)&want)->sin_addr.s_addr &&
		    ntohs(sin->sin_port) == port);
	return (memcmp(&sin6->sin6_addr,
	    &((struct sockaddr_in6 *)&want)->sin6_addr,
	    sizeof(sin6->sin6_addr)) == 0 && ntohs(sin6->sin6_port) == port);
}

static int
parse(const char *body, const char **err)
{
	*err = NULL;
	return (sdp_parse(body, strlen(body), &sdp, err));
}

static void
parse_ok(const char *name, const char *body)
{
	const char	*err;
	int		 rv;

	rv = parse(body, &err);
	check(name, rv == 0 && err == NULL, "rv %d err \"%s\"", rv,
	    err ? err : "");
}

/* Parse body, rewrite it, compare with want. */
static void
rewrite_is(const char *name, const char *body,
    const struct sockaddr_storage *addr, const uint16_t *p, const char *want)
{
	const char	*err;
	int		 rv;

	if ((rv = parse(body, &err)) == -1) {
		check(name, 0, "parse: %s", err);
		return;
	}
	rv = sdp_rewrite(body, strlen(body), &sdp, addr, p, out, sizeof(out),
	    &outlen);
	check(name, rv == 0 && outlen == strlen(want) &&
	    memcmp(out, want, outlen) == 0,
	    "rv %d, got\n%.*s\nwant\n%s", rv, (int)outlen, out, want);
}

static void
test_g711(void)
{
	struct sdp_media	*m = &sdp.media[0];

	parse_ok("sdp_g711_parse", G711);
	check("sdp_g711_media", sdp.nmedia == 1 &&
	    strcmp(m->type, "audio") == 0 && strcmp(m->proto, "RTP/AVP") == 0 &&
	    m->port == 49170 && m->port_count == 1,
	    "nmedia %d type %s proto %s port %u", sdp.nmedia, m->type,
	    m->proto, m->port);
	check("sdp_g711_addr", addr_is(&m->addr, "192.168.1.10", 49170) &&
	    !m->hold_addr, "family %d hold %d", m->addr.ss_family,
	    m->hold_addr);
	check("sdp_g711_codec", m->payload == 0 && m->clock_rate == 8000 &&
	    m->rtcp_port == 0 && !m->rtcp_mux, "payload %d clock %u rtcp %u",
	    m->payload, m->clock_rate, m->rtcp_port);
	check("sdp_g711_direction", m->direction == SDP_DIR_SENDRECV &&
	    sdp.ice == 0, "direction %d", m->direction);
	rewrite_is("sdp_g711_rewrite", G711, &pub4, ports, G711_PUB);
}

static void
test_media_c(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 10.0.0.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 10.0.0.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 4000 RTP/AVP 8\r\n"
	    "c=IN IP4 10.0.0.2\r\n"
	    "m=video 4002 RTP/AVP 31\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 8\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "m=video 30002 RTP/AVP 31\r\n";

	parse_ok("sdp_media_c_parse", body);
	check("sdp_media_c_override", sdp.nmedia == 2 &&
	    addr_is(&sdp.media[0].addr, "10.0.0.2", 4000),
	    "nmedia %d", sdp.nmedia);
	check("sdp_media_c_session", addr_is(&sdp.media[1].addr, "10.0.0.1",
	    4002) && sdp.media[1].clock_rate == 90000,
	    "clock %u", sdp.media[1].clock_rate);

	/* No c= at all: the engine must see AF_UNSPEC. */
	parse_ok("sdp_no_c_parse", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"
	    "s=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
	check("sdp_no_c_unspec", addr_is(&sdp.media[0].addr, NULL, 0),
	    "family %d", sdp.media[0].addr.ss_family);
	rewrite_is("sdp_media_c_rewrite", body, &pub4, ports, want);
}

static void
test_two_media(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=bob 2808844564 2808844564 IN IP4 192.168.0.20\r\n"
	    "s=call\r\n"
	    "c=IN IP4 192.168.0.20\r\n"
	    "t=0 0\r\n"
	    "m=audio 7078 RTP/AVP 96 0\r\n"
	    "a=rtpmap:96 opus/48000/2\r\n"
	    "m=video 9078 RTP/AVP 97\r\n"
	    "a=rtpmap:97 H264/90000\r\n"
	    "a=fmtp:97 profile-level-id=42801F\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=bob 2808844564 2808844564 IN IP4 203.0.113.5\r\n"
	    "s=call\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 96 0\r\n"
	    "a=rtpmap:96 opus/48000/2\r\n"
	    "m=video 30002 RTP/AVP 97\r\n"
	    "a=rtpmap:97 H264/90000\r\n"
	    "a=fmtp:97 profile-level-id=42801F\r\n";

	parse_ok("sdp_two_media_parse", body);
	check("sdp_two_media_audio", sdp.nmedia == 2 &&
	    strcmp(sdp.media[0].type, "audio") == 0 &&
	    sdp.media[0].port == 7078 && sdp.media[0].payload == 96 &&
	    sdp.media[0].clock_rate == 48000 &&
	    addr_is(&sdp.media[0].addr, "192.168.0.20", 7078),
	    "type %s port %u clock %u", sdp.media[0].type, sdp.media[0].port,
	    sdp.media[0].clock_rate);
	check("sdp_two_media_video", strcmp(sdp.media[1].type, "video") == 0 &&
	    sdp.media[1].port == 9078 && sdp.media[1].clock_rate == 90000 &&
	    addr_is(&sdp.media[1].addr, "192.168.0.20", 9078),
	    "type %s port %u clock %u", sdp.media[1].type, sdp.media[1].port,
	    sdp.media[1].clock_rate);
	rewrite_is("sdp_two_media_rewrite", body, &pub4, ports, want);
}

static void
test_port0(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 5 6 IN IP4 10.1.1.1\r\n"
	    "s=-\r\n"
	    "c=IN IP4 10.1.1.1\r\n"
	    "t=0 0\r\n"
	    "m=audio 5004 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=- 5 6 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\n";
	const uint16_t	keep[SDP_MAX_MEDIA] = { 0, 30002 };
	const char *want_keep =
	    "v=0\r\n"
	    "o=- 5 6 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 5004 RTP/AVP 0\r\n"
	    "m=video 0 RTP/AVP 31\r\n";

	parse_ok("sdp_port0_parse", body);
	check("sdp_port0_port", sdp.nmedia == 2 && sdp.media[1].port == 0 &&
	    addr_is(&sdp.media[1].addr, "10.1.1.1", 0),
	    "port %u", sdp.media[1].port);
	rewrite_is("sdp_port0_rewrite", body, &pub4, ports, want);
	rewrite_is("sdp_ports_zero_keep", body, &pub4, keep, want_keep);
	rewrite_is("sdp_ports_null_keep", body, &pub4, NULL, want_keep);
}

static void
test_hold(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 192.168.1.10\r\n"
	    "s=-\r\n"
	    "c=IN IP4 0.0.0.0\r\n"
	    "t=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 0.0.0.0\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n";
	const char *media_hold =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 192.168.1.10\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.168.1.10\r\n"
	    "t=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "c=IN IP4 0.0.0.0\r\n"
	    "m=video 49172 RTP/AVP 31\r\n";

	parse_ok("sdp_hold_c_parse", body);
	check("sdp_hold_c", sdp.media[0].hold_addr &&
	    addr_is(&sdp.media[0].addr, "0.0.0.0", 49170) &&
	    sdp.media[0].direction == SDP_DIR_SENDRECV,
	    "hold %d", sdp.media[0].hold_addr);
	rewrite_is("sdp_hold_c_rewrite", body, &pub4, ports, want);

	parse_ok("sdp_hold_media_parse", media_hold);
	check("sdp_hold_media", sdp.media[0].hold_addr &&
	    !sdp.media[1].hold_addr &&
	    addr_is(&sdp.media[1].addr, "192.168.1.10", 49172),
	    "hold %d %d", sdp.media[0].hold_addr, sdp.media[1].hold_addr);
}

static void
test_direction(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 192.168.1.10\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.168.1.10\r\n"
	    "t=0 0\r\n"
	    "a=sendonly\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "m=video 49172 RTP/AVP 31\r\n"
	    "a=inactive\r\n"
	    "m=audio 49174 RTP/AVP 8\r\n"
	    "a=recvonly \r\n"
	    "m=audio 49176 RTP/AVP 8\r\n"
	    "a=sendrecv\r\n";

	parse_ok("sdp_direction_parse", body);
	check("sdp_direction_session", sdp.media[0].direction ==
	    SDP_DIR_SENDONLY && !sdp.media[0].hold_addr,
	    "direction %d", sdp.media[0].direction);
	check("sdp_direction_inactive", sdp.media[1].direction ==
	    SDP_DIR_INACTIVE, "direction %d", sdp.media[1].direction);
	check("sdp_direction_recvonly", sdp.media[2].direction ==
	    SDP_DIR_RECVONLY, "direction %d", sdp.media[2].direction);
	check("sdp_direction_sendrecv", sdp.media[3].direction ==
	    SDP_DIR_SENDRECV, "direction %d", sdp.media[3].direction);
}

static void
test_rtcp(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 192.168.1.10\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.168.1.10\r\n"
	    "t=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "a=rtcp:49171\r\n"
	    "m=audio 49172 RTP/AVP 0\r\n"
	    "a=rtcp:53020 IN IP4 192.168.1.10\r\n"
	    "a=rtcp-fb:* nack\r\n"
	    "m=audio 49174 RTP/AVP 0\r\n"
	    "a=rtcp:49174\r\n"
	    "a=rtcp-mux\r\n"
	    "m=audio 49176 RTP/AVP 0\r\n"
	    "a=rtcp:49177 IN IP4 0.0.0.0\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "a=rtcp:30001\r\n"
	    "m=audio 30002 RTP/AVP 0\r\n"
	    "a=rtcp:30003 IN IP4 203.0.113.5\r\n"
	    "a=rtcp-fb:* nack\r\n"
	    "m=audio 30004 RTP/AVP 0\r\n"
	    "a=rtcp:30004\r\n"
	    "a=rtcp-mux\r\n"
	    "m=audio 30006 RTP/AVP 0\r\n"
	    "a=rtcp:30007 IN IP4 0.0.0.0\r\n";
	const char *want6 =
	    "v=0\r\n"
	    "o=- 1 2 IN IP6 2001:db8::1\r\n"
	    "s=-\r\n"
	    "c=IN IP6 2001:db8::1\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "a=rtcp:30001\r\n"
	    "m=audio 30002 RTP/AVP 0\r\n"
	    "a=rtcp:30003 IN IP6 2001:db8::1\r\n"
	    "a=rtcp-fb:* nack\r\n"
	    "m=audio 30004 RTP/AVP 0\r\n"
	    "a=rtcp:30004\r\n"
	    "a=rtcp-mux\r\n"
	    "m=audio 30006 RTP/AVP 0\r\n"
	    "a=rtcp:30007 IN IP4 0.0.0.0\r\n";

	parse_ok("sdp_rtcp_parse", body);
	check("sdp_rtcp_port", sdp.media[0].rtcp_port == 49171 &&
	    sdp.media[1].rtcp_port == 53020 &&
	    sdp.media[2].rtcp_port == 49174 && sdp.media[2].rtcp_mux &&
	    !sdp.media[0].rtcp_mux, "rtcp %u %u %u mux %d",
	    sdp.media[0].rtcp_port, sdp.media[1].rtcp_port,
	    sdp.media[2].rtcp_port, sdp.media[2].rtcp_mux);
	rewrite_is("sdp_rtcp_rewrite", body, &pub4, ports, want);
	rewrite_is("sdp_rtcp_rewrite6", body, &pub6, ports, want6);
}

static void
test_candidates(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 192.168.1.10\r\n"
	    "s=-\r\n"
	    "c=IN IP4 192.168.1.10\r\n"
	    "t=0 0\r\n"
	    "a=ice-ufrag:8hhY\r\n"
	    "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n"
	    "a=candidate:1 1 UDP 2130706431 192.168.1.10 49170 typ host\r\n"
	    "a=candidate:2 1 UDP 1694498815 198.51.100.7 61665 typ srflx "
	    "raddr 192.168.1.10 rport 49170\r\n"
	    "a=remote-candidates:1 192.168.2.2 3478\r\n"
	    "a=sendrecv\r\n"
	    "a=candidate:3 2 UDP 2130706430 192.168.1.10 49171 typ host";
	const char *want =
	    "v=0\r\n"
	    "o=- 1 2 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "a=ice-ufrag:8hhY\r\n"
	    "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "a=sendrecv\r\n";

	parse_ok("sdp_candidates_parse", body);
	check("sdp_candidates_ice", sdp.ice == 1, "ice %d", sdp.ice);
	rewrite_is("sdp_candidates_removed", body, &pub4, ports, want);
}

static void
test_lf(void)
{
	const char *body =
	    "v=0\n"
	    "o=- 7 7 IN IP4 172.16.0.5\n"
	    "s=-\n"
	    "c=IN IP4 172.16.0.5\n"
	    "t=0 0\n"
	    "m=audio 8000 RTP/AVP 18\n"
	    "a=candidate:1 1 UDP 1 172.16.0.5 8000 typ host\n"
	    "a=rtcp:8001 IN IP4 172.16.0.5\n"
	    "a=fmtp:18 annexb=no\n";
	const char *want =
	    "v=0\n"
	    "o=- 7 7 IN IP4 203.0.113.5\n"
	    "s=-\n"
	    "c=IN IP4 203.0.113.5\n"
	    "t=0 0\n"
	    "m=audio 30000 RTP/AVP 18\n"
	    "a=rtcp:30001 IN IP4 203.0.113.5\n"
	    "a=fmtp:18 annexb=no\n";
	/* Mixed endings and no final newline: each kept as it came. */
	const char *mixed =
	    "v=0\r\n"
	    "o=- 7 7 IN IP4 172.16.0.5\n"
	    "s=-\r\n"
	    "c=IN IP4 172.16.0.5\n"
	    "t=0 0\r\n"
	    "m=audio 8000 RTP/AVP 18";
	const char *want_mixed =
	    "v=0\r\n"
	    "o=- 7 7 IN IP4 203.0.113.5\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 18";

	parse_ok("sdp_lf_parse", body);
	check("sdp_lf_values", sdp.media[0].port == 8000 &&
	    sdp.media[0].clock_rate == 8000 && sdp.media[0].rtcp_port == 8001,
	    "port %u clock %u", sdp.media[0].port, sdp.media[0].clock_rate);
	rewrite_is("sdp_lf_rewrite", body, &pub4, ports, want);
	rewrite_is("sdp_mixed_eol_rewrite", mixed, &pub4, ports, want_mixed);
}

static void
test_ipv6(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=- 1 1 IN IP6 fd00::10\r\n"
	    "s=-\r\n"
	    "c=IN IP6 fd00::10\r\n"
	    "t=0 0\r\n"
	    "m=audio 6000 RTP/AVP 0\r\n"
	    "m=audio 6002 RTP/AVP 0\r\n"
	    "c=IN IP6 ::\r\n";
	const char *want4 =
	    "v=0\r\n"
	    "o=- 1 1 IN IP4 203.0.113.5\r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "m=audio 30002 RTP/AVP 0\r\n"
	    "c=IN IP6 ::\r\n";
	const char *want6 =
	    "v=0\r\n"
	    "o=- 1 1 IN IP6 2001:db8::1\r\n"
	    "s=-\r\n"
	    "c=IN IP6 2001:db8::1\r\n"
	    "t=0 0\r\n"
	    "m=audio 30000 RTP/AVP 0\r\n"
	    "m=audio 30002 RTP/AVP 0\r\n"
	    "c=IN IP6 ::\r\n";

	parse_ok("sdp_ipv6_parse", body);
	check("sdp_ipv6_addr", addr_is(&sdp.media[0].addr, "fd00::10", 6000) &&
	    !sdp.media[0].hold_addr, "family %d", sdp.media[0].addr.ss_family);
	check("sdp_ipv6_hold", addr_is(&sdp.media[1].addr, "::", 6002) &&
	    sdp.media[1].hold_addr, "hold %d", sdp.media[1].hold_addr);
	rewrite_is("sdp_ipv6_to_ipv4", body, &pub4, ports, want4);
	rewrite_is("sdp_ipv6_to_ipv6", body, &pub6, ports, want6);
}

static void
test_multicast(void)
{
	const char	*err;
	int		 rv;

	parse_ok("sdp_multicast_ttl", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"
	    "s=-\r\nc=IN IP4 224.2.17.12/127\r\nt=0 0\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n");
	check("sdp_multicast_addr", addr_is(&sdp.media[0].addr, "224.2.17.12",
	    49170) && !sdp.media[0].hold_addr, "family %d",
	    sdp.media[0].addr.ss_family);
	parse_ok("sdp_multicast_ttl_count", "v=0\r\nc=IN IP4 "
	    "224.2.1.1/127/3\r\nm=audio 49170 RTP/AVP 0\r\n");
	parse_ok("sdp_multicast6_count", "v=0\r\nc=IN IP6 ff15::101/3\r\n"
	    "m=audio 49170 RTP/AVP 0\r\n");
	rv = parse("v=0\r\nc=IN IP4 10.0.0.1/127\r\nm=audio 1 RTP/AVP 0\r\n",
	    &err);
	check("sdp_unicast_ttl", rv == -1 && strcmp(err, "bad c= line") == 0,
	    "rv %d err %s", rv, err ? err : "");
	rv = parse("v=0\r\nc=IN IP4 224.2.1.1/1/2/3\r\n"
	    "m=audio 1 RTP/AVP 0\r\n", &err);
	check("sdp_multicast_suffixes", rv == -1, "rv %d", rv);
	rv = parse("v=0\r\nc=IN IP4 224.2.1.1/\r\nm=audio 1 RTP/AVP 0\r\n",
	    &err);
	check("sdp_multicast_empty_ttl", rv == -1, "rv %d", rv);
}

static void
test_clock(void)
{
	static const struct {
		const char	*m;
		int		 payload;
		uint32_t	 clock;
	} t[] = {
		{ "m=audio 1 RTP/AVP 9 0", 9, 8000 },	/* G722 */
		{ "m=audio 1 RTP/AVP 18", 18, 8000 },
		{ "m=audio 1 RTP/AVP 3", 3, 8000 },
		{ "m=audio 1 RTP/AVP 6", 6, 16000 },
		{ "m=audio 1 RTP/AVP 10", 10, 44100 },
		{ "m=video 1 RTP/AVP 34", 34, 90000 },
		{ "m=audio 1 RTP/AVP 97", 97, 0 },
		{ "m=audio 1 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2", 96,
		    48000 },
		{ "m=audio 1 RTP/AVP 96 97\r\na=rtpmap:97 AMR/8000\r\n"
		    "a=rtpmap:96 AMR-WB/16000", 96, 16000 },
		{ "m=audio 1 RTP/AVP 96\r\na=rtpmap:96 bad", 96, 0 },
		{ "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8001", 0, 8001 },
		{ "m=image 1 udptl t38", -1, 0 },
		{ "m=audio 1 RTP/AVP 128", -1, 0 },
	};
	char		 body[256], name[64];
	const char	*err;
	size_t		 i;
	int		 rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 10.0.0.1\r\n"
		    "%s\r\n", t[i].m);
		snprintf(name, sizeof(name), "sdp_clock_%zu", i);
		rv = parse(body, &err);
		check(name, rv == 0 && sdp.media[0].payload == t[i].payload &&
		    sdp.media[0].clock_rate == t[i].clock,
		    "rv %d payload %d clock %u", rv, sdp.media[0].payload,
		    sdp.media[0].clock_rate);
	}
}

/*
 * RFC 3551 tables 4 and 5, every static payload type, written out here
 * from the RFC: the table the SDP parser and the relay's dejitter share.
 * 0 is unassigned, reserved or dynamic.
 */
static void
test_static_clocks(void)
{
	static const uint32_t	 rfc3551[35] = {
		8000, 0, 0, 8000, 8000, 8000, 16000, 8000,	/* 0-7 */
		8000, 8000, 44100, 44100, 8000, 8000, 90000,	/* 8-14 */
		8000, 11025, 22050, 8000, 0,			/* 15-19 */
		0, 0, 0, 0, 0, 90000, 90000, 0, 90000, 0, 0,	/* 20-30 */
		90000, 90000, 90000, 90000,			/* 31-34 */
	};
	static const int	 dvi4[] = { 6, 16, 17 };
	char			 body[128], name[64];
	const char		*err;
	uint32_t		 want;
	size_t			 i;
	int			 pt, bad = 0, rv;

	for (pt = -1; pt <= 128; pt++) {
		want = pt >= 0 && pt < 35 ? rfc3551[pt] : 0;
		if (media_static_clock(pt) != want) {
			snprintf(name, sizeof(name), "rfc3551_clock_pt%d", pt);
			check(name, 0, "%u, want %u", media_static_clock(pt),
			    want);
			bad++;
		}
	}
	check("rfc3551_clock_every_static_pt", bad == 0, "%d wrong", bad);

	/* And the parser uses it: the three that once disagreed. */
	for (i = 0; i < sizeof(dvi4) / sizeof(dvi4[0]); i++) {
		pt = dvi4[i];
		snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 10.0.0.1\r\n"
		    "m=audio 4000 RTP/AVP %d\r\n", pt);
		snprintf(name, sizeof(name), "sdp_clock_dvi4_pt%d", pt);
		rv = parse(body, &err);
		check(name, rv == 0 && sdp.media[0].clock_rate == rfc3551[pt],
		    "rv %d clock %u", rv, sdp.media[0].clock_rate);
	}
}

/* One body from a party at src: refused for why, or accepted (NULL). */
static void
check_is(const char *name, const char *body, const char *src,
    const char *why)
{
	struct sockaddr_storage	 ss;
	const char		*err, *got = NULL;
	int			 rv;

	set_addr(&ss, src);
	if ((rv = parse(body, &err)) == 0)
		rv = sdp_check(&sdp, &ss, &got);
	if (why == NULL)
		check(name, rv == 0 && got == NULL, "rv %d: %s", rv,
		    got ? got : err ? err : "");
	else
		check(name, rv == -1 && got != NULL && strcmp(got, why) == 0,
		    "rv %d: %s", rv, got ? got : err ? err : "");
}

#define CHK_BODY(c, m) "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n" c \
	"t=0 0\r\n" m

static void
test_check(void)
{
	static const struct {
		const char	*name;
		const char	*body;
		const char	*src;
		const char	*why;
	} t[] = {
		{ "sdp_check_unicast", CHK_BODY("c=IN IP4 10.0.0.1\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "10.0.0.1", NULL },
		{ "sdp_check_multicast4", CHK_BODY("c=IN IP4 224.2.17.12/127\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "10.0.0.1",
		    "multicast address" },
		{ "sdp_check_multicast4_inside", CHK_BODY(
		    "c=IN IP4 239.255.255.250\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "127.0.0.10", "multicast address" },
		{ "sdp_check_multicast6", CHK_BODY("c=IN IP6 ff15::101\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "2001:db8::5",
		    "multicast address" },
		{ "sdp_check_multicast6_mapped", CHK_BODY(
		    "c=IN IP6 ::ffff:224.0.0.1\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "2001:db8::5", "multicast address" },
		{ "sdp_check_multicast_media_level", CHK_BODY(
		    "c=IN IP4 10.0.0.1\r\n", "m=audio 4000 RTP/AVP 0\r\n"
		    "m=video 4002 RTP/AVP 31\r\nc=IN IP4 224.0.1.1/1\r\n"),
		    "10.0.0.1", "multicast address" },
		{ "sdp_check_broadcast_limited", CHK_BODY(
		    "c=IN IP4 255.255.255.255\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "10.0.0.1", "broadcast address" },
		{ "sdp_check_broadcast_subnet", CHK_BODY(
		    "c=IN IP4 192.0.2.255\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "192.0.2.7", "broadcast address" },
		{ "sdp_check_broadcast_subnet_zero", CHK_BODY(
		    "c=IN IP4 192.0.2.0\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "192.0.2.7", "broadcast address" },
		{ "sdp_check_subnet_host", CHK_BODY("c=IN IP4 192.0.2.7\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "192.0.2.7", NULL },
		{ "sdp_check_broadcast_mapped", CHK_BODY(
		    "c=IN IP6 ::ffff:192.0.2.255\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "192.0.2.7",
		    "broadcast address" },
		{ "sdp_check_hold4", CHK_BODY("c=IN IP4 0.0.0.0\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "10.0.0.1", NULL },
		{ "sdp_check_hold6", CHK_BODY("c=IN IP6 ::\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "2001:db8::5", NULL },
		{ "sdp_check_this_network", CHK_BODY("c=IN IP4 0.1.2.3\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "10.0.0.1",
		    "unspecified address" },
		{ "sdp_check_mapped_unspecified", CHK_BODY(
		    "c=IN IP6 ::ffff:0.0.0.0\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "10.0.0.1", "unspecified address" },
		{ "sdp_check_loopback_foreign", CHK_BODY(
		    "c=IN IP4 127.0.0.1\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "203.0.113.9", "loopback address" },
		{ "sdp_check_loopback6_foreign", CHK_BODY("c=IN IP6 ::1\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "2001:db8::5",
		    "loopback address" },
		{ "sdp_check_loopback_mapped_foreign", CHK_BODY(
		    "c=IN IP6 ::ffff:127.0.0.1\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "2001:db8::5",
		    "loopback address" },
		{ "sdp_check_loopback_local", CHK_BODY(
		    "c=IN IP4 127.0.0.10\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
		    "127.0.0.10", NULL },
		{ "sdp_check_loopback6_local", CHK_BODY("c=IN IP6 ::1\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "::1", NULL },
		{ "sdp_check_loopback_broadcast", CHK_BODY(
		    "c=IN IP4 127.255.255.255\r\n",
		    "m=audio 4000 RTP/AVP 0\r\n"), "127.0.0.10",
		    "broadcast address" },
		{ "sdp_check_port_count", CHK_BODY("c=IN IP4 10.0.0.1\r\n",
		    "m=audio 4000/2 RTP/AVP 0\r\n"), "10.0.0.1",
		    "more than one port" },
		{ "sdp_check_port_count_one", CHK_BODY("c=IN IP4 10.0.0.1\r\n",
		    "m=audio 4000/1 RTP/AVP 0\r\n"), "10.0.0.1", NULL },
		{ "sdp_check_rejected_stream", CHK_BODY(
		    "c=IN IP4 224.0.0.1\r\n", "m=audio 0 RTP/AVP 0\r\n"),
		    "10.0.0.1", NULL },
		{ "sdp_check_no_c", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n",
		    "10.0.0.1", NULL },
	};
	size_t	 i;

	/* The subnets a box on 192.0.2.7/24 and lo (127/8) sees. */
	check("media_net_add", media_net_add(inet_addr("192.0.2.7"),
	    inet_addr("255.255.255.0")) == 0 &&
	    media_net_add(inet_addr("127.0.0.1"), inet_addr("255.0.0.0")) ==
	    0 && media_net_add(inet_addr("198.51.100.1"),
	    inet_addr("255.255.255.255")) == 0, "table full");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_is(t[i].name, t[i].body, t[i].src, t[i].why);
	/* A /32 has no broadcast. */
	check_is("sdp_check_host_route", CHK_BODY(
	    "c=IN IP4 198.51.100.1\r\n", "m=audio 4000 RTP/AVP 0\r\n"),
	    "198.51.100.1", NULL);
}

static void
test_lenient(void)
{
	const char *body =
	    "v=0\r\n"
	    "o=-  1 1 IN IP4 10.0.0.1 \r\n"
	    "s=-\r\n"
	    "c=IN  IP4 10.0.0.1\t\r\n"
	    "t=0 0\r\n"
	    "m=audio  4000/2 RTP/AVP 0 \r\n"
	    "a=SendOnly\r\n"
	    "\r\n"
	    "\r\n";
	const char *want =
	    "v=0\r\n"
	    "o=-  1 1 IN IP4 203.0.113.5 \r\n"
	    "s=-\r\n"
	    "c=IN IP4 203.0.113.5\t\r\n"
	    "t=0 0\r\n"
	    "m=audio  30000 RTP/AVP 0 \r\n"
	    "a=SendOnly\r\n"
	    "\r\n"
	    "\r\n";

	parse_ok("sdp_lenient_parse", body);
	check("sdp_lenient_values", sdp.media[0].port == 4000 &&
	    sdp.media[0].port_count == 2 &&
	    sdp.media[0].direction == SDP_DIR_SENDONLY,
	    "port %u count %u dir %d", sdp.media[0].port,
	    sdp.media[0].port_count, sdp.media[0].direction);
	rewrite_is("sdp_lenient_rewrite", body, &pub4, ports, want);
	parse_ok("sdp_unknown_lines", "v=0\r\nz=whatever\r\nk=prompt\r\n"
	    "x=\r\nm=audio 1 RTP/AVP 0\r\n");
	parse_ok("sdp_eol_cr_at_end", "v=0\r\nm=audio 1 RTP/AVP 0\r");
}

static void
test_errors(void)
{
	static const struct {
		const char	*name;
		const char	*body;
		const char	*err;
	} t[] = {
		{ "sdp_err_empty", "", "no v= line" },
		{ "sdp_err_only_eol", "\r\n\r\n", "no v= line" },
		{ "sdp_err_no_v", "o=- 1 1 IN IP4 10.0.0.1\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "no v= line" },
		{ "sdp_err_v1", "v=1\r\nm=audio 1 RTP/AVP 0\r\n",
		    "bad v= line" },
		{ "sdp_err_v_twice", "v=0\r\nm=audio 1 RTP/AVP 0\r\nv=0\r\n",
		    "bad v= line" },
		{ "sdp_err_no_m", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"
		    "c=IN IP4 10.0.0.1\r\n", "no m= line" },
		{ "sdp_err_no_equal", "v=0\r\nm audio 1 RTP/AVP 0\r\n",
		    "malformed line" },
		{ "sdp_err_upper_type", "v=0\r\nM=audio 1 RTP/AVP 0\r\n",
		    "malformed line" },
		{ "sdp_err_empty_mid", "v=0\r\n\r\nm=audio 1 RTP/AVP 0\r\n",
		    "empty line" },
		{ "sdp_err_lone_cr", "v=0\r\nm=audio 1\rRTP/AVP 0\r\n",
		    "bad line ending" },
		{ "sdp_err_m_no_port", "v=0\r\nm=audio RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_no_fmt", "v=0\r\nm=audio 4000 RTP/AVP\r\n",
		    "bad m= line" },
		{ "sdp_err_m_port_big", "v=0\r\nm=audio 65536 RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_port_huge", "v=0\r\n"
		    "m=audio 99999999999999999999 RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_port_sign", "v=0\r\nm=audio -1 RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_count0", "v=0\r\nm=audio 4000/0 RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_count_bad", "v=0\r\nm=audio 4000/ RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_type_long", "v=0\r\n"
		    "m=audioaudioaudioaudio 4000 RTP/AVP 0\r\n",
		    "bad m= line" },
		{ "sdp_err_m_8bit", "v=0\r\nm=audio 4000 RTP/AVP 0 \xff\r\n",
		    "bad m= line" },
		{ "sdp_err_c_fqdn", "v=0\r\nc=IN IP4 pbx.example.com\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "c= not a numeric address" },
		{ "sdp_err_c_fqdn6", "v=0\r\nm=audio 1 RTP/AVP 0\r\n"
		    "c=IN IP6 host.example.net\r\n",
		    "c= not a numeric address" },
		{ "sdp_err_c_short", "v=0\r\nc=IN IP4\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad c= line" },
		{ "sdp_err_c_nettype", "v=0\r\nc=ATM NSAP 47.0005\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad c= line" },
		{ "sdp_err_c_family", "v=0\r\nc=IN IP4 2001:db8::1\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad c= line" },
		{ "sdp_err_c_garbage", "v=0\r\nc=IN IP4 1.2.3.4.5\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad c= line" },
		{ "sdp_err_c_extra", "v=0\r\nc=IN IP4 1.2.3.4 x\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad c= line" },
		{ "sdp_err_o_short", "v=0\r\no=- 1 1 IN IP4\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad o= line" },
		{ "sdp_err_o_long", "v=0\r\no=a b 1 1 IN IP4 1.2.3.4\r\n"
		    "m=audio 1 RTP/AVP 0\r\n", "bad o= line" },
		{ "sdp_err_rtcp_port", "v=0\r\nm=audio 1 RTP/AVP 0\r\n"
		    "a=rtcp:70000\r\n", "bad a=rtcp line" },
		{ "sdp_err_rtcp_empty", "v=0\r\nm=audio 1 RTP/AVP 0\r\n"
		    "a=rtcp:\r\n", "bad a=rtcp line" },
		{ "sdp_err_rtcp_addr", "v=0\r\nm=audio 1 RTP/AVP 0\r\n"
		    "a=rtcp:5 IN IP4\r\n", "bad a=rtcp line" },
		{ "sdp_err_rtcp_fqdn", "v=0\r\nm=audio 1 RTP/AVP 0\r\n"
		    "a=rtcp:5 IN IP4 a.example\r\n",
		    "a=rtcp not a numeric address" },
		{ "sdp_err_trunc_m", "v=0\r\nc=IN IP4 10.0.0.1\r\nm=aud",
		    "bad m= line" },
		{ "sdp_err_trunc_c", "v=0\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP",
		    "bad c= line" },
		{ "sdp_err_trunc_type", "v=0\r\nm=audio 1 RTP/AVP 0\r\na",
		    "malformed line" },
		{ "sdp_err_trunc_v", "v", "no v= line" },
	};
	const char	*err;
	size_t		 i;
	int		 rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rv = parse(t[i].body, &err);
		check(t[i].name, rv == -1 && err != NULL &&
		    strcmp(err, t[i].err) == 0, "rv %d err \"%s\" want \"%s\"",
		    rv, err ? err : "(null)", t[i].err);
	}

	/* Not NUL ended, and a NUL inside. */
	rv = sdp_parse("v=0\r\nm=audio 1 RTP/AVP 0\r\n\0a=x\r\n", 30, &sdp,
	    &err);
	check("sdp_err_nul", rv == -1 && strcmp(err, "NUL in body") == 0,
	    "rv %d err %s", rv, err ? err : "");
	rv = sdp_parse("v=0\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 1.2.3.4", 26,
	    &sdp, &err);
	check("sdp_len_bounds", rv == 0 && sdp.media[0].addr.ss_family ==
	    AF_UNSPEC, "rv %d err %s", rv, err ? err : "");
}

static void
test_limits(void)
{
	static char	 big[SDP_MAX_LEN + 2];
	char		 body[4096];
	const char	*err;
	size_t		 len;
	int		 i, rv;

	/* SDP_MAX_MEDIA m= lines are fine, one more is not. */
	len = strlcpy(body, "v=0\r\nc=IN IP4 10.0.0.1\r\n", sizeof(body));
	for (i = 0; i < SDP_MAX_MEDIA; i++)
		len += snprintf(body + len, sizeof(body) - len,
		    "m=audio %d RTP/AVP 0\r\na=rtcp:%d\r\n", 4000 + 2 * i,
		    4001 + 2 * i);
	rv = parse(body, &err);
	check("sdp_max_media", rv == 0 && sdp.nmedia == SDP_MAX_MEDIA,
	    "rv %d err %s", rv, err ? err : "");
	if (rv == 0) {
		rv = sdp_rewrite(body, len, &sdp, &pub4, ports, out,
		    sizeof(out), &outlen);
		out[outlen] = '\0';
		check("sdp_max_media_rewrite", rv == 0 &&
		    strstr(out, "m=audio 30014 RTP/AVP 0\r\na=rtcp:30015\r\n")
		    != NULL, "rv %d", rv);
	}
	snprintf(body + len, sizeof(body) - len, "m=audio 9 RTP/AVP 0\r\n");
	rv = parse(body, &err);
	check("sdp_too_many_media", rv == -1 &&
	    strcmp(err, "too many media") == 0, "rv %d err %s", rv,
	    err ? err : "");

	/* SDP_MAX_LINES lines are fine, one more is not. */
	len = strlcpy(big, "v=0\r\nm=audio 1 RTP/AVP 0\r\n", sizeof(big));
	for (i = 2; i < SDP_MAX_LINES; i++)
		len = strlcat(big, "a=x\r\n", sizeof(big));
	rv = parse(big, &err);
	check("sdp_max_lines", rv == 0, "rv %d err %s", rv, err ? err : "");
	strlcat(big, "a=x", sizeof(big));
	rv = parse(big, &err);
	check("sdp_too_many_lines", rv == -1 &&
	    strcmp(err, "too many lines") == 0, "rv %d err %s", rv,
	    err ? err : "");

	/* SDP_MAX_LEN bytes are fine, one more is not. */
	memset(big, 0, sizeof(big));
	len = strlcpy(big, "v=0\r\nm=audio 1 RTP/AVP 0\r\ni=", sizeof(big));
	memset(big + len, 'x', SDP_MAX_LEN - len);
	rv = sdp_parse(big, SDP_MAX_LEN, &sdp, &err);
	check("sdp_max_len", rv == 0, "rv %d err %s", rv, err ? err : "");
	big[SDP_MAX_LEN] = 'x';
	rv = sdp_parse(big, SDP_MAX_LEN + 1, &sdp, &err);
	check("sdp_too_long", rv == -1 && strcmp(err, "body too long") == 0,
	    "rv %d err %s", rv, err ? err : "");
}

static void
test_outbuf(void)
{
	char		 small[sizeof(G711_PUB)];
	size_t		 need = strlen(G711_PUB), n;
	const char	*err;
	int		 rv;
	struct sockaddr_storage unspec;

	if (parse(G711, &err) == -1) {
		check("sdp_outbuf_parse", 0, "%s", err);
		return;
	}
	rv = sdp_rewrite(G711, strlen(G711), &sdp, &pub4, ports, small, need,
	    &n);
	check("sdp_outbuf_exact", rv == 0 && n == need &&
	    memcmp(small, G711_PUB, n) == 0, "rv %d len %zu", rv, n);
	rv = sdp_rewrite(G711, strlen(G711), &sdp, &pub4, ports, small,
	    need - 1, &n);
	check("sdp_outbuf_short", rv == -1 && n == 0, "rv %d len %zu", rv, n);
	rv = sdp_rewrite(G711, strlen(G711), &sdp, &pub4, ports, small, 0, &n);
	check("sdp_outbuf_zero", rv == -1, "rv %d", rv);
	rv = sdp_rewrite(G711, strlen(G711) - 1, &sdp, &pub4, ports, out,
	    sizeof(out), &n);
	check("sdp_rewrite_other_body", rv == -1, "rv %d", rv);
	memset(&unspec, 0, sizeof(unspec));
	rv = sdp_rewrite(G711, strlen(G711), &sdp, &unspec, ports, out,
	    sizeof(out), &n);
	check("sdp_rewrite_bad_family", rv == -1, "rv %d", rv);
}

int
main(void)
{
	set_addr(&pub4, "203.0.113.5");
	set_addr(&pub6, "2001:db8::1");
	test_g711();
	test_media_c();
	test_two_media();
	test_port0();
	test_hold();
	test_direction();
	test_rtcp();
	test_candidates();
	test_lf();
	test_ipv6();
	test_multicast();
	test_clock();
	test_static_clocks();
	test_check();
	test_lenient();
	test_errors();
	test_limits();
	test_outbuf();
	return (failures != 0);
}
