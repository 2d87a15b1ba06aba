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
 * The checks of what a less trusted process sends: each payload type
 * accepted when it is what our code sends, refused when its size is
 * wrong, a string lacks its NUL, a level or an enum value is out of
 * range; and whole messages refused on a way they never take or with a
 * descriptor attached.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"
#include "check.h"

static int	 sp[2];
static struct imsgbuf	 wbuf, rbuf;

static void
good_entry(struct binding *se)
{
	memset(se, 0, sizeof(*se));
	strlcpy(se->aor, "sip:alice@example.org", sizeof(se->aor));
	strlcpy(se->contact, "sip:alice@192.168.1.10:5060",
	    sizeof(se->contact));
	strlcpy(se->masq_contact, "sip:alice@203.0.113.5:5060",
	    sizeof(se->masq_contact));
	strlcpy(se->source, "192.168.1.10:5060", sizeof(se->source));
	strlcpy(se->user_agent, "phone/1.0", sizeof(se->user_agent));
	se->expires_at = 1800000000;
}

static void
good_open(struct rtp_open *ro)
{
	memset(ro, 0, sizeof(*ro));
	strlcpy(ro->callid, "abc@192.168.1.10", sizeof(ro->callid));
	ro->media = 1;
	sa_from_host(AF_INET, "192.168.1.1", 0, &ro->local[LEG_INSIDE]);
	sa_from_host(AF_INET, "203.0.113.5", 0, &ro->local[LEG_OUTSIDE]);
	sa_from_host(AF_INET, "192.168.1.10", 4000,
	    &ro->peers.leg[LEG_INSIDE].rtp);
	sa_from_host(AF_INET, "192.168.1.10", 5060,
	    &ro->peers.leg[LEG_INSIDE].sig);
	/* The outside leg is not known before the answer. */
}

/* The payload check: 1 when it passes. */
static int
passes(uint32_t type, const void *p, size_t len)
{
	return (imsg_check_payload(type, p, len) == NULL);
}

static void
test_state_entry(void)
{
	struct {
		struct binding	 se;
		char			 more;
	} big;
	struct binding	 se;
	char			 name[64];
	size_t			 i;
	static const struct {
		const char	*name;
		size_t		 off, len;
	} fields[] = {
		{ "aor", offsetof(struct binding, aor),
		    sizeof(se.aor) },
		{ "contact", offsetof(struct binding, contact),
		    sizeof(se.contact) },
		{ "masq_contact", offsetof(struct binding, masq_contact),
		    sizeof(se.masq_contact) },
		{ "source", offsetof(struct binding, source),
		    sizeof(se.source) },
		{ "user_agent", offsetof(struct binding, user_agent),
		    sizeof(se.user_agent) },
	};

	good_entry(&se);
	check("state_entry_good", passes(IMSG_STATE_ENTRY, &se, sizeof(se)),
	    "a good entry refused");
	/* Strings filled to the last byte but one are still fine. */
	for (i = 0; i < nitems(fields); i++) {
		good_entry(&se);
		memset((char *)&se + fields[i].off, 'x', fields[i].len - 1);
		((char *)&se)[fields[i].off + fields[i].len - 1] = '\0';
		snprintf(name, sizeof(name), "state_entry_%s_full",
		    fields[i].name);
		check(name, passes(IMSG_STATE_ENTRY, &se, sizeof(se)),
		    "a full but terminated %s refused", fields[i].name);
	}
	for (i = 0; i < nitems(fields); i++) {
		good_entry(&se);
		memset((char *)&se + fields[i].off, 'x', fields[i].len);
		snprintf(name, sizeof(name), "state_entry_%s_nonul",
		    fields[i].name);
		check(name, !passes(IMSG_STATE_ENTRY, &se, sizeof(se)),
		    "%s without a NUL accepted", fields[i].name);
	}
	good_entry(&se);
	check("state_entry_short",
	    !passes(IMSG_STATE_ENTRY, &se, sizeof(se) - 1),
	    "a short entry accepted");
	memset(&big, 0, sizeof(big));
	good_entry(&big.se);
	check("state_entry_long",
	    !passes(IMSG_STATE_ENTRY, &big, sizeof(big)),
	    "a long entry accepted");
	check("state_entry_empty", !passes(IMSG_STATE_ENTRY, NULL, 0),
	    "an empty entry accepted");
	good_entry(&se);
	se.aor[0] = '\0';
	check("state_entry_no_aor",
	    !passes(IMSG_STATE_ENTRY, &se, sizeof(se)),
	    "an entry without aor accepted");
	good_entry(&se);
	se.expires_at = -1;
	check("state_entry_negative_expiry",
	    !passes(IMSG_STATE_ENTRY, &se, sizeof(se)),
	    "a negative expiry accepted");
}

static void
test_verbose(void)
{
	int	 v, bad[] = { -1, LOG_VERBOSE_MAX + 1, INT_MAX, INT_MIN };
	char	 name[64];
	size_t	 i;

	for (v = 0; v <= LOG_VERBOSE_MAX; v++) {
		snprintf(name, sizeof(name), "verbose_%d", v);
		check(name, passes(IMSG_CTL_LOG_VERBOSE, &v, sizeof(v)),
		    "level %d refused", v);
	}
	for (i = 0; i < nitems(bad); i++) {
		snprintf(name, sizeof(name), "verbose_bad_%zu", i);
		check(name, !passes(IMSG_CTL_LOG_VERBOSE, &bad[i],
		    sizeof(bad[i])), "level %d accepted", bad[i]);
	}
	v = 1;
	check("verbose_short", !passes(IMSG_CTL_LOG_VERBOSE, &v, 2),
	    "2 bytes accepted");
	check("verbose_empty", !passes(IMSG_CTL_LOG_VERBOSE, NULL, 0),
	    "no level accepted");
}

static void
test_rtp(void)
{
	struct rtp_open		 ro;
	struct rtp_peers	 rp;

	good_open(&ro);
	check("rtp_open_good", passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "a good open refused");
	check("rtp_open_short", !passes(IMSG_RTP_OPEN, &ro, sizeof(ro) - 1),
	    "a short open accepted");
	memset(ro.callid, 'c', sizeof(ro.callid));
	check("rtp_open_callid_nonul",
	    !passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "a callid without NUL accepted");
	good_open(&ro);
	ro.media = CALL_MEDIA_MAX;
	check("rtp_open_media_range",
	    !passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "media index %u accepted", ro.media);
	good_open(&ro);
	ro.local[LEG_OUTSIDE].ss_family = AF_UNSPEC;
	check("rtp_open_local_unspec",
	    !passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "an open without local address accepted");
	good_open(&ro);
	ro.local[LEG_INSIDE].ss_family = AF_UNIX;
	check("rtp_open_local_family",
	    !passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "AF_UNIX local address accepted");
	good_open(&ro);
	ro.peers.leg[LEG_OUTSIDE].rtp.ss_family = 255;
	check("rtp_open_peer_family",
	    !passes(IMSG_RTP_OPEN, &ro, sizeof(ro)),
	    "peer family 255 accepted");

	good_open(&ro);
	rp = ro.peers;
	check("rtp_update_good", passes(IMSG_RTP_UPDATE, &rp, sizeof(rp)),
	    "a good update refused");
	check("rtp_update_short",
	    !passes(IMSG_RTP_UPDATE, &rp, sizeof(rp) - 1),
	    "a short update accepted");
	rp.leg[LEG_INSIDE].sig.ss_family = AF_UNIX;
	check("rtp_update_sig_family",
	    !passes(IMSG_RTP_UPDATE, &rp, sizeof(rp)),
	    "AF_UNIX signalling address accepted");
}

/* IMSG_RECONF_USER, which the engine checks as it arrives. */
static void
test_user(void)
{
	struct {
		struct conf_user	 cu;
		char			 more;
	} big;
	struct conf_user	 cu;

	memset(&cu, 0, sizeof(cu));
	strlcpy(cu.name, "alice", sizeof(cu.name));
	strlcpy(cu.ha1[0], "0123456789abcdef0123456789abcdef",
	    sizeof(cu.ha1[0]));
	check("user_good_md5", passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "an MD5 user refused");
	memset(cu.ha1[1], 'a', 64);
	check("user_good_both", passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "a user with both HA1s refused");
	cu.ha1[0][0] = '\0';
	check("user_good_sha256", passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "a SHA-256 user refused");
	check("user_short", !passes(IMSG_RECONF_USER, &cu, sizeof(cu) - 1),
	    "a short user accepted");
	memset(&big, 0, sizeof(big));
	big.cu = cu;
	check("user_long", !passes(IMSG_RECONF_USER, &big, sizeof(big)),
	    "a long user accepted");
	cu.ha1[1][0] = '\0';
	check("user_no_ha1", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "a user without HA1 accepted");
	strlcpy(cu.ha1[0], "0123456789ABCDEF0123456789abcdef",
	    sizeof(cu.ha1[0]));
	check("user_ha1_upper", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "an HA1 in upper case accepted");
	strlcpy(cu.ha1[0], "0123456789abcdef", sizeof(cu.ha1[0]));
	check("user_ha1_short", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "a short HA1 accepted");
	memset(cu.ha1[0], 'a', sizeof(cu.ha1[0]));
	check("user_ha1_nonul", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "an HA1 without NUL accepted");
	strlcpy(cu.ha1[0], "0123456789abcdef0123456789abcdef",
	    sizeof(cu.ha1[0]));
	memset(cu.name, 'x', sizeof(cu.name));
	check("user_name_nonul", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "a name without NUL accepted");
	cu.name[0] = '\0';
	check("user_name_empty", !passes(IMSG_RECONF_USER, &cu, sizeof(cu)),
	    "an empty name accepted");
}

/* IMSG_RECONF_OUTBOUND, checked by the engine as it arrives. */
static void
test_outbound(void)
{
	struct conf_outbound	 co;

	memset(&co, 0, sizeof(co));
	strlcpy(co.domain, "example.com", sizeof(co.domain));
	strlcpy(co.host, "sip.example.com", sizeof(co.host));
	co.transport = SIP_TR_TLS;
	check("outbound_good", passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co)),
	    "a good per-domain proxy refused");
	check("outbound_short",
	    !passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co) - 1),
	    "a short per-domain proxy accepted");
	co.transport = SIP_TR_TLS + 1;
	check("outbound_transport",
	    !passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co)),
	    "an unknown transport accepted");
	co.transport = SIP_TR_UDP;
	memset(co.domain, 'a', sizeof(co.domain));
	check("outbound_domain_nonul",
	    !passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co)),
	    "a domain without NUL accepted");
	co.domain[0] = '\0';
	check("outbound_domain_empty",
	    !passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co)),
	    "an empty domain accepted");
	strlcpy(co.domain, "example.com", sizeof(co.domain));
	memset(co.host, 'h', sizeof(co.host));
	check("outbound_host_nonul",
	    !passes(IMSG_RECONF_OUTBOUND, &co, sizeof(co)),
	    "a host without NUL accepted");
}

static void
test_types(void)
{
	char	 c = 0;

	check("empty_good", passes(IMSG_STATE_END, NULL, 0),
	    "IMSG_STATE_END refused");
	check("empty_with_payload", !passes(IMSG_STATE_END, &c, 1),
	    "IMSG_STATE_END with a byte accepted");
	check("empty_close_payload", !passes(IMSG_RTP_CLOSE, &c, 1),
	    "IMSG_RTP_CLOSE with a byte accepted");
	check("type_none", !passes(IMSG_NONE, NULL, 0),
	    "IMSG_NONE accepted");
	check("type_max", !passes(IMSG_MAX, NULL, 0), "IMSG_MAX accepted");
	check("type_huge", !passes(UINT32_MAX, NULL, 0),
	    "type 0xffffffff accepted");
	/* Types only the parent sends are never accepted from a child. */
	check("type_socket_ctl", !passes(IMSG_SOCKET_CTL, NULL, 0),
	    "IMSG_SOCKET_CTL accepted");
	check("type_reconf_conf", !passes(IMSG_RECONF_CONF, NULL, 0),
	    "IMSG_RECONF_CONF accepted");
}

/*
 * The TLS files the parent sends the engine: announced within bounds,
 * chunks within an imsg; never accepted from a child, whatever they say.
 */
static const char *through(enum sipproxd_role, enum sipproxd_role,
		    uint32_t, int, const void *, size_t);

static void
test_tls(void)
{
	struct conf_tlsfile	 tf;
	char			 chunk[TLS_CHUNK + 1];

	memset(chunk, 'x', sizeof(chunk));
	tf.which = TLS_FILE_KEY;
	tf.len = 241;
	check("tls_file_good", passes(IMSG_RECONF_TLS_FILE, &tf, sizeof(tf)),
	    "a key of 241 bytes refused");
	tf.len = TLS_FILE_MAX;
	check("tls_file_max", passes(IMSG_RECONF_TLS_FILE, &tf, sizeof(tf)),
	    "a file of TLS_FILE_MAX bytes refused");
	tf.len = TLS_FILE_MAX + 1;
	check("tls_file_too_big", !passes(IMSG_RECONF_TLS_FILE, &tf,
	    sizeof(tf)), "a file over TLS_FILE_MAX accepted");
	tf.len = 0;
	check("tls_file_empty", !passes(IMSG_RECONF_TLS_FILE, &tf,
	    sizeof(tf)), "an empty file accepted");
	tf.len = 1;
	tf.which = TLS_FILES;
	check("tls_file_which", !passes(IMSG_RECONF_TLS_FILE, &tf,
	    sizeof(tf)), "file %u accepted", tf.which);
	check("tls_file_short", !passes(IMSG_RECONF_TLS_FILE, &tf,
	    sizeof(tf) - 1), "a short announcement accepted");
	check("tls_data_good", passes(IMSG_RECONF_TLS_DATA, chunk,
	    TLS_CHUNK), "a full chunk refused");
	check("tls_data_big", !passes(IMSG_RECONF_TLS_DATA, chunk,
	    TLS_CHUNK + 1), "a chunk over TLS_CHUNK accepted");
	check("tls_data_empty", !passes(IMSG_RECONF_TLS_DATA, chunk, 0),
	    "an empty chunk accepted");
}

/*
 * The outside's new address and its listeners (wan.c), parent to
 * children: a unicast address without a port, a known source and op;
 * never accepted from a child.
 */
static void
test_wan(void)
{
	struct wan_address	 wa;
	struct wan_listener	 wl;
	const char		*r;

	memset(&wa, 0, sizeof(wa));
	if (sa_from_host(AF_INET, "192.0.2.2", 0, &wa.addr) == -1)
		errx(1, "sa_from_host");
	wa.changed = 1800000000;
	wa.source = WAN_SRC_IFACE;
	check("wan_address_good", passes(IMSG_WAN_ADDRESS, &wa, sizeof(wa)),
	    "a new IPv4 outside address refused");
	check("wan_address_short", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa) - 1), "a short wan_address accepted");
	sa_set_port(&wa.addr, 5060);
	check("wan_address_port", !passes(IMSG_WAN_ADDRESS, &wa, sizeof(wa)),
	    "an address with a port accepted");
	sa_from_host(AF_INET, "224.0.0.1", 0, &wa.addr);
	check("wan_address_multicast", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa)), "a multicast address accepted");
	sa_from_host(AF_INET6, "::", 0, &wa.addr);
	check("wan_address_unspecified", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa)), "the unspecified address accepted");
	sa_from_host(AF_INET6, "2001:db8::2", 0, &wa.addr);
	check("wan_address_v6", passes(IMSG_WAN_ADDRESS, &wa, sizeof(wa)),
	    "a new IPv6 outside address refused");
	wa.addr.ss_family = AF_UNIX;
	check("wan_address_family", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa)), "an AF_UNIX address accepted");
	sa_from_host(AF_INET, "192.0.2.2", 0, &wa.addr);
	wa.source = 7;
	check("wan_address_source", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa)), "source 7 accepted");
	wa.source = WAN_SRC_IFACE;
	wa.changed = -1;
	check("wan_address_time", !passes(IMSG_WAN_ADDRESS, &wa,
	    sizeof(wa)), "a negative change time accepted");

	memset(&wl, 0, sizeof(wl));
	sa_from_host(AF_INET, "192.0.2.2", 5060, &wl.cl.ss);
	strlcpy(wl.cl.name, "em0", sizeof(wl.cl.name));
	wl.cl.proto = IPPROTO_UDP;
	wl.cl.transport = SIP_TR_UDP;
	wl.cl.outside = 1;
	wl.op = WAN_L_RETIRE;
	check("wan_listener_good", passes(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl)), "a retired listener refused");
	wl.op = WAN_L_CLOSE + 1;
	check("wan_listener_op", !passes(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl)), "op %u accepted", wl.op);
	wl.op = WAN_L_NEW;
	wl.cl.outside = 0;
	check("wan_listener_inside", !passes(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl)), "an inside listener accepted");
	wl.cl.outside = 1;
	memset(wl.cl.name, 'x', sizeof(wl.cl.name));
	check("wan_listener_name", !passes(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl)), "a name without NUL accepted");
	strlcpy(wl.cl.name, "em0", sizeof(wl.cl.name));
	wl.cl.transport = SIP_TR_TLS + 1;
	check("wan_listener_transport", !passes(IMSG_WAN_LISTENER, &wl,
	    sizeof(wl)), "transport %d accepted", wl.cl.transport);

	/* Both go down only: a child sending either is compromised. */
	wl.cl.transport = SIP_TR_UDP;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		err(1, "socketpair");
	if (imsgbuf_init(&wbuf, sp[0]) == -1 ||
	    imsgbuf_init(&rbuf, sp[1]) == -1)
		err(1, "imsgbuf_init");
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_WAN_ADDRESS, -1, &wa,
	    sizeof(wa));
	check("way_engine_parent_wan", r != NULL,
	    "an outside address from the engine accepted");
	r = through(ROLE_ENGINE, ROLE_RELAY, IMSG_WAN_LISTENER, -1, &wl,
	    sizeof(wl));
	check("way_engine_relay_wan", r != NULL,
	    "an outside listener from the engine accepted");
	imsgbuf_clear(&wbuf);
	imsgbuf_clear(&rbuf);
	close(sp[0]);
	close(sp[1]);
}

/* Send one message through the socketpair, check it as it arrives. */
static const char *
through(enum sipproxd_role from, enum sipproxd_role to, uint32_t type,
    int fd, const void *data, size_t len)
{
	static char	 why[256];
	struct imsg	 imsg;
	const char	*r;

	if (imsg_compose(&wbuf, type, 0, 0, fd, data, len) == -1 ||
	    imsgbuf_flush(&wbuf) == -1)
		err(1, "imsg_compose");
	if (imsgbuf_read(&rbuf) != 1 || imsg_get(&rbuf, &imsg) <= 0)
		errx(1, "imsg lost");
	r = imsg_check(from, to, &imsg);
	if (r != NULL)
		strlcpy(why, r, sizeof(why));
	imsg_free(&imsg);
	return (r == NULL ? NULL : why);
}

static void
test_ways(void)
{
	struct conf_user	 cu;
	struct binding	 se;
	struct rtp_open		 ro;
	const char		*r;
	int			 v = 1, fd;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		err(1, "socketpair");
	if (imsgbuf_init(&wbuf, sp[0]) == -1 ||
	    imsgbuf_init(&rbuf, sp[1]) == -1)
		err(1, "imsgbuf_init");
	imsgbuf_allow_fdpass(&wbuf);
	imsgbuf_allow_fdpass(&rbuf);

	good_entry(&se);
	good_open(&ro);
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_STATE_ENTRY, -1, &se,
	    sizeof(se));
	check("way_engine_parent_state", r == NULL, "refused: %s", r);
	r = through(ROLE_RELAY, ROLE_PARENT, IMSG_STATE_ENTRY, -1, &se,
	    sizeof(se));
	check("way_relay_parent_state", r != NULL,
	    "a state entry from the relay accepted");
	r = through(ROLE_RELAY, ROLE_PARENT, IMSG_RECONF_DONE, -1, NULL, 0);
	check("way_relay_parent_done", r == NULL, "refused: %s", r);
	r = through(ROLE_RELAY, ROLE_PARENT, IMSG_CTL_LOG_VERBOSE, -1, &v,
	    sizeof(v));
	check("way_relay_parent_verbose", r != NULL,
	    "a log level from the relay accepted");
	r = through(ROLE_ENGINE, ROLE_RELAY, IMSG_RTP_OPEN, -1, &ro,
	    sizeof(ro));
	check("way_engine_relay_open", r == NULL, "refused: %s", r);
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_RTP_OPEN, -1, &ro,
	    sizeof(ro));
	check("way_engine_parent_open", r != NULL,
	    "an RTP open to the parent accepted");
	r = through(ROLE_ENGINE, ROLE_RELAY, IMSG_STATE_END, -1, NULL, 0);
	check("way_engine_relay_state", r != NULL,
	    "a state end to the relay accepted");
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_CTL_LOG_VERBOSE, -1, &v,
	    sizeof(v));
	check("way_engine_parent_verbose", r == NULL, "refused: %s", r);
	v = LOG_VERBOSE_MAX + 1;
	r = through(ROLE_ENGINE, ROLE_RELAY, IMSG_CTL_LOG_VERBOSE, -1, &v,
	    sizeof(v));
	check("way_engine_relay_verbose_range", r != NULL &&
	    strstr(r, "IMSG_CTL_LOG_VERBOSE") != NULL,
	    "classes out of range accepted or not named: %s",
	    r ? r : "accepted");
	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		err(1, "/dev/null");
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_STATE_END, fd, NULL, 0);
	check("way_engine_parent_fd", r != NULL,
	    "a descriptor from the engine accepted");
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_RECONF_TLS_DATA, -1, "k",
	    1);
	check("way_engine_parent_tls", r != NULL,
	    "TLS file data from the engine accepted");
	r = through(ROLE_ENGINE, ROLE_PARENT, 9999, -1, NULL, 0);
	check("way_engine_parent_unknown", r != NULL,
	    "type 9999 accepted");
	/* Users come from the parent; no child may send one. */
	memset(&cu, 0, sizeof(cu));
	strlcpy(cu.name, "alice", sizeof(cu.name));
	memset(cu.ha1[1], 'a', 64);
	r = through(ROLE_ENGINE, ROLE_PARENT, IMSG_RECONF_USER, -1, &cu,
	    sizeof(cu));
	check("way_engine_parent_user", r != NULL,
	    "a user from the engine accepted");
	imsgbuf_clear(&wbuf);
	imsgbuf_clear(&rbuf);
	close(sp[0]);
	close(sp[1]);
}

int
main(void)
{
	test_state_entry();
	test_verbose();
	test_rtp();
	test_types();
	test_tls();
	test_ways();
	test_user();
	test_outbound();
	test_wan();
	return (failures != 0);
}
