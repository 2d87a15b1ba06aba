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

#ifndef SIPCTL_JSON_H
#define SIPCTL_JSON_H

#include <stdint.h>
#include <stdio.h>

/*
 * A small streaming JSON writer. Names are ignored inside arrays; the
 * first error (nesting too deep, write failure) sticks and is reported
 * by json_do_finish().
 */
void	json_do_start(FILE *);
void	json_do_line(FILE *);
int	json_do_finish(void);
void	json_do_object(const char *);
void	json_do_array(const char *);
void	json_do_end(void);
void	json_do_string(const char *, const char *);
void	json_do_uint(const char *, uint64_t);
void	json_do_int(const char *, int64_t);
void	json_do_bool(const char *, int);

#endif /* SIPCTL_JSON_H */
