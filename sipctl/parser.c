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
 * The command line grammar of sipctl: one table of tokens per level, walked
 * word by word. A word matches a keyword exactly or as an unambiguous
 * prefix; NOTOKEN means the command may end at this level.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipproxd.h"
#include "parser.h"

enum token_type {
	NOTOKEN,
	ENDTOKEN,
	KEYWORD,
	ADDRESS,
	LOGCLASS	/* a keyword whose value is a LOG_C_* class */
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	int			 value;
	const struct token	*next;
};

static const struct token t_main[];
static const struct token t_show[];
static const struct token t_log[];
static const struct token t_calls[];
static const struct token t_end[];
static const struct token t_unban[];
static const struct token t_log_class[];

static const struct token t_main[] = {
	{ KEYWORD,	"show",		NONE,			t_show },
	{ KEYWORD,	"reload",	RELOAD,			t_end },
	{ KEYWORD,	"log",		NONE,			t_log },
	{ KEYWORD,	"unban",	UNBAN,			t_unban },
	{ KEYWORD,	"monitor",	MONITOR,		t_end },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static const struct token t_show[] = {
	{ NOTOKEN,	"",		SHOW_SUMMARY,		NULL },
	{ KEYWORD,	"registrations", SHOW_REGISTRATIONS,	t_end },
	{ KEYWORD,	"calls",	SHOW_CALLS,		t_calls },
	{ KEYWORD,	"rtp",		SHOW_RTP,		t_end },
	{ KEYWORD,	"stats",	SHOW_STATS,		t_end },
	{ KEYWORD,	"connections",	SHOW_CONNECTIONS,	t_end },
	{ KEYWORD,	"users",	SHOW_USERS,		t_end },
	{ KEYWORD,	"bans",		SHOW_BANS,		t_end },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static const struct token t_calls[] = {
	{ NOTOKEN,	"",		NONE,			NULL },
	{ KEYWORD,	"ended",	SHOW_CALLS_ENDED,	t_end },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static const struct token t_log[] = {
	{ KEYWORD,	"verbose",	LOG_VERBOSE,		t_log_class },
	{ KEYWORD,	"brief",	LOG_BRIEF,		t_end },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static const struct token t_unban[] = {
	{ ADDRESS,	"",		NONE,			t_end },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

/* log verbose [class ...]: none named is all of them. */
static const struct token t_log_class[] = {
	{ NOTOKEN,	"",		NONE,			NULL },
	{ LOGCLASS,	"sip",		LOG_C_SIP,		t_log_class },
	{ LOGCLASS,	"rtp",		LOG_C_RTP,		t_log_class },
	{ LOGCLASS,	"dns",		LOG_C_DNS,		t_log_class },
	{ LOGCLASS,	"control",	LOG_C_CONTROL,		t_log_class },
	{ LOGCLASS,	"all",		LOG_C_ALL,		t_log_class },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static const struct token t_end[] = {
	{ NOTOKEN,	"",		NONE,			NULL },
	{ ENDTOKEN,	"",		NONE,			NULL }
};

static struct parse_result	res;

static const struct token	*match_token(const char *,
				    const struct token *);
static void			 show_valid_args(const struct token *);

struct parse_result *
parse(int argc, char *argv[])
{
	const struct token	*table, *match;
	const char		*word;

	memset(&res, 0, sizeof(res));
	res.action = NONE;

	/* Every path ends in a table with a NOTOKEN, so this terminates. */
	for (table = t_main; table != NULL; table = match->next) {
		word = argc > 0 ? argv[0] : NULL;
		if ((match = match_token(word, table)) == NULL) {
			show_valid_args(table);
			return (NULL);
		}
		if (match->type == LOGCLASS)
			res.classes |= match->value;
		else if (match->value != NONE)
			res.action = match->value;
		if (match->type == NOTOKEN)
			break;
		argc--;
		argv++;
	}

	if (res.action == NONE) {
		fprintf(stderr, "missing argument\n");
		return (NULL);
	}
	return (&res);
}

static const struct token *
match_token(const char *word, const struct token *table)
{
	const struct token	*t, *match = NULL;
	struct in6_addr		 a;
	size_t			 len;
	int			 n = 0;

	if (word == NULL) {
		for (t = table; t->type != ENDTOKEN; t++)
			if (t->type == NOTOKEN)
				return (t);
		fprintf(stderr, "missing argument\n");
		return (NULL);
	}

	len = strlen(word);
	for (t = table; len > 0 && t->type != ENDTOKEN; t++) {
		if (t->type == ADDRESS) {
			if (inet_pton(AF_INET, word, &a) != 1 &&
			    inet_pton(AF_INET6, word, &a) != 1)
				break;
			strlcpy(res.addr, word, sizeof(res.addr));
			return (t);
		}
		if (t->type != KEYWORD && t->type != LOGCLASS)
			continue;
		if (strcmp(word, t->keyword) == 0)
			return (t);	/* an exact match always wins */
		if (strncmp(word, t->keyword, len) == 0) {
			match = t;
			n++;
		}
	}

	if (n == 1)
		return (match);
	if (n > 1)
		fprintf(stderr, "ambiguous argument: %s\n", word);
	else
		fprintf(stderr, "unknown argument: %s\n", word);
	return (NULL);
}

static void
show_valid_args(const struct token *table)
{
	const struct token	*t;

	fprintf(stderr, "valid commands/arguments:\n");
	for (t = table; t->type != ENDTOKEN; t++) {
		switch (t->type) {
		case NOTOKEN:
			fprintf(stderr, "  <cr>\n");
			break;
		case KEYWORD:
		case LOGCLASS:
			fprintf(stderr, "  %s\n", t->keyword);
			break;
		case ADDRESS:
			fprintf(stderr, "  <address>\n");
			break;
		case ENDTOKEN:
			break;
		}
	}
}
