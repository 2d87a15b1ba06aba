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
 * The registration state file: what is restored from good, expired,
 * truncated and corrupt files, and the atomic write round trip.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sipproxd.h"
#include "log.h"

static int	failed;
static char	dir[] = "/tmp/state_test.XXXXXX";

static void
check(int cond, const char *name)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", name);
	if (!cond)
		failed = 1;
}

/* `registration max` of the loads */
static size_t	table_max = REG_MAX;

static void
write_file(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF) {
		perror(path);
		exit(1);
	}
}

/* Load a file; return how many entries arrived, collect them in out. */
static int
load(const char *path, int *ret, struct binding *out, int max)
{
	struct imsgev	 iev;
	struct imsgbuf	 rbuf;
	struct imsg	 imsg;
	int		 sp[2], n = 0, done = 0;
	ssize_t		 got;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1) {
		perror("socketpair");
		exit(1);
	}
	imsgev_init(&iev, sp[0], NULL, NULL);
	*ret = state_load(path, table_max, &iev);
	if (imsgbuf_flush(&iev.ibuf) == -1) {
		perror("flush");
		exit(1);
	}
	imsgbuf_init(&rbuf, sp[1]);
	while (!done && imsgbuf_read(&rbuf) == 1) {
		while ((got = imsg_get(&rbuf, &imsg)) > 0) {
			if (imsg_get_type(&imsg) == IMSG_STATE_END)
				done = 1;
			else if (imsg_get_type(&imsg) == IMSG_STATE_ENTRY &&
			    n < max && imsg_get_data(&imsg, &out[n],
			    sizeof(out[n])) == 0)
				n++;
			imsg_free(&imsg);
		}
	}
	imsgev_clear(&iev);
	imsgbuf_clear(&rbuf);
	close(sp[1]);
	return (n);
}

int
main(void)
{
	struct binding	 got[8], se;
	char			 path[PATH_MAX], text[4096];
	long long		 later = time(NULL) + 3600;
	long long		 past = time(NULL) - 1;
	int			 n, ret;

	log_init(1, LOG_DAEMON);
	event_init();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return (1);
	}
	snprintf(path, sizeof(path), "%s/state", dir);

	snprintf(text, sizeof(text), "# sipproxd registration state, "
	    "version 1\n%lld\tsip:a@x\tsip:a@10.0.0.1\tsip:a@1.2.3.4\t"
	    "10.0.0.1:5060\tUA\\0401\n%lld\tsip:b@x\tsip:b@10.0.0.2\t"
	    "sip:b@1.2.3.4\t10.0.0.2:5060\tUA\n# end 2\n", later, past);
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 1 && ret == 1, "good file: unexpired entry restored");
	check(n == 1 && strcmp(got[0].user_agent, "UA 1") == 0,
	    "good file: fields decoded");

	snprintf(text, sizeof(text), "# sipproxd registration state, "
	    "version 1\n%lld\tsip:a@x\tsip:a@10.0.0.1\tsip:a@1.2.3.4\t"
	    "10.0.0.1:5060\tUA\n", later);
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "truncated file ignored");

	snprintf(text, sizeof(text), "# sipproxd registration state, "
	    "version 1\n%lld\tsip:a@x\tsip:a@10.0.0.1\tsip:a@1.2.3.4\t"
	    "10.0.0.1:5060\tUA\n# end 3\n", later);
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "count mismatch ignored");

	snprintf(text, sizeof(text), "# sipproxd registration state, "
	    "version 1\n%lld\tsip:a@x\tsip:a@10.0.0.1\n# end 1\n", later);
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "missing fields ignored");

	snprintf(text, sizeof(text), "# sipproxd registration state, "
	    "version 1\n-5\tsip:a@x\tc\tm\ts\tu\n# end 1\n");
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "negative expiry ignored");

	memset(text, 'A', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	write_file(path, text);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "garbage ignored");

	write_file(path, "");
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "empty file ignored");

	unlink(path);
	n = load(path, &ret, got, 8);
	check(n == 0 && ret == -1, "missing file: nothing restored");

	/* Round trip, with characters that need encoding. */
	memset(&se, 0, sizeof(se));
	strlcpy(se.aor, "sip:c@x", sizeof(se.aor));
	strlcpy(se.contact, "\"C\tD\" <sip:c@10.0.0.3>", sizeof(se.contact));
	strlcpy(se.masq_contact, "sip:c@1.2.3.4", sizeof(se.masq_contact));
	strlcpy(se.source, "10.0.0.3:5060", sizeof(se.source));
	strlcpy(se.user_agent, "line\nbreak \\ back", sizeof(se.user_agent));
	se.expires_at = later;
	state_add(path, &se, REG_MAX);
	state_add(path, &se, REG_MAX);
	check(state_commit(path) == 0, "commit succeeds");
	n = load(path, &ret, got, 8);
	check(n == 2 && ret == 2, "commit: both entries read back");
	check(n == 2 && memcmp(&got[1], &se, sizeof(se)) == 0,
	    "commit: entry identical after round trip");

	/*
	 * `registration max` lowered to 2: three saved, the first two
	 * restored; and a table over the max is not written.
	 */
	state_add(path, &se, 3);
	state_add(path, &se, 3);
	state_add(path, &se, 3);
	check(state_commit(path) == 0, "commit of three succeeds");
	table_max = 2;
	n = load(path, &ret, got, 8);
	check(n == 2 && ret == 2, "registration max lowered: two restored");
	table_max = REG_MAX;
	state_add(path, &se, 2);
	state_add(path, &se, 2);
	state_add(path, &se, 2);
	check(state_commit(path) == -1, "a table over the max is not saved");
	n = load(path, &ret, got, 8);
	check(n == 3 && ret == 3, "over the max: the file before stays");

	snprintf(path, sizeof(path), "%s/nodir/state", dir);
	state_add(path, &se, REG_MAX);
	check(state_commit(path) == -1, "commit to a missing directory fails");

	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text) != 0)
		fprintf(stderr, "state_test: %s failed\n", text);
	return (failed);
}
