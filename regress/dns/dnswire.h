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
 * DNS wire format for the regress tests' fake servers: a name as labels
 * (RFC 1035 3.1), uncompressed. Shared by regress/dns/dnsd.c and
 * regress/unit/dns_test.c.
 */

#ifndef DNSWIRE_H
#define DNSWIRE_H

#include <string.h>

/* Put name at buf + *off, advancing *off; -1 when it does not fit. */
static int
dns_name_put(unsigned char *buf, size_t len, size_t *off, const char *name)
{
	const char	*p, *dot;
	size_t		 l, o = *off;

	for (p = name; *p != '\0'; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		l = dot - p;
		if (l == 0 || l > 63 || o + 1 + l >= len)
			return (-1);
		buf[o++] = l;
		memcpy(buf + o, p, l);
		o += l;
		if (*dot == '\0')
			break;
	}
	if (o >= len)
		return (-1);
	buf[o++] = 0;
	*off = o;
	return (0);
}

#endif /* DNSWIRE_H */
