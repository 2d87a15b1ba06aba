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
 * Configuration objects: creation with defaults, release, comparison, and
 * the pieces sent to the children.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>
#include <unistd.h>

#include "sipproxd.h"
#include "digest.h"
#include "acl.h"
#include "log.h"

struct sipproxd_config *
config_new(void)
{
	struct sipproxd_config	*conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return (NULL);
	TAILQ_INIT(&conf->listeners);
	TAILQ_INIT(&conf->files);
	TAILQ_INIT(&conf->users);
	TAILQ_INIT(&conf->rewrites);
	conf->g.external_addr.ss_family = AF_UNSPEC;
	conf->g.rtp_port_lo = RTP_PORT_LO;
	conf->g.rtp_port_hi = RTP_PORT_HI;
	conf->g.rtp_timeout = RTP_TIMEOUT;
	conf->g.rtp_latch = RTP_LATCH_LEARN;
	conf->g.rtp_dscp = RTP_DSCP;
	conf->g.rtp_relay = 1;
	conf->g.sip_dscp = SIP_DSCP;
	conf->g.reg_expires = REG_EXPIRES;
	conf->g.limit_calls = LIMIT_CALLS;
	conf->g.limit_media = LIMIT_MEDIA;
	conf->g.tcp_idle = TCP_IDLE;
	conf->g.tcp_connect = TCP_CONNECT;
	conf->g.reg_max = REG_MAX;
	conf->g.call_max = CALL_MAX;
	conf->g.auth_methods = 1U << method_from_name("REGISTER") |
	    1U << method_from_name("INVITE");
	/* Both, the stronger first (RFC 8760 2.4). */
	conf->g.auth_alg[0] = DIGEST_SHA256;
	conf->g.auth_alg[1] = DIGEST_MD5;
	conf->g.auth_nonce_lifetime = AUTH_NONCE_LIFETIME;
	conf->g.block_scanners = 1;
	conf->g.stealth = 1;
	conf->g.ban_time = BAN_TIME;
	if ((conf->acl = acl_conf_new()) == NULL) {
		free(conf);
		return (NULL);
	}
	return (conf);
}

void
config_free(struct sipproxd_config *conf)
{
	struct listener		*l;
	struct conf_file	*f;
	struct rewrite		*rw;
	int			 i;

	if (conf == NULL)
		return;
	while ((rw = TAILQ_FIRST(&conf->rewrites)) != NULL) {
		TAILQ_REMOVE(&conf->rewrites, rw, entry);
		free(rw);
	}
	config_tls_wipe(conf);
	for (i = 0; i < TLS_FILES; i++)
		free(conf->tls[i].path);
	users_free(conf);
	while ((f = TAILQ_FIRST(&conf->files)) != NULL) {
		TAILQ_REMOVE(&conf->files, f, entry);
		free(f->path);
		free(f);
	}
	while ((l = TAILQ_FIRST(&conf->listeners)) != NULL) {
		TAILQ_REMOVE(&conf->listeners, l, entry);
		if (l->fd != -1)
			close(l->fd);
		free(l);
	}
	acl_conf_free(conf->acl);
	free(conf);
}

/* Remember a file read, for the sandbox of the parent. */
void
config_add_file(struct sipproxd_config *conf, const char *path)
{
	struct conf_file	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL)
		fatal(NULL);
	TAILQ_INSERT_TAIL(&conf->files, f, entry);
}

/* The listener with the same address, port and protocol, if any. */
struct listener *
listener_find(struct listeners *head, const struct listener *key)
{
	struct listener	*l;

	TAILQ_FOREACH(l, head, entry)
		if (l->proto == key->proto && sa_cmp(&l->ss, &key->ss) == 0)
			return (l);
	return (NULL);
}

/* What the grammar calls a TLS file: `tls certificate` and so on. */
const char *
tlsfile_name(int which)
{
	switch (which) {
	case TLS_FILE_CERT:
		return ("certificate");
	case TLS_FILE_KEY:
		return ("key");
	}
	return ("ca");
}

/*
 * Read a TLS file whole. A key must be a secret: owned by root (or by
 * whoever checks the file with -n) and neither writable by its group
 * nor open to others at all; group read stays allowed for groups like
 * Debian's ssl-cert. Nothing that is not a regular file is read: a fifo
 * would block the parent. On error, why is in err.
 */
int
config_tls_read(struct tlsfile *tf, int which, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off = 0;
	uint8_t		*data = NULL;
	int		 fd;

	if ((fd = open(tf->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto fail;
	}
	if (which == TLS_FILE_KEY) {
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			snprintf(err, errlen, "not owned by root");
			goto fail;
		}
		if (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) {
			snprintf(err, errlen, "mode %04o: readable or "
			    "writable by other users, want 0600 or 0640",
			    (unsigned int)st.st_mode & 07777);
			goto fail;
		}
	}
	if (st.st_size <= 0 || st.st_size > TLS_FILE_MAX) {
		snprintf(err, errlen, st.st_size <= 0 ? "empty" :
		    "larger than %d bytes", TLS_FILE_MAX);
		goto fail;
	}
	/* One byte more than stat said: a file growing meanwhile shows. */
	if ((data = malloc(st.st_size + 1)) == NULL)
		fatal(NULL);
	while (off < (size_t)st.st_size + 1) {
		if ((n = read(fd, data + off, st.st_size + 1 - off)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		off += n;
	}
	if (off != (size_t)st.st_size) {
		snprintf(err, errlen, "changed while being read");
		goto fail;
	}
	close(fd);
	freezero(tf->data, tf->len);
	tf->data = data;
	tf->len = off;
	return (0);
 fail:
	freezero(data, data == NULL ? 0 : (size_t)st.st_size + 1);
	close(fd);
	return (-1);
}

/*
 * What the engine would find wrong with the TLS files, found while the
 * configuration can still be refused: a certificate without its key or
 * the other way round, a pair libtls does not take, a CA file without
 * one certificate in it.
 */
int
config_tls_check(struct sipproxd_config *conf, char *err, size_t errlen)
{
	struct tlsfile		*cert = &conf->tls[TLS_FILE_CERT];
	struct tlsfile		*key = &conf->tls[TLS_FILE_KEY];
	struct tlsfile		*ca = &conf->tls[TLS_FILE_CA];
	static const char	 pem[] = "-----BEGIN CERTIFICATE-----";
	struct tls_config	*tc;
	struct tls		*ctx = NULL;
	int			 rv = -1;

	if (cert->data != NULL && key->data == NULL) {
		snprintf(err, errlen, "tls certificate given without tls key");
		return (-1);
	}
	if (key->data != NULL && cert->data == NULL) {
		snprintf(err, errlen, "tls key given without tls certificate");
		return (-1);
	}
	if (ca->data != NULL &&
	    memmem(ca->data, ca->len, pem, sizeof(pem) - 1) == NULL) {
		snprintf(err, errlen, "tls ca %s: no PEM certificate in it",
		    ca->path);
		return (-1);
	}
	if (cert->data == NULL)
		return (0);
	if (memmem(cert->data, cert->len, pem, sizeof(pem) - 1) == NULL) {
		snprintf(err, errlen, "tls certificate %s: no PEM "
		    "certificate in it", cert->path);
		return (-1);
	}

	if ((tc = tls_config_new()) == NULL || (ctx = tls_server()) == NULL)
		fatal("tls");
	if (tls_config_set_keypair_mem(tc, cert->data, cert->len, key->data,
	    key->len) == -1)
		snprintf(err, errlen, "tls certificate %s and key %s: %s",
		    cert->path, key->path, tls_config_error(tc));
	else if (tls_configure(ctx, tc) == -1)
		snprintf(err, errlen, "tls certificate %s and key %s: %s",
		    cert->path, key->path, tls_error(ctx));
	else
		rv = 0;
	/* libtls copied the key: wipe its copy, ours goes after sending. */
	tls_config_clear_keys(tc);
	tls_free(ctx);
	tls_config_free(tc);
	return (rv);
}

/* The contents go once sent; the key's are wiped. */
void
config_tls_wipe(struct sipproxd_config *conf)
{
	int	 i;

	for (i = 0; i < TLS_FILES; i++) {
		freezero(conf->tls[i].data, conf->tls[i].len);
		conf->tls[i].data = NULL;
		conf->tls[i].len = 0;
	}
}

static const struct {
	const char	*name;
	int		 value;
} dscp_names[] = {
	{ "af11", 10 }, { "af12", 12 }, { "af13", 14 },
	{ "af21", 18 }, { "af22", 20 }, { "af23", 22 },
	{ "af31", 26 }, { "af32", 28 }, { "af33", 30 },
	{ "af41", 34 }, { "af42", 36 }, { "af43", 38 },
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 },
	{ "cs4", 32 }, { "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 },
	{ "ef", 46 }
};

/* A DSCP name as in pf.conf(5), or -1. */
int
dscp_from_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(dscp_names); i++)
		if (strcasecmp(name, dscp_names[i].name) == 0)
			return (dscp_names[i].value);
	return (-1);
}

/* A debug class by name: its LOG_C_* bit, LOG_C_ALL for "all", or -1. */
int
log_class_from_name(const char *name)
{
	static const char	*names[] = LOG_C_NAMES;
	size_t			 i;

	if (strcmp(name, "all") == 0)
		return (LOG_C_ALL);
	for (i = 0; i < nitems(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (1 << i);
	return (-1);
}

/* Debug classes as the configuration writes them: "sip dns", "all". */
const char *
log_classes_str(int classes)
{
	static const char	*names[] = LOG_C_NAMES;
	static char		 buf[64];
	size_t			 i;

	buf[0] = '\0';
	if ((classes & LOG_C_ALL) == LOG_C_ALL)
		return ("all");
	for (i = 0; i < nitems(names); i++) {
		if ((classes & (1 << i)) == 0)
			continue;
		if (buf[0] != '\0')
			strlcat(buf, " ", sizeof(buf));
		strlcat(buf, names[i], sizeof(buf));
	}
	return (buf[0] != '\0' ? buf : "none");
}

/* The name of a DSCP value where it has one, else NULL. */
const char *
dscp_name(int value)
{
	size_t	 i;

	for (i = 0; i < nitems(dscp_names); i++)
		if (dscp_names[i].value == value)
			return (dscp_names[i].name);
	return (NULL);
}

/*
 * A SIP method a request may be challenged for, by its enum sip_method
 * value, or -1: ACK and CANCEL cannot be (RFC 3261 22.1).
 */
int
method_from_name(const char *name)
{
	static const char	*names[] = SIP_STAT_METHOD_NAMES;
	int			 i;

	for (i = 1; i < SIP_STAT_METHODS; i++)
		if (strcmp(name, names[i]) == 0)
			return (strcmp(name, "ACK") == 0 ||
			    strcmp(name, "CANCEL") == 0 ? -1 : i);
	return (-1);
}

const char *
method_name(int method)
{
	static const char	*names[] = SIP_STAT_METHOD_NAMES;

	return (method > 0 && method < SIP_STAT_METHODS ? names[method] :
	    "other");
}

const char *
latch_name(int latch)
{
	switch (latch) {
	case RTP_LATCH_STRICT:
		return ("strict");
	case RTP_LATCH_ANY:
		return ("any");
	}
	return ("learn");
}
