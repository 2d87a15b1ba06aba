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
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

#include "compat.h"

void	log_init(int, int);
void	log_procinit(const char *);
void	log_setverbose(int);
void	log_setcmdline(int);
void	log_reconf(int);
int	log_getverbose(void);
void	log_warn(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_debugc(int, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	logit(int, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	vlog(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
__dead void	fatal(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
__dead void	fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));

/*
 * Debug lines come in classes (LOG_C_* in sipproxd.h, `log verbose` in
 * sipproxd.conf, `sipctl log verbose`): a file whose debug lines are of
 * one class defines LOG_CLASS before its first include; the lines of a
 * file that does not (start-up, sandbox, state file) are shown when any
 * class is on.
 */
#define LOG_C_ANY	(-1)
#ifndef LOG_CLASS
#define LOG_CLASS	LOG_C_ANY
#endif
#define log_debug(...)	log_debugc(LOG_CLASS, __VA_ARGS__)

#endif /* LOG_H */
