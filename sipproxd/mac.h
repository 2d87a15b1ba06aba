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
 * Keyed MACs of SIP fields (mac.c): what the proxy emits that must not
 * be forged, a Via branch's check or a To tag of its own, is one of
 * these under a per-start random key.
 */

#ifndef MAC_H
#define MAC_H

#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

#define MAC_HEXLEN	16	/* a MAC written out: 64 bits in hex */

uint64_t	 mac_fields(const SIPHASH_KEY *, int, const char *const *,
		    size_t);
void		 mac_hex(uint64_t, char *, size_t);

#endif /* MAC_H */
