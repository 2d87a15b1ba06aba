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
 * json_test: the JSON emitter of sipctl writes what it is told, escaped
 * so that the output is always valid JSON.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sipctl/json.h"

static int	failed;

static FILE	*out;
static char	*buf;
static size_t	 buflen;

static void	begin(void);
static const char *end(int *);
static void	check(const char *, const char *, const char *);
static void	check_string(const char *, const char *, const char *);

static void
begin(void)
{
	if ((out = open_memstream(&buf, &buflen)) == NULL) {
		printf("FAIL json_test: open_memstream\n");
		exit(1);
	}
	json_do_start(out);
}

/* Finish the document; returns its text, *rv the result of finish. */
static const char *
end(int *rv)
{
	*rv = json_do_finish();
	fclose(out);
	return (buf);
}

static void
check(const char *name, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		printf("ok %s\n", name);
	else {
		printf("FAIL %s: got <%s>, want <%s>\n", name, got, want);
		failed = 1;
	}
}

/* One string member; want is the quoted value as it must appear. */
static void
check_string(const char *name, const char *value, const char *want)
{
	char		 expect[512];
	const char	*got;
	int		 rv;

	begin();
	json_do_string("s", value);
	got = end(&rv);
	snprintf(expect, sizeof(expect), "{\n\t\"s\": %s\n}\n", want);
	if (rv != 0) {
		printf("FAIL %s: json_do_finish failed\n", name);
		failed = 1;
	} else
		check(name, got, expect);
	free(buf);
}

int
main(void)
{
	const char	*got;
	int		 i, rv;

	check_string("json_plain", "hello", "\"hello\"");
	check_string("json_empty", "", "\"\"");
	check_string("json_quote_backslash", "a\"b\\c", "\"a\\\"b\\\\c\"");
	check_string("json_control", "\t\n\r\b\f\x01\x1f\x7f",
	    "\"\\t\\n\\r\\b\\f\\u0001\\u001f\\u007f\"");
	check_string("json_utf8_valid", "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80",
	    "\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80\"");
	check_string("json_utf8_lone_byte", "a\xff" "b", "\"a\\u00ffb\"");
	check_string("json_utf8_overlong", "\xc0\xaf", "\"\\u00c0\\u00af\"");
	check_string("json_utf8_overlong3", "\xe0\x80\xaf",
	    "\"\\u00e0\\u0080\\u00af\"");
	check_string("json_utf8_surrogate", "\xed\xa0\x80",
	    "\"\\u00ed\\u00a0\\u0080\"");
	check_string("json_utf8_too_big", "\xf4\x90\x80\x80",
	    "\"\\u00f4\\u0090\\u0080\\u0080\"");
	check_string("json_utf8_truncated", "x\xe2\x82",
	    "\"x\\u00e2\\u0082\"");

	/* Nesting, numbers, booleans, an empty array. */
	begin();
	json_do_uint("u", UINT64_MAX);
	json_do_int("i", INT64_MIN);
	json_do_bool("t", 1);
	json_do_array("a");
	json_do_object(NULL);
	json_do_bool("f", 0);
	json_do_end();
	json_do_string(NULL, "x");
	json_do_end();
	json_do_array("e");
	got = end(&rv);
	check("json_structure", got,
	    "{\n"
	    "\t\"u\": 18446744073709551615,\n"
	    "\t\"i\": -9223372036854775808,\n"
	    "\t\"t\": true,\n"
	    "\t\"a\": [\n"
	    "\t\t{\n"
	    "\t\t\t\"f\": false\n"
	    "\t\t},\n"
	    "\t\t\"x\"\n"
	    "\t],\n"
	    "\t\"e\": []\n"
	    "}\n");
	if (rv != 0) {
		printf("FAIL json_structure_rv: finish returned %d\n", rv);
		failed = 1;
	} else
		printf("ok json_structure_rv\n");
	free(buf);

	/* Too deep: refused, and the error is reported at the end. */
	begin();
	for (i = 0; i < 100; i++)
		json_do_array("deep");
	got = end(&rv);
	if (rv == -1)
		printf("ok json_too_deep\n");
	else {
		printf("FAIL json_too_deep: finish returned %d\n", rv);
		failed = 1;
	}
	free(buf);

	/* A write error is reported too. */
	if ((out = fopen("/dev/full", "w")) != NULL) {
		setvbuf(out, NULL, _IONBF, 0);
		json_do_start(out);
		json_do_string("s", "x");
		if (json_do_finish() == -1)
			printf("ok json_write_error\n");
		else {
			printf("FAIL json_write_error: not reported\n");
			failed = 1;
		}
		fclose(out);
	} else
		printf("skipped json_write_error: no /dev/full\n");

	return (failed);
}
