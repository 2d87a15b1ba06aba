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

#include "sipproxd.h"

/* A SIP socket of the engine: a listener, or the outside's. */
struct engine_listener {
	TAILQ_ENTRY(engine_listener)	 entry;
	struct conf_listener		 cl;
	int				 fd;
	struct event			 ev;
};

/* engine.c */
void	 engine_to_relay(uint32_t, uint32_t, const void *, size_t);
void	 engine_to_parent(uint32_t, uint32_t, const void *, size_t);
void	 engine_show_listeners(uint32_t);
void	 engine_summary(struct ctl_summary *);
void	 engine_stats(struct ctl_stats *);
const struct conf_global *engine_global(void);
struct engine_listener	*engine_listener_side(int, int);
struct engine_listener	*engine_listener_find(const struct sockaddr_storage *);
void	 engine_advertised(const struct engine_listener *,
	    struct sockaddr_storage *);
void	 engine_local(int, struct sockaddr_storage *);
int	 engine_is_ours(const struct sockaddr_storage *);
int	 engine_is_our_host(const struct sockaddr_storage *);
int	 engine_send(struct engine_listener *, const struct sockaddr_storage *,
	    const void *, size_t);

extern struct ctl_sip_stats	 sip_stats;

struct sip_msg;
struct sdp;

/* proxy.c (in the engine) */
void	 proxy_init(void);
void	 proxy_input(struct engine_listener *, const char *, size_t,
	    const struct sockaddr_storage *);
void	 proxy_wakeup(void);
void	 proxy_tick(time_t);

/*
 * A registration: the binding of a phone's contact to its address of
 * record, pending while the registrar has not answered, expired (a
 * tombstone, for 480) once it ran out.
 */
struct reg {
	TAILQ_ENTRY(reg)	 entry;
	struct binding	 se;
	struct sockaddr_storage	 source;	/* the phone's SIP came from */
	int			 active;
	int			 expired;
	time_t			 pending;	/* REGISTER sent, 0: none */
	char			 callid[CALLID_LEN];	/* of that REGISTER */
	long long		 req_expires;	/* what it asked for */
};

/* bindings.c (in the engine) */
void		 bindings_restore(const struct binding *);
unsigned int	 bindings_count(void);
void		 bindings_tick(time_t, int);
void		 bindings_show(uint32_t);
void		 bindings_request(const char *, const struct sip_msg *);
void		 bindings_pending(const char *, const char *, const char *,
		    const char *, const struct sip_msg *,
		    const struct sockaddr_storage *);
struct reg	*bindings_pending_find(const char *, const char *);
void		 bindings_confirm(struct reg *, long long);
void		 bindings_response_done(const char *);
struct reg	*bindings_lookup(const char *, const char *, int *);

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
	uint32_t		 id;		/* relay stream */
	int			 state;		/* MEDIA_* */
	uint16_t		 port[2];	/* relay RTP port per leg */
	struct rtp_peers	 peers;
};

struct call {
	TAILQ_ENTRY(call)	 entry;
	char			 callid[CALLID_LEN];
	char			 from[256];
	char			 to[256];
	int			 outgoing;	/* the INVITE came from inside */
	int			 inner;		/* phone to phone */
	int			 state;		/* CALL_* */
	int			 media_failed;	/* the relay had no ports */
	time_t			 created;
	time_t			 answered;
	time_t			 ending;
	char			 phone_contact[URI_LEN];
	struct sockaddr_storage	 phone_addr;	/* its SIP came from */
	struct call_media	 media[CALL_MEDIA_MAX];
	struct sockaddr_storage	 origin;	/* outside caller, else 0 */
	/* The dialog: who may speak in it (call_match()). */
	char			 caller_tag[CALL_TAG_LEN];
	char			 callee_tag[CALL_TAG_LEN];	/* of the 2xx */
	char			 early_tags[CALL_EARLY_TAGS][CALL_TAG_LEN];
	char			 invite_branch[CALL_TAG_LEN];	/* its sender's */
	uint32_t		 invite_cseq;
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
void		 call_show(uint32_t);
void		 call_source_usage(const struct sockaddr_storage *,
		    unsigned int *, unsigned int *, unsigned int *);

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

/* control.c (in the engine) */
void	 control_listen(int);
void	 control_close(void);
int	 control_compose(uint32_t, uint32_t, const void *, size_t);
void	 control_result(uint32_t, int, const char *);
void	 control_forward(struct imsg *);
int	 control_compose_id(uint32_t, uint32_t, uint32_t, const void *,
	    size_t);

#ifdef SIPPROXD_REGRESS
/* rtptest.c: relay streams opened by a control client (tests, bench) */
void	 rtptest_request(uint32_t, struct imsg *);
int	 rtptest_reply(struct imsg *);
void	 rtptest_drop(uint32_t);
#endif

#endif /* ENGINE_H */
