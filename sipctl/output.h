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

#ifndef SIPCTL_OUTPUT_H
#define SIPCTL_OUTPUT_H

#include "sipproxd.h"
#include "parser.h"

/*
 * One back end per output format. sipctl.c calls head() before the first
 * record, one callback per record as it arrives (the listeners follow
 * their summary), result() for the answer to reload and log, and tail()
 * at the end; tail() returns -1 if the output could not be written.
 */
struct output {
	void	(*head)(struct parse_result *);
	void	(*summary)(struct ctl_summary *);
	void	(*listener)(struct ctl_listener *);
	void	(*registration)(struct binding *);
	void	(*call)(struct ctl_call *);
	void	(*rtp)(struct ctl_rtp_stream *);
	void	(*stats)(struct ctl_stats *);
	void	(*conn)(struct ctl_sip_conn *);
	void	(*user)(struct ctl_user *);
	void	(*ban)(struct ctl_ban *);
	void	(*call_ended)(struct ctl_call_ended *);
	void	(*result)(struct ctl_result *);
	int	(*monitor)(struct ctl_monitor *);	/* a line each;
							   -1: not written */
	int	(*tail)(struct parse_result *);
};

extern const struct output	show_output;
extern const struct output	json_output;

/* output.c */
const char	*fmt_timeframe(int64_t);
const char	*fmt_proto(int);
const char	*fmt_transport(int);
int64_t		 uptime(int64_t);
int64_t		 expires_in(const struct binding *);
const char	*fmt_mon_time(const struct ctl_monitor *);
const char	*fmt_mon_event(int);

#endif /* SIPCTL_OUTPUT_H */
