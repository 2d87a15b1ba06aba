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
 * The sandbox vocabulary (sipproxd/sandbox.c) on every system's behalf:
 * promise words and unveil permissions into bits and back, the errors
 * for what no back end knows, and what sandbox_enter() hands a back end.
 * The back end here is a stand-in that records what it was given; the
 * Linux one is tested from the outside by sandbox_test.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"
#include "check.h"

#define ALL_WORDS	"stdio rpath wpath cpath inet unix dns route " \
			    "recvfd sendfd proc exec"
#define ALL_BITS	0x0fffU

static const struct sandbox	*applied;
static int			 napplied;

/* The back end's part, recorded for the checks. */
void
sandbox_apply(const struct sandbox *sb)
{
	applied = sb;
	napplied++;
}

void
sandbox_limit_fd(int fd, enum sandbox_fd use)
{
}

/* 0 and the set when the string parses, -1 and the message when not. */
static int
parse(const char *promises, unsigned int *set, char *msg, size_t len)
{
	*set = 0xdead;
	if (len > 0)
		msg[0] = '\0';
	return (sandbox_parse(promises, set, msg, len));
}

static void
test_words(void)
{
	static const struct {
		const char	*word;
		unsigned int	 bit;
	} words[] = {
		{ "stdio", SANDBOX_STDIO }, { "rpath", SANDBOX_RPATH },
		{ "wpath", SANDBOX_WPATH }, { "cpath", SANDBOX_CPATH },
		{ "inet", SANDBOX_INET }, { "unix", SANDBOX_UNIX },
		{ "dns", SANDBOX_DNS }, { "route", SANDBOX_ROUTE },
		{ "recvfd", SANDBOX_RECVFD }, { "sendfd", SANDBOX_SENDFD },
		{ "proc", SANDBOX_PROC }, { "exec", SANDBOX_EXEC },
	};
	char		 ebuf[128];
	unsigned int	 set, seen = 0;
	size_t		 i;
	int		 bad = 0, r;

	for (i = 0; i < nitems(words); i++) {
		if (parse(words[i].word, &set, ebuf, sizeof(ebuf)) != 0 ||
		    set != words[i].bit || (seen & set) != 0) {
			printf("    %s: 0x%x\n", words[i].word, set);
			bad++;
		}
		seen |= set;
	}
	check("sandbox_parse_each_word", bad == 0 && seen == ALL_BITS,
	    "%d words wrong, bits 0x%x", bad, seen);

	r = parse(ALL_WORDS, &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_all_words", r == 0 && set == ALL_BITS, "0x%x",
	    set);
	/* What the daemon's processes promise. */
	r = parse("stdio inet dns unix recvfd", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_engine", r == 0 && set == (SANDBOX_STDIO |
	    SANDBOX_INET | SANDBOX_DNS | SANDBOX_UNIX | SANDBOX_RECVFD),
	    "0x%x", set);
	r = parse("stdio inet recvfd", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_relay", r == 0 && set == (SANDBOX_STDIO |
	    SANDBOX_INET | SANDBOX_RECVFD), "0x%x", set);
	r = parse("stdio rpath wpath cpath inet route sendfd proc", &set,
	    ebuf, sizeof(ebuf));
	check("sandbox_parse_parent", r == 0 && set == (SANDBOX_STDIO |
	    SANDBOX_RPATH | SANDBOX_WPATH | SANDBOX_CPATH | SANDBOX_INET |
	    SANDBOX_ROUTE | SANDBOX_SENDFD | SANDBOX_PROC), "0x%x", set);
}

static void
test_unknown(void)
{
	static const char *const bad[] = {
		"bogus", "stdio inet bogus", "std", "stdios", "STDIO",
		"stdio,inet", "stdio\tinet", "tmppath", "stdio\n",
	};
	char		 ebuf[128], small[16];
	unsigned int	 set;
	size_t		 i;
	int		 n = 0, r;

	for (i = 0; i < nitems(bad); i++) {
		if (parse(bad[i], &set, ebuf, sizeof(ebuf)) != -1 ||
		    set != 0xdead || strncmp(ebuf, "unknown promise \"",
		    17) != 0) {
			printf("    \"%s\": accepted or bad message \"%s\"\n",
			    bad[i], ebuf);
			n++;
		}
	}
	check("sandbox_parse_unknown_refused", n == 0, "%d accepted", n);

	parse("stdio inet bogus dns", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_unknown_names_word",
	    strcmp(ebuf, "unknown promise \"bogus\"") == 0, "\"%s\"", ebuf);

	/* The message is cut to the buffer and still a string. */
	r = parse("bogus", &set, small, sizeof(small));
	check("sandbox_parse_unknown_small_buffer", r == -1 &&
	    strlen(small) == sizeof(small) - 1, "\"%s\"", small);
	r = parse("bogus", &set, NULL, 0);
	check("sandbox_parse_unknown_no_buffer", r == -1 && set == 0xdead,
	    "accepted");
}

static void
test_empty_dup(void)
{
	char		 ebuf[128];
	unsigned int	 set, set2;
	int		 r;

	r = parse("", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_empty", r == 0 && set == 0, "0x%x", set);
	r = parse("     ", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_spaces_only", r == 0 && set == 0, "0x%x", set);
	r = parse("  stdio   inet  ", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_spaces_around", r == 0 &&
	    set == (SANDBOX_STDIO | SANDBOX_INET), "0x%x", set);
	parse("stdio inet", &set2, ebuf, sizeof(ebuf));
	r = parse("stdio stdio inet stdio inet", &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_duplicates", r == 0 && set == set2,
	    "0x%x, want 0x%x", set, set2);
}

static void
test_long(void)
{
	char		*s, ebuf[128], want[128];
	unsigned int	 set;
	size_t		 i, n = 100000;
	int		 r;

	if ((s = malloc(n + 1)) == NULL)
		err(1, NULL);
	/* Many words, all known. */
	for (i = 0; i + 6 <= n; i += 6)
		memcpy(s + i, "stdio ", 6);
	s[i] = '\0';
	r = parse(s, &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_long_known", r == 0 && set == SANDBOX_STDIO,
	    "0x%x \"%s\"", set, ebuf);

	/* One word as long as all of it: named by its first 32 bytes. */
	memset(s, 'a', n);
	s[n] = '\0';
	snprintf(want, sizeof(want), "unknown promise \"%.32s\"...", s);
	r = parse(s, &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_long_unknown", r == -1 &&
	    strcmp(ebuf, want) == 0, "\"%s\"", ebuf);

	/* A known word, then a long unknown one after a space. */
	memcpy(s, "stdio ", 6);
	r = parse(s, &set, ebuf, sizeof(ebuf));
	check("sandbox_parse_long_unknown_after_known", r == -1 &&
	    set == 0xdead, "accepted");
	free(s);
}

static void
test_perms(void)
{
	static const struct {
		const char	*perms;
		int		 ret;
		unsigned int	 set;
	} cases[] = {
		{ "", 0, 0 },
		{ "r", 0, SANDBOX_UNVEIL_R },
		{ "wc", 0, SANDBOX_UNVEIL_W | SANDBOX_UNVEIL_C },
		{ "rwcx", 0, SANDBOX_UNVEIL_R | SANDBOX_UNVEIL_W |
		    SANDBOX_UNVEIL_C | SANDBOX_UNVEIL_X },
		{ "rr", 0, SANDBOX_UNVEIL_R },
		{ "rq", -1, 0 },
		{ "R", -1, 0 },
		{ "r w", -1, 0 },
	};
	unsigned int	 set;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < nitems(cases); i++) {
		set = 0xdead;
		if (sandbox_parse_perms(cases[i].perms, &set) != cases[i].ret ||
		    (cases[i].ret == 0 && set != cases[i].set) ||
		    (cases[i].ret == -1 && set != 0xdead)) {
			printf("    \"%s\": 0x%x\n", cases[i].perms, set);
			bad++;
		}
	}
	check("sandbox_parse_perms", bad == 0, "%d wrong", bad);
}

/* Every set back into words (pledge(2)'s string) and parsed again. */
static void
test_words_back(void)
{
	char		 buf[SANDBOX_WORDS_LEN], ebuf[128], tiny[8];
	unsigned int	 set, back;
	int		 bad = 0, r;

	for (set = 0; set <= ALL_BITS; set++) {
		if (sandbox_words(set, buf, sizeof(buf)) != 0 ||
		    parse(buf, &back, ebuf, sizeof(ebuf)) != 0 || back != set) {
			if (bad++ < 4)
				printf("    0x%x: \"%s\"\n", set, buf);
		}
	}
	check("sandbox_words_round_trip", bad == 0, "%d sets wrong", bad);
	sandbox_words(ALL_BITS, buf, sizeof(buf));
	check("sandbox_words_order", strcmp(buf, ALL_WORDS) == 0, "\"%s\"",
	    buf);
	r = sandbox_words(SANDBOX_STDIO | 0x1000, buf, sizeof(buf));
	check("sandbox_words_unknown_bit", r == -1, "accepted");
	r = sandbox_words(ALL_BITS, tiny, sizeof(tiny));
	check("sandbox_words_too_small", r == -1 &&
	    strlen(tiny) < sizeof(tiny), "accepted");
}

/* What sandbox_enter() hands the back end after the recording calls. */
static void
test_enter(void)
{
	sandbox_unveil("/etc/sipproxd.conf", "r");
	sandbox_unveil("/var/db/sipproxd.state", "wc");
	sandbox_kill_pid(101);
	sandbox_kill_pid(102);
	sandbox_enter("stdio rpath proc");
	check("sandbox_enter_applies_once", napplied == 1 && applied != NULL,
	    "applied %d times", napplied);
	if (applied == NULL)
		return;
	check("sandbox_enter_promises",
	    applied->promises == (SANDBOX_STDIO | SANDBOX_RPATH |
	    SANDBOX_PROC), "0x%x", applied->promises);
	check("sandbox_enter_paths", applied->npaths == 2 &&
	    strcmp(applied->paths[0].path, "/etc/sipproxd.conf") == 0 &&
	    applied->paths[0].perms == SANDBOX_UNVEIL_R &&
	    strcmp(applied->paths[1].path, "/var/db/sipproxd.state") == 0 &&
	    applied->paths[1].perms == (SANDBOX_UNVEIL_W | SANDBOX_UNVEIL_C),
	    "%zu paths", applied->npaths);
	check("sandbox_enter_pids", applied->npids == 2 &&
	    applied->pids[0] == 101 && applied->pids[1] == 102,
	    "%zu pids", applied->npids);
}

/* Mistakes of the caller, each fatal. */
static void
f_unknown(void)
{
	sandbox_enter("stdio inet bogus");
}

static void
f_twice(void)
{
	sandbox_enter("stdio");
	sandbox_enter("stdio");
}

static void
f_bad_perms(void)
{
	sandbox_unveil("/etc", "rq");
}

static void
f_unveil_late(void)
{
	sandbox_enter("stdio");
	sandbox_unveil("/etc", "r");
}

static void
f_many_paths(void)
{
	int	 i;

	for (i = 0; i <= SANDBOX_MAXPATHS; i++)
		sandbox_unveil("/etc", "r");
}

static void
f_many_pids(void)
{
	int	 i;

	for (i = 0; i <= SANDBOX_MAXPIDS; i++)
		sandbox_kill_pid(1);
}

static void
f_long_path(void)
{
	char	 path[2 * PATH_MAX];

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	sandbox_unveil(path, "r");
}

static void
f_kill_late(void)
{
	sandbox_enter("stdio");
	sandbox_kill_pid(1);
}

static const struct {
	const char	*name;
	void		(*fn)(void);
	const char	*want;		/* on stderr */
} fatals[] = {
	{ "sandbox_enter_unknown_fatal", f_unknown,
	    "sandbox: unknown promise \"bogus\"" },
	{ "sandbox_enter_twice_fatal", f_twice, "sandbox: entered twice" },
	{ "sandbox_unveil_bad_perms_fatal", f_bad_perms,
	    "sandbox: bad unveil permissions \"rq\" for /etc" },
	{ "sandbox_unveil_after_enter_fatal", f_unveil_late,
	    "sandbox: unveil /etc after entering" },
	{ "sandbox_unveil_too_many_fatal", f_many_paths,
	    "sandbox: too many unveiled paths" },
	{ "sandbox_kill_pid_too_many_fatal", f_many_pids,
	    "sandbox: too many pids to signal" },
	{ "sandbox_unveil_path_too_long_fatal", f_long_path,
	    "sandbox: unveil path too long" },
	{ "sandbox_kill_pid_after_enter_fatal", f_kill_late,
	    "sandbox: kill pid 1 after entering" },
};

/* Each in a child of its own: exit status 1 and the message. */
static void
test_fatal(void)
{
	char	 buf[512];
	FILE	*fp;
	pid_t	 pid;
	size_t	 i;
	int	 status;

	for (i = 0; i < nitems(fatals); i++) {
		fflush(stdout);
		if ((fp = tmpfile()) == NULL)
			err(1, "tmpfile");
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			dup2(fileno(fp), STDERR_FILENO);
			fatals[i].fn();
			_exit(0);
		}
		if (waitpid(pid, &status, 0) == -1)
			err(1, "waitpid");
		rewind(fp);
		buf[fread(buf, 1, sizeof(buf) - 1, fp)] = '\0';
		fclose(fp);
		check(fatals[i].name, WIFEXITED(status) &&
		    WEXITSTATUS(status) == 1 &&
		    strstr(buf, fatals[i].want) != NULL,
		    "status 0x%x, stderr \"%s\"", status, buf);
	}
}

int
main(void)
{
	log_init(1, LOG_DAEMON);

	test_words();
	test_unknown();
	test_empty_dup();
	test_long();
	test_perms();
	test_words_back();

	test_fatal();

	/* Last: it enters the sandbox of this process for good. */
	test_enter();
	return (failures ? 1 : 0);
}
