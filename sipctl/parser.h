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

#ifndef SIPCTL_PARSER_H
#define SIPCTL_PARSER_H

enum actions {
	NONE,
	SHOW_SUMMARY,
	SHOW_REGISTRATIONS,
	SHOW_CALLS,
	SHOW_RTP,
	SHOW_STATS,
	SHOW_CONNECTIONS,
	RELOAD,
	LOG_VERBOSE,
	LOG_BRIEF,
	SHOW_USERS,
	SHOW_BANS,
	UNBAN,
	SHOW_CALLS_ENDED,
	MONITOR
};

struct parse_result {
	enum actions	 action;
	char		 addr[64];	/* unban: an IPv4 or IPv6 address */
	int		 classes;	/* log verbose: LOG_C_* */
};

struct parse_result	*parse(int, char *[]);

#endif /* SIPCTL_PARSER_H */
