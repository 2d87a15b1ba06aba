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

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH	16

enum json_kind {
	JSON_OBJECT,
	JSON_ARRAY
};

static struct {
	FILE		*out;
	int		 depth;		/* open containers */
	int		 error;
	int		 line;		/* all on one line (json_do_line) */
	enum json_kind	 kind[JSON_MAX_DEPTH];
	int		 count[JSON_MAX_DEPTH];	/* members written so far */
} json;

static void	json_indent(void);
static void	json_member(const char *);
static void	json_open(const char *, enum json_kind);
static void	json_quote(const char *);
static size_t	json_utf8_len(const unsigned char *);

void
json_do_start(FILE *out)
{
	memset(&json, 0, sizeof(json));
	json.out = out;
	/* The document itself is one object. */
	fputc('{', json.out);
	json.kind[0] = JSON_OBJECT;
	json.depth = 1;
}

/* The same, the document on one line: one object per line of a stream. */
void
json_do_line(FILE *out)
{
	json_do_start(out);
	json.line = 1;
}

int
json_do_finish(void)
{
	while (json.depth > 0)
		json_do_end();
	fputc('\n', json.out);
	if (fflush(json.out) == EOF || ferror(json.out))
		json.error = 1;
	return (json.error ? -1 : 0);
}

static void
json_indent(void)
{
	int	i;

	if (json.line)
		return;
	fputc('\n', json.out);
	for (i = 0; i < json.depth; i++)
		fputc('\t', json.out);
}

/* The separator, the indentation and, in an object, the member name. */
static void
json_member(const char *name)
{
	int	d = json.depth - 1;

	if (d < 0) {
		json.error = 1;
		return;
	}
	if (json.count[d]++ > 0)
		fputc(',', json.out);
	json_indent();
	if (json.kind[d] == JSON_OBJECT) {
		json_quote(name != NULL ? name : "");
		fputs(": ", json.out);
	}
}

static void
json_open(const char *name, enum json_kind kind)
{
	if (json.error || json.depth <= 0 || json.depth >= JSON_MAX_DEPTH) {
		json.error = 1;
		return;
	}
	json_member(name);
	fputc(kind == JSON_OBJECT ? '{' : '[', json.out);
	json.kind[json.depth] = kind;
	json.count[json.depth] = 0;
	json.depth++;
}

void
json_do_object(const char *name)
{
	json_open(name, JSON_OBJECT);
}

void
json_do_array(const char *name)
{
	json_open(name, JSON_ARRAY);
}

void
json_do_end(void)
{
	int	d;

	if (json.depth <= 0) {
		json.error = 1;
		return;
	}
	d = --json.depth;
	if (json.count[d] > 0)
		json_indent();
	fputc(json.kind[d] == JSON_OBJECT ? '}' : ']', json.out);
}

void
json_do_string(const char *name, const char *value)
{
	if (json.error)
		return;
	json_member(name);
	json_quote(value != NULL ? value : "");
}

void
json_do_uint(const char *name, uint64_t value)
{
	if (json.error)
		return;
	json_member(name);
	fprintf(json.out, "%" PRIu64, value);
}

void
json_do_int(const char *name, int64_t value)
{
	if (json.error)
		return;
	json_member(name);
	fprintf(json.out, "%" PRId64, value);
}

void
json_do_bool(const char *name, int value)
{
	if (json.error)
		return;
	json_member(name);
	fputs(value ? "true" : "false", json.out);
}

/*
 * Length of the well-formed UTF-8 sequence at s, or 0 if there is none:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t
json_utf8_len(const unsigned char *s)
{
	size_t		 len, i;
	uint32_t	 cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return (0);

	/* A NUL stops this loop too: it is no continuation byte. */
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (0);
	return (len);
}

/*
 * Quote a string. Control characters are escaped; a byte that is not
 * part of well-formed UTF-8 is written as the code point of the same
 * value (\u00XX), so that the output is always valid JSON.
 */
static void
json_quote(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	fputc('"', json.out);
	while (*s != '\0') {
		switch (*s) {
		case '"':
			fputs("\\\"", json.out);
			break;
		case '\\':
			fputs("\\\\", json.out);
			break;
		case '\b':
			fputs("\\b", json.out);
			break;
		case '\f':
			fputs("\\f", json.out);
			break;
		case '\n':
			fputs("\\n", json.out);
			break;
		case '\r':
			fputs("\\r", json.out);
			break;
		case '\t':
			fputs("\\t", json.out);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(json.out, "\\u%04x", *s);
			} else if (*s < 0x80) {
				fputc(*s, json.out);
			} else if ((n = json_utf8_len(s)) > 0) {
				fwrite(s, 1, n, json.out);
				s += n;
				continue;
			} else
				fprintf(json.out, "\\u%04x", *s);
			break;
		}
		s++;
	}
	fputc('"', json.out);
}
