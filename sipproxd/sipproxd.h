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

#ifndef SIPPROXD_H
#define SIPPROXD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <event.h>
#include <imsg.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "compat.h"
#include "codec.h"

#define SIPPROXD_VERSION	"0.1"
#define SIPPROXD_USER		"_sipproxd"
#define SIPPROXD_RTP_USER	"_sipproxd_rtp"	/* the relay's own user */
#define SIPPROXD_CHROOT		"/var/empty"
#define SIPPROXD_CONFIG		"/etc/sipproxd.conf"
#define SIPPROXD_SOCKET		"/var/run/sipproxd.sock"

/* Defaults, as siproxd has them where siproxd has them. */
#define SIP_PORT		5060
#define RTP_PORT_LO		7070
#define RTP_PORT_HI		7079
#define RTP_TIMEOUT		300
#define REG_EXPIRES		3600
#define RTP_DSCP		46	/* EF, expedited forwarding */
#define SIP_DSCP		26	/* AF31, signalling */
#define SIPS_PORT		5061	/* SIP over TLS */
#define STUN_SERVER_PORT	3478	/* `external address stun` */

/* rtp latch: whom a relay leg accepts packets from. */
#define RTP_LATCH_LEARN		0	/* a source at the SDP or SIP address */
#define RTP_LATCH_STRICT	1	/* exactly the SDP address and port */
#define RTP_LATCH_ANY		2	/* the first source, whoever it is */

/* Bounds of the configuration grammar. */
#define RTP_TIMEOUT_MAX		86400
#define RTP_DEJITTER_MAX	200	/* milliseconds */
#define REG_EXPIRES_MAX		604800
#define REG_MAX			4096	/* `registration max`, the default */
#define REG_MAX_LIMIT		1048576	/* ... and its bound */
#define CALL_MAX		1024	/* `call max`, the default */
#define CALL_MAX_LIMIT		262144	/* ... and its bound */

/* SIP over TCP (and TLS): `tcp inactivity timeout`, `connect`, `keepalive`. */
#define TCP_IDLE		600	/* seconds, siproxd's default */
#define TCP_IDLE_MAX		86400
#define TCP_CONNECT		500	/* milliseconds */
#define TCP_CONNECT_MIN		10
#define TCP_CONNECT_MAX		60000
#define TCP_KEEPALIVE_MAX	3600	/* seconds; 0: no keepalives */

/*
 * What one outside source may hold (`limit ... per source`) and one SDP
 * may have relayed (`limit streams per offer`). The streams default is
 * half the relay's port pairs, worked out when the file is parsed.
 */
#define LIMIT_CALLS		32	/* calls in set-up per source */
#define LIMIT_CALLS_MAX		CALL_MAX_LIMIT
#define LIMIT_STREAMS_MAX	32768	/* a port pair each, at most */
#define LIMIT_MEDIA		4	/* relayed m= lines per offer */
#define LIMIT_MEDIA_MAX		8	/* CALL_MEDIA_MAX */
/*
 * Bindings one inside source (an IPv4 address or an IPv6 /64) may hold,
 * registered or waiting for the registrar: by default this many, but
 * never more than half of `registration max`, so that one host cannot
 * fill the table.
 */
#define LIMIT_REGS		256
#define LIMIT_REGS_MAX		REG_MAX_LIMIT

/* Users and proxy authentication (users.c in the parent, auth.c). */
#define USER_NAME_LEN		64
#define USER_SECRET_LEN		256	/* a password, or an HA1 in hex */
#define USERS_MAX		4096
#define AUTH_REALM_LEN		128
#define AUTH_HA1_LEN		65	/* SHA-256 in hex, NUL ended */
#define AUTH_ALGS		2	/* DIGEST_MD5, DIGEST_SHA256 */
#define AUTH_NONCE_LIFETIME	300	/* seconds */
#define AUTH_NONCE_LIFETIME_MAX	86400
#define LOCAL_DOMAIN_LEN	256

/* `outbound proxy ... for domain`: how many, and a domain's length. */
#define OUTBOUND_DOMAINS_MAX	64
#define OUTBOUND_DOMAIN_LEN	254	/* 253 and the NUL */
/*
 * Rewrites (rewrite.c, rewrite_conf.c): `strip header`, `default
 * target`, `trunk`, `rewrite request-uri`, each bounded in number.
 */
#define REWRITE_STRIP		0	/* name: a header */
#define REWRITE_DEFAULT		1	/* a: the target's address of record */
#define REWRITE_TRUNK		2	/* name, a: account, b: numbers */
#define REWRITE_RURI		3	/* a: regex, b: replacement */
#define STRIP_MAX		32	/* `strip header` lines */
#define TRUNK_MAX		32	/* `trunk` lines */
#define RURI_REWRITE_MAX	32	/* `rewrite request-uri` lines */
#define REWRITE_NAME_LEN	64	/* a header or trunk name */
#define REWRITE_REGEX_LEN	256	/* a regular expression */
#define REWRITE_TEXT_LEN	256	/* a URI or replacement in the config */

/* Bounds of imsg traffic and of the control socket. */
#define MAX_IMSGSIZE		16384
#define CTL_MAX_CLIENTS		32
#define CTL_MAX_QUEUE		16640	/* messages queued to one client: the
					   longest answer not streamed (show
					   rtp: RTP_STREAMS_MAX) and room to
					   spare; registrations and calls are
					   streamed (control.c) */
#define RTP_STREAMS_MAX		((65536 - 1024) / 4) /* two port pairs each */

#define NAME_LEN		64	/* interface name or address text */
#define CALLID_LEN		256	/* a longer Call-ID is refused */
#define URI_LEN			1024	/* SIP_MAX_URILEN */
#define CALL_MEDIA_MAX		8	/* SDP_MAX_MEDIA: streams per call */
#define ADDRSTR_LEN		(INET6_ADDRSTRLEN + 8)	/* [addr]:port */
#define CTL_MSG_LEN		1024

/*
 * TLS: the files the parent reads for the engine, each at most
 * TLS_FILE_MAX bytes (a CA bundle is some 200 KB), sent in chunks that
 * fit an imsg.
 */
#define TLS_FILE_CERT		0	/* certificate chain, PEM */
#define TLS_FILE_KEY		1	/* its private key, PEM */
#define TLS_FILE_CA		2	/* CAs to verify servers by, PEM */
#define TLS_FILES		3
#define TLS_FILE_MAX		(1024 * 1024)
#define TLS_CHUNK		8192

/* The transport of a listener, a connection, a hop (RFC 3261 18). */
enum sip_transport {
	SIP_TR_UDP,
	SIP_TR_TCP,
	SIP_TR_TLS
};

enum sipproxd_role {
	ROLE_PARENT,
	ROLE_ENGINE,
	ROLE_RELAY
};

/*
 * One enum for every message between our processes and sipctl. Payloads are
 * the structs below; a size mismatch from one of our own processes is a bug.
 */
enum imsg_type {
	IMSG_NONE,

	/* sipctl <-> engine (peerid: control connection) */
	IMSG_CTL_SHOW_SUMMARY,		/* reply: ctl_summary, listeners, END */
	IMSG_CTL_SHOW_LISTENER,		/* ctl_listener */
	IMSG_CTL_SHOW_REGISTRATIONS,	/* reply: binding..., END */
	IMSG_CTL_SHOW_CALLS,		/* reply: ctl_call..., END */
	IMSG_CTL_SHOW_RTP,		/* reply: ctl_rtp_stream..., END */
	IMSG_CTL_SHOW_STATS,		/* reply: ctl_stats, END */
	IMSG_CTL_SHOW_CONNECTIONS,	/* reply: ctl_sip_conn..., END */
	IMSG_CTL_SHOW_USERS,		/* reply: ctl_user..., END */
	IMSG_CTL_SHOW_CALLS_ENDED,	/* reply: ctl_call_ended..., END */
	IMSG_CTL_MONITOR,		/* reply: ctl_monitor... until the
					   client goes, or RESULT: refused */
	IMSG_CTL_RELOAD,		/* reply: RESULT */
	IMSG_CTL_LOG_VERBOSE,		/* int LOG_C_* bits; reply: RESULT */
	IMSG_CTL_SHOW_BANS,		/* reply: ctl_ban..., END */
	IMSG_CTL_UNBAN,			/* ctl_unban; reply: RESULT */
	IMSG_CTL_RESULT,		/* ctl_result */
	IMSG_CTL_END,

	/* file descriptors handed over by the parent */
	IMSG_SOCKET_CONN,		/* engine <-> relay socket, pid of peer */
	IMSG_SOCKET_CTL,		/* control socket, to the engine */

	/* configuration, parent -> children, swapped on DONE */
	IMSG_RECONF_CONF,		/* conf_global */
	IMSG_RECONF_LISTENER,		/* conf_listener, fd when new */
	IMSG_RECONF_TLS_FILE,		/* conf_tlsfile: one file follows */
	IMSG_RECONF_TLS_DATA,		/* its next bytes (peerid: which) */
	IMSG_RECONF_USER,		/* conf_user, to the engine */
	IMSG_RECONF_ACL_SET,		/* conf_acl_set, its nets follow */
	IMSG_RECONF_ACL_NETS,		/* acl_net[], up to ACL_NETS_MSG */
	IMSG_RECONF_ACL_RULE,		/* conf_acl_rule */
	IMSG_RECONF_SCANNER,		/* char[SCANNER_LEN] */
	IMSG_RECONF_OUTBOUND,		/* conf_outbound, to the engine */
	IMSG_RECONF_REWRITE,		/* conf_rewrite, to the engine */
	IMSG_RECONF_DONE,		/* child -> parent: ack */

	/* engine <-> relay (peerid: stream id, chosen by the engine) */
	IMSG_RTP_OPEN,			/* rtp_open */
	IMSG_RTP_OPEN_OK,		/* rtp_ports */
	IMSG_RTP_OPEN_FAIL,		/* int errno: ENOSPC pool exhausted */
	IMSG_RTP_UPDATE,		/* rtp_peers: new offer/answer */
	IMSG_RTP_CLOSE,			/* no payload */
	IMSG_RTP_TIMEOUT,		/* relay -> engine: stream closed */
	IMSG_RTP_CLOSED,		/* relay -> engine: ctl_rtp_stream, the
					   last counts of a stream closed */

	/* engine <-> parent: registration state to persist and restore */
	IMSG_STATE_ENTRY,
	IMSG_STATE_END,

	/* the outside address moved (wan.c); parent -> engine, relay */
	IMSG_WAN_LISTENER,		/* wan_listener, fd when new */
	IMSG_WAN_ADDRESS,		/* wan_address */

	IMSG_MAX
};

/*
 * Debug classes (`log verbose` in the configuration, sipctl log): the
 * bits of IMSG_CTL_LOG_VERBOSE's int, and their names in bit order.
 */
#define LOG_C_SIP		0x01	/* SIP messages, calls, connections */
#define LOG_C_RTP		0x02	/* relay streams and ports */
#define LOG_C_DNS		0x04	/* lookups of next hops */
#define LOG_C_CONTROL		0x08	/* sipctl clients, monitor */
#define LOG_C_ALL		0x0f
#define LOG_C_NAMES		{ "sip", "rtp", "dns", "control" }
#define LOG_VERBOSE_MAX		LOG_C_ALL

/*
 * imsg_check.c: the payload checks of every message a less trusted
 * process sends (engine -> parent, relay -> parent, engine -> relay), one
 * per payload type in a table indexed by enum imsg_type. NULL: it passes.
 */
struct imsg;
const char	*imsg_check(enum sipproxd_role, enum sipproxd_role,
		    struct imsg *);
const char	*imsg_check_payload(uint32_t, const void *, size_t);

/*
 * Configuration, as parsed in the parent.
 */
struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct sockaddr_storage	 ss;		/* address and port */
	char			 name[NAME_LEN]; /* as written in the config */
	int			 proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	int			 transport;	/* enum sip_transport */
	int			 outside;	/* the outside SIP socket */
	int			 fd;		/* -1 until opened */
	int			 retired;	/* wan.c: on an old address */
};
TAILQ_HEAD(listeners, listener);

/* A file the configuration was read from: the parent may read it again. */
struct conf_file {
	TAILQ_ENTRY(conf_file)	 entry;
	char			*path;
};
TAILQ_HEAD(conf_files, conf_file);

/*
 * IMSG_RECONF_CONF: the globals, sent to the engine and the relay as they
 * are; only the parent uses the paths.
 */
struct conf_global {
	char			 conffile[PATH_MAX];
	char			 outside_name[NAME_LEN];
	struct sockaddr_storage	 outside_addr;	/* port 0 */
	struct sockaddr_storage	 external_addr;	/* AF_UNSPEC when unset */
	char			 outbound_proxy[256];	/* "" when unset */
	uint16_t		 outbound_port;	/* 0: SRV */
	int			 outbound_transport; /* enum sip_transport */
	uint16_t		 rtp_port_lo;
	uint16_t		 rtp_port_hi;
	uint32_t		 rtp_timeout;	/* seconds */
	uint32_t		 rtp_dejitter;	/* milliseconds, 0: off */
	int			 rtp_latch;	/* RTP_LATCH_* */
	int			 rtp_dscp;	/* DSCP 0..63 */
	int			 rtp_relay;	/* 0: SDP left as written */
	int			 sip_dscp;
	uint32_t		 reg_expires;	/* seconds */
	char			 reg_state[PATH_MAX]; /* "" when unset */
	uint32_t		 limit_calls;	/* in set-up, per source */
	uint32_t		 limit_streams;	/* per source, 0: default */
	uint32_t		 limit_media;	/* relayed m= lines per offer */
	uint32_t		 limit_regs;	/* bindings per source, 0: default */
	struct codec_rules	 codecs;
	uint32_t		 tcp_idle;	/* seconds */
	uint32_t		 tcp_connect;	/* milliseconds */
	uint32_t		 tcp_keepalive;	/* seconds, 0: off */
	uint32_t		 reg_max;	/* registrations kept */
	uint32_t		 call_max;	/* calls kept */
	int			 auth;		/* users given: challenge */
	char			 auth_realm[AUTH_REALM_LEN];
	uint32_t		 auth_methods;	/* 1 << enum sip_method */
	int			 auth_alg[AUTH_ALGS];	/* offered, -1: none */
	uint32_t		 auth_nonce_lifetime;	/* seconds */
	char			 users_file[PATH_MAX];	/* "" when none */
	char			 local_domain[LOCAL_DOMAIN_LEN]; /* "": none */
	/* acl.c, ban.c: who may talk to us, and what a scanner learns */
	int			 block_return;	/* denied: 403, else dropped */
	int			 block_scanners; /* drop scanners' requests */
	int			 stealth;	/* outside: answer phones' only */
	uint32_t		 limit_requests; /* per second and source */
	uint32_t		 limit_burst;	/* the bucket, in requests */
	uint32_t		 limit_auth;	/* failures before a ban, 0: off */
	uint32_t		 ban_time;	/* seconds, 0: no bans */
	char			 user_agent[128]; /* "": the phones' own */
	int			 outside_iface;	/* outside names an interface */
	char			 external_name[256]; /* dynamic DNS, "": none */
	char			 stun_server[256];	/* "": none */
	uint16_t		 stun_port;
	uint32_t		 reg_max_expires; /* granted to phones, 0: any */
	int			 log_verbose;	/* LOG_C_* classes on */
};

/*
 * A TLS file as given and, once read, its contents: the parent's alone,
 * sent to the engine and wiped (the key) after that.
 */
struct tlsfile {
	char			*path;		/* NULL: not given */
	int			 implicit;	/* the system's, not given */
	uint8_t			*data;
	size_t			 len;
};

/*
 * IMSG_RECONF_USER: a user as the engine knows it, by the HA1 of each
 * algorithm (hex, "" where there is none), never the password.
 */
struct conf_user {
	char			 name[USER_NAME_LEN];
	char			 ha1[AUTH_ALGS][AUTH_HA1_LEN];
};

/* A user in the parent: the password kept until the realm is known. */
struct user {
	TAILQ_ENTRY(user)	 entry;
	struct conf_user	 cu;
	char			*secret;	/* wiped once hashed */
	int			 from_file;
};
TAILQ_HEAD(users, user);

struct acl_conf;
/*
 * IMSG_RECONF_OUTBOUND: `outbound proxy "host" ... for domain "domain"`,
 * the proxy of requests to the domain and the names under it.
 */
struct conf_outbound {
	char			 domain[OUTBOUND_DOMAIN_LEN];
	char			 host[256];
	uint16_t		 port;		/* 0: SRV */
	int			 transport;	/* enum sip_transport */
};

/*
 * IMSG_RECONF_REWRITE: one rewrite as written, strings NUL ended; the
 * engine compiles the regular expressions of these and of no others.
 */
struct conf_rewrite {
	int			 type;		/* REWRITE_* */
	char			 name[REWRITE_NAME_LEN];
	char			 a[REWRITE_TEXT_LEN];
	char			 b[REWRITE_TEXT_LEN];
};

struct rewrite {
	TAILQ_ENTRY(rewrite)	 entry;
	struct conf_rewrite	 cr;
};
TAILQ_HEAD(rewrites, rewrite);

struct sipproxd_config {
	struct listeners	 listeners;
	struct conf_files	 files;		/* the file and its includes */
	struct conf_global	 g;
	struct tlsfile		 tls[TLS_FILES];
	struct users		 users;
	unsigned int		 nusers;
	struct acl_conf		*acl;		/* tables, rules, scanners */
	struct conf_outbound	 outbound[OUTBOUND_DOMAINS_MAX];
	unsigned int		 noutbound;
	struct rewrites		 rewrites;	/* in the order written */
};

/*
 * Access control (acl.c). A set is a table or the { } list of a rule:
 * prefixes, each with the bits past its length zero. Rules name a set by
 * its id, in the order written (the last one that matches decides).
 */
#define ACL_NAME_LEN		32	/* a table's name */
#define ACL_SETS_MAX		1024	/* tables and lists */
#define ACL_RULES_MAX		1024
#define ACL_SET_NETS_MAX	65536	/* entries in one table */
#define SCANNER_LEN		64	/* a User-Agent pattern */
#define SCANNERS_MAX		64	/* patterns configured */
#define LIMIT_REQUESTS_MAX	100000	/* per second and source */
#define LIMIT_BURST_MAX		1000000
#define LIMIT_AUTH_MAX		1000
#define BAN_TIME		600	/* seconds */
#define BAN_TIME_MAX		604800
#define BAN_MAX			1024	/* sources banned at once */

#define ACL_ALLOW		1
#define ACL_DENY		2
#define ACL_SIP			1	/* every request */
#define ACL_REGISTER		2	/* REGISTER only */

struct acl_net {
	uint8_t			 family;	/* AF_INET or AF_INET6 */
	uint8_t			 plen;
	uint8_t			 addr[16];	/* network order, masked */
};

/* IMSG_RECONF_ACL_SET: a set; count nets follow in ACL_NETS messages. */
struct conf_acl_set {
	char			 name[ACL_NAME_LEN];	/* "": a rule's list */
	uint32_t		 id;
	uint32_t		 count;
};

/* So many nets go in one IMSG_RECONF_ACL_NETS. */
#define ACL_NETS_MSG		((MAX_IMSGSIZE - 64) / sizeof(struct acl_net))

/* IMSG_RECONF_ACL_RULE */
struct conf_acl_rule {
	int			 action;	/* ACL_ALLOW or ACL_DENY */
	int			 what;		/* ACL_SIP or ACL_REGISTER */
	uint32_t		 set;		/* the id of its set */
};

/* IMSG_RECONF_LISTENER: one listener; the fd comes with it when new. */
struct conf_listener {
	struct sockaddr_storage	 ss;
	char			 name[NAME_LEN];
	int			 proto;
	int			 transport;	/* enum sip_transport */
	int			 outside;
};

/*
 * IMSG_WAN_LISTENER: what becomes of an outside listener when the
 * outside interface's address moves. A new one comes with its socket;
 * one on the old address is retired (kept for the dialogs made on it,
 * used for nothing new) while the address is still there, else closed.
 */
#define WAN_L_NEW		0	/* fd: the socket on the new address */
#define WAN_L_CURRENT		1	/* a retired one is current again */
#define WAN_L_RETIRE		2
#define WAN_L_CLOSE		3
struct wan_listener {
	struct conf_listener	 cl;
	uint32_t		 op;		/* WAN_L_* */
};

/* IMSG_WAN_ADDRESS: the outside's address now, and since when. */
#define WAN_SRC_IFACE		0	/* the outside interface's */
struct wan_address {
	struct sockaddr_storage	 addr;		/* port 0 */
	int64_t			 changed;	/* time_t */
	uint32_t		 source;	/* WAN_SRC_* */
};

/* IMSG_RECONF_TLS_FILE: which file, and how many bytes of it follow. */
struct conf_tlsfile {
	uint32_t		 which;		/* TLS_FILE_* */
	uint32_t		 len;		/* 1 .. TLS_FILE_MAX */
};

/*
 * The relay's view of a stream: two legs, inside (phone side) and outside.
 * For each leg, where SDP says the party receives RTP (and RTCP, port 0:
 * RTP port + 1), and where its SIP came from: the addresses a leg may
 * latch to. AF_UNSPEC where not known yet.
 */
#define LEG_INSIDE	0
#define LEG_OUTSIDE	1

struct rtp_leg_peer {
	struct sockaddr_storage	 rtp;		/* from SDP c= and m= */
	uint16_t		 rtcp_port;	/* from a=rtcp:, 0: rtp + 1 */
	uint32_t		 clock_rate;	/* from a=rtpmap:, 0: unknown */
	struct sockaddr_storage	 sig;		/* source of the party's SIP */
};

struct rtp_peers {
	struct rtp_leg_peer	 leg[2];
};

/* IMSG_RTP_OPEN */
struct rtp_open {
	char			 callid[128];
	uint32_t		 media;		/* m= line index */
	struct sockaddr_storage	 local[2];	/* our address on each leg */
	struct rtp_peers	 peers;
};

/* IMSG_RTP_OPEN_OK: the RTP port of each leg, RTCP is the next one. */
struct rtp_ports {
	uint16_t		 port[2];
};

/* IMSG_SOCKET_CONN payload. */
struct sock_conn {
	pid_t			 parent_pid;
	pid_t			 peer_pid;	/* the other child */
};

/*
 * Control messages. Strings are NUL-terminated within their arrays; the
 * receiver checks that before use.
 */
struct ctl_result {
	int			 error;		/* 0: ok */
	char			 msg[CTL_MSG_LEN];
};

struct ctl_summary {
	char			 version[16];
	int64_t			 started;	/* time_t of start */
	pid_t			 parent_pid;
	pid_t			 engine_pid;
	pid_t			 relay_pid;
	char			 conffile[PATH_MAX];
	char			 outside[ADDRSTR_LEN];
	char			 external[ADDRSTR_LEN];
	uint32_t		 listeners;
	uint32_t		 registrations;
	uint32_t		 calls;
	uint32_t		 rtp_streams;
	uint32_t		 rtp_ports_total;
	uint32_t		 rtp_ports_free;
	uint16_t		 rtp_port_lo;
	uint16_t		 rtp_port_hi;
	uint32_t		 reg_expires;
	int			 verbose;	/* LOG_C_* classes on */
	uint32_t		 reloads;
	int			 rtp_relay;	/* for new calls */
	int64_t			 outside_changed; /* time_t, 0: never */
	int64_t			 external_changed; /* time_t, 0: never */
	char			 log_classes[64];	/* ... by name */
};

struct ctl_listener {
	char			 addr[ADDRSTR_LEN];
	char			 name[NAME_LEN];
	int			 proto;
	int			 transport;	/* enum sip_transport */
};

/*
 * One registration: what the engine sends to be saved (IMSG_STATE_ENTRY),
 * what the parent restores at start-up and what "show registrations"
 * lists (IMSG_CTL_SHOW_REGISTRATIONS).
 */
struct binding {
	char			 aor[256];
	char			 contact[256];
	char			 masq_contact[256];
	char			 source[ADDRSTR_LEN];
	char			 user_agent[128];
	int64_t			 expires_at;	/* time_t */
};

/* IMSG_CTL_SHOW_BANS: a banned source (an IPv4 address, an IPv6 /64). */
struct ctl_ban {
	char			 source[INET6_ADDRSTRLEN + 4];
	char			 reason[16];	/* rate, scanner, auth */
	int64_t			 since;		/* time_t */
	int64_t			 remaining;	/* seconds */
	uint64_t		 dropped;	/* messages since */
};

/* IMSG_CTL_UNBAN: the address, as sipctl was given it. */
struct ctl_unban {
	char			 source[INET6_ADDRSTRLEN + 4];
};

struct ctl_call {
	char			 callid[128];
	char			 from[256];
	char			 to[256];
	int			 outgoing;	/* 1: inside -> outside */
	char			 state[16];
	int64_t			 duration;	/* seconds */
	uint16_t		 inside_port;	/* first relay port pair */
	uint16_t		 outside_port;
	int			 relayed;	/* 0: `rtp relay no` */
};

/*
 * The call log (calllog.c): a call that ended, logged and kept for
 * `sipctl show calls ended`, the last CALLLOG_MAX of them. Packets and
 * losses are those the relay counted from each leg's party (LEG_*).
 */
#define CALLLOG_MAX		100
#define CALL_CODEC_LEN		32

struct ctl_call_ended {
	char			 callid[128];
	char			 from[256];
	char			 to[256];
	char			 direction[16];	/* outgoing, incoming, inner */
	char			 codec[CALL_CODEC_LEN];	/* "": not known */
	char			 cause[32];
	int64_t			 started;	/* time_t of the INVITE */
	int64_t			 duration;	/* seconds since the 2xx, 0:
						   never answered */
	uint64_t		 packets[2];
	uint64_t		 lost[2];
};

struct ctl_rtp_leg {
	uint16_t		 port;		/* local RTP port, RTCP is +1 */
	char			 peer[ADDRSTR_LEN];
	int			 latched;
	uint64_t		 packets;	/* received on this leg */
	uint64_t		 bytes;
	uint64_t		 dropped;
	uint64_t		 lost;
	uint32_t		 jitter_us;
};

struct ctl_rtp_stream {
	uint32_t		 id;
	char			 callid[128];
	int64_t			 idle;		/* seconds since last packet */
	struct ctl_rtp_leg	 inside;
	struct ctl_rtp_leg	 outside;
};

#define SIP_STAT_METHODS	15	/* enum sip_method: 0 is "other" */
#define SIP_STAT_METHOD_NAMES	{ "other", "INVITE", "ACK", "BYE", \
	"CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "REFER", "NOTIFY", \
	"SUBSCRIBE", "MESSAGE", "PRACK", "PUBLISH" }
#define SIP_STAT_CLASSES	7	/* status / 100; 0 unused */

struct ctl_sip_stats {
	uint64_t		 received;	/* datagrams and messages */
	uint64_t		 sent;
	uint64_t		 parse_errors;
	uint64_t		 dropped;
	uint64_t		 responses_forged;	/* our Via, bad check */
	uint64_t		 requests_in[SIP_STAT_METHODS];
	uint64_t		 requests_out[SIP_STAT_METHODS];
	uint64_t		 responses_in[SIP_STAT_CLASSES];
	uint64_t		 responses_out[SIP_STAT_CLASSES];
	uint64_t		 limit_calls;	/* INVITEs over `limit calls` */
	uint64_t		 limit_streams;	/* ... over `limit streams` */
	uint64_t		 limit_media;	/* offers over the m= limit */
	uint64_t		 refused_contacts; /* REGISTER Contacts refused */
	uint64_t		 codecs_filtered; /* SDP with codecs taken out */
	uint64_t		 full_registrations; /* 503: table full */
	uint64_t		 full_calls;	/* 503: call table full */
	uint64_t		 limit_registrations; /* over `limit registrations` */
	/* SIP connections (TCP, TLS) */
	uint64_t		 conn_accepted;
	uint64_t		 conn_connected;	/* opened by us */
	uint64_t		 conn_refused;	/* over a connection limit */
	uint64_t		 conn_connect_failed;	/* refused, unreachable */
	uint64_t		 conn_connect_timeouts;	/* `tcp connect timeout` */
	uint64_t		 conn_idle_closed;	/* `tcp inactivity timeout` */
	uint64_t		 conn_abuse_closed;	/* framing, read deadline,
						   write queue */
	uint64_t		 acl_denied;	/* requests access rules deny */
	uint64_t		 scanners;	/* requests of scanners dropped */
	uint64_t		 rate_limited;	/* over `limit requests` */
	uint64_t		 banned;	/* messages of banned sources */
	uint64_t		 bans;		/* sources banned */
	uint64_t		 ban_evictions;	/* bans ended for a new one */
	uint64_t		 stealth;	/* answers not sent outside */
	/* `external address stun` (external.c) */
	uint64_t		 stun_requests;
	uint64_t		 stun_answers;		/* taken */
	uint64_t		 stun_unexpected;	/* source, transaction */
	uint64_t		 stun_malformed;
	uint64_t		 monitor_clients;	/* now */
	uint64_t		 monitor_events;	/* queued to them */
	uint64_t		 monitor_lost;	/* not: a client behind */
};

/* IMSG_CTL_SHOW_CONNECTIONS: one SIP connection. */
struct ctl_sip_conn {
	uint32_t		 id;
	char			 peer[ADDRSTR_LEN];
	char			 local[ADDRSTR_LEN];
	int			 transport;	/* enum sip_transport */
	int			 outgoing;	/* 1: opened by us */
	int			 outside;	/* 1: the outside's */
	char			 state[16];
	int64_t			 age;		/* seconds */
	int64_t			 idle;		/* seconds */
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
	uint64_t		 queued;	/* bytes waiting to be sent */
};

/* Proxy authentication, filled by the engine (auth.c). */
struct ctl_auth_stats {
	uint64_t		 challenges;	/* 407 of ours */
	uint64_t		 accepted;	/* right credentials */
	uint64_t		 failed;	/* wrong or for no user */
	uint64_t		 stale;		/* right, the nonce expired */
	uint64_t		 replayed;	/* a nonce count used again */
	uint64_t		 malformed;	/* credentials not parsed */
	uint64_t		 local_registers; /* REGISTERs answered here */
};

/* One user for `sipctl show users`: never a secret. */
struct ctl_user {
	char			 name[USER_NAME_LEN];
	int64_t			 last_auth;	/* time_t, 0: never */
	char			 last_source[ADDRSTR_LEN];
	uint64_t		 accepted;
	uint64_t		 failed;
	int64_t			 last_failure;	/* time_t, 0: never */
};

/*
 * sipctl monitor: a client may fall MON_QUEUE_MAX events behind, then
 * its events are lost, counted, and it is told how many (MON_LOST);
 * at most MON_CLIENTS_MAX clients monitor at once.
 */
#define MON_CLIENTS_MAX		8
#define MON_QUEUE_MAX		256

#define MON_SIP			0	/* a SIP message in or out */
#define MON_CALL		1	/* a call event */
#define MON_LOST		2	/* events this client missed */

#define MON_EV_SETUP		0	/* call: an INVITE set it up */
#define MON_EV_ANSWERED		1
#define MON_EV_ENDED		2	/* cause says why */
#define MON_EV_MEDIA		3	/* a relay stream opened: ports */
#define MON_EV_MEDIA_TIMEOUT	4	/* ... and timed out */
#define MON_EV_NAMES		{ "setup", "answered", "ended", \
	"media started", "media timeout" }

/*
 * IMSG_CTL_MONITOR: one event. The strings are the network's, cut to
 * their arrays, with every byte that is not printable ASCII or is a
 * backslash written as \xNN by the engine (sipctl checks): no secret
 * (credentials headers are never looked at), no control character.
 */
#define MON_WORD_LEN		32	/* method, cause, transport */
#define MON_USER_LEN		64	/* From and To users */
#define MON_CALLID_LEN		128

struct ctl_monitor {
	int64_t			 time;		/* time_t */
	uint32_t		 usec;
	int			 type;		/* MON_* */
	int			 out;		/* SIP: 1 sent, 0 received;
						   call: 1 outgoing */
	int			 outside;	/* SIP: the outside's side */
	int			 transport;	/* enum sip_transport */
	char			 peer[ADDRSTR_LEN];
	char			 method[MON_WORD_LEN];	/* "": a response */
	int			 status;	/* of a response */
	char			 callid[MON_CALLID_LEN];
	char			 from[MON_USER_LEN];
	char			 to[MON_USER_LEN];
	uint32_t		 cseq;
	char			 cseq_method[MON_WORD_LEN];
	int			 event;		/* MON_EV_* */
	char			 cause[MON_WORD_LEN];
	uint16_t		 port[2];	/* media: inside, outside */
	uint64_t		 lost;		/* MON_LOST: how many */
};

struct ctl_rtp_stats {
	uint64_t		 streams_opened;
	uint64_t		 streams_timedout;
	uint64_t		 packets;
	uint64_t		 bytes;
	uint64_t		 dropped;
	uint64_t		 open_failures;
};

struct ctl_stats {
	struct ctl_sip_stats	 sip;	/* filled by the engine */
	struct ctl_rtp_stats	 rtp;	/* filled by the relay */
	struct ctl_auth_stats	 auth;	/* filled by the engine */
};

/*
 * An imsgbuf paired with its libevent event (relayd's imsgev). A peer set
 * up with imsgev_peer() is read by imsgev_dispatch(), which hands each
 * message to handler; the process keeps only that per-type switch.
 */
struct imsgev {
	struct imsgbuf		 ibuf;
	void			(*cb)(int, short, void *);
	struct event		 ev;
	short			 events;
	void			*data;
	const char		*name;		/* the peer, for fatal() */
	void			(*handler)(struct imsgev *, struct imsg *);
	void			(*gone)(struct imsgev *);
	/*
	 * A less trusted peer: each message passes imsg_check(from, to)
	 * before its handler sees it; compromised() must not return.
	 */
	void			(*compromised)(struct imsgev *, const char *);
	enum sipproxd_role	 from;
	enum sipproxd_role	 to;
};

/* proc.c */
pid_t	 proc_start(enum sipproxd_role, const char *, int, int, int, int);
void	 imsgev_init(struct imsgev *, int, void (*)(int, short, void *),
	    void *);
void	 imsgev_add(struct imsgev *);
int	 imsgev_compose(struct imsgev *, uint32_t, uint32_t, int,
	    const void *, size_t);
int	 imsgev_io(struct imsgev *, short);
void	 imsgev_peer(struct imsgev *, int, const char *,
	    void (*)(struct imsgev *, struct imsg *),
	    void (*)(struct imsgev *), void *);
void	 imsgev_check(struct imsgev *, enum sipproxd_role,
	    enum sipproxd_role, void (*)(struct imsgev *, const char *));
void	 imsgev_dispatch(struct imsgev *, short);
void	 imsgev_parent_gone(struct imsgev *);
void	 imsgev_sibling_gone(struct imsgev *);
void	 imsgev_clear(struct imsgev *);
void	 proc_drop_privs(const char *, const char *);
void	 proc_signals(void (*)(int, short, void *), int);

/* sipproxd.c */
int	 listener_open(struct listener *);

/* wan.c (parent): follow the outside interface's address */
void	 wan_init(struct imsgev *, struct imsgev *);
void	 wan_reconf(struct sipproxd_config *);

/* config.c */
struct sipproxd_config	*config_new(void);
void			 config_free(struct sipproxd_config *);
void			 config_conf_global(struct sipproxd_config *,
			    struct conf_global *, const char *);
struct listener		*listener_find(struct listeners *,
			    const struct listener *);
void			 config_add_file(struct sipproxd_config *,
			    const char *);
int			 config_tls_read(struct tlsfile *, int, char *,
			    size_t);
int			 config_tls_check(struct sipproxd_config *, char *,
			    size_t);
void			 config_tls_wipe(struct sipproxd_config *);
const char		*tlsfile_name(int);
int			 dscp_from_name(const char *);
const char		*dscp_name(int);
const char		*latch_name(int);
int			 method_from_name(const char *);
int			 log_class_from_name(const char *);
const char		*log_classes_str(int);
const char		*method_name(int);

/* util.c */
/*
 * The source a limit per source counts an address under: an IPv4
 * address or an IPv6 /64, the least a host is given of either.
 */
struct src_prefix {
	int			 family;
	uint8_t			 addr[16];	/* the prefix, the rest 0 */
};
int			 src_prefix(const struct sockaddr_storage *,
			    struct src_prefix *);
int			 src_prefix_cmp(const struct src_prefix *,
			    const struct src_prefix *);
socklen_t		 sa_len(const struct sockaddr_storage *);
int			 sa_from_addr(int, const void *, in_port_t,
			    struct sockaddr_storage *);
int			 sa_from_host(int, const char *, in_port_t,
			    struct sockaddr_storage *);
int			 sa_copy(const struct sockaddr *,
			    struct sockaddr_storage *);
in_port_t		 sa_port(const struct sockaddr_storage *);
void			 sa_set_port(struct sockaddr_storage *, in_port_t);
int			 sa_cmp(const struct sockaddr_storage *,
			    const struct sockaddr_storage *);
int			 sa_cmp_host(const struct sockaddr_storage *,
			    const struct sockaddr_storage *);
int			 sa_cmp_prefix(const struct sockaddr_storage *,
			    const struct sockaddr_storage *, int, int);
int			 sa_unspecified(const struct sockaddr_storage *);
int			 sa_v4(const struct sockaddr_storage *, uint32_t *);
const struct in6_addr	*sa_in6(const struct sockaddr_storage *);
const char		*addr_str(const struct sockaddr *, int);
void			 sa_hostport(const struct sockaddr_storage *,
			    char *, size_t);
int			 addr_parse(const char *, struct sockaddr_storage *);
int			 iface_addr(const char *, struct sockaddr_storage *);
int			 iface_has_addr(const char *,
			    const struct sockaddr_storage *);
const char		*proto_str(int);
const char		*transport_str(int);

/* parse.y: errors are logged and the last ones kept in the buffer. */
struct sipproxd_config	*parse_config(const char *, char *, size_t);
int			 cmdline_symset(char *);

/* printconf.c */
void	 print_config(struct sipproxd_config *);
void	 print_quoted(const char *);

/* users.c (parent): users from the configuration and the users file */
int	 users_add(struct sipproxd_config *, const char *, const char *, int,
	    char *, size_t);
int	 users_file_read(struct sipproxd_config *, const char *, char *,
	    size_t);
int	 users_finish(struct sipproxd_config *, char *, size_t);
void	 users_free(struct sipproxd_config *);

/* statefile.c (parent) */
int	 state_load(const char *, size_t, struct imsgev *);
void	 state_add(const char *, const struct binding *, size_t);
int	 state_commit(const char *);
int	 state_tmpname(const char *, char *, size_t);

/* engine.c, relay.c: each child's main */
__dead void	 engine_main(int, int);
__dead void	 relay_main(int, int);

/* sandbox trigger of the regress build, never in an installed binary */
#ifdef SIPPROXD_REGRESS
void	 regress_sandbox_trigger(const char *);
void	 regress_parent_trigger(void);
#endif

#endif /* SIPPROXD_H */
