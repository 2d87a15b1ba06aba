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
 * The users of proxy authentication, in the parent: from `user ...
 * password ...` lines and from the users file, one "name:secret" a line.
 * A secret is a password, or the HA1 of one algorithm written
 * "md5:<32 hex digits>" or "sha256:<64 hex digits>". Once the realm is
 * known each password becomes the HA1 of both algorithms and is wiped:
 * the engine gets HA1s only, never a password. Nothing here logs a
 * secret.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipproxd.h"
#include "digest.h"
#include "log.h"

#define USERS_FILE_MAX	(USERS_MAX * 2 * (USER_NAME_LEN + USER_SECRET_LEN))
#define USERS_LINE_MAX	1024

static int	 user_name_valid(const char *);
static int	 secret_ha1(const char *, int *, char *);
static struct user *user_find(struct sipproxd_config *, const char *);

/*
 * A user name as a phone sends it in Digest's username: the characters
 * of a SIP URI's user part that need no escape.
 */
static int
user_name_valid(const char *name)
{
	const char	*p;

	if (*name == '\0' || strlen(name) >= USER_NAME_LEN)
		return (0);
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("-_.!~*'()&=+$,;?/", *p) == NULL)
			return (0);
	return (1);
}

/*
 * "md5:<hex>" or "sha256:<hex>" of the right length: an HA1, its
 * algorithm in *alg and the digits, in lower case, in ha1. Else 0: a
 * password.
 */
static int
secret_ha1(const char *secret, int *alg, char *ha1)
{
	const char	*p;
	size_t		 i, n;

	for (*alg = 0; *alg < AUTH_ALGS; (*alg)++) {
		n = strlen(digest_alg_word(*alg));
		if (strncmp(secret, digest_alg_word(*alg), n) != 0 ||
		    secret[n] != ':')
			continue;
		p = secret + n + 1;
		if (strlen(p) != digest_hexlen(*alg) ||
		    strspn(p, "0123456789abcdefABCDEF") != strlen(p))
			return (0);
		for (i = 0; p[i] != '\0'; i++)
			ha1[i] = tolower((unsigned char)p[i]);
		ha1[i] = '\0';
		return (1);
	}
	return (0);
}

static struct user *
user_find(struct sipproxd_config *conf, const char *name)
{
	struct user	*u;

	TAILQ_FOREACH(u, &conf->users, entry)
		if (strcmp(u->cu.name, name) == 0)
			return (u);
	return (NULL);
}

/*
 * One user and its secret. A name may come twice only with the HA1s of
 * different algorithms. Returns -1 with a message in err (never the
 * secret).
 */
int
users_add(struct sipproxd_config *conf, const char *name, const char *secret,
    int from_file, char *err, size_t errlen)
{
	struct user	*u;
	char		 ha1[AUTH_HA1_LEN];
	int		 alg, is_ha1;

	if (!user_name_valid(name)) {
		snprintf(err, errlen, "user name not allowed (letters, digits "
		    "and -_.!~*'()&=+$,;?/, at most %d)", USER_NAME_LEN - 1);
		return (-1);
	}
	if (*secret == '\0' || strlen(secret) >= USER_SECRET_LEN) {
		snprintf(err, errlen, "user %s: password empty or longer than "
		    "%d", name, USER_SECRET_LEN - 1);
		return (-1);
	}
	is_ha1 = secret_ha1(secret, &alg, ha1);
	if ((u = user_find(conf, name)) != NULL) {
		if (!is_ha1 || u->secret != NULL || u->cu.ha1[alg][0] != '\0') {
			explicit_bzero(ha1, sizeof(ha1));
			snprintf(err, errlen, "user %s given twice", name);
			return (-1);
		}
	} else {
		if (conf->nusers >= USERS_MAX) {
			explicit_bzero(ha1, sizeof(ha1));
			snprintf(err, errlen, "more than %d users", USERS_MAX);
			return (-1);
		}
		if ((u = calloc(1, sizeof(*u))) == NULL)
			fatal(NULL);
		strlcpy(u->cu.name, name, sizeof(u->cu.name));
		u->from_file = from_file;
		TAILQ_INSERT_TAIL(&conf->users, u, entry);
		conf->nusers++;
	}
	if (is_ha1)
		strlcpy(u->cu.ha1[alg], ha1, sizeof(u->cu.ha1[alg]));
	else if ((u->secret = strdup(secret)) == NULL)
		fatal(NULL);
	explicit_bzero(ha1, sizeof(ha1));
	conf->g.auth = 1;
	return (0);
}

/*
 * The users file: refused unless it is a regular file that only its
 * owner, root (or the user checking it with -n), may read or write.
 * Blank lines and lines starting with # are skipped; every other line
 * is name:secret, the secret being the rest of the line exactly. The
 * file is read into a buffer of ours, wiped once parsed.
 */
int
users_file_read(struct sipproxd_config *conf, const char *path, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		 real[PATH_MAX], msg[256];
	char		*buf = NULL, *line, *next, *colon;
	size_t		 len = 0, size = 0;
	ssize_t		 n;
	int		 fd, lineno = 0, rv = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "users file %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "users file %s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "users file %s: not a regular file",
		    path);
		goto done;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen, "users file %s: readable or writable by "
		    "group or others, must be mode 600 or 400", path);
		goto done;
	}
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		snprintf(err, errlen, "users file %s: owned by uid %u, not "
		    "root", path, (unsigned int)st.st_uid);
		goto done;
	}
	if (st.st_size > USERS_FILE_MAX) {
		snprintf(err, errlen, "users file %s: larger than %d bytes",
		    path, USERS_FILE_MAX);
		goto done;
	}
	size = st.st_size + 1;
	if ((buf = malloc(size)) == NULL)
		fatal(NULL);
	while (len < size - 1) {
		if ((n = read(fd, buf + len, size - 1 - len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(err, errlen, "users file %s: %s", path,
			    strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "users file %s: NUL byte", path);
		goto done;
	}

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) > USERS_LINE_MAX) {
			snprintf(err, errlen, "users file %s:%d: line longer "
			    "than %d", path, lineno, USERS_LINE_MAX);
			goto done;
		}
		if ((n = strlen(line)) > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (line[strspn(line, " \t")] == '\0' || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			snprintf(err, errlen, "users file %s:%d: no ':' "
			    "between name and password", path, lineno);
			goto done;
		}
		*colon = '\0';
		if (users_add(conf, line, colon + 1, 1, msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "users file %s:%d: %s", path,
			    lineno, msg);
			goto done;
		}
	}
	if (realpath(path, real) == NULL ||
	    strlcpy(conf->g.users_file, real, sizeof(conf->g.users_file)) >=
	    sizeof(conf->g.users_file)) {
		snprintf(err, errlen, "users file %s: path too long", path);
		goto done;
	}
	/* The parent reads it again on reload: its sandbox must allow it. */
	config_add_file(conf, conf->g.users_file);
	conf->g.auth = 1;
	rv = 0;
 done:
	if (buf != NULL)
		freezero(buf, size);
	close(fd);
	return (rv);
}

/*
 * Once the whole configuration is read: the realm (by default the
 * outside address), each password hashed for every algorithm and
 * wiped, and every user able to answer an algorithm we offer.
 */
int
users_finish(struct sipproxd_config *conf, char *err, size_t errlen)
{
	struct user	*u;
	int		 i, usable;

	if (conf->g.auth_realm[0] == '\0')
		strlcpy(conf->g.auth_realm, addr_str((struct sockaddr *)
		    &conf->g.outside_addr, 0), sizeof(conf->g.auth_realm));
	TAILQ_FOREACH(u, &conf->users, entry) {
		if (u->secret != NULL) {
			for (i = 0; i < AUTH_ALGS; i++)
				digest_ha1(i, u->cu.name, conf->g.auth_realm,
				    u->secret, u->cu.ha1[i]);
			freezero(u->secret, strlen(u->secret));
			u->secret = NULL;
		}
		usable = 0;
		for (i = 0; i < AUTH_ALGS; i++)
			if (conf->g.auth_alg[i] != -1 &&
			    u->cu.ha1[conf->g.auth_alg[i]][0] != '\0')
				usable = 1;
		if (!usable) {
			snprintf(err, errlen, "user %s: no HA1 for an "
			    "algorithm of auth algorithms", u->cu.name);
			return (-1);
		}
	}
	return (0);
}

void
users_free(struct sipproxd_config *conf)
{
	struct user	*u;

	while ((u = TAILQ_FIRST(&conf->users)) != NULL) {
		TAILQ_REMOVE(&conf->users, u, entry);
		if (u->secret != NULL)
			freezero(u->secret, strlen(u->secret));
		freezero(u, sizeof(*u));
	}
	conf->nusers = 0;
}
