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
 * The engine's TLS (tls.c) inside the engine's sandbox: contexts built
 * from file contents the way the parent sends them (in chunks), a
 * handshake between our server and our client over a socketpair with
 * data both ways, a server the CA did not sign and a server of another
 * name refused, a new configuration while a connection is up. Each case
 * runs in a child that enters the sandbox with the engine's promises
 * first: a call libtls needs and the filter lacks kills it (SIGSYS).
 * The test certificates come from regress/tls/certs.sh.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <err.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <tls.h>
#include <unistd.h>

#include "sipproxd.h"
#include "engine.h"
#include "log.h"
#include "sandbox.h"
#include "check.h"

/* As engine.c promises. */
#define ENGINE_PROMISES	"stdio inet dns unix recvfd"

static char	 dir[64];
static uint8_t	*files[2][TLS_FILES];	/* [rogue][which] */
static size_t	 lens[2][TLS_FILES];

static void
load(int set, int which, const char *name)
{
	char	 path[128];
	FILE	*fp;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) <= 0)
		errx(1, "%s: empty", path);
	rewind(fp);
	if ((files[set][which] = malloc(n)) == NULL)
		err(1, NULL);
	if (fread(files[set][which], 1, n, fp) != (size_t)n)
		errx(1, "%s: short read", path);
	lens[set][which] = n;
	fclose(fp);
}

/* A configuration as the parent sends it: announced, then chunks. */
static void
reconf(int set)
{
	struct conf_tlsfile	 tf;
	size_t			 off, n;
	int			 i;

	for (i = 0; i < TLS_FILES; i++) {
		tf.which = i;
		tf.len = lens[set][i];
		tlsctx_reconf_file(&tf);
		for (off = 0; off < tf.len; off += n) {
			n = tf.len - off > TLS_CHUNK ? TLS_CHUNK :
			    tf.len - off;
			tlsctx_reconf_data(i, files[set][i] + off, n);
		}
	}
	tlsctx_reconf_done();
}

/*
 * Both ends of a handshake in one process, each step when it may
 * proceed: 0 when both are done, -1 when either fails.
 */
static int
handshakes(struct tls *s, struct tls *c)
{
	const char	*why;
	int		 i, rs = 1, rc = 1;

	for (i = 0; i < 1000 && (rs != 0 || rc != 0); i++) {
		if (rs != 0 &&
		    (rs = tlsctx_handshake(s, "client", 0, &why)) == -1) {
			log_warnx("server: %s", why);
			return (-1);
		}
		if (rc != 0 &&
		    (rc = tlsctx_handshake(c, "server", 1, &why)) == -1) {
			log_warnx("client: %s", why);
			return (-1);
		}
		usleep(1000);
	}
	return (rs == 0 && rc == 0 ? 0 : -1);
}

/* A message from one end to the other, whole. */
static int
transfer(struct tls *from, struct tls *to, const char *msg)
{
	char	 buf[256];
	ssize_t	 n;
	size_t	 got = 0;
	int	 i;

	if (tls_write(from, msg, strlen(msg)) != (ssize_t)strlen(msg))
		return (-1);
	for (i = 0; i < 1000 && got < strlen(msg); i++) {
		n = tls_read(to, buf + got, sizeof(buf) - got);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT) {
			usleep(1000);
			continue;
		}
		if (n <= 0)
			return (-1);
		got += n;
	}
	return (got == strlen(msg) && memcmp(buf, msg, got) == 0 ? 0 : -1);
}

/* A connection between our server and our client, by that name. */
static int
connect_pair(const char *name, struct tls **s, struct tls **c)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		return (-1);
	if ((*s = tlsctx_accept(sv[0], "client")) == NULL ||
	    (*c = tlsctx_connect(sv[1], name, "server")) == NULL)
		return (-1);
	return (handshakes(*s, *c));
}

static int
t_handshake(void)
{
	struct tls	*s, *c;

	reconf(0);
	if (!tlsctx_can_accept() || !tlsctx_can_connect())
		return (1);
	if (connect_pair("127.0.0.2", &s, &c) == -1)
		return (2);
	if (transfer(c, s, "REGISTER sip:x SIP/2.0\r\n") == -1 ||
	    transfer(s, c, "SIP/2.0 200 OK\r\n") == -1)
		return (3);
	tls_free(s);
	tls_free(c);
	return (0);
}

/* Our server shows a certificate of another CA: our client refuses. */
static int
t_unknown_ca(void)
{
	struct tls	*s, *c;

	reconf(1);
	return (connect_pair("127.0.0.20", &s, &c) == -1 ? 0 : 1);
}

/* The certificate is good, but not for the name we connect to. */
static int
t_wrong_name(void)
{
	struct tls	*s, *c;

	reconf(0);
	return (connect_pair("127.0.0.99", &s, &c) == -1 ? 0 : 1);
}

/* A new configuration: the connection made before it goes on. */
static int
t_reconf(void)
{
	struct tls	*s, *c, *s2, *c2;

	reconf(0);
	if (connect_pair("localhost", &s, &c) == -1)
		return (1);
	reconf(1);
	reconf(0);
	if (transfer(c, s, "OPTIONS sip:x SIP/2.0\r\n") == -1)
		return (2);
	if (connect_pair("localhost", &s2, &c2) == -1)
		return (3);
	tls_free(s);
	tls_free(c);
	tls_free(s2);
	tls_free(c2);
	return (0);
}

static void
run(const char *name, int (*fn)(void))
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		sandbox_enter(ENGINE_PROMISES);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	if (WIFSIGNALED(status))
		check(name, 0, "killed by signal %d%s", WTERMSIG(status),
		    WTERMSIG(status) == SIGSYS ? " (sandbox)" : "");
	else
		check(name, WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "step %d failed", WEXITSTATUS(status));
}

int
main(void)
{
	char	 cmd[256];

	log_init(1, LOG_DAEMON);
	log_setverbose(1);
	snprintf(dir, sizeof(dir), "/tmp/tls_test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		err(1, "mkdtemp");
	snprintf(cmd, sizeof(cmd), ". regress/tls/certs.sh && tls_certs %s",
	    dir);
	if (system(cmd) != 0)
		errx(1, "openssl could not make the test certificates");
	load(0, TLS_FILE_CERT, "server.crt");
	load(0, TLS_FILE_KEY, "server.key");
	load(0, TLS_FILE_CA, "ca.crt");
	load(1, TLS_FILE_CERT, "rogue-peer.crt");
	load(1, TLS_FILE_KEY, "rogue-peer.key");
	load(1, TLS_FILE_CA, "ca.crt");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		warnx("%s failed", cmd);

	/* As the engine: libcrypto set up before the sandbox. */
	tlsctx_init();
	run("tls_handshake", t_handshake);
	run("tls_unknown_ca", t_unknown_ca);
	run("tls_wrong_name", t_wrong_name);
	run("tls_reconf", t_reconf);
	return (failures != 0);
}
