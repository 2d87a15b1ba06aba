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
 * Unit test of compat/imsg.c and compat/imsg-buffer.c over
 * socketpair(AF_UNIX, SOCK_STREAM). One line per check: "ok name" or
 * "FAIL name: why"; exits non-zero when any check failed.
 *
 * cc -Wall -Wextra -Icompat/imsg $(pkg-config --cflags libbsd-overlay) \
 *     regress/unit/imsg_test.c compat/imsg.c compat/imsg-buffer.c \
 *     $(pkg-config --libs libbsd-overlay) -o imsg_test
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "check.h"

#define T_PING		1
#define T_FD		2
#define T_DATA		3
#define T_BIG		4


static void	sp(int [2]);
static void	pair_init(struct imsgbuf *, struct imsgbuf *, int [2]);
static void	pair_clear(struct imsgbuf *, struct imsgbuf *, int [2]);
static int	read_until(struct imsgbuf *, struct imsg *, int);
static int	fd_is_open(int);
static int	count_fds(void);
static int	pipe_eof(int);
static void	write_hdr(int, uint32_t, uint32_t, uint32_t);
static void	test_ibuf(void);
static void	test_roundtrip(void);
static void	test_partial_inprocess(void);
static void	test_partial_fork(void);
static void	test_many(void);
static void	test_fdpass(void);
static void	test_fd_order(void);
static void	test_fd_unclaimed(void);
static void	test_fd_refused(void);
static void	test_oversize(void);
static void	test_truncated(void);
static void	test_get_data(void);
static void	test_create(void);
static void	test_queue_flush(void);
static void	test_nonblocking_write(void);
static void	test_epipe(void);


static void
sp(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1) {
		perror("socketpair");
		exit(2);
	}
}

/* a talks on fds[0], b on fds[1]. */
static void
pair_init(struct imsgbuf *a, struct imsgbuf *b, int fds[2])
{
	sp(fds);
	if (imsgbuf_init(a, fds[0]) == -1 || imsgbuf_init(b, fds[1]) == -1) {
		perror("imsgbuf_init");
		exit(2);
	}
}

static void
pair_clear(struct imsgbuf *a, struct imsgbuf *b, int fds[2])
{
	imsgbuf_clear(a);
	imsgbuf_clear(b);
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
}

/*
 * Reads until one message is complete; 1 with it in *imsg, 0 on EOF,
 * -1 on error. Bounded by tries reads.
 */
static int
read_until(struct imsgbuf *ib, struct imsg *imsg, int tries)
{
	ssize_t	 n;
	int	 i, r;

	for (i = 0; i < tries; i++) {
		if ((n = imsg_get(ib, imsg)) == -1)
			return (-1);
		if (n > 0)
			return (1);
		if ((r = imsgbuf_read(ib)) != 1)
			return (r);
	}
	return (-1);
}

static int
fd_is_open(int fd)
{
	return (fcntl(fd, F_GETFD) != -1);
}

static int
count_fds(void)
{
	int	 fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fd_is_open(fd))
			n++;
	return (n);
}

/* 1 if the pipe's read end sees EOF now (no writer left, no data). */
static int
pipe_eof(int rfd)
{
	struct pollfd	 pfd;
	char		 c;

	pfd.fd = rfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 1000) != 1)
		return (0);
	return (read(rfd, &c, 1) == 0);
}

static void
write_hdr(int fd, uint32_t type, uint32_t len, uint32_t peerid)
{
	struct imsg_hdr	 hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.peerid = peerid;
	hdr.pid = 4242;
	if (write(fd, &hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
		perror("write");
		exit(2);
	}
}

static void
test_ibuf(void)
{
	struct ibuf	*b, rb;
	unsigned char	*p;
	char		 got[3];

	b = ibuf_dynamic(4, 16);	/* grows past the hint, not the max */
	check("ibuf_dynamic", b != NULL, "NULL");
	if (b == NULL)
		return;
	check("ibuf_add", ibuf_add(b, "abcdefgh", 8) == 0 &&
	    ibuf_size(b) == 8 && memcmp(ibuf_data(b), "abcdefgh", 8) == 0,
	    "size %zu", ibuf_size(b));
	check("ibuf_dynamic_max",
	    ibuf_reserve(b, 8) != NULL && ibuf_add(b, "x", 1) == -1 &&
	    errno == ERANGE && ibuf_size(b) == 16, "grew beyond max");
	check("ibuf_seek",
	    ibuf_seek(b, 15, 2) == NULL && (p = ibuf_seek(b, 1, 2)) != NULL &&
	    p[0] == 'b', "seek bounds wrong");
	check("ibuf_get", ibuf_get(b, got, 3) == 0 &&
	    memcmp(got, "abc", 3) == 0 && ibuf_size(b) == 13 &&
	    *(char *)ibuf_data(b) == 'd', "size %zu", ibuf_size(b));
	check("ibuf_get_ibuf", ibuf_get_ibuf(b, 2, &rb) == 0 &&
	    ibuf_size(&rb) == 2 && memcmp(ibuf_data(&rb), "de", 2) == 0 &&
	    ibuf_size(b) == 11 && ibuf_add(&rb, "x", 1) == -1,
	    "borrowed view wrong");
	ibuf_free(&rb);		/* borrowed: must be a no-op */
	check("ibuf_get_short",
	    ibuf_get_ibuf(b, 12, &rb) == -1 && errno == EBADMSG &&
	    ibuf_get(b, got, 3) == 0 && ibuf_size(b) == 8,
	    "read beyond the data");
	ibuf_free(b);
	check("ibuf_dynamic_invalid",
	    ibuf_dynamic(0, 0) == NULL && ibuf_dynamic(8, 4) == NULL,
	    "accepted bad sizes");
}

static void
test_roundtrip(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2];
	uint32_t	 v = 0xdeadbeef, got = 0;

	pair_init(&a, &b, fds);
	check("compose",
	    imsg_compose(&a, T_DATA, 77, 0, -1, &v, sizeof(v)) == 1 &&
	    imsg_compose(&a, T_PING, 0xffffffffU, 1234, -1, NULL, 0) == 1,
	    "imsg_compose failed");
	check("flush", imsgbuf_flush(&a) == 0, "%s", strerror(errno));
	check("roundtrip_read", read_until(&b, &imsg, 10) == 1, "no message");
	check("roundtrip_header",
	    imsg_get_type(&imsg) == T_DATA && imsg_get_id(&imsg) == 77 &&
	    imsg.hdr.pid == (uint32_t)getpid() && imsg_get_len(&imsg) == 4 &&
	    imsg.hdr.len == IMSG_HEADER_SIZE + 4 && imsg.data != NULL,
	    "type %u id %u pid %u len %zu",
	    imsg_get_type(&imsg), imsg_get_id(&imsg), imsg.hdr.pid,
	    imsg_get_len(&imsg));
	check("roundtrip_data",
	    imsg_get_data(&imsg, &got, sizeof(got)) == 0 && got == v,
	    "got %x", got);
	check("roundtrip_nofd", imsg_get_fd(&imsg) == -1, "fd present");
	imsg_free(&imsg);
	check("roundtrip_empty_payload",
	    read_until(&b, &imsg, 10) == 1 && imsg_get_type(&imsg) ==
	    T_PING && imsg_get_id(&imsg) == 0xffffffffU &&
	    imsg.hdr.pid == 1234 && imsg_get_len(&imsg) == 0 &&
	    imsg.data == NULL,
	    "second message wrong");
	check("get_data_empty", imsg_get_data(&imsg, &got, sizeof(got)) == -1 &&
	    errno == EBADMSG, "accepted");
	imsg_free(&imsg);
	check("imsg_get_none", imsg_get(&b, &imsg) == 0,
	    "got a message from nowhere");

	/* EOF */
	close(fds[0]);
	fds[0] = -1;
	check("read_eof", imsgbuf_read(&b) == 0, "not 0");
	pair_clear(&a, &b, fds);
}

/* A message written one byte at a time is delivered once, whole. */
static void
test_partial_inprocess(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	unsigned char	 raw[IMSG_HEADER_SIZE + 10];
	struct imsg_hdr	 hdr;
	char		 pay[20];
	size_t		 i;
	ssize_t		 n;
	int		 fds[2], early = 0, bad = 0;

	pair_init(&a, &b, fds);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = T_DATA;
	hdr.len = sizeof(raw);
	hdr.peerid = 9;
	hdr.pid = 1;
	memcpy(raw, &hdr, sizeof(hdr));
	memcpy(raw + sizeof(hdr), "0123456789", 10);
	for (i = 0; i < sizeof(raw); i++) {
		if (write(fds[0], raw + i, 1) != 1)
			bad = 1;
		if (imsgbuf_read(&b) != 1)
			bad = 1;
		n = imsg_get(&b, &imsg);
		if (i + 1 < sizeof(raw) && n != 0)
			early = 1;
	}
	check("partial_bytewise_no_early", !bad && !early,
	    "bad %d early %d", bad, early);
	check("partial_bytewise_whole",
	    n == (ssize_t)sizeof(raw) && imsg_get_id(&imsg) == 9 &&
	    imsg_get_data(&imsg, pay, 10) == 0 && memcmp(pay, "0123456789", 10)
	    == 0, "n %zd", n);
	if (n > 0)
		imsg_free(&imsg);
	pair_clear(&a, &b, fds);
}

/* A writer in another process, in odd pieces with pauses. */
static void
test_partial_fork(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct pollfd	 pfd;
	size_t		 off, chunk;
	uint32_t	 seq, k;
	pid_t		 pid;
	int		 fds[2], i, got = 0, bad = 0, status, r;
	const int	 nmsg = 50;

	pair_init(&a, &b, fds);
	/* Build the byte stream with the library, then send it raw. */
	for (k = 0; k < (uint32_t)nmsg; k++) {
		unsigned char	 pay[300];

		memset(pay, (int)k, sizeof(pay));
		if (imsg_compose(&a, T_DATA, k, 0, -1, pay,
		    (k * 37) % sizeof(pay)) != 1)
			bad = 1;
	}
	pid = fork();
	if (pid == -1) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		/* Child: flush to a pipe-like buffer, then dribble it out. */
		int		 sfd[2];
		unsigned char	 buf[65536];
		ssize_t		 blen;
		unsigned int	 x = 12345;

		sp(sfd);
		a.fd = sfd[0];
		if (imsgbuf_flush(&a) == -1)
			_exit(3);
		close(sfd[0]);
		blen = read(sfd[1], buf, sizeof(buf));
		if (blen <= 0)
			_exit(4);
		for (off = 0; off < (size_t)blen; off += chunk) {
			x = x * 1103515245 + 12345;
			chunk = 1 + (x >> 16) % 29;
			if (chunk > (size_t)blen - off)
				chunk = (size_t)blen - off;
			if (write(fds[0], buf + off, chunk) != (ssize_t)chunk)
				_exit(5);
			if ((x >> 8) % 4 == 0)
				usleep(1000);
		}
		_exit(0);
	}
	imsgbuf_clear(&a);
	close(fds[0]);
	fds[0] = -1;
	seq = 0;
	for (i = 0; i < 100000 && got < nmsg; i++) {
		pfd.fd = fds[1];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 5000) != 1) {
			bad = 1;
			break;
		}
		if ((r = imsgbuf_read(&b)) != 1) {
			bad = 1;
			break;
		}
		while (imsg_get(&b, &imsg) > 0) {
			unsigned char	 pay[300];
			size_t		 len = (seq * 37) % sizeof(pay);
			size_t		 j;

			if (imsg_get_id(&imsg) != seq ||
			    imsg_get_len(&imsg) != len)
				bad = 1;
			else if (len > 0) {
				imsg_get_data(&imsg, pay, len);
				for (j = 0; j < len; j++)
					if (pay[j] != (unsigned char)seq)
						bad = 1;
			}
			imsg_free(&imsg);
			seq++;
			got++;
		}
	}
	waitpid(pid, &status, 0);
	check("partial_fork_framing",
	    !bad && got == nmsg && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0,
	    "got %d of %d, bad %d, child status %d", got, nmsg, bad, status);
	check("partial_fork_eof", imsgbuf_read(&b) == 0, "no EOF");
	pair_clear(&a, &b, fds);
}

static void
test_many(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	uint32_t	 k, v;
	int		 fds[2], n = 0, bad = 0;

	pair_init(&a, &b, fds);
	for (k = 0; k < 200; k++)
		if (imsg_compose(&a, T_DATA, k, 0, -1, &k, sizeof(k)) != 1)
			bad = 1;
	check("many_queuelen", imsgbuf_queuelen(&a) == 200, "%u",
	    imsgbuf_queuelen(&a));
	check("many_flush",
	    imsgbuf_flush(&a) == 0 && imsgbuf_queuelen(&a) == 0,
	    "queue not empty");
	/* 200 * 20 bytes fit one read of the 64 KiB buffer. */
	check("many_one_read", imsgbuf_read(&b) == 1, "read failed");
	while (imsg_get(&b, &imsg) > 0) {
		if (imsg_get_data(&imsg, &v, sizeof(v)) == -1 ||
		    v != (uint32_t)n || imsg_get_id(&imsg) != (uint32_t)n)
			bad = 1;
		imsg_free(&imsg);
		n++;
	}
	check("many_in_one_read", !bad && n == 200, "got %d, bad %d", n,
	    bad);
	pair_clear(&a, &b, fds);
}

static void
test_fdpass(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2], p[2], rfd = -1;
	char		 buf[16];

	pair_init(&a, &b, fds);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	if (pipe(p) == -1) {
		perror("pipe");
		exit(2);
	}
	check("fd_compose", imsg_compose(&a, T_FD, 5, 0, p[1], "x", 1) == 1,
	    "%s", strerror(errno));
	check("fd_flush", imsgbuf_flush(&a) == 0, "%s", strerror(errno));
	check("fd_closed_by_sender", !fd_is_open(p[1]),
	    "sender still holds the fd");
	check("fd_read", read_until(&b, &imsg, 10) == 1, "no message");
	rfd = imsg_get_fd(&imsg);
	check("fd_received", rfd != -1 && imsg_get_type(&imsg) == T_FD &&
	    imsg.hdr.len == IMSG_HEADER_SIZE + 1 && imsg_get_len(&imsg) == 1,
	    "fd %d len %u", rfd, imsg.hdr.len);
	check("fd_claimed_once", imsg_get_fd(&imsg) == -1, "handed out twice");
	imsg_free(&imsg);
	if (rfd != -1) {
		check("fd_cloexec", (fcntl(rfd, F_GETFD) & FD_CLOEXEC) != 0,
		    "FD_CLOEXEC not set");
		check("fd_kept_after_free", fd_is_open(rfd),
		    "imsg_free closed a claimed fd");
		check("fd_usable", write(rfd, "hello", 5) == 5 &&
		    read(p[0], buf, sizeof(buf)) == 5 &&
		    memcmp(buf, "hello", 5) == 0,
		    "write through received fd failed");
		close(rfd);
	}
	check("fd_no_stray_copies", pipe_eof(p[0]), "writer still open");
	close(p[0]);
	pair_clear(&a, &b, fds);
}

/* Descriptors go with their own message, not a neighbour. */
static void
test_fd_order(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2], p1[2], p2[2], got[4], i, bad = 0;
	char		 c;

	pair_init(&a, &b, fds);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	if (pipe(p1) == -1 || pipe(p2) == -1)
		exit(2);
	if (imsg_compose(&a, T_PING, 0, 0, -1, NULL, 0) != 1 ||
	    imsg_compose(&a, T_FD, 1, 0, p1[1], NULL, 0) != 1 ||
	    imsg_compose(&a, T_PING, 2, 0, -1, "abc", 3) != 1 ||
	    imsg_compose(&a, T_FD, 3, 0, p2[1], "d", 1) != 1)
		bad = 1;
	if (imsgbuf_flush(&a) == -1)
		bad = 1;
	for (i = 0; i < 4; i++) {
		got[i] = -2;
		if (read_until(&b, &imsg, 20) != 1) {
			bad = 1;
			break;
		}
		if (imsg_get_id(&imsg) != (uint32_t)i)
			bad = 1;
		got[i] = imsg_get_fd(&imsg);
		imsg_free(&imsg);
	}
	check("fd_order_attach",
	    !bad && got[0] == -1 && got[2] == -1 && got[1] >= 0 &&
	    got[3] >= 0, "bad %d fds %d %d %d %d", bad,
	    got[0], got[1], got[2], got[3]);
	if (got[1] >= 0 && got[3] >= 0) {
		check("fd_order_identity", write(got[1], "1", 1) == 1 &&
		    write(got[3], "2", 1) == 1 &&
		    read(p1[0], &c, 1) == 1 && c == '1' &&
		    read(p2[0], &c, 1) == 1 && c == '2',
		    "descriptors swapped");
		close(got[1]);
		close(got[3]);
	}
	close(p1[0]);
	close(p2[0]);
	pair_clear(&a, &b, fds);
}

/* imsg_free() and imsgbuf_clear() close what nobody claimed. */
static void
test_fd_unclaimed(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2], p[2];

	pair_init(&a, &b, fds);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	if (pipe(p) == -1)
		exit(2);
	imsg_compose(&a, T_FD, 0, 0, p[1], NULL, 0);
	imsgbuf_flush(&a);
	check("unclaimed_read", read_until(&b, &imsg, 10) == 1, "none");
	imsg_free(&imsg);
	check("unclaimed_closed_by_imsg_free", pipe_eof(p[0]),
	    "fd leaked");
	close(p[0]);

	if (pipe(p) == -1)
		exit(2);
	imsg_compose(&a, T_FD, 0, 0, p[1], NULL, 0);
	imsgbuf_flush(&a);
	check("unclaimed_read2", imsgbuf_read(&b) == 1, "read failed");
	imsgbuf_clear(&b);		/* message never taken out */
	check("unclaimed_closed_by_clear", pipe_eof(p[0]), "fd leaked");
	close(p[0]);

	/* Queued but never sent: closed with the queue. */
	if (pipe(p) == -1)
		exit(2);
	imsg_compose(&a, T_FD, 0, 0, p[1], NULL, 0);
	imsgbuf_clear(&a);
	check("unsent_closed_by_clear", pipe_eof(p[0]), "fd leaked");
	close(p[0]);
	pair_clear(&a, &b, fds);
}

static void
test_fd_refused(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2], p[2], r;

	pair_init(&a, &b, fds);
	if (pipe(p) == -1)
		exit(2);
	check("fd_compose_needs_allow",
	    imsg_compose(&a, T_FD, 0, 0, p[1], NULL, 0) == -1 &&
	    fd_is_open(p[1]),
	    "composed an fd without imsgbuf_allow_fdpass");
	imsgbuf_allow_fdpass(&a);	/* sender allows, receiver does not */
	imsg_compose(&a, T_FD, 0, 0, p[1], NULL, 0);
	imsgbuf_flush(&a);
	errno = 0;
	r = imsgbuf_read(&b);
	check("fd_refused_read_fails", r == -1, "read returned %d", r);
	check("fd_refused_closed", pipe_eof(p[0]), "refused fd left open");
	check("fd_refused_get_fails", imsg_get(&b, &imsg) == -1,
	    "marked message delivered without fd");
	close(p[0]);
	pair_clear(&a, &b, fds);
}

static void
test_oversize(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	ssize_t		 n;
	int		 fds[2];

	pair_init(&a, &b, fds);
	write_hdr(fds[0], T_DATA, IMSG_MAXSIZE_DEFAULT + 1, 0);
	imsgbuf_read(&b);
	errno = 0;
	n = imsg_get(&b, &imsg);
	check("oversize_rejected", n == -1 && errno == ERANGE, "n %zd errno %d",
	    n, errno);
	check("oversize_sticky", imsg_get(&b, &imsg) == -1, "recovered");
	pair_clear(&a, &b, fds);

	pair_init(&a, &b, fds);
	write_hdr(fds[0], T_DATA, 0x7fffffff, 0);
	imsgbuf_read(&b);
	check("huge_len_rejected", imsg_get(&b, &imsg) == -1, "accepted");
	pair_clear(&a, &b, fds);

	pair_init(&a, &b, fds);
	write_hdr(fds[0], T_DATA, IMSG_HEADER_SIZE - 1, 0);
	imsgbuf_read(&b);
	check("undersize_rejected", imsg_get(&b, &imsg) == -1, "accepted");
	pair_clear(&a, &b, fds);

	/* The fd mark without a descriptor, on a buffer that allows them. */
	pair_init(&a, &b, fds);
	imsgbuf_allow_fdpass(&b);
	write_hdr(fds[0], T_FD, IMSG_HEADER_SIZE | IMSG_FD_MARK, 0);
	imsgbuf_read(&b);
	errno = 0;
	check("fd_mark_without_fd_rejected",
	    imsg_get(&b, &imsg) == -1 && errno == EBADMSG, "accepted");
	pair_clear(&a, &b, fds);

	/* Exactly the maximum is fine; one more is refused at compose. */
	pair_init(&a, &b, fds);
	{
		static unsigned char	 big[IMSG_MAXSIZE_DEFAULT];

		check("oversize_compose_refused",
		    imsg_compose(&a, T_BIG, 0, 0, -1, big,
		    IMSG_MAXSIZE_DEFAULT - IMSG_HEADER_SIZE + 1) == -1 &&
		    imsg_create(&a, T_BIG, 0, 0, IMSG_MAXSIZE_DEFAULT) == NULL,
		    "composed");
		check("maxsize_message_ok",
		    imsg_compose(&a, T_BIG, 0, 0, -1, big,
		    IMSG_MAXSIZE_DEFAULT - IMSG_HEADER_SIZE) == 1 &&
		    imsgbuf_flush(&a) == 0 && read_until(&b, &imsg, 20) == 1 &&
		    imsg_get_len(&imsg) == IMSG_MAXSIZE_DEFAULT -
		    IMSG_HEADER_SIZE, "not delivered");
		imsg_free(&imsg);
	}
	pair_clear(&a, &b, fds);
}

static void
test_truncated(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	char		 pay[50];
	int		 fds[2], r, i, seen = 0;

	pair_init(&a, &b, fds);
	write_hdr(fds[0], T_DATA, IMSG_HEADER_SIZE + 100, 0);
	memset(pay, 'z', sizeof(pay));
	if (write(fds[0], pay, sizeof(pay)) != sizeof(pay))
		exit(2);
	close(fds[0]);
	fds[0] = -1;
	for (i = 0; i < 10; i++) {
		if (imsg_get(&b, &imsg) != 0)
			seen = 1;
		if ((r = imsgbuf_read(&b)) != 1)
			break;
	}
	check("truncated_not_delivered",
	    r == 0 && !seen && imsg_get(&b, &imsg) == 0,
	    "r %d seen %d", r, seen);
	pair_clear(&a, &b, fds);
}

static void
test_get_data(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	uint64_t	 v = 0x1122334455667788ULL, got = 0;
	uint32_t	 small;
	unsigned char	 large[16];
	int		 fds[2];

	pair_init(&a, &b, fds);
	imsg_compose(&a, T_DATA, 0, 0, -1, &v, sizeof(v));
	imsgbuf_flush(&a);
	if (read_until(&b, &imsg, 10) != 1) {
		check("get_data_read", 0, "no message");
		pair_clear(&a, &b, fds);
		return;
	}
	errno = 0;
	check("get_data_short_fails",
	    imsg_get_data(&imsg, &small, sizeof(small)) == -1 &&
	    errno == EBADMSG, "accepted");
	errno = 0;
	check("get_data_long_fails",
	    imsg_get_data(&imsg, large, sizeof(large)) == -1 &&
	    errno == EBADMSG, "accepted");
	check("get_data_exact",
	    imsg_get_data(&imsg, &got, sizeof(got)) == 0 && got == v,
	    "got %llx", (unsigned long long)got);
	imsg_free(&imsg);
	pair_clear(&a, &b, fds);
}

static void
test_create(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	static char	 fill[IMSG_MAXSIZE_DEFAULT - IMSG_HEADER_SIZE];
	struct ibuf	*wb, pb;
	unsigned char	 raw[6];
	char		 s[8];
	int		 fds[2], ok;

	pair_init(&a, &b, fds);
	wb = imsg_create(&a, T_DATA, 11, 0, 4);	/* grows past the hint */
	ok = wb != NULL && imsg_add(wb, "\x00\x00\x01\x02", 4) == 4 &&
	    imsg_add(wb, "\x00\x07", 2) == 2 && imsg_add(wb, "name", 5) == 5;
	check("create_add", ok, "imsg_create/imsg_add failed");
	if (ok)
		imsg_close(&a, wb);
	check("create_close_queued", imsgbuf_queuelen(&a) == 1, "%u",
	    imsgbuf_queuelen(&a));
	imsgbuf_flush(&a);
	ok = read_until(&b, &imsg, 10) == 1;
	check("create_header", ok && imsg.hdr.len == IMSG_HEADER_SIZE + 11 &&
	    imsg_get_id(&imsg) == 11, "len %u", imsg.hdr.len);
	if (ok) {
		check("create_payload_via_ibuf",
		    imsg_get_ibuf(&imsg, &pb) == 0 &&
		    ibuf_get(&pb, raw, 6) == 0 &&
		    memcmp(raw, "\x00\x00\x01\x02\x00\x07", 6) == 0 &&
		    ibuf_get(&pb, s, 5) == 0 && strcmp(s, "name") == 0 &&
		    ibuf_size(&pb) == 0,
		    "payload wrong");
		imsg_free(&imsg);
	}

	/* imsg_add past the maximum frees the message and fails. */
	wb = imsg_create(&a, T_DATA, 0, 0, 0);
	check("add_beyond_maxsize",
	    wb != NULL && imsg_add(wb, fill, sizeof(fill)) ==
	    (int)sizeof(fill) && imsg_add(wb, "9", 1) == -1, "accepted");
	check("add_beyond_maxsize_not_queued", imsgbuf_queuelen(&a) == 0,
	    "%u", imsgbuf_queuelen(&a));
	pair_clear(&a, &b, fds);
}

static void
test_queue_flush(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	int		 fds[2], n = 0;

	pair_init(&a, &b, fds);
	check("queuelen_empty", imsgbuf_queuelen(&a) == 0, "not 0");
	imsg_compose(&a, T_PING, 1, 0, -1, NULL, 0);
	imsg_compose(&a, T_PING, 2, 0, -1, "x", 1);
	imsg_compose(&a, T_PING, 3, 0, -1, "yy", 2);
	check("queuelen_three", imsgbuf_queuelen(&a) == 3, "%u",
	    imsgbuf_queuelen(&a));
	check("write_all",
	    imsgbuf_write(&a) == 0 && imsgbuf_queuelen(&a) == 0,
	    "left %u", imsgbuf_queuelen(&a));
	check("flush_empty", imsgbuf_flush(&a) == 0, "failed");
	while (read_until(&b, &imsg, 5) == 1) {
		imsg_free(&imsg);
		if (++n == 3)
			break;
	}
	check("flush_delivered", n == 3, "got %d", n);
	pair_clear(&a, &b, fds);
}

/* Partial writes on a full non-blocking socket keep the stream intact. */
static void
test_nonblocking_write(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	static unsigned char	 pay[4000];
	uint32_t	 k, seq = 0;
	int		 fds[2], i, bad = 0, sawfull = 0;
	const uint32_t	 nmsg = 500;

	pair_init(&a, &b, fds);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	for (k = 0; k < nmsg; k++) {
		memset(pay, (int)(k & 0xff), sizeof(pay));
		if (imsg_compose(&a, T_DATA, k, 0, -1, pay,
		    1000 + (k * 13) % 3000) != 1)
			bad = 1;
	}
	for (i = 0; i < 100000 && seq < nmsg; i++) {
		if (imsgbuf_write(&a) == -1) {
			bad = 1;
			break;
		}
		if (imsgbuf_queuelen(&a) > 0)
			sawfull = 1;
		if (imsgbuf_read(&b) == -1) {
			bad = 1;
			break;
		}
		while (imsg_get(&b, &imsg) > 0) {
			size_t	 len = imsg_get_len(&imsg), j;

			if (imsg_get_id(&imsg) != seq ||
			    len != 1000 + (seq * 13) % 3000)
				bad = 1;
			else {
				unsigned char	*d = imsg.data;

				for (j = 0; j < len; j++)
					if (d[j] != (seq & 0xff))
						bad = 1;
			}
			imsg_free(&imsg);
			seq++;
		}
	}
	check("nonblocking_partial_write_seen", sawfull,
	    "socket never filled up");
	check("nonblocking_stream_intact",
	    !bad && seq == nmsg && imsgbuf_queuelen(&a) == 0,
	    "got %u of %u, bad %d", seq, nmsg,
	    bad);
	check("read_eagain_is_1", imsgbuf_read(&b) == 1, "not 1");
	pair_clear(&a, &b, fds);
}

static void
test_epipe(void)
{
	struct imsgbuf	 a, b;
	int		 fds[2], r;

	pair_init(&a, &b, fds);
	close(fds[1]);
	fds[1] = -1;
	imsg_compose(&a, T_PING, 0, 0, -1, NULL, 0);
	errno = 0;
	r = imsgbuf_write(&a);
	check("write_epipe", r == -1 && errno == EPIPE, "r %d errno %d", r,
	    errno);
	pair_clear(&a, &b, fds);
}

int
main(void)
{
	int	 nfds;

	/* Every test is bounded; this catches a hang anyway. */
	alarm(60);
	signal(SIGPIPE, SIG_DFL);	/* imsg must not raise it */
	nfds = count_fds();

	test_ibuf();
	test_roundtrip();
	test_partial_inprocess();
	test_partial_fork();
	test_many();
	test_fdpass();
	test_fd_order();
	test_fd_unclaimed();
	test_fd_refused();
	test_oversize();
	test_truncated();
	test_get_data();
	test_create();
	test_queue_flush();
	test_nonblocking_write();
	test_epipe();

	check("no_fd_leak", count_fds() == nfds, "%d open before, %d after",
	    nfds, count_fds());
	if (failures > 0) {
		printf("imsg_test: %d failed\n", failures);
		return (1);
	}
	return (0);
}
