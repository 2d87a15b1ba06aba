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
 * sipproxd.conf(5): the grammar and its lexer. Parsing goes on after an
 * error so that every error is reported, each as "file:line: message".
 */

%{
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tls.h>

#include "sipproxd.h"
#include "digest.h"
#include "acl.h"
#include "log.h"
#include "rewrite.h"

#define INCLUDE_DEPTH	8
#define MAXTOKEN	1024

static struct file {
	TAILQ_ENTRY(file)	 entry;
	FILE			*stream;
	char			*name;
	int			 lineno;
	int			 errors;
	int			 eof_nl;	/* line break given at EOF */
	int			 secrecy_warned;
} *file, *topfile;
static TAILQ_HEAD(files, file)	 files = TAILQ_HEAD_INITIALIZER(files);
static int			 nfiles;

struct sym {
	TAILQ_ENTRY(sym)	 entry;
	int			 used;
	int			 persist;
	char			*nam;
	char			*val;
};
static TAILQ_HEAD(symhead, sym)	 symhead = TAILQ_HEAD_INITIALIZER(symhead);

static struct file	*pushfile(const char *);
static int		 popfile(void);
static int		 yyparse(void);
static int		 yylex(void);
static int		 yyerror(const char *, ...)
			    __attribute__((__format__ (printf, 1, 2)));
static int		 kw_cmp(const void *, const void *);
static int		 lookup(char *);
static int		 lgetc(int);
static int		 lungetc(int);
static int		 findeol(void);
static int		 symset(const char *, const char *, int);
static char		*symget(const char *);
static int		 host_addr(const char *, struct sockaddr_storage *);
static int		 host_name_ok(const char *);
static int		 listen_add(const char *, long long, int);
static int		 outside_set(const char *, in_port_t, int);
static int		 outbound_set(const char *, long long, int);
static int		 outbound_host(const char *);
static int		 outbound_domain_add(const char *, long long, int,
			    const char *);
static int		 listen_udp(void);
static int		 codec_add(const char *);

#define CODEC_ALLOW	0
#define CODEC_DENY	1
static int		 codec_list;	/* which list codec_add() fills */
static int		 dscp_value(const char *, long long, int *);
static int		 tls_file_set(int, const char *);
static void		 tls_files_check(void);
static int		 conf_path(const char *, char *, size_t);
static void		 file_secrecy(void);
static int		 auth_method_add(const char *);
static int		 auth_alg_add(const char *);
static int		 word_valid(const char *, const char *, size_t,
			    const char *);
static int		 acl_add_any(struct acl_set *);
static int		 acl_table_name(const char *);
static int		 acl_item_table(const char *);
static int		 rewrite_add(int, const char *, const char *,
			    const char *);

static struct sipproxd_config	*conf;
static char			*errbuf;
static size_t			 errlen;
static int			 seen_outside;	/* 1 << transport */
static int			 external_seen;
static int			 errors;
static int			 lex_errline;
static uint32_t			 auth_methods;	/* auth methods, as read */
static int			 auth_nalg;	/* auth algorithms, as read */
static struct acl_set		*acl_cur;	/* the list being read */

typedef struct {
	union {
		long long	 number;
		char		*string;
		int		 transport;
		struct acl_set	*set;
		struct acl_net	 net;
	} v;
	int lineno;
} YYSTYPE;

%}

%token	ADDRESS DEJITTER DSCP EXPIRES EXTERNAL INCLUDE LATCH LISTEN ON
%token	OUTBOUND OUTSIDE PORT PORTS PROXY REGISTRATION RTP SIP STATE TCP
%token	TIMEOUT TO UDP
%token	CALLS LIMIT OFFER PER SOURCE STREAMS
%token	REGISTRATIONS
%token	ALLOW CODEC DENY
%token	CONNECT INACTIVITY KEEPALIVE TLS
%token	CA CERTIFICATE KEY
%token	CALL MAXIMUM
%token	ALGORITHMS AUTH DOMAIN FILENAME LIFETIME LOCAL METHODS NONCE PASSWORD
%token	REALM USER USERS
%token	ANY BAN BLOCK BURST DROP FAILURES FROM NO REGISTER REQUESTS RETURN
%token	SCANNER SCANNERS SECOND STEALTH TABLE TIME USERAGENT YES
%token	FOR
%token	ACCOUNT DEFAULT HEADER NUMBERS REQUESTURI REWRITE STRIP TARGET TRUNK
%token	RELAY
%token	STUN
%token	LOG VERBOSE
%token	ERROR
%token	<v.string>	STRING
%token	<v.number>	NUMBER
%type	<v.number>	optport
%type	<v.transport>	transport
%type	<v.number>	tlsfile
%type	<v.number>	acl_what yesno optburst
%type	<v.set>		acl_from
%type	<v.net>		acl_host
%type	<v.number>	logclasses logclass
/* What error recovery discards is freed; so actions never free on error. */
%destructor { free($$); } <v.string>
%%

grammar		: /* empty */
		| grammar '\n'
		| grammar include '\n'
		| grammar varset '\n'
		| grammar main '\n'
		| grammar error '\n'		{ yyerrok; }
		;

include		: INCLUDE STRING {
			struct file	*nfile;

			if ((nfile = pushfile($2)) == NULL) {
				YYERROR;
			}
			free($2);
			file = nfile;
			lungetc('\n');
		}
		;

varset		: STRING '=' STRING {
			char	*s;

			for (s = $1; *s != '\0'; s++)
				if (!isalnum((unsigned char)*s) && *s != '_') {
					yyerror("macro name '%s': only letters, "
					    "digits and _ allowed", $1);
					YYERROR;
				}
			if (symset($1, $3, 0) == -1)
				fatal("cannot store variable");
			free($1);
			free($3);
		}
		;

/*
 * No port: the transport's default (listen on, outside), or the name's
 * SRV records (outbound proxy, RFC 3263).
 */
optport		: /* empty */		{ $$ = 0; }
		| PORT NUMBER		{
			if ($2 < 1 || $2 > 65535) {
				yyerror("port %lld: out of range 1 to 65535",
				    $2);
				YYERROR;
			}
			$$ = $2;
		}
		;

tlsfile		: CERTIFICATE		{ $$ = TLS_FILE_CERT; }
		| KEY			{ $$ = TLS_FILE_KEY; }
		| CA			{ $$ = TLS_FILE_CA; }
		;

/* Debug classes: sip and rtp are keywords, the others words. */
logclasses	: logclass
		| logclasses logclass	{ $$ = $1 | $2; }
		;

logclass	: SIP			{ $$ = LOG_C_SIP; }
		| RTP			{ $$ = LOG_C_RTP; }
		| STRING		{
			if (($$ = log_class_from_name($1)) == -1) {
				yyerror("log verbose %s: not one of sip, rtp, "
				    "dns, control, all", $1);
				YYERROR;
			}
			free($1);
		}
		;

transport	: /* empty */		{ $$ = SIP_TR_UDP; }
		| UDP			{ $$ = SIP_TR_UDP; }
		| TCP			{ $$ = SIP_TR_TCP; }
		| TLS			{ $$ = SIP_TR_TLS; }
		;

main		: LISTEN ON STRING optport transport {
			if (listen_add($3, $4 != 0 ? $4 : $5 == SIP_TR_TLS ?
			    SIPS_PORT : SIP_PORT, $5) == -1)
				YYERROR;
			free($3);
		}
		| OUTSIDE STRING optport transport {
			if (outside_set($2, $3 != 0 ? $3 : $4 == SIP_TR_TLS ?
			    SIPS_PORT : SIP_PORT, $4) == -1)
				YYERROR;
			free($2);
		}
		| OUTBOUND PROXY STRING optport transport {
			if (outbound_set($3, $4, $5) == -1)
				YYERROR;
			free($3);
		}
		| OUTBOUND PROXY STRING optport transport FOR DOMAIN STRING {
			if (outbound_domain_add($3, $4, $5, $8) == -1)
				YYERROR;
			free($3);
			free($8);
		}
		| TCP INACTIVITY TIMEOUT NUMBER {
			if ($4 < 1 || $4 > TCP_IDLE_MAX) {
				yyerror("tcp inactivity timeout %lld: out of "
				    "range 1 to %d", $4, TCP_IDLE_MAX);
				YYERROR;
			}
			conf->g.tcp_idle = $4;
		}
		| TCP CONNECT TIMEOUT NUMBER {
			if ($4 < TCP_CONNECT_MIN || $4 > TCP_CONNECT_MAX) {
				yyerror("tcp connect timeout %lld: out of "
				    "range %d to %d milliseconds", $4,
				    TCP_CONNECT_MIN, TCP_CONNECT_MAX);
				YYERROR;
			}
			conf->g.tcp_connect = $4;
		}
		| TCP KEEPALIVE NUMBER {
			if ($3 < 0 || $3 > TCP_KEEPALIVE_MAX) {
				yyerror("tcp keepalive %lld: out of range 0 to "
				    "%d", $3, TCP_KEEPALIVE_MAX);
				YYERROR;
			}
			conf->g.tcp_keepalive = $3;
		}
		| EXTERNAL ADDRESS STUN STRING optport {
			struct sockaddr_storage	 ss;

			if (external_seen) {
				yyerror("external address given twice");
				YYERROR;
			}
			if ((host_addr($4, &ss) == -1 && !host_name_ok($4)) ||
			    strlcpy(conf->g.stun_server, $4,
			    sizeof(conf->g.stun_server)) >=
			    sizeof(conf->g.stun_server)) {
				yyerror("external address stun %s: not an "
				    "address or a host name", $4);
				YYERROR;
			}
			conf->g.stun_port = $5 != 0 ? $5 : STUN_SERVER_PORT;
			external_seen = 1;
			free($4);
		}
		| EXTERNAL ADDRESS STRING {
			if (external_seen) {
				yyerror("external address given twice");
				YYERROR;
			}
			/* Else a name: dynamic DNS, resolved by the engine. */
			if (host_addr($3, &conf->g.external_addr) == -1 &&
			    (!host_name_ok($3) ||
			    strlcpy(conf->g.external_name, $3,
			    sizeof(conf->g.external_name)) >=
			    sizeof(conf->g.external_name))) {
				yyerror("external address %s: not an IPv4 or "
				    "IPv6 address or a host name", $3);
				YYERROR;
			}
			external_seen = 1;
			free($3);
		}
		| RTP PORTS NUMBER TO NUMBER {
			if ($3 < 1024 || $3 > 65535 || $5 < 1024 ||
			    $5 > 65535) {
				yyerror("rtp ports: out of range 1024 to 65535");
				YYERROR;
			}
			if ($3 % 2 != 0) {
				yyerror("rtp ports: %lld is odd, must be even",
				    $3);
				YYERROR;
			}
			if ($5 < $3 + 1) {
				yyerror("rtp ports: %lld to %lld holds no "
				    "RTP/RTCP pair", $3, $5);
				YYERROR;
			}
			conf->g.rtp_port_lo = $3;
			conf->g.rtp_port_hi = $5;
		}
		| RTP TIMEOUT NUMBER {
			if ($3 < 10 || $3 > RTP_TIMEOUT_MAX) {
				yyerror("rtp timeout %lld: out of range 10 to "
				    "%d", $3, RTP_TIMEOUT_MAX);
				YYERROR;
			}
			conf->g.rtp_timeout = $3;
		}
		| RTP DEJITTER NUMBER {
			if ($3 < 0 || $3 > RTP_DEJITTER_MAX) {
				yyerror("rtp dejitter %lld: out of range 0 to "
				    "%d", $3, RTP_DEJITTER_MAX);
				YYERROR;
			}
			conf->g.rtp_dejitter = $3;
		}
		| RTP LATCH STRING {
			if (strcmp($3, "learn") == 0)
				conf->g.rtp_latch = RTP_LATCH_LEARN;
			else if (strcmp($3, "strict") == 0)
				conf->g.rtp_latch = RTP_LATCH_STRICT;
			else if (strcmp($3, "any") == 0)
				conf->g.rtp_latch = RTP_LATCH_ANY;
			else {
				yyerror("rtp latch %s: expected learn, strict "
				    "or any", $3);
				YYERROR;
			}
			free($3);
		}
		| RTP LATCH ANY {
			conf->g.rtp_latch = RTP_LATCH_ANY;
		}
		| RTP RELAY yesno	{ conf->g.rtp_relay = $3; }
		| RTP RELAY STRING {
			yyerror("rtp relay %s: expected yes or no", $3);
			YYERROR;
		}
		| RTP DSCP STRING {
			if (dscp_value($3, -1, &conf->g.rtp_dscp) == -1)
				YYERROR;
			free($3);
		}
		| RTP DSCP NUMBER {
			if (dscp_value(NULL, $3, &conf->g.rtp_dscp) == -1)
				YYERROR;
		}
		| SIP DSCP STRING {
			if (dscp_value($3, -1, &conf->g.sip_dscp) == -1)
				YYERROR;
			free($3);
		}
		| SIP DSCP NUMBER {
			if (dscp_value(NULL, $3, &conf->g.sip_dscp) == -1)
				YYERROR;
		}
		| LOG VERBOSE logclasses {
			conf->g.log_verbose = $3;
		}
		| REGISTRATION EXPIRES NUMBER {
			if ($3 < 60 || $3 > REG_EXPIRES_MAX) {
				yyerror("registration expires %lld: out of "
				    "range 60 to %d", $3, REG_EXPIRES_MAX);
				YYERROR;
			}
			conf->g.reg_expires = $3;
		}
		| REGISTRATION STATE STRING {
			if ($3[0] != '/') {
				yyerror("registration state %s: must be an "
				    "absolute path", $3);
				YYERROR;
			}
			if (strlcpy(conf->g.reg_state, $3,
			    sizeof(conf->g.reg_state)) >=
			    sizeof(conf->g.reg_state)) {
				yyerror("registration state: path too long");
				YYERROR;
			}
			free($3);
		}
		| REGISTRATION MAXIMUM EXPIRES NUMBER {
			if ($4 < 60 || $4 > REG_EXPIRES_MAX) {
				yyerror("registration max expires %lld: out of "
				    "range 60 to %d", $4, REG_EXPIRES_MAX);
				YYERROR;
			}
			conf->g.reg_max_expires = $4;
		}
		| REGISTRATION MAXIMUM NUMBER {
			if ($3 < 1 || $3 > REG_MAX_LIMIT) {
				yyerror("registration max %lld: out of range "
				    "1 to %d", $3, REG_MAX_LIMIT);
				YYERROR;
			}
			conf->g.reg_max = $3;
		}
		| CALL MAXIMUM NUMBER {
			if ($3 < 1 || $3 > CALL_MAX_LIMIT) {
				yyerror("call max %lld: out of range 1 to %d",
				    $3, CALL_MAX_LIMIT);
				YYERROR;
			}
			conf->g.call_max = $3;
		}
		| LIMIT CALLS PER SOURCE NUMBER {
			if ($5 < 1 || $5 > LIMIT_CALLS_MAX) {
				yyerror("limit calls per source %lld: out of "
				    "range 1 to %d", $5, LIMIT_CALLS_MAX);
				YYERROR;
			}
			conf->g.limit_calls = $5;
		}
		| LIMIT REGISTRATIONS PER SOURCE NUMBER {
			if ($5 < 1 || $5 > LIMIT_REGS_MAX) {
				yyerror("limit registrations per source %lld: "
				    "out of range 1 to %d", $5, LIMIT_REGS_MAX);
				YYERROR;
			}
			conf->g.limit_regs = $5;
		}
		| LIMIT STREAMS PER SOURCE NUMBER {
			if ($5 < 1 || $5 > LIMIT_STREAMS_MAX) {
				yyerror("limit streams per source %lld: out of "
				    "range 1 to %d", $5, LIMIT_STREAMS_MAX);
				YYERROR;
			}
			conf->g.limit_streams = $5;
		}
		| TLS tlsfile STRING {
			if (tls_file_set($2, $3) == -1)
				YYERROR;
			free($3);
		}
		| LIMIT STREAMS PER OFFER NUMBER {
			if ($5 < 1 || $5 > LIMIT_MEDIA_MAX) {
				yyerror("limit streams per offer %lld: out of "
				    "range 1 to %d", $5, LIMIT_MEDIA_MAX);
				YYERROR;
			}
			conf->g.limit_media = $5;
		}
		| CODEC codecact codecs
		| STRIP HEADER STRING {
			if (rewrite_add(REWRITE_STRIP, $3, "", "") == -1)
				YYERROR;
			free($3);
		}
		| DEFAULT TARGET STRING {
			if (rewrite_add(REWRITE_DEFAULT, "", $3, "") == -1)
				YYERROR;
			free($3);
		}
		| TRUNK STRING ACCOUNT STRING NUMBERS STRING {
			if (rewrite_add(REWRITE_TRUNK, $2, $4, $6) == -1)
				YYERROR;
			free($2);
			free($4);
			free($6);
		}
		| REWRITE REQUESTURI STRING TO STRING {
			if (rewrite_add(REWRITE_RURI, "", $3, $5) == -1)
				YYERROR;
			free($3);
			free($5);
		}
		| USER STRING PASSWORD STRING {
			char	 err[256];
			int	 rv;

			rv = users_add(conf, $2, $4, 0, err, sizeof(err));
			freezero($4, strlen($4));
			$4 = NULL;
			if (rv == -1) {
				yyerror("%s", err);
				YYERROR;
			}
			free($2);
			file_secrecy();
		}
		| USERS FILENAME STRING {
			char	 path[PATH_MAX], err[PATH_MAX + 256];

			if (conf->g.users_file[0] != '\0') {
				yyerror("users file given twice");
				YYERROR;
			}
			if (conf_path($3, path, sizeof(path)) == -1) {
				yyerror("users file %s: path too long", $3);
				YYERROR;
			}
			if (users_file_read(conf, path, err,
			    sizeof(err)) == -1) {
				yyerror("%s", err);
				YYERROR;
			}
			free($3);
		}
		| AUTH REALM STRING {
			if (word_valid("auth realm", $3, AUTH_REALM_LEN,
			    " !#$%&'()*+,-./:;<=>?@[]^_`{|}~") == -1)
				YYERROR;
			strlcpy(conf->g.auth_realm, $3,
			    sizeof(conf->g.auth_realm));
			free($3);
		}
		| AUTH METHODS { auth_methods = 0; } methodspec {
			conf->g.auth_methods = auth_methods;
		}
		| AUTH ALGORITHMS {
			auth_nalg = 0;
			conf->g.auth_alg[0] = conf->g.auth_alg[1] = -1;
		} algspec {
			if (auth_nalg == 0) {
				yyerror("auth algorithms: none given");
				YYERROR;
			}
		}
		| AUTH NONCE LIFETIME NUMBER {
			if ($4 < 1 || $4 > AUTH_NONCE_LIFETIME_MAX) {
				yyerror("auth nonce lifetime %lld: out of "
				    "range 1 to %d", $4,
				    AUTH_NONCE_LIFETIME_MAX);
				YYERROR;
			}
			conf->g.auth_nonce_lifetime = $4;
		}
		| LOCAL DOMAIN STRING {
			if (conf->g.local_domain[0] != '\0') {
				yyerror("local domain given twice");
				YYERROR;
			}
			if (word_valid("local domain", $3, LOCAL_DOMAIN_LEN,
			    "-.") == -1)
				YYERROR;
			strlcpy(conf->g.local_domain, $3,
			    sizeof(conf->g.local_domain));
			free($3);
		}
		| acl
		;

yesno		: YES			{ $$ = 1; }
		| NO			{ $$ = 0; }
		;

codecact	: ALLOW			{ codec_list = CODEC_ALLOW; }
		| DENY			{ codec_list = CODEC_DENY; }
		;

codecs		: codecname
		| '{' codecnames '}'
		;

codecnames	: codecname
		| codecnames comma codecname
		;

comma		: ','
		| /* empty */
		;

codecname	: STRING {
			if (codec_add($1) == -1)
				YYERROR;
			free($1);
		}
		;

methodspec	: method
		| '{' methods '}'
		;

methods		: /* empty */
		| methods method
		;

method		: STRING {
			if (auth_method_add($1) == -1)
				YYERROR;
			free($1);
		}
		;

algspec		: alg
		| '{' algs '}'
		;

algs		: /* empty */
		| algs alg
		;

alg		: STRING {
			if (auth_alg_add($1) == -1)
				YYERROR;
			free($1);
		}
		;


/*
 * Access control: tables, allow and deny rules, what a scanner gets
 * (acl.c, ban.c).
 */
acl		: TABLE '<' STRING '>' '{' {
			/* $3 stays on the stack: freed at the end. */
			if (acl_table_name($3) == -1) {
				acl_cur = NULL;
				YYERROR;
			}
		} optnl acl_items '}' {
			free($3);
		}
		| TABLE '<' STRING '>' FILENAME STRING {
			const char	*why;

			if (acl_table_name($3) == -1)
				YYERROR;
			if ($6[0] != '/') {
				yyerror("table <%s> file %s: must be an "
				    "absolute path", $3, $6);
				YYERROR;
			}
			if ((why = acl_set_file(acl_cur, $6)) != NULL) {
				yyerror("table <%s>: %s", $3, why);
				YYERROR;
			}
			/* The parent may read it again on reload. */
			config_add_file(conf, $6);
			free($3);
			free($6);
		}
		| ALLOW acl_what FROM acl_from {
			if (acl_rule_add(conf->acl, ACL_ALLOW, $2, $4) == -1) {
				yyerror("more than %d access rules",
				    ACL_RULES_MAX);
				YYERROR;
			}
		}
		| DENY acl_what FROM acl_from {
			if (acl_rule_add(conf->acl, ACL_DENY, $2, $4) == -1) {
				yyerror("more than %d access rules",
				    ACL_RULES_MAX);
				YYERROR;
			}
		}
		| BLOCK RETURN		{ conf->g.block_return = 1; }
		| BLOCK DROP		{ conf->g.block_return = 0; }
		| BLOCK SCANNERS	{ conf->g.block_scanners = 1; }
		| ALLOW SCANNERS	{ conf->g.block_scanners = 0; }
		| SCANNER STRING {
			if (acl_scanner_add(conf->acl, $2) == -1) {
				yyerror("scanner \"%s\": empty, longer than %d "
				    "or more than %d patterns", $2,
				    SCANNER_LEN - 1, SCANNERS_MAX);
				YYERROR;
			}
			free($2);
		}
		| STEALTH yesno		{ conf->g.stealth = $2; }
		| LIMIT REQUESTS PER SECOND NUMBER optburst {
			if ($5 < 0 || $5 > LIMIT_REQUESTS_MAX) {
				yyerror("limit requests per second %lld: out of "
				    "range 0 to %d", $5, LIMIT_REQUESTS_MAX);
				YYERROR;
			}
			if ($5 == 0 && $6 != 0) {
				yyerror("limit requests per second 0: no burst "
				    "without a limit");
				YYERROR;
			}
			conf->g.limit_requests = $5;
			conf->g.limit_burst = $6 != 0 ? $6 : $5;
		}
		| LIMIT AUTH FAILURES NUMBER {
			if ($4 < 0 || $4 > LIMIT_AUTH_MAX) {
				yyerror("limit auth failures %lld: out of range "
				    "0 to %d", $4, LIMIT_AUTH_MAX);
				YYERROR;
			}
			conf->g.limit_auth = $4;
		}
		| BAN TIME NUMBER {
			if ($3 < 0 || $3 > BAN_TIME_MAX) {
				yyerror("ban time %lld: out of range 0 to %d",
				    $3, BAN_TIME_MAX);
				YYERROR;
			}
			conf->g.ban_time = $3;
		}
		| USERAGENT STRING {
			const char	*p;

			for (p = $2; *p != '\0'; p++)
				if (*p < 0x20 || *p > 0x7e)
					break;
			if (*p != '\0' || $2[0] == '\0' ||
			    strlen($2) >= sizeof(conf->g.user_agent)) {
				yyerror("user-agent: empty, longer than %zu or "
				    "not printable ASCII",
				    sizeof(conf->g.user_agent) - 1);
				YYERROR;
			}
			strlcpy(conf->g.user_agent, $2,
			    sizeof(conf->g.user_agent));
			free($2);
		}
		;

acl_what	: SIP			{ $$ = ACL_SIP; }
		| REGISTER		{ $$ = ACL_REGISTER; }
		;

optburst	: /* empty */		{ $$ = 0; }
		| BURST NUMBER {
			if ($2 < 1 || $2 > LIMIT_BURST_MAX) {
				yyerror("burst %lld: out of range 1 to %d",
				    $2, LIMIT_BURST_MAX);
				YYERROR;
			}
			$$ = $2;
		}
		;

optnl		: /* empty */
		| optnl '\n'
		;

/* Where a rule's requests come from: a set of its own, or a table. */
acl_from	: ANY {
			if ((acl_cur = acl_set_new(conf->acl, NULL)) == NULL) {
				yyerror("more than %d tables and lists",
				    ACL_SETS_MAX);
				YYERROR;
			}
			if (acl_add_any(acl_cur) == -1)
				fatal(NULL);
			$$ = acl_cur;
		}
		| acl_host {
			if ((acl_cur = acl_set_new(conf->acl, NULL)) == NULL ||
			    acl_set_add(acl_cur, &$1) == -1) {
				yyerror("more than %d tables and lists",
				    ACL_SETS_MAX);
				YYERROR;
			}
			$$ = acl_cur;
		}
		| '<' STRING '>' {
			if (($$ = acl_set_find(conf->acl, $2)) == NULL) {
				yyerror("table <%s> not defined", $2);
				YYERROR;
			}
			free($2);
		}
		| '{' {
			if ((acl_cur = acl_set_new(conf->acl, NULL)) == NULL) {
				yyerror("more than %d tables and lists",
				    ACL_SETS_MAX);
				YYERROR;
			}
		} optnl acl_items '}' {
			$$ = acl_cur;
		}
		;

acl_items	: /* empty */
		| acl_items acl_item optcomma
		;

optcomma	: optnl
		| ',' optnl
		;

acl_item	: acl_host {
			if (acl_set_add(acl_cur, &$1) == -1) {
				yyerror("more than %d entries in a list",
				    ACL_SET_NETS_MAX);
				YYERROR;
			}
		}
		| ANY {
			if (acl_add_any(acl_cur) == -1) {
				yyerror("more than %d entries in a list",
				    ACL_SET_NETS_MAX);
				YYERROR;
			}
		}
		| '<' STRING '>' {
			if (acl_item_table($2) == -1)
				YYERROR;
			free($2);
		}
		;

acl_host	: STRING {
			if (acl_net_parse($1, -1, &$$) == -1) {
				yyerror("%s: not an address or prefix", $1);
				YYERROR;
			}
			free($1);
		}
		| STRING '/' NUMBER {
			if ($3 < 0 || $3 > 128 ||
			    acl_net_parse($1, $3, &$$) == -1) {
				yyerror("%s/%lld: not an address prefix", $1,
				    $3);
				YYERROR;
			}
			free($1);
		}
		;

%%

struct keywords {
	const char	*k_name;
	int		 k_val;
};

static int
yyerror(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512], line[PATH_MAX + 600];

	/* The lexer reported this line already; yacc's echo adds nothing. */
	if (lex_errline == yylval.lineno && strcmp(fmt, "syntax error") == 0)
		return (0);
	file->errors++;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		strlcpy(msg, "error", sizeof(msg));
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d: %s", file->name, yylval.lineno,
	    msg);
	log_warnx("%s", line);
	if (errbuf != NULL) {
		if (errbuf[0] != '\0')
			strlcat(errbuf, "\n", errlen);
		strlcat(errbuf, line, errlen);
	}
	return (0);
}

/* An error about the file as a whole, not one line of it. */
static void
conferror(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512], line[PATH_MAX + 600];

	errors++;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		strlcpy(msg, "error", sizeof(msg));
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s", topfile->name, msg);
	log_warnx("%s", line);
	if (errbuf != NULL) {
		if (errbuf[0] != '\0')
			strlcat(errbuf, "\n", errlen);
		strlcat(errbuf, line, errlen);
	}
}

static int
kw_cmp(const void *k, const void *e)
{
	return (strcmp(k, ((const struct keywords *)e)->k_name));
}

static int
lookup(char *s)
{
	/* Sorted, for bsearch(). */
	static const struct keywords keywords[] = {
		{ "account",		ACCOUNT },
		{ "address",		ADDRESS },
		{ "algorithms",		ALGORITHMS },
		{ "allow",		ALLOW },
		{ "any",		ANY },
		{ "auth",		AUTH },
		{ "ban",		BAN },
		{ "block",		BLOCK },
		{ "burst",		BURST },
		{ "ca",			CA },
		{ "call",		CALL },
		{ "calls",		CALLS },
		{ "certificate",	CERTIFICATE },
		{ "codec",		CODEC },
		{ "connect",		CONNECT },
		{ "default",		DEFAULT },
		{ "dejitter",		DEJITTER },
		{ "deny",		DENY },
		{ "domain",		DOMAIN },
		{ "drop",		DROP },
		{ "dscp",		DSCP },
		{ "expires",		EXPIRES },
		{ "external",		EXTERNAL },
		{ "failures",		FAILURES },
		{ "file",		FILENAME },
		{ "for",		FOR },
		{ "from",		FROM },
		{ "header",		HEADER },
		{ "inactivity",		INACTIVITY },
		{ "include",		INCLUDE },
		{ "keepalive",		KEEPALIVE },
		{ "key",		KEY },
		{ "latch",		LATCH },
		{ "lifetime",		LIFETIME },
		{ "limit",		LIMIT },
		{ "listen",		LISTEN },
		{ "local",		LOCAL },
		{ "log",		LOG },
		{ "max",		MAXIMUM },
		{ "methods",		METHODS },
		{ "no",			NO },
		{ "nonce",		NONCE },
		{ "numbers",		NUMBERS },
		{ "offer",		OFFER },
		{ "on",			ON },
		{ "outbound",		OUTBOUND },
		{ "outside",		OUTSIDE },
		{ "password",		PASSWORD },
		{ "per",		PER },
		{ "port",		PORT },
		{ "ports",		PORTS },
		{ "proxy",		PROXY },
		{ "realm",		REALM },
		{ "register",		REGISTER },
		{ "registration",	REGISTRATION },
		{ "registrations",	REGISTRATIONS },
		{ "relay",		RELAY },
		{ "request-uri",	REQUESTURI },
		{ "requests",		REQUESTS },
		{ "return",		RETURN },
		{ "rewrite",		REWRITE },
		{ "rtp",		RTP },
		{ "scanner",		SCANNER },
		{ "scanners",		SCANNERS },
		{ "second",		SECOND },
		{ "sip",		SIP },
		{ "source",		SOURCE },
		{ "state",		STATE },
		{ "stealth",		STEALTH },
		{ "streams",		STREAMS },
		{ "strip",		STRIP },
		{ "stun",		STUN },
		{ "table",		TABLE },
		{ "target",		TARGET },
		{ "tcp",		TCP },
		{ "time",		TIME },
		{ "timeout",		TIMEOUT },
		{ "tls",		TLS },
		{ "to",			TO },
		{ "trunk",		TRUNK },
		{ "udp",		UDP },
		{ "user",		USER },
		{ "user-agent",		USERAGENT },
		{ "users",		USERS },
		{ "verbose",		VERBOSE },
		{ "yes",		YES }
	};
	const struct keywords	*p;

	p = bsearch(s, keywords, nitems(keywords), sizeof(keywords[0]),
	    kw_cmp);
	return (p != NULL ? p->k_val : STRING);
}

static int
lgetc(int quotec)
{
	int	 c, next;

	if (quotec) {
		if ((c = getc(file->stream)) == EOF) {
			yyerror("reached end of file while parsing a quoted "
			    "string");
			if (file == topfile || popfile() == EOF)
				return (EOF);
			return (quotec);
		}
		return (c);
	}

	while ((c = getc(file->stream)) == '\\') {
		next = getc(file->stream);
		if (next != '\n') {
			c = next;
			break;
		}
		yylval.lineno = file->lineno;
		file->lineno++;
	}

	if (c == EOF) {
		/*
		 * A file's last line may lack its line break: give one, so
		 * that its statement ends in that file. Then the end of the
		 * top file, or back to the including one.
		 */
		if (!file->eof_nl) {
			file->eof_nl = 1;
			return ('\n');
		}
		if (file == topfile || popfile() == EOF)
			return (EOF);
		return (lgetc(0));
	}
	return (c);
}

static int
lungetc(int c)
{
	if (c == EOF)
		return (EOF);
	return (ungetc(c, file->stream));
}

static int
findeol(void)
{
	int	 c;

	/* Leave the line break: the parser resynchronises on it. */
	for (;;) {
		c = lgetc(0);
		if (c == '\n') {
			lungetc(c);
			break;
		}
		if (c == EOF)
			break;
	}
	lex_errline = file->lineno;
	return (ERROR);
}

#define allowed_in_string(x) \
	(isalnum(x) || (ispunct(x) && x != '(' && x != ')' && \
	x != '{' && x != '}' && x != '<' && x != '>' && \
	x != '!' && x != '=' && x != '/' && x != '#' && \
	x != ','))

static int
yylex(void)
{
	char		 buf[MAXTOKEN], *p, *val;
	int		 quotec, next, c, token;
	long long	 number;
	const char	*errstr;

 top:
	p = buf;
	while ((c = lgetc(0)) == ' ' || c == '\t')
		;	/* nothing */

	yylval.lineno = file->lineno;
	if (c == '#')
		while ((c = lgetc(0)) != '\n' && c != EOF)
			;	/* nothing */
	if (c == '$') {
		while (1) {
			if ((c = lgetc(0)) == EOF)
				return (0);
			if (p + 1 >= buf + sizeof(buf) - 1) {
				yyerror("macro name too long");
				return (findeol());
			}
			if (isalnum(c) || c == '_') {
				*p++ = c;
				continue;
			}
			*p = '\0';
			lungetc(c);
			break;
		}
		if (p == buf) {
			yyerror("macro name missing after $");
			return (findeol());
		}
		if ((val = symget(buf)) == NULL) {
			yyerror("macro '%s' not defined", buf);
			return (findeol());
		}
		/* A macro holding a number is one. */
		number = strtonum(val, 0, LLONG_MAX, &errstr);
		if (errstr == NULL) {
			yylval.v.number = number;
			return (NUMBER);
		}
		if ((yylval.v.string = strdup(val)) == NULL)
			fatal("yylex: strdup");
		return (STRING);
	}

	switch (c) {
	case '\'':
	case '"':
		quotec = c;
		while (1) {
			if ((c = lgetc(quotec)) == EOF)
				return (0);
			if (c == '\n') {
				yyerror("unterminated quoted string");
				lungetc(c);
				lex_errline = file->lineno;
				return (ERROR);
			} else if (c == '\\') {
				if ((next = lgetc(quotec)) == EOF)
					return (0);
				if (next == quotec || next == '\\')
					c = next;
				else if (next == '\n') {
					file->lineno++;
					continue;
				} else
					lungetc(next);
			} else if (c == quotec) {
				*p = '\0';
				break;
			} else if (c == '\0') {
				yyerror("NUL byte in quoted string");
				return (findeol());
			}
			if (p + 1 >= buf + sizeof(buf) - 1) {
				yyerror("string too long");
				return (findeol());
			}
			*p++ = c;
		}
		if ((yylval.v.string = strdup(buf)) == NULL)
			fatal("yylex: strdup");
		/* It may be a password. */
		explicit_bzero(buf, sizeof(buf));
		return (STRING);
	}

#define allowed_to_end_number(x) \
	(isspace(x) || x == ')' || x ==',' || x == '/' || x == '}' || x == '=')

	if (c == '-' || isdigit(c)) {
		do {
			*p++ = c;
			if ((size_t)(p - buf) >= sizeof(buf)) {
				yyerror("string too long");
				return (findeol());
			}
		} while ((c = lgetc(0)) != EOF && isdigit(c));
		lungetc(c);
		if (p == buf + 1 && buf[0] == '-')
			goto nodigits;
		if (c == EOF || allowed_to_end_number(c)) {
			*p = '\0';
			yylval.v.number = strtonum(buf, LLONG_MIN, LLONG_MAX,
			    &errstr);
			if (errstr != NULL) {
				yyerror("\"%s\" invalid number: %s", buf,
				    errstr);
				return (findeol());
			}
			return (NUMBER);
		} else {
 nodigits:
			while (p > buf + 1)
				lungetc((unsigned char)*--p);
			c = (unsigned char)*--p;
			if (c == '-')
				return (c);
		}
	}

	if (isalnum(c) || c == ':' || c == '_' || c == '.' || c == '[') {
		do {
			*p++ = c;
			if ((size_t)(p - buf) >= sizeof(buf)) {
				yyerror("string too long");
				return (findeol());
			}
		} while ((c = lgetc(0)) != EOF && (allowed_in_string(c)));
		lungetc(c);
		*p = '\0';
		if ((token = lookup(buf)) == STRING)
			if ((yylval.v.string = strdup(buf)) == NULL)
				fatal("yylex: strdup");
		return (token);
	}
	if (c == '\n') {
		yylval.lineno = file->lineno;
		file->lineno++;
	}
	if (c == EOF)
		return (0);
	if (c == '\r')
		goto top;
	return (c);
}

/*
 * Open a file to parse: the top file as given, an include relative to the
 * including file's directory. Depth is bounded, so is the loop it guards.
 */
static struct file *
pushfile(const char *name)
{
	struct file	*nfile;
	struct stat	 st;
	char		 path[PATH_MAX], dir[PATH_MAX], *base = NULL;

	if (nfiles >= INCLUDE_DEPTH) {
		yyerror("include %s: nested deeper than %d", name,
		    INCLUDE_DEPTH);
		return (NULL);
	}
	/* Relative to the including file's directory. */
	if (name[0] != '/' && file != NULL) {
		strlcpy(dir, file->name, sizeof(dir));
		base = dirname(dir);
		if (strcmp(base, ".") == 0)
			base = NULL;
	}
	if ((base == NULL ? strlcpy(path, name, sizeof(path)) :
	    (size_t)snprintf(path, sizeof(path), "%s/%s", base, name)) >=
	    sizeof(path)) {
		if (file != NULL)
			yyerror("include %s: path too long", name);
		else
			log_warnx("%s: path too long", name);
		return (NULL);
	}

	if ((nfile = calloc(1, sizeof(struct file))) == NULL ||
	    (nfile->name = strdup(path)) == NULL)
		fatal(NULL);
	if ((nfile->stream = fopen(nfile->name, "r")) == NULL) {
		if (file != NULL)
			yyerror("include: %s: %s", nfile->name,
			    strerror(errno));
		else
			log_warn("%s", nfile->name);
		free(nfile->name);
		free(nfile);
		return (NULL);
	}
	/* A device or fifo could block the parent or never end. */
	if (fstat(fileno(nfile->stream), &st) == -1 || !S_ISREG(st.st_mode)) {
		if (file != NULL)
			yyerror("include: %s: not a regular file",
			    nfile->name);
		else
			log_warnx("%s: not a regular file", nfile->name);
		fclose(nfile->stream);
		free(nfile->name);
		free(nfile);
		return (NULL);
	}
	config_add_file(conf, nfile->name);
	/* An include starts with the line break lungetc() put back. */
	nfile->lineno = TAILQ_EMPTY(&files) ? 1 : 0;
	TAILQ_INSERT_TAIL(&files, nfile, entry);
	nfiles++;
	return (nfile);
}

static int
popfile(void)
{
	struct file	*prev;

	if ((prev = TAILQ_PREV(file, files, entry)) != NULL)
		prev->errors += file->errors;

	TAILQ_REMOVE(&files, file, entry);
	fclose(file->stream);
	free(file->name);
	free(file);
	file = prev;
	nfiles--;
	return (file ? 0 : EOF);
}

struct sipproxd_config *
parse_config(const char *filename, char *ebuf, size_t elen)
{
	struct sym	*sym, *next;
	char		 ebuf_users[256];

	errbuf = ebuf;
	errlen = elen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	errors = 0;
	seen_outside = 0;
	external_seen = 0;
	lex_errline = 0;

	if ((conf = config_new()) == NULL)
		fatal(NULL);
	if (strlcpy(conf->g.conffile, filename, sizeof(conf->g.conffile)) >=
	    sizeof(conf->g.conffile)) {
		if (errbuf != NULL)
			snprintf(errbuf, errlen, "%s: path too long", filename);
		config_free(conf);
		return (NULL);
	}
	file = NULL;
	if ((file = pushfile(filename)) == NULL) {
		if (errbuf != NULL)
			snprintf(errbuf, errlen, "%s: %s", filename,
			    strerror(errno));
		config_free(conf);
		return (NULL);
	}
	topfile = file;

	yyparse();
	errors += file->errors;
	popfile();

	if (errors == 0 && TAILQ_EMPTY(&conf->listeners)) {
		topfile = &(struct file){ .name = (char *)filename };
		conferror("no listen on given");
	}
	if (errors == 0 && !seen_outside) {
		topfile = &(struct file){ .name = (char *)filename };
		conferror("no outside interface or address given");
	}
	/* RFC 3261 18: SIP over TCP comes on top of UDP, not instead. */
	if (errors == 0 && !(seen_outside & (1 << SIP_TR_UDP))) {
		topfile = &(struct file){ .name = (char *)filename };
		conferror("outside %s tcp or tls without outside %s: SIP over "
		    "TCP comes on top of UDP", conf->g.outside_name,
		    conf->g.outside_name);
	}
	if (errors == 0 && !listen_udp()) {
		topfile = &(struct file){ .name = (char *)filename };
		conferror("no listen on for UDP: SIP over TCP comes on top of "
		    "UDP");
	}

	if (errors == 0) {
		topfile = &(struct file){ .name = (char *)filename };
		tls_files_check();
	}

	if (errors == 0 && users_finish(conf, ebuf_users, sizeof(ebuf_users)) ==
	    -1) {
		topfile = &(struct file){ .name = (char *)filename };
		conferror("%s", ebuf_users);
	}

	if (errors == 0)
		acl_conf_done(conf->acl);

	/* By default a source may hold half the relay's port pairs. */
	if (errors == 0 && conf->g.limit_streams == 0) {
		conf->g.limit_streams = (conf->g.rtp_port_hi - conf->g.rtp_port_lo +
		    1) / 2 / 2;
		if (conf->g.limit_streams == 0)
			conf->g.limit_streams = 1;
	}

	/* By default a source may hold half the table, LIMIT_REGS at most. */
	if (errors == 0 && conf->g.limit_regs == 0) {
		conf->g.limit_regs = conf->g.reg_max / 2;
		if (conf->g.limit_regs > LIMIT_REGS)
			conf->g.limit_regs = LIMIT_REGS;
		if (conf->g.limit_regs == 0)
			conf->g.limit_regs = 1;
	}

	/* Macros of this file go; those from -D stay for the next parse. */
	TAILQ_FOREACH_SAFE(sym, &symhead, entry, next) {
		if (sym->persist)
			continue;
		TAILQ_REMOVE(&symhead, sym, entry);
		free(sym->nam);
		free(sym->val);
		free(sym);
	}

	if (errors) {
		config_free(conf);
		conf = NULL;
	}
	return (conf);
}

static int
symset(const char *nam, const char *val, int persist)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry) {
		if (strcmp(nam, sym->nam) == 0)
			break;
	}
	if (sym != NULL) {
		if (sym->persist == 1)
			return (0);
		TAILQ_REMOVE(&symhead, sym, entry);
		free(sym->nam);
		free(sym->val);
		free(sym);
	}
	if ((sym = calloc(1, sizeof(*sym))) == NULL)
		return (-1);
	sym->nam = strdup(nam);
	sym->val = strdup(val);
	if (sym->nam == NULL || sym->val == NULL) {
		free(sym->nam);
		free(sym->val);
		free(sym);
		return (-1);
	}
	sym->persist = persist;
	TAILQ_INSERT_TAIL(&symhead, sym, entry);
	return (0);
}

int
cmdline_symset(char *s)
{
	char	*sym, *val;
	int	 ret;

	if ((val = strrchr(s, '=')) == NULL || val == s)
		return (-1);
	if ((sym = strndup(s, val - s)) == NULL)
		fatal("%s: strndup", __func__);
	ret = symset(sym, val + 1, 1);
	free(sym);
	return (ret);
}

static char *
symget(const char *nam)
{
	struct sym	*sym;

	TAILQ_FOREACH(sym, &symhead, entry) {
		if (strcmp(nam, sym->nam) == 0) {
			sym->used = 1;
			return (sym->val);
		}
	}
	return (NULL);
}

/* A numeric IPv4 or IPv6 address, never a name: no DNS in the parent. */
static int
host_addr(const char *s, struct sockaddr_storage *ss)
{
	struct addrinfo	 hints, *res;
	int		 rv;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(s, NULL, &hints, &res) != 0)
		return (-1);
	rv = sa_copy(res->ai_addr, ss);
	freeaddrinfo(res);
	return (rv);
}

static int
listen_one(const char *name, const struct sockaddr_storage *ss,
    in_port_t port, int tr)
{
	struct listener	*l, *o;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal(NULL);
	l->ss = *ss;
	sa_set_port(&l->ss, port);
	strlcpy(l->name, name, sizeof(l->name));
	l->transport = tr;
	l->proto = tr == SIP_TR_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	l->fd = -1;
	if ((o = listener_find(&conf->listeners, l)) != NULL) {
		yyerror("listen on %s port %u %s: %s",
		    addr_str((struct sockaddr *)&l->ss, 0), port,
		    transport_str(tr), o->outside ? "the outside's address" :
		    "duplicate");
		free(l);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&conf->listeners, l, entry);
	return (0);
}

/* An address, or every address of an interface but IPv6 link-local. */
static int
listen_add(const char *name, long long port, int tr)
{
	struct sockaddr_storage	 ss;
	const struct in6_addr	*a6;
	struct ifaddrs		*ifap, *ifa;
	int			 found = 0, ret = 0;

	if (strlen(name) >= NAME_LEN) {
		yyerror("listen on %s: name too long", name);
		return (-1);
	}
	if (host_addr(name, &ss) == 0)
		return (listen_one(name, &ss, port, tr));

	if (getifaddrs(&ifap) == -1)
		fatal("getifaddrs");
	for (ifa = ifap; ifa != NULL; ifa = ifa->ifa_next) {
		if (strcmp(ifa->ifa_name, name) != 0 || ifa->ifa_addr == NULL ||
		    sa_copy(ifa->ifa_addr, &ss) == -1)
			continue;
		if ((a6 = sa_in6(&ss)) != NULL && IN6_IS_ADDR_LINKLOCAL(a6))
			continue;
		found = 1;
		if (listen_one(name, &ss, port, tr) == -1)
			ret = -1;
	}
	freeifaddrs(ifap);
	if (!found) {
		yyerror("listen on %s: unknown interface or address", name);
		return (-1);
	}
	return (ret);
}

/* A TCP listener inside needs a UDP one beside it. */
static int
listen_udp(void)
{
	struct listener	*l;
	int		 udp = 0, tcp = 0;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		if (l->outside)
			continue;
		if (l->proto == IPPROTO_UDP)
			udp = 1;
		else
			tcp = 1;
	}
	return (udp || !tcp);
}

/*
 * The outside: an address, or an interface's first IPv4 (else IPv6). Its
 * SIP socket is a listener of its own, marked outside; one per transport,
 * all on the same outside.
 */
static int
outside_set(const char *name, in_port_t port, int tr)
{
	struct listener		*l;
	int			 found = 0;

	if (seen_outside & (1 << tr)) {
		yyerror("outside %s%sgiven twice", tr != SIP_TR_UDP ?
		    transport_str(tr) : "", tr != SIP_TR_UDP ? " " : "");
		return (-1);
	}
	if (seen_outside && strcmp(conf->g.outside_name, name) != 0) {
		yyerror("outside %s: the outside is %s already", name,
		    conf->g.outside_name);
		return (-1);
	}
	seen_outside |= 1 << tr;
	if (strlcpy(conf->g.outside_name, name, sizeof(conf->g.outside_name)) >=
	    sizeof(conf->g.outside_name)) {
		yyerror("outside %s: name too long", name);
		return (-1);
	}
	if (host_addr(name, &conf->g.outside_addr) == 0)
		found = 1;
	else if (iface_addr(name, &conf->g.outside_addr) == 0) {
		/* The parent follows the interface's address (wan.c). */
		conf->g.outside_iface = 1;
		found = 1;
	}
	if (!found) {
		yyerror("outside %s: unknown interface or address", name);
		return (-1);
	}
	sa_set_port(&conf->g.outside_addr, 0);

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal(NULL);
	l->ss = conf->g.outside_addr;
	sa_set_port(&l->ss, port);
	strlcpy(l->name, name, sizeof(l->name));
	l->transport = tr;
	l->proto = tr == SIP_TR_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	l->outside = 1;
	l->fd = -1;
	if (listener_find(&conf->listeners, l) != NULL) {
		yyerror("outside %s port %u%s%s: also a listen on address",
		    addr_str((struct sockaddr *)&l->ss, 0), port,
		    tr != SIP_TR_UDP ? " " : "",
		    tr != SIP_TR_UDP ? transport_str(tr) : "");
		free(l);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&conf->listeners, l, entry);
	return (0);
}

/*
 * A host name to resolve: letters, digits, hyphens and dots, not
 * starting with a dot or a hyphen, its last label not all digits (that
 * is a mistyped address: RFC 3696 2).
 */
static int
host_name_ok(const char *s)
{
	const char	*last;
	size_t		 n;

	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
	if (n == 0 || n > 253 || s[n] != '\0' || s[0] == '.' || s[0] == '-')
		return (0);
	last = (last = strrchr(s, '.')) != NULL ? last + 1 : s;
	return (last[strspn(last, "0123456789")] != '\0');
}

/* A host name (letters, digits, hyphens, dots) or an address. */
static int
outbound_host(const char *name)
{
	struct sockaddr_storage	 ss;
	const char		*p;

	if (host_addr(name, &ss) == 0)
		return (0);
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			break;
	if (*p != '\0' || *name == '\0' || strlen(name) > 253) {
		yyerror("outbound proxy %s: not a host name or address", name);
		return (-1);
	}
	return (0);
}

static int
outbound_set(const char *name, long long port, int tr)
{
	if (conf->g.outbound_proxy[0] != '\0') {
		yyerror("outbound proxy given twice");
		return (-1);
	}
	if (outbound_host(name) == -1)
		return (-1);
	if (strlcpy(conf->g.outbound_proxy, name,
	    sizeof(conf->g.outbound_proxy)) >= sizeof(conf->g.outbound_proxy)) {
		yyerror("outbound proxy %s: name too long", name);
		return (-1);
	}
	conf->g.outbound_port = port;
	conf->g.outbound_transport = tr;
	return (0);
}

/*
 * `outbound proxy ... for domain`: a domain name of labels (letters,
 * digits, hyphens) between single dots, or an address, each domain
 * once (without case), OUTBOUND_DOMAINS_MAX of them.
 */
static int
outbound_domain_add(const char *name, long long port, int tr,
    const char *domain)
{
	struct sockaddr_storage	 ss;
	struct conf_outbound	*co;
	size_t			 len = strlen(domain);
	unsigned int		 i;

	if (outbound_host(name) == -1)
		return (-1);
	if (len >= OUTBOUND_DOMAIN_LEN) {
		yyerror("outbound proxy for domain: name too long");
		return (-1);
	}
	if (host_addr(domain, &ss) == -1 && (len == 0 || domain[0] == '.' ||
	    domain[len - 1] == '.' || strstr(domain, "..") != NULL ||
	    strspn(domain, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != len)) {
		yyerror("outbound proxy for domain \"%s\": not a domain name",
		    domain);
		return (-1);
	}
	for (i = 0; i < conf->noutbound; i++)
		if (strcasecmp(conf->outbound[i].domain, domain) == 0) {
			yyerror("outbound proxy for domain %s: given twice",
			    domain);
			return (-1);
		}
	if (conf->noutbound >= OUTBOUND_DOMAINS_MAX) {
		yyerror("outbound proxy for domain %s: more than %d domains",
		    domain, OUTBOUND_DOMAINS_MAX);
		return (-1);
	}
	co = &conf->outbound[conf->noutbound];
	if (strlcpy(co->host, name, sizeof(co->host)) >= sizeof(co->host)) {
		yyerror("outbound proxy %s: name too long", name);
		return (-1);
	}
	strlcpy(co->domain, domain, sizeof(co->domain));
	co->port = port;
	co->transport = tr;
	conf->noutbound++;
	return (0);
}

static int
dscp_value(const char *name, long long n, int *out)
{
	int	 v;

	if (name != NULL) {
		if ((v = dscp_from_name(name)) == -1) {
			yyerror("dscp %s: unknown, expected a name like ef "
			    "or af41, or a number 0 to 63", name);
			return (-1);
		}
	} else if (n < 0 || n > 63) {
		yyerror("dscp %lld: out of range 0 to 63", n);
		return (-1);
	} else
		v = n;
	*out = v;
	return (0);
}

/*
 * One encoding name for `codec allow` or `codec deny`, as a=rtpmap spells
 * it (RFC 4855: without case). Each list holds CODEC_MAX names.
 */
static int
codec_add(const char *name)
{
	struct codec_rules	*r = &conf->g.codecs;
	char			(*list)[CODEC_NAMELEN];
	uint32_t		*n, i;
	size_t			 len = strlen(name);

	if (codec_list == CODEC_ALLOW) {
		list = r->allow;
		n = &r->nallow;
	} else {
		list = r->deny;
		n = &r->ndeny;
	}
	if (len == 0 || len >= CODEC_NAMELEN || strcspn(name, "/ \t\"") !=
	    len) {
		yyerror("codec \"%s\": not an encoding name", name);
		return (-1);
	}
	for (i = 0; i < *n; i++)
		if (strcasecmp(list[i], name) == 0) {
			yyerror("codec %s: listed twice", name);
			return (-1);
		}
	if (*n >= CODEC_MAX) {
		yyerror("codec %s: more than %d in a list", name, CODEC_MAX);
		return (-1);
	}
	strlcpy(list[(*n)++], name, CODEC_NAMELEN);
	return (0);
}

/* A TLS file, read where it is given: errors name its line. */
static int
tls_file_set(int which, const char *path)
{
	struct tlsfile	*tf = &conf->tls[which];
	char		 why[256];

	if (tf->path != NULL) {
		yyerror("tls %s given twice", tlsfile_name(which));
		return (-1);
	}
	/* The parent reads it again on reload, from "/". */
	if (path[0] != '/') {
		yyerror("tls %s %s: must be an absolute path",
		    tlsfile_name(which), path);
		return (-1);
	}
	if (strlen(path) >= PATH_MAX) {
		yyerror("tls %s: path too long", tlsfile_name(which));
		return (-1);
	}
	if ((tf->path = strdup(path)) == NULL)
		fatal(NULL);
	if (config_tls_read(tf, which, why, sizeof(why)) == -1) {
		yyerror("tls %s %s: %s", tlsfile_name(which), path, why);
		free(tf->path);
		tf->path = NULL;
		return (-1);
	}
	return (0);
}

/*
 * A path in the configuration: as it is when absolute, else relative to
 * the directory of the file it is written in, like an include.
 */
static int
conf_path(const char *name, char *path, size_t len)
{
	char	 dir[PATH_MAX], *base = NULL;

	if (name[0] != '/') {
		strlcpy(dir, file->name, sizeof(dir));
		base = dirname(dir);
		if (strcmp(base, ".") == 0)
			base = NULL;
	}
	if ((base == NULL ? strlcpy(path, name, len) :
	    (size_t)snprintf(path, len, "%s/%s", base, name)) >= len)
		return (-1);
	return (0);
}

/*
 * Without a CA file given, the system's bundle: without one no server
 * can be verified, so outgoing TLS (a sips: target) could only fail. A
 * system without the bundle gets none. Then what needs both files.
 */
static void
tls_files_check(void)
{
	struct tlsfile	*tf = &conf->tls[TLS_FILE_CA];
	struct listener	*l;
	const char	*ca = tls_default_ca_cert_file();
	char		 why[256];
	unsigned int	 i;

	if (tf->path == NULL) {
		if (access(ca, F_OK) == -1)
			log_debug("%s: %s, no CA to verify servers by", ca,
			    strerror(errno));
		else {
			if ((tf->path = strdup(ca)) == NULL)
				fatal(NULL);
			tf->implicit = 1;
			if (config_tls_read(tf, TLS_FILE_CA, why,
			    sizeof(why)) == -1)
				conferror("tls ca %s: %s", ca, why);
		}
	}
	if (errors == 0 && config_tls_check(conf, why, sizeof(why)) == -1)
		conferror("%s", why);
	if (errors != 0)
		return;
	TAILQ_FOREACH(l, &conf->listeners, entry) {
		if (l->transport != SIP_TR_TLS ||
		    conf->tls[TLS_FILE_CERT].data != NULL)
			continue;
		conferror("%s %s port %u tls: no tls certificate and key given",
		    l->outside ? "outside" : "listen on",
		    addr_str((struct sockaddr *)&l->ss, 0), sa_port(&l->ss));
		break;
	}
	if (conf->g.outbound_transport == SIP_TR_TLS &&
	    conf->tls[TLS_FILE_CA].data == NULL)
		conferror("outbound proxy %s tls: no tls ca to verify it by",
		    conf->g.outbound_proxy);
	for (i = 0; i < conf->noutbound; i++)
		if (conf->outbound[i].transport == SIP_TR_TLS &&
		    conf->tls[TLS_FILE_CA].data == NULL) {
			conferror("outbound proxy %s tls for domain %s: no "
			    "tls ca to verify it by", conf->outbound[i].host,
			    conf->outbound[i].domain);
			break;
		}
}

/*
 * A file with a password in it should be as private as the users file
 * must be; it is not refused, as the users file would be, but said.
 */
static void
file_secrecy(void)
{
	struct stat	 st;

	if (file->secrecy_warned || fstat(fileno(file->stream), &st) == -1)
		return;
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 ||
	    (st.st_uid != 0 && st.st_uid != getuid())) {
		log_warnx("%s: holds passwords but is readable by group or "
		    "others or not owned by root; a users file is safer",
		    file->name);
		file->secrecy_warned = 1;
	}
}

/* A word of letters, digits and the characters of extra, not empty. */
static int
word_valid(const char *what, const char *s, size_t maxlen, const char *extra)
{
	const char	*p;

	if (*s == '\0' || strlen(s) >= maxlen) {
		yyerror("%s: empty or longer than %zu", what, maxlen - 1);
		return (-1);
	}
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && (*p == '\0' ||
		    strchr(extra, *p) == NULL)) {
			yyerror("%s %s: character not allowed", what, s);
			return (-1);
		}
	return (0);
}

/*
 * A rewrite, checked as the engine will take it (rewrite_conf.c), kept
 * in the order written.
 */
static int
rewrite_add(int type, const char *name, const char *a, const char *b)
{
	struct rewrite	*rw;
	regex_t		 re;
	char		 err[512];
	unsigned int	 n = 0, max = 1;

	switch (type) {
	case REWRITE_STRIP:
		if (rewrite_header_check(name, err, sizeof(err)) == -1)
			goto bad;
		max = STRIP_MAX;
		break;
	case REWRITE_DEFAULT:
		if (rewrite_uri_check(a, err, sizeof(err)) == -1) {
			yyerror("default target %s", err);
			return (-1);
		}
		break;
	case REWRITE_TRUNK:
		if (word_valid("trunk", name, REWRITE_NAME_LEN, "-_.") == -1)
			return (-1);
		if (rewrite_uri_check(a, err, sizeof(err)) == -1) {
			yyerror("trunk %s account %s", name, err);
			return (-1);
		}
		if (rewrite_regex_compile(&re, b, REG_NOSUB, err,
		    sizeof(err)) == -1) {
			yyerror("trunk %s numbers %s", name, err);
			return (-1);
		}
		regfree(&re);
		max = TRUNK_MAX;
		break;
	case REWRITE_RURI:
		if (rewrite_regex_compile(&re, a, 0, err, sizeof(err)) == -1) {
			yyerror("rewrite request-uri %s", err);
			return (-1);
		}
		if (rewrite_repl_check(b, re.re_nsub, err, sizeof(err)) == -1) {
			regfree(&re);
			yyerror("rewrite request-uri \"%s\" to %s", a, err);
			return (-1);
		}
		regfree(&re);
		max = RURI_REWRITE_MAX;
		break;
	}
	TAILQ_FOREACH(rw, &conf->rewrites, entry) {
		if (rw->cr.type != type)
			continue;
		n++;
		if (type == REWRITE_DEFAULT) {
			yyerror("default target given twice");
			return (-1);
		}
		if (type != REWRITE_RURI &&
		    strcasecmp(rw->cr.name, name) == 0) {
			yyerror("%s \"%s\" given twice", type == REWRITE_STRIP ?
			    "strip header" : "trunk", name);
			return (-1);
		}
	}
	if (n >= max) {
		yyerror("more than %u %s lines", max, type == REWRITE_STRIP ?
		    "strip header" : type == REWRITE_TRUNK ? "trunk" :
		    "rewrite request-uri");
		return (-1);
	}
	if ((rw = calloc(1, sizeof(*rw))) == NULL)
		fatal(NULL);
	rw->cr.type = type;
	/* Each fits: checked above. */
	strlcpy(rw->cr.name, name, sizeof(rw->cr.name));
	strlcpy(rw->cr.a, a, sizeof(rw->cr.a));
	strlcpy(rw->cr.b, b, sizeof(rw->cr.b));
	TAILQ_INSERT_TAIL(&conf->rewrites, rw, entry);
	return (0);
 bad:
	yyerror("%s", err);
	return (-1);
}

static int
auth_method_add(const char *name)
{
	int	 m;

	if ((m = method_from_name(name)) == -1) {
		yyerror("auth methods: %s: not a SIP method that can be "
		    "challenged", name);
		return (-1);
	}
	auth_methods |= 1U << m;
	return (0);
}

static int
auth_alg_add(const char *name)
{
	int	 i, alg;

	for (alg = 0; alg < DIGEST_NALG; alg++)
		if (strcasecmp(name, digest_alg_word(alg)) == 0)
			break;
	if (alg == DIGEST_NALG) {
		yyerror("auth algorithms: %s: expected sha256 or md5", name);
		return (-1);
	}
	for (i = 0; i < auth_nalg; i++)
		if (conf->g.auth_alg[i] == alg) {
			yyerror("auth algorithms: %s given twice", name);
			return (-1);
		}
	conf->g.auth_alg[auth_nalg++] = alg;
	return (0);
}

/* `table <name>`: a new table, the list being read. */
static int
acl_table_name(const char *name)
{
	const char	*p;

	acl_cur = NULL;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			break;
	if (*p != '\0' || *name == '\0' || strlen(name) >= ACL_NAME_LEN) {
		yyerror("table <%s>: a name of up to %d letters, digits, _ "
		    "and -", name, ACL_NAME_LEN - 1);
		return (-1);
	}
	if (acl_set_find(conf->acl, name) != NULL) {
		yyerror("table <%s> defined twice", name);
		return (-1);
	}
	if ((acl_cur = acl_set_new(conf->acl, name)) == NULL) {
		yyerror("more than %d tables and lists", ACL_SETS_MAX);
		return (-1);
	}
	return (0);
}

/* `any`: both families, every address. */
static int
acl_add_any(struct acl_set *s)
{
	struct acl_net	 n;

	if (acl_net_parse("0.0.0.0/0", -1, &n) == -1 ||
	    acl_set_add(s, &n) == -1 ||
	    acl_net_parse("::/0", -1, &n) == -1 ||
	    acl_set_add(s, &n) == -1)
		return (-1);
	return (0);
}

/* `<name>` in a list: the table's entries go into it. */
static int
acl_item_table(const char *name)
{
	struct acl_set	*t;

	if ((t = acl_set_find(conf->acl, name)) == NULL) {
		yyerror("table <%s> not defined", name);
		return (-1);
	}
	if (t == acl_cur) {
		yyerror("table <%s> holds itself", name);
		return (-1);
	}
	if (acl_set_merge(acl_cur, t) == -1) {
		yyerror("more than %d entries in a list", ACL_SET_NETS_MAX);
		return (-1);
	}
	return (0);
}
