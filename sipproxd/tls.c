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
 * The engine's TLS contexts. The parent reads the certificate, the key
 * and the CA file and sends their contents (IMSG_RECONF_TLS_*); the
 * engine never opens a file. From them: one server context for the TLS
 * listeners, one client configuration that verifies every server against
 * the CA and by the name we connect to. The key is wiped as soon as
 * libtls has it.
 */

#define LOG_CLASS	LOG_C_SIP	/* of its debug lines (log.h) */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <tls.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"

/* A file of the configuration being received. */
struct tlsctx_file {
	uint8_t		*data;
	size_t		 size;		/* announced */
	size_t		 len;		/* received */
};

static struct tlsctx_file	 pending[TLS_FILES];
static struct tls_config	*server_cfg;
static struct tls		*server_ctx;
static struct tls_config	*client_cfg;

static void	tlsctx_pending_free(void);

/* Before the chroot: libcrypto may read its configuration once. */
void
tlsctx_init(void)
{
	if (tls_init() == -1)
		fatalx("tls_init");
}

/* IMSG_RECONF_TLS_FILE: a file of the new configuration is announced. */
void
tlsctx_reconf_file(const struct conf_tlsfile *tf)
{
	struct tlsctx_file	*f;

	if (tf->which >= TLS_FILES || tf->len == 0 ||
	    tf->len > TLS_FILE_MAX)
		fatalx("bad IMSG_RECONF_TLS_FILE");
	f = &pending[tf->which];
	if (f->data != NULL)
		fatalx("IMSG_RECONF_TLS_FILE: %s twice",
		    tlsfile_name(tf->which));
	if ((f->data = calloc(1, tf->len)) == NULL)
		fatal(NULL);
	f->size = tf->len;
	f->len = 0;
}

/* IMSG_RECONF_TLS_DATA: the next bytes of an announced file. */
void
tlsctx_reconf_data(uint32_t which, const void *data, size_t len)
{
	struct tlsctx_file	*f;

	if (which >= TLS_FILES || (f = &pending[which])->data == NULL ||
	    len == 0 || len > f->size - f->len)
		fatalx("bad IMSG_RECONF_TLS_DATA");
	memcpy(f->data + f->len, data, len);
	f->len += len;
}

static void
tlsctx_pending_free(void)
{
	int	 i;

	for (i = 0; i < TLS_FILES; i++) {
		freezero(pending[i].data, pending[i].size);
		memset(&pending[i], 0, sizeof(pending[i]));
	}
}

/*
 * The configuration is complete: build the contexts from what came and
 * swap them in. Connections open keep the ones they were made with
 * (libtls counts the references). A failure keeps the old contexts:
 * the parent checked the files, so it means no memory.
 */
void
tlsctx_reconf_done(void)
{
	struct tlsctx_file	*cert = &pending[TLS_FILE_CERT];
	struct tlsctx_file	*key = &pending[TLS_FILE_KEY];
	struct tlsctx_file	*ca = &pending[TLS_FILE_CA];
	struct tls_config	*scfg = NULL, *ccfg = NULL;
	struct tls		*sctx = NULL;
	int			 i;

	for (i = 0; i < TLS_FILES; i++)
		if (pending[i].len != pending[i].size)
			fatalx("IMSG_RECONF_DONE: tls %s incomplete",
			    tlsfile_name(i));
	if ((cert->data == NULL) != (key->data == NULL))
		fatalx("IMSG_RECONF_DONE: tls certificate without key");

	if (cert->data != NULL) {
		if ((scfg = tls_config_new()) == NULL ||
		    (sctx = tls_server()) == NULL)
			fatal("tls server");
		if (tls_config_set_keypair_mem(scfg, cert->data, cert->len,
		    key->data, key->len) == -1) {
			log_warnx("tls certificate: %s",
			    tls_config_error(scfg));
			goto fail;
		}
		if (tls_configure(sctx, scfg) == -1) {
			log_warnx("tls certificate: %s", tls_error(sctx));
			goto fail;
		}
		/* The server context holds the key now; no other copy. */
		tls_config_clear_keys(scfg);
	}
	if (ca->data != NULL) {
		if ((ccfg = tls_config_new()) == NULL)
			fatal("tls client");
		if (tls_config_set_ca_mem(ccfg, ca->data, ca->len) == -1) {
			log_warnx("tls ca: %s", tls_config_error(ccfg));
			goto fail;
		}
	}
	tlsctx_pending_free();

	tls_free(server_ctx);
	tls_config_free(server_cfg);
	tls_config_free(client_cfg);
	server_ctx = sctx;
	server_cfg = scfg;
	client_cfg = ccfg;
	log_debug("tls: %s, %s", server_ctx != NULL ? "server certificate" :
	    "no server certificate", client_cfg != NULL ? "CA to verify by" :
	    "no CA, outgoing TLS refused");
	return;
 fail:
	tlsctx_pending_free();
	if (scfg != NULL)
		tls_config_clear_keys(scfg);
	tls_free(sctx);
	tls_config_free(scfg);
	tls_config_free(ccfg);
	log_warnx("tls: keeping the previous certificates");
}

/* A TLS listener needs the server context, outgoing TLS the CA. */
int
tlsctx_can_accept(void)
{
	return (server_ctx != NULL);
}

int
tlsctx_can_connect(void)
{
	return (client_cfg != NULL);
}

/*
 * A connection accepted on a TLS listener: its context, the handshake
 * to be driven by tlsctx_handshake(). NULL, logged, when there is none.
 */
struct tls *
tlsctx_accept(int fd, const char *peer)
{
	struct tls	*cctx;

	if (server_ctx == NULL) {
		log_warnx("tls from %s: no server certificate", peer);
		return (NULL);
	}
	if (tls_accept_socket(server_ctx, &cctx, fd) == -1) {
		log_warnx("tls from %s: %s", peer, tls_error(server_ctx));
		return (NULL);
	}
	return (cctx);
}

/*
 * A TCP connection to a server is up: make it TLS, verifying the
 * server's certificate against the CA and the name (or address) we
 * meant to reach, servername. NULL, logged, on failure.
 */
struct tls *
tlsctx_connect(int fd, const char *servername, const char *peer)
{
	struct tls	*ctx;

	if (client_cfg == NULL) {
		log_warnx("tls to %s: no CA to verify the server by, "
		    "see tls ca in sipproxd.conf(5)", peer);
		return (NULL);
	}
	if ((ctx = tls_client()) == NULL) {
		log_warn("tls to %s", peer);
		return (NULL);
	}
	if (tls_configure(ctx, client_cfg) == -1 ||
	    tls_connect_socket(ctx, fd, servername) == -1) {
		log_warnx("tls to %s: %s", peer, tls_error(ctx));
		tls_free(ctx);
		return (NULL);
	}
	return (ctx);
}

/*
 * One step of a handshake, non-blocking: 0 done, TLS_WANT_POLLIN or
 * TLS_WANT_POLLOUT to be called again when the socket is ready, -1
 * failed, why says (libtls: "certificate verification failed: ...",
 * "name `x' not present in server certificate" and the like).
 */
int
tlsctx_handshake(struct tls *ctx, const char *peer, int outgoing,
    const char **why)
{
	int	 rv;

	rv = tls_handshake(ctx);
	if (rv == TLS_WANT_POLLIN || rv == TLS_WANT_POLLOUT)
		return (rv);
	if (rv == 0) {
		log_debug("tls %s %s: %s, %s", outgoing ? "to" : "from", peer,
		    tls_conn_version(ctx), tls_conn_cipher(ctx));
		return (0);
	}
	if ((*why = tls_error(ctx)) == NULL)
		*why = "tls handshake failed";
	return (-1);
}
