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
 * The registration state file, read and written by the parent on the
 * engine's behalf (the engine never touches the file system).
 *
 * A text file: a version line, one registration per line as tab-separated
 * fields (expiry time, address of record, contact, masqueraded contact,
 * source, user agent) each encoded with strvis(3), and an end line with the
 * count, so that a truncated file is recognised. Anything that does not
 * match is reported and the whole file ignored: it is never trusted.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vis.h>

#include "sipproxd.h"
#include "log.h"

#define STATE_HEADER	"# sipproxd registration state, version 1"
#define STATE_END	"# end "
#define STATE_LINELEN	8192
#define STATE_NFIELDS	6
#define STATE_FIELDLEN	256	/* the longest field of a binding */

static FILE			*wfp;		/* the table being written */
static char			 wtmp[PATH_MAX];	/* ... its name */
static size_t			 nwritten;
static int			 wfailed;

static int	state_field(char *, char *, size_t);
static int	state_parse(char *, struct binding *);
static int	state_write_field(FILE *, const char *, const char *);
static int	state_grow(struct binding **, size_t *, size_t, size_t);
static int	state_open(const char *);

/* Decode one strvis-encoded field into a bounded string. */
static int
state_field(char *in, char *out, size_t outlen)
{
	char	 buf[STATE_LINELEN];

	if (strlen(in) >= sizeof(buf) || strunvis(buf, in) == -1)
		return (-1);
	if (strlcpy(out, buf, outlen) >= outlen)
		return (-1);
	return (0);
}

static int
state_parse(char *line, struct binding *se)
{
	char		*field[STATE_NFIELDS], *p = line;
	const char	*errstr;
	int		 i;

	for (i = 0; i < STATE_NFIELDS; i++)
		if ((field[i] = strsep(&p, "\t")) == NULL)
			return (-1);
	if (p != NULL)
		return (-1);

	memset(se, 0, sizeof(*se));
	se->expires_at = strtonum(field[0], 0, INT64_MAX, &errstr);
	if (errstr != NULL)
		return (-1);
	if (state_field(field[1], se->aor, sizeof(se->aor)) == -1 ||
	    state_field(field[2], se->contact, sizeof(se->contact)) == -1 ||
	    state_field(field[3], se->masq_contact,
	    sizeof(se->masq_contact)) == -1 ||
	    state_field(field[4], se->source, sizeof(se->source)) == -1 ||
	    state_field(field[5], se->user_agent,
	    sizeof(se->user_agent)) == -1)
		return (-1);
	if (se->aor[0] == '\0' || se->contact[0] == '\0')
		return (-1);
	return (0);
}

/*
 * Read the state file and send its unexpired registrations to the engine.
 * Returns the number sent, or -1 when the file is missing or corrupt.
 */
int
state_load(const char *file, size_t max, struct imsgev *iev)
{
	struct binding	*entries = NULL, extra;
	FILE			*fp;
	char			 line[STATE_LINELEN], *end;
	const char		*errstr, *why = NULL;
	size_t			 n = 0, len, size = 0, kept;
	long long		 count;
	int			 lineno = 0, ended = 0, sent = 0;
	time_t			 now = time(NULL);

	if ((fp = fopen(file, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("registration state %s", file);
		else
			log_debug("registration state %s: none yet", file);
		imsgev_compose(iev, IMSG_STATE_END, 0, -1, NULL, 0);
		return (-1);
	}
	if (max > REG_MAX_LIMIT)
		max = REG_MAX_LIMIT;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			why = "line too long or truncated";
			break;
		}
		line[len - 1] = '\0';
		if (ended) {
			why = "data after the end line";
			break;
		}
		if (lineno == 1) {
			if (strcmp(line, STATE_HEADER) != 0) {
				why = "not a sipproxd state file";
				break;
			}
			continue;
		}
		if (strncmp(line, STATE_END, strlen(STATE_END)) == 0) {
			end = line + strlen(STATE_END);
			count = strtonum(end, 0, REG_MAX_LIMIT, &errstr);
			if (errstr != NULL || (size_t)count != n) {
				why = "entry count does not match";
				break;
			}
			ended = 1;
			continue;
		}
		if (n >= REG_MAX_LIMIT) {
			why = "too many entries";
			break;
		}
		/* Past `registration max` (lowered): checked, not kept. */
		if (n < max && state_grow(&entries, &size, n, max) == -1) {
			why = strerror(errno);
			break;
		}
		if (state_parse(line, n < max ? &entries[n] : &extra) == -1) {
			why = "malformed entry";
			break;
		}
		n++;
	}
	if (why == NULL && ferror(fp))
		why = strerror(errno);
	if (why == NULL && !ended)
		why = "truncated (no end line)";
	fclose(fp);

	if (why != NULL) {
		log_warnx("registration state %s:%d: %s; ignoring the file",
		    file, lineno, why);
		sent = -1;
	} else {
		kept = n < max ? n : max;
		for (len = 0; len < kept; len++) {
			if (entries[len].expires_at <= now)
				continue;
			imsgev_compose(iev, IMSG_STATE_ENTRY, 0, -1,
			    &entries[len], sizeof(entries[len]));
			sent++;
		}
		log_info("registration state %s: %d of %zu registrations "
		    "restored", file, sent, n);
		if (kept < n)
			log_warnx("registration state %s: %zu over registration "
			    "max %zu not restored", file, n - kept, max);
	}
	free(entries);
	imsgev_compose(iev, IMSG_STATE_END, 0, -1, NULL, 0);
	return (sent);
}

/*
 * One entry of the table the engine is sending, written at once to the
 * temporary file beside file (opened by the first): the parent holds
 * no copy of the table, however large. Past max entries, or after an
 * error, entries are dropped and the commit fails.
 */
void
state_add(const char *file, const struct binding *se, size_t max)
{
	if (file[0] == '\0' || state_open(file) == -1)
		return;
	if (nwritten >= max) {
		log_warnx("registration state: more than %zu entries", max);
		wfailed = 1;
		return;
	}
	if (fprintf(wfp, "%lld", (long long)se->expires_at) < 0 ||
	    state_write_field(wfp, "\t", se->aor) == -1 ||
	    state_write_field(wfp, "\t", se->contact) == -1 ||
	    state_write_field(wfp, "\t", se->masq_contact) == -1 ||
	    state_write_field(wfp, "\t", se->source) == -1 ||
	    state_write_field(wfp, "\t", se->user_agent) == -1 ||
	    fputc('\n', wfp) == EOF) {
		log_warn("registration state %s", wtmp);
		wfailed = 1;
		return;
	}
	nwritten++;
}

/*
 * Room for entry n of an array of *size, grown by doubling as entries
 * come, never past max: memory follows the table, not its bound.
 */
static int
state_grow(struct binding **a, size_t *size, size_t n, size_t max)
{
	struct binding	*p;
	size_t		 nsize;

	if (n < *size)
		return (0);
	nsize = *size == 0 ? 256 : *size * 2;
	if (nsize > max)
		nsize = max;
	if (nsize <= n) {
		errno = ENOSPC;
		return (-1);
	}
	if ((p = reallocarray(*a, nsize, sizeof(*p))) == NULL)
		return (-1);
	*a = p;
	*size = nsize;
	return (0);
}

/* The temporary file of a table being written, opened once. */
static int
state_open(const char *file)
{
	int	 fd;

	if (wfailed)
		return (-1);
	if (wfp != NULL)
		return (0);
	wfailed = 1;
	if (state_tmpname(file, wtmp, sizeof(wtmp)) == -1)
		return (-1);
	if ((fd = open(wtmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("registration state %s", wtmp);
		return (-1);
	}
	if ((wfp = fdopen(fd, "w")) == NULL) {
		log_warn("registration state %s", wtmp);
		close(fd);
		unlink(wtmp);
		return (-1);
	}
	if (fprintf(wfp, "%s\n", STATE_HEADER) < 0) {
		log_warn("registration state %s", wtmp);
		return (-1);
	}
	wfailed = 0;
	return (0);
}

static int
state_write_field(FILE *fp, const char *sep, const char *s)
{
	char	 buf[4 * STATE_FIELDLEN + 1];	/* strvis: 4 bytes a char */

	if (strlen(s) >= STATE_FIELDLEN)
		return (-1);
	strvis(buf, s, VIS_OCTAL | VIS_TAB | VIS_NL | VIS_CSTYLE);
	return (fprintf(fp, "%s%s", sep, buf) < 0 ? -1 : 0);
}

/*
 * The temporary file beside the state file: a fixed name, so that the
 * parent's sandbox can name it (only the parent writes there).
 */
int
state_tmpname(const char *file, char *tmp, size_t len)
{
	if ((size_t)snprintf(tmp, len, "%s.tmp", file) >= len) {
		log_warnx("registration state %s: path too long", file);
		return (-1);
	}
	return (0);
}

/*
 * Write the collected table: a temporary file in the same directory,
 * fsync, rename over the old one, so a crash leaves the old or the new.
 */
int
state_commit(const char *file)
{
	size_t	 n = nwritten;
	int	 rv = -1;

	if (state_open(file) == -1)
		goto done;
	if (fprintf(wfp, "%s%zu\n", STATE_END, n) < 0 ||
	    fflush(wfp) == EOF || fsync(fileno(wfp)) == -1) {
		log_warn("registration state %s", wtmp);
		goto done;
	}
	if (fclose(wfp) == EOF) {
		wfp = NULL;
		log_warn("registration state %s", wtmp);
		goto done;
	}
	wfp = NULL;
	if (rename(wtmp, file) == -1) {
		log_warn("registration state %s", wtmp);
		goto done;
	}
	log_debug("registration state %s: %zu registrations saved", file, n);
	rv = 0;
 done:
	if (wfp != NULL) {
		fclose(wfp);
		wfp = NULL;
	}
	if (rv == -1 && wtmp[0] != '\0')
		unlink(wtmp);
	wtmp[0] = '\0';
	nwritten = 0;
	wfailed = 0;
	return (rv);
}
