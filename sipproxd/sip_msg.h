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
 * SIP messages (RFC 3261 sections 7, 20, 25) and SIP URIs: parse, read,
 * edit, write. Pure code: no I/O, no allocation. A struct sip_msg holds a
 * private copy of the message and header records that are offsets into
 * that copy; edits are recorded and applied by sip_msg_write(), which
 * writes every byte nobody edited exactly as it came.
 *
 * Limits. Everything a packet can make grow is capped here:
 *
 *	SIP_MAX_MSGLEN	a whole message, start line to end of body, in and
 *			out; a longer one is refused (513 Message Too Large)
 *	SIP_MAX_HEADERS	header lines (a folded line counts once)
 *	SIP_MAX_HDRLEN	one header line with its continuation lines
 *	SIP_MAX_ELEMS	comma-separated elements in one header line
 *	SIP_MAX_VIAS	Via elements over all Via header lines
 *	SIP_MAX_EDITS	edits recorded on one message
 *	SIP_MAX_EDITBUF	bytes of text those edits carry, body included
 *	SIP_MAX_URILEN	a URI, in a name-addr or as the Request-URI
 *	SIP_MAX_HOSTLEN	a host name or address
 *	SIP_MAX_TOKEN	a token value: branch, tag, transport, method ...
 *	SIP_MAX_PARAMS	the parameter text of a URI or header element
 *	SIP_MAX_DISPLAY	a display name
 *
 * sizeof(struct sip_msg) is about 200 KB: allocate it once and reuse it
 * (sip_msg_parse() resets it), do not put it on a small stack.
 */

#ifndef SIP_MSG_H
#define SIP_MSG_H

#include <sys/types.h>

#include <stdint.h>

#define SIP_MAX_MSGLEN		65535
#define SIP_MAX_HEADERS		128
#define SIP_MAX_HDRLEN		8192
#define SIP_MAX_ELEMS		32
#define SIP_MAX_VIAS		32
#define SIP_MAX_EDITS		64
#define SIP_MAX_EDITBUF		SIP_MAX_MSGLEN
#define SIP_MAX_URILEN		1024
#define SIP_MAX_HOSTLEN		256
#define SIP_MAX_TOKEN		256
#define SIP_MAX_PARAMS		1024
#define SIP_MAX_DISPLAY		256
#define SIP_MAX_REASON		128

/* sip_msg_parse() results; the status to answer with is in the name. */
#define SIP_OK			0
#define SIP_EBAD		400	/* Bad Request - <what> */
#define SIP_EVERSION		505	/* Version Not Supported */
#define SIP_ETOOBIG		513	/* Message Too Large */

enum sip_method {
	SIP_METHOD_UNKNOWN = 0,		/* text in sip_msg_method_text() */
	SIP_INVITE,
	SIP_ACK,
	SIP_BYE,
	SIP_CANCEL,
	SIP_REGISTER,
	SIP_OPTIONS,
	SIP_INFO,
	SIP_UPDATE,
	SIP_REFER,
	SIP_NOTIFY,
	SIP_SUBSCRIBE,
	SIP_MESSAGE,
	SIP_PRACK,
	SIP_PUBLISH
};

/* Headers the code knows by name; any other is SIP_HDR_OTHER. */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0,
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTACT,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_ROUTE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_EXPIRES,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUPPORTED,
	SIP_HDR_REQUIRE,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_ALLOW,
	SIP_HDR_EVENT,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_PATH,
	SIP_HDR_SERVICE_ROUTE,
	SIP_HDR_ACCEPT,
	SIP_HDR_TIMESTAMP,
	SIP_HDR_MAX
};

/* One header line: offsets into the message copy and the value copy. */
struct sip_hdr {
	enum sip_hdr_id	id;
	uint32_t	line_off;	/* buf: name, up to and with the EOL */
	uint32_t	line_len;
	uint32_t	name_len;	/* buf: name at line_off */
	uint32_t	raw_off;	/* buf: value, trimmed, folds inside */
	uint32_t	raw_len;
	uint32_t	val_off;	/* vbuf: value unfolded, NUL ended */
	uint32_t	val_len;
	int		compact;	/* the name was a one letter form */
};

enum sip_edit_type {
	SIP_EDIT_INSERT,		/* a header line before hdr */
	SIP_EDIT_DELETE,		/* header line hdr */
	SIP_EDIT_VALUE,			/* value of header hdr */
	SIP_EDIT_ELEM,			/* element elem of header hdr */
	SIP_EDIT_BODY,			/* the body */
	SIP_EDIT_RURI			/* the Request-URI */
};

struct sip_edit {
	enum sip_edit_type type;
	int		hdr;
	int		elem;
	int		del;		/* SIP_EDIT_ELEM: drop the element */
	uint32_t	off;		/* ebuf: new text */
	uint32_t	len;
};

struct sip_via {
	char		transport[16];	/* "UDP", "TCP", "TLS" ... upper case */
	char		host[SIP_MAX_HOSTLEN];	/* IPv6 without brackets */
	int		host_ipv6;
	uint16_t	port;		/* 0: none given */
	char		branch[SIP_MAX_TOKEN];	/* "" if none */
	char		received[SIP_MAX_HOSTLEN];	/* "" if none */
	int		rport;		/* -1 absent, 0 no value, else value */
	char		maddr[SIP_MAX_HOSTLEN];
	char		params[SIP_MAX_PARAMS];	/* ";branch=...;rport" */
};

/* An element of From, To, Contact, Route, Record-Route, Refer-To ... */
struct sip_addr {
	int		star;		/* Contact: * */
	int		angle;		/* name-addr form: URI was in <> */
	char		display[SIP_MAX_DISPLAY];	/* as written, quotes too */
	char		uri[SIP_MAX_URILEN];
	char		params[SIP_MAX_PARAMS];	/* header params ";tag=x" */
};

#define SIP_URI_SIP		1
#define SIP_URI_SIPS		2
#define SIP_URI_TEL		3

#define SIP_HOST_NAME		1
#define SIP_HOST_IPV4		2
#define SIP_HOST_IPV6		3

struct sip_uri {
	int		scheme;		/* SIP_URI_* */
	char		user[SIP_MAX_TOKEN];	/* still escaped; tel: number */
	char		password[SIP_MAX_TOKEN];
	int		has_password;
	char		host[SIP_MAX_HOSTLEN];	/* IPv6 without brackets */
	int		host_type;	/* SIP_HOST_*, 0 for tel: */
	uint16_t	port;		/* 0: none given */
	char		params[SIP_MAX_PARAMS];	/* ";transport=udp;lr" */
	char		headers[SIP_MAX_PARAMS];	/* "?a=b&c=d" */
	size_t		hostport_off;	/* in the parsed text: host[:port] */
	size_t		hostport_len;
};

struct sip_msg {
	char		 buf[SIP_MAX_MSGLEN + 1];	/* the message, NUL ended */
	size_t		 len;
	char		 vbuf[SIP_MAX_MSGLEN + 1];	/* unfolded values */
	size_t		 vlen;
	char		 ebuf[SIP_MAX_EDITBUF];	/* text of the edits */
	size_t		 elen;
	const char	*error;		/* why parsing failed */
	const char	*eol;		/* "\r\n", or "\n" if the message used it */

	int		 request;	/* 1 request, 0 response */
	enum sip_method	 method;
	uint32_t	 method_off, method_len;	/* buf */
	uint32_t	 ruri_off, ruri_len;		/* buf */
	int		 status;
	uint32_t	 reason_off, reason_len;	/* buf */
	uint32_t	 start_len;	/* start line with its EOL */

	struct sip_hdr	 hdrs[SIP_MAX_HEADERS];
	int		 nhdrs;
	uint32_t	 hdr_end;	/* buf: the empty line */
	uint32_t	 body_off;
	uint32_t	 body_len;	/* Content-Length, or the rest */

	/* Parsed while parsing: what almost every message needs. */
	int		 hdr_first[SIP_HDR_MAX];	/* first index, or -1 */
	uint32_t	 cseq;
	enum sip_method	 cseq_method;
	char		 cseq_method_text[SIP_MAX_TOKEN];
	char		 from_tag[SIP_MAX_TOKEN];
	char		 to_tag[SIP_MAX_TOKEN];
	struct sip_via	 via;		/* the top one */
	int		 nvias;
	int		 max_forwards;	/* -1 absent */
	long long	 expires;	/* -1 absent */
	long long	 content_length;	/* -1 absent */

	struct sip_edit	 edits[SIP_MAX_EDITS];
	int		 nedits;
};

/* sip_msg.c: parse */
int		 sip_msg_parse(struct sip_msg *, const char *, size_t);
const char	*sip_msg_error(const struct sip_msg *);
const char	*sip_method_name(enum sip_method);
enum sip_method	 sip_method_lookup(const char *, size_t);
enum sip_hdr_id	 sip_hdr_lookup(const char *, size_t);
const char	*sip_hdr_name(enum sip_hdr_id);

/* sip_msg.c: read */
int		 sip_msg_is_request(const struct sip_msg *);
enum sip_method	 sip_msg_method(const struct sip_msg *);
size_t		 sip_msg_method_text(const struct sip_msg *, char *, size_t);
size_t		 sip_msg_ruri(const struct sip_msg *, char *, size_t);
int		 sip_msg_status(const struct sip_msg *);
size_t		 sip_msg_reason(const struct sip_msg *, char *, size_t);
uint32_t	 sip_msg_cseq(const struct sip_msg *, enum sip_method *,
		    const char **);
const char	*sip_msg_callid(const struct sip_msg *);
const char	*sip_msg_from_tag(const struct sip_msg *);
const char	*sip_msg_to_tag(const struct sip_msg *);
const struct sip_via *sip_msg_top_via(const struct sip_msg *);
int		 sip_msg_via_count(const struct sip_msg *);
int		 sip_msg_via(const struct sip_msg *, int, struct sip_via *);
int		 sip_msg_max_forwards(const struct sip_msg *);
long long	 sip_msg_expires(const struct sip_msg *);
const char	*sip_msg_content_type(const struct sip_msg *);
const char	*sip_msg_body(const struct sip_msg *, size_t *);
int		 sip_msg_hdr_find(const struct sip_msg *, enum sip_hdr_id,
		    int);
int		 sip_msg_hdr_find_name(const struct sip_msg *, const char *,
		    int);
const char	*sip_msg_hdr_value(const struct sip_msg *, int, size_t *);
int		 sip_msg_elem_count(const struct sip_msg *, int);
int		 sip_msg_elem(const struct sip_msg *, int, int, const char **,
		    size_t *);
int		 sip_msg_list_count(const struct sip_msg *, enum sip_hdr_id);
int		 sip_msg_list_get(const struct sip_msg *, enum sip_hdr_id, int,
		    struct sip_addr *, int *, int *);
int		 sip_msg_from(const struct sip_msg *, struct sip_addr *);
int		 sip_msg_to(const struct sip_msg *, struct sip_addr *);

/* sip_msg.c: edit and write */
void		 sip_edit_reset(struct sip_msg *);
int		 sip_edit_insert(struct sip_msg *, int, const char *,
		    const char *);
int		 sip_edit_delete(struct sip_msg *, int);
int		 sip_edit_value(struct sip_msg *, int, const char *);
int		 sip_edit_elem(struct sip_msg *, int, int, const char *);
int		 sip_edit_body(struct sip_msg *, const void *, size_t);
int		 sip_edit_ruri(struct sip_msg *, const char *);
int		 sip_msg_write(const struct sip_msg *, char *, size_t, size_t *);
int		 sip_msg_reject(const char *, size_t, int, const char *, char *,
		    size_t, size_t *);
int		 sip_msg_response(const struct sip_msg *, int, const char *,
		    const char *, const char *, char *, size_t, size_t *);

/* sip_uri.c: URIs, name-addrs, parameters */
int		 sip_uri_parse(const char *, size_t, struct sip_uri *);
int		 sip_uri_set_hostport(const char *, size_t, const char *,
		    uint16_t, char *, size_t);
int		 sip_uri_param(const struct sip_uri *, const char *, char *,
		    size_t);
int		 sip_uri_set_transport(const char *, size_t, const char *,
		    char *, size_t);
int		 sip_uri_aor(const struct sip_uri *, char *, size_t);
ssize_t		 sip_unescape(const char *, size_t, char *, size_t);
int		 sip_addr_parse(const char *, size_t, struct sip_addr *);
int		 sip_param_get(const char *, size_t, const char *, char *,
		    size_t);
int		 sip_params_valid(const char *, size_t);
int		 sip_host_valid(const char *, size_t, int *);
int		 sip_is_token(const char *, size_t);
ssize_t		 sip_unquote(const char *, size_t, char *, size_t);

#endif /* SIP_MSG_H */
