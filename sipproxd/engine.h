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
 * The SIP engine's own objects: its sockets, the registrations and calls,
 * and the functions of its files. What other processes share with it is
 * in sipproxd.h; the relay's own is in rtp.h.
 */

#ifndef ENGINE_H
#define ENGINE_H

#include <sys/tree.h>

#include "sipproxd.h"

/* A SIP socket of the engine: a listener, or the outside's. */
struct engine_listener {
	TAILQ_ENTRY(engine_listener)	 entry;
	struct conf_listener		 cl;
	int				 fd;
	struct event			 ev;
	int				 retired; /* old outside address */
};

/* engine.c */
void	 engine_to_relay(uint32_t, uint32_t, const void *, size_t);
void	 engine_to_parent(uint32_t, uint32_t, const void *, size_t);
unsigned int engine_parent_queued(void);
void	 engine_show_listeners(uint32_t);
void	 engine_summary(struct ctl_summary *);
void	 engine_stats(struct ctl_stats *);
const struct conf_global *engine_global(void);
struct engine_listener	*engine_listener_side(int, int);
struct engine_listener	*engine_listener_tr(int, int, int);
struct engine_listener	*engine_listener_find(const struct sockaddr_storage *,
			    int);
void	 engine_advertised(const struct engine_listener *,
	    struct sockaddr_storage *);
struct engine_listener	*engine_listener_at(int, int,
			    const struct sockaddr_storage *,
			    const struct sockaddr_storage *);
uint16_t engine_listener_tag(const struct engine_listener *);
int	 engine_listener_by_tag(uint16_t, struct sockaddr_storage *);
void	 engine_local(int, const struct sockaddr_storage *,
	    struct sockaddr_storage *);
int	 engine_is_ours(const struct sockaddr_storage *);
int	 engine_is_our_host(const struct sockaddr_storage *);
int	 engine_send(struct engine_listener *, const struct sockaddr_storage *,
	    const void *, size_t);

extern struct ctl_sip_stats	 sip_stats;

struct sip_msg;
struct sip_uri;
struct sdp;
struct reg_source;

/* external.c (in the engine): the external address, dynamic DNS */
void	 external_reconf(const struct conf_global *);
void	 external_tick(time_t);
const struct sockaddr_storage *external_current(void);
const struct sockaddr_storage *external_previous(void);
time_t	 external_changed(void);
void	 external_stun_input(const uint8_t *, size_t,
	    const struct sockaddr_storage *);

/* proxy.c (in the engine) */
struct conn;
void	 proxy_init(void);
void	 proxy_input(struct engine_listener *, struct conn *, const char *,
	    size_t, const struct sockaddr_storage *);
void	 proxy_unsent(int, int, const struct sockaddr_storage *, const char *,
	    size_t, int);
void	 proxy_wakeup(void);
void	 proxy_tick(time_t);
int	 proxy_uri_transport(const char *);

/*
 * conn.c (in the engine): SIP stream connections, TCP (and TLS, which
 * plugs in there). A connection is named by side, transport and peer
 * address (or the alias the peer gave, RFC 5923); the proxy hands it
 * messages to send and gets whole messages from it.
 */
void		 conn_accept(struct engine_listener *);
int		 conn_send(int, int, const struct sockaddr_storage *,
		    const char *, const void *, size_t, int);
int		 conn_reply(struct conn *, const void *, size_t);
struct conn	*conn_find(int, int, const struct sockaddr_storage *);
struct conn	*conn_by_id(uint32_t);
uint32_t	 conn_id(const struct conn *);
int		 conn_transport(const struct conn *);
void		 conn_alias(struct conn *, const struct sockaddr_storage *);
void		 conn_tick(time_t);
void		 conn_show(uint32_t);

/*
 * A registration: the binding of a phone's contact to its address of
 * record, pending while the registrar has not answered, expired (a
 * tombstone, for 480) once it ran out. Found by address of record and
 * contact, by the user part of its masqueraded contact, and while
 * pending by the Call-ID of its REGISTER (bindings.c).
 */
struct reg {
	RB_ENTRY(reg)		 by_key;	/* aor, contact */
	RB_ENTRY(reg)		 by_user;	/* masqueraded user */
	RB_ENTRY(reg)		 by_callid;	/* pending only */
	TAILQ_ENTRY(reg)	 idle;		/* not active: may make room */
	struct binding	 se;
	const char		*user;		/* in se.masq_contact */
	size_t			 user_len;
	struct sockaddr_storage	 source;	/* the phone's SIP came from */
	struct reg_source	*src;		/* ... counted there, if held */
	int			 transport;	/* over this, enum sip_transport */
	struct sockaddr_storage	 local;		/* to the inside listener at,
						   AF_UNSPEC: not known */
	int			 active;
	int			 expired;
	int			 freeing;	/* on its way out */
	time_t			 pending;	/* REGISTER sent, 0: none */
	char			 callid[CALLID_LEN];	/* of that REGISTER */
	long long		 req_expires;	/* what it asked for */
};

/*
 * Where a streamed answer to a control client goes on (control.c keeps
 * one per client): the key of the last entry sent, never a pointer, so
 * that entries may come and go between two parts of the answer.
 */
struct ctl_cursor {
	int			 started;
	char			 a[CALLID_LEN];	/* aor, or Call-ID */
	char			 b[256];	/* contact */
	uint64_t		 n;		/* a call's number */
};

/* bindings.c (in the engine) */
void		 bindings_restore(const struct binding *);
unsigned int	 bindings_count(void);
void		 bindings_tick(time_t, int);
int		 bindings_show(uint32_t, struct ctl_cursor *, int);
int		 bindings_known(const char *, const char *);
unsigned int	 bindings_source_new(const char *, const char *,
		    const struct sockaddr_storage *);
unsigned int	 bindings_source_held(const struct sockaddr_storage *);
unsigned int	 bindings_free(void);
void		 bindings_request(const char *, const struct sip_msg *);
void		 bindings_pending(const char *, const char *, const char *,
		    const char *, const struct sip_msg *,
		    const struct sockaddr_storage *, int,
		    const struct sockaddr_storage *);
struct reg	*bindings_pending_find(const char *, const char *);
void		 bindings_confirm(struct reg *, long long);
long long	 bindings_cap(long long);
int		 bindings_cap_params(const char *, char *, size_t);
int		 bindings_cap_header(struct sip_msg *, int);
void		 bindings_response_done(const char *);
struct reg	*bindings_lookup(const char *, const char *, int *);

/* The local registrar's own bindings (bindings.c, localreg.c). */
#define LOCAL_PER_AOR	16	/* bindings of one address of record */
#define LOCAL_CONTACTS_LEN (LOCAL_PER_AOR * 300)	/* their Contacts */

int		 bindings_local_set(const char *, const char *,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *, const char *, long long);
void		 bindings_local_clear(const char *);
int		 bindings_local_contacts(const char *, char *, size_t);
struct reg	*bindings_local_lookup(const char *, int *);
int		 localreg_host(const char *);
int		 localreg_ours(const struct sip_msg *);
int		 localreg_aor(const struct sip_uri *, char *, size_t);
int		 localreg_register(const struct sip_msg *,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *, const char *, char *,
		    size_t, const char **);

/* A call: an INVITE dialog through us, and its relay streams. */
#define CALL_CALLING	0
#define CALL_EARLY	1
#define CALL_CONFIRMED	2
#define CALL_ENDING	3

#define CALL_TAG_LEN	256	/* SIP_MAX_TOKEN: a tag or a branch */
#define CALL_EARLY_TAGS	4	/* early dialogs (forks) remembered */

#define MEDIA_NONE	0
#define MEDIA_OPENING	1
#define MEDIA_OPEN	2

struct call_media {
	RB_ENTRY(call_media)	 by_id;		/* while open or opening */
	struct call		*call;
	uint32_t		 id;		/* relay stream */
	int			 state;		/* MEDIA_* */
	uint16_t		 port[2];	/* relay RTP port per leg */
	struct rtp_peers	 peers;
};

struct call_source;

struct call {
	RB_ENTRY(call)		 by_callid;	/* Call-ID, then number */
	uint64_t		 n;		/* its number, in creation order */
	struct call_source	*src;		/* outside caller's, else NULL */
	char			 callid[CALLID_LEN];
	char			 from[256];
	char			 to[256];
	int			 outgoing;	/* the INVITE came from inside */
	int			 inner;		/* phone to phone */
	int			 state;		/* CALL_* */
	int			 media_failed;	/* the relay had no ports */
	int			 norelay;	/* `rtp relay no` when made */
	time_t			 created;
	time_t			 answered;
	time_t			 ending;
	char			 phone_contact[URI_LEN];
	struct sockaddr_storage	 phone_addr;	/* its SIP came from */
	int			 phone_transport; /* over this */
	struct sockaddr_storage	 phone_local;	/* to this inside listener */
	struct call_media	*media[CALL_MEDIA_MAX];	/* when relayed */
	struct sockaddr_storage	 origin;	/* outside caller, else 0 */
	struct sockaddr_storage	 peer_addr;	/* inner: the callee's SIP */
	struct sockaddr_storage	 peer_local;	/* ... to this listener */
	/* The dialog: who may speak in it (call_match()). */
	char			 caller_tag[CALL_TAG_LEN];
	char			 callee_tag[CALL_TAG_LEN];	/* of the 2xx */
	uint64_t		 early_tags[CALL_EARLY_TAGS];	/* MACs */
	int			 nearly;
	char			 invite_branch[CALL_TAG_LEN];	/* its sender's */
	uint32_t		 invite_cseq;
	/* For the call log: the answer's codec, streams closed before. */
	char			 codec[CALL_CODEC_LEN];
	uint64_t		 rtp_packets[2];
	uint64_t		 rtp_lost[2];
};

#define CALL_MEDIA_OK	0
#define CALL_MEDIA_WAIT	1
#define CALL_MEDIA_FAIL	2

/* call.c (in the engine) */
struct call	*call_new(const struct sip_msg *, int, const char *,
		    const struct sockaddr_storage *);
struct call	*call_find(const char *);
struct call	*call_match(const struct sip_msg *, int, const char *);
unsigned int	 call_count(void);
void		 call_end(struct call *, const char *);
void		 call_cancel(struct call *);
void		 call_response(struct call *, const struct sip_msg *, int);
int		 call_media(struct call *, const struct sdp *, int,
		    const struct sockaddr_storage *, uint16_t *);
int		 call_rtp_reply(struct imsg *);
void		 call_tick(time_t);
int		 call_show(uint32_t, struct ctl_cursor *, int);
void		 call_origin(struct call *, const struct sockaddr_storage *);
void		 call_source_usage(const struct sockaddr_storage *,
		    unsigned int *, unsigned int *, unsigned int *);
void		 call_codec(struct call *, const char *, size_t);

/* calllog.c (in the engine): the call log, `show calls ended` */
void		 calllog_end(const struct call *, const char *,
		    const uint32_t *, int);
void		 calllog_stream(uint32_t, const struct ctl_rtp_stream *);
void		 calllog_tick(time_t);
void		 calllog_show(uint32_t);

/* tls.c (in the engine) */
struct tls;
void		 tlsctx_init(void);
void		 tlsctx_reconf_file(const struct conf_tlsfile *);
void		 tlsctx_reconf_data(uint32_t, const void *, size_t);
void		 tlsctx_reconf_done(void);
int		 tlsctx_can_accept(void);
int		 tlsctx_can_connect(void);
struct tls	*tlsctx_accept(int, const char *);
struct tls	*tlsctx_connect(int, const char *, const char *);
int		 tlsctx_handshake(struct tls *, const char *, int,
		    const char **);

/*
 * auth.c (in the engine): proxy authentication of the phones. Each
 * failed authentication goes to ban_auth_failure().
 */
#define AUTH_OK		0
#define AUTH_CHALLENGE	1

void		 auth_init(void);
void		 auth_reconf_user(struct imsg *);
void		 auth_reconf_done(void);
int		 auth_enabled(void);
int		 auth_required(const struct sip_msg *);
int		 auth_check(const struct sip_msg *,
		    const struct sockaddr_storage *, int, char *, size_t,
		    char *, size_t);
void		 auth_strip(struct sip_msg *);
void		 auth_tick(time_t);
void		 auth_show(uint32_t);
void		 auth_stats(struct ctl_auth_stats *);
void		 auth_local_register(void);
/*
 * ban.c (in the engine): scanners, access rules and request rates per
 * source, and the bans they lead to. ban_auth_failure() is for the
 * authentication code: each failed attempt from a source counts
 * towards `limit auth failures`.
 */
#define BAN_PASS	0
#define BAN_DROP	1	/* no answer */
#define BAN_FORBID	2	/* 403, `block return` */

struct ban_bucket {
	uint64_t		 tokens;	/* thousandths of a request */
	uint64_t		 last;		/* ms, monotonic */
	int			 init;
};

int	 ban_bucket_take(struct ban_bucket *, uint64_t, uint32_t, uint32_t);
int	 ban_source(const struct sockaddr_storage *);
int	 ban_request(const struct sockaddr_storage *, const struct sip_msg *);
void	 ban_auth_failure(const struct sockaddr_storage *);
void	 ban_tick(time_t);
void	 ban_show(uint32_t);
void	 ban_lift(uint32_t, struct imsg *);

/* acl_imsg.c (in the engine): what an outsider is told or shown. */
int	 acl_quiet(int, int);
int	 acl_user_agent(struct sip_msg *);

/* outbound.c (in the engine): `outbound proxy ... for domain` */
void		 outbound_reconf(struct imsg *);
void		 outbound_reconf_done(void);
const struct conf_outbound *outbound_find(const char *);

/* control.c (in the engine) */
void	 control_listen(int);
void	 control_close(void);
int	 control_compose(uint32_t, uint32_t, const void *, size_t);
void	 control_result(uint32_t, int, const char *);
void	 control_forward(struct imsg *);
void	 control_tick(time_t);
void	 control_monitor(const struct ctl_monitor *);
unsigned int	 control_monitors(void);
int	 control_compose_id(uint32_t, uint32_t, uint32_t, const void *,
	    size_t);

/* monitor.c: sipctl monitor's events, the sip class's debug lines */
int	 monitor_active(void);
void	 monitor_msg(int, int, int, const struct sockaddr_storage *,
	    const struct sip_msg *);
void	 monitor_raw(int, int, int, const struct sockaddr_storage *,
	    const char *, size_t);
void	 monitor_call(const struct call *, int, const char *,
	    const uint16_t *);

#ifdef SIPPROXD_REGRESS
/* rtptest.c: relay streams opened by a control client (tests, bench) */
void	 rtptest_request(uint32_t, struct imsg *);
int	 rtptest_reply(struct imsg *);
void	 rtptest_drop(uint32_t);
#endif

#endif /* ENGINE_H */
