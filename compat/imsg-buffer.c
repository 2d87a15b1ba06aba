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
 * ibuf: a growable byte buffer with separate read and write positions,
 * and msgbuf: the queue of ibufs waiting to be written to a socket.
 * Written for sipproxd after the OpenBSD ibuf_add(3) manual.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* Buffers handed to one sendmsg()/writev(). */
#define MSGBUF_IOV_MAX	64
/* Bound on EINTR retries, so that no loop here is endless. */
#define MSGBUF_EINTR_MAX	64

struct msgbuf {
	TAILQ_HEAD(, ibuf)	 bufs;
	uint32_t		 queued;
};

static int	ibuf_grow(struct ibuf *, size_t);
static void	msgbuf_dequeue(struct msgbuf *, struct ibuf *);
static void	msgbuf_drain(struct msgbuf *, size_t);
static int	msgbuf_send(int, struct msgbuf *, int);

struct ibuf *
ibuf_dynamic(size_t len, size_t max)
{
	struct ibuf	*buf;

	if (max == 0 || max < len) {
		errno = EINVAL;
		return (NULL);
	}
	if ((buf = calloc(1, sizeof(*buf))) == NULL)
		return (NULL);
	if (len > 0 && (buf->buf = calloc(len, 1)) == NULL) {
		free(buf);
		return (NULL);
	}
	buf->size = len;
	buf->max = max;
	buf->fd = -1;
	return (buf);
}

/* Make room for len more bytes after wpos, never beyond max. */
static int
ibuf_grow(struct ibuf *buf, size_t len)
{
	unsigned char	*p;
	size_t		 need, nsize;

	if (len > SIZE_MAX - buf->wpos) {
		errno = ERANGE;
		return (-1);
	}
	need = buf->wpos + len;
	if (need <= buf->size)
		return (0);
	if ((buf->flags & IBUF_FL_BORROWED) || need > buf->max) {
		errno = ERANGE;
		return (-1);
	}
	/* Double to keep appends cheap, but stay within max. */
	nsize = buf->size < buf->max / 2 ? buf->size * 2 : buf->max;
	if (nsize < need)
		nsize = need;
	if ((p = recallocarray(buf->buf, buf->size, nsize, 1)) == NULL)
		return (-1);
	buf->buf = p;
	buf->size = nsize;
	return (0);
}

void *
ibuf_reserve(struct ibuf *buf, size_t len)
{
	void	*p;

	if (ibuf_grow(buf, len) == -1)
		return (NULL);
	if (buf->buf == NULL) {
		/* len == 0 on an empty buffer: nothing to point at. */
		errno = ERANGE;
		return (NULL);
	}
	p = buf->buf + buf->wpos;
	buf->wpos += len;
	return (p);
}

int
ibuf_add(struct ibuf *buf, const void *data, size_t len)
{
	void	*p;

	if (len == 0)
		return (0);
	if ((p = ibuf_reserve(buf, len)) == NULL)
		return (-1);
	memcpy(p, data, len);
	return (0);
}

/* Offsets are relative to the unread part, as ibuf_data() is. */
void *
ibuf_seek(struct ibuf *buf, size_t pos, size_t len)
{
	size_t	 size = ibuf_size(buf);

	if (pos > size || len > size - pos || buf->buf == NULL) {
		errno = ERANGE;
		return (NULL);
	}
	return (buf->buf + buf->rpos + pos);
}

void *
ibuf_data(const struct ibuf *buf)
{
	if (buf->buf == NULL)
		return (NULL);
	return (buf->buf + buf->rpos);
}

size_t
ibuf_size(const struct ibuf *buf)
{
	return (buf->wpos - buf->rpos);
}

void
ibuf_from_buffer(struct ibuf *buf, void *data, size_t len)
{
	memset(buf, 0, sizeof(*buf));
	buf->buf = data;
	buf->size = buf->max = buf->wpos = len;
	buf->fd = -1;
	buf->flags = IBUF_FL_BORROWED;
}

int
ibuf_get(struct ibuf *buf, void *data, size_t len)
{
	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(data, ibuf_data(buf), len);
	buf->rpos += len;
	return (0);
}

int
ibuf_get_ibuf(struct ibuf *buf, size_t len, struct ibuf *new)
{
	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (-1);
	}
	ibuf_from_buffer(new, ibuf_data(buf), len);
	buf->rpos += len;
	return (0);
}

void
ibuf_free(struct ibuf *buf)
{
	int	 saved_errno;

	if (buf == NULL)
		return;
	saved_errno = errno;
	if (buf->fd != -1)
		close(buf->fd);
	buf->fd = -1;
	/* A borrowed buffer lives elsewhere, often on the stack. */
	if (buf->flags & IBUF_FL_BORROWED) {
		errno = saved_errno;
		return;
	}
	freezero(buf->buf, buf->size);
	free(buf);
	errno = saved_errno;
}

int
ibuf_fd_avail(struct ibuf *buf)
{
	return (buf->fd != -1);
}

int
ibuf_fd_get(struct ibuf *buf)
{
	int	 fd;

	fd = buf->fd;
	buf->fd = -1;
	return (fd);
}

void
ibuf_fd_set(struct ibuf *buf, int fd)
{
	if (buf->fd != -1)
		close(buf->fd);
	buf->fd = fd < 0 ? -1 : fd;
}

void
ibuf_close(struct msgbuf *msgbuf, struct ibuf *buf)
{
	/* From here on rpos counts what has been sent. */
	TAILQ_INSERT_TAIL(&msgbuf->bufs, buf, entry);
	msgbuf->queued++;
}

struct msgbuf *
msgbuf_new(void)
{
	struct msgbuf	*msgbuf;

	if ((msgbuf = calloc(1, sizeof(*msgbuf))) == NULL)
		return (NULL);
	TAILQ_INIT(&msgbuf->bufs);
	return (msgbuf);
}

void
msgbuf_free(struct msgbuf *msgbuf)
{
	if (msgbuf == NULL)
		return;
	msgbuf_clear(msgbuf);
	free(msgbuf);
}

static void
msgbuf_dequeue(struct msgbuf *msgbuf, struct ibuf *buf)
{
	TAILQ_REMOVE(&msgbuf->bufs, buf, entry);
	msgbuf->queued--;
	ibuf_free(buf);
}

void
msgbuf_clear(struct msgbuf *msgbuf)
{
	struct ibuf	*buf;

	while ((buf = TAILQ_FIRST(&msgbuf->bufs)) != NULL)
		msgbuf_dequeue(msgbuf, buf);
}

uint32_t
msgbuf_queuelen(struct msgbuf *msgbuf)
{
	return (msgbuf->queued);
}

/* n bytes went out: free the buffers done, advance the partial one. */
static void
msgbuf_drain(struct msgbuf *msgbuf, size_t n)
{
	struct ibuf	*buf;
	size_t		 left;

	while ((buf = TAILQ_FIRST(&msgbuf->bufs)) != NULL) {
		left = ibuf_size(buf);
		if (n < left) {
			buf->rpos += n;
			break;
		}
		n -= left;
		msgbuf_dequeue(msgbuf, buf);
	}
}

/*
 * One sendmsg() of as many queued buffers as fit. A buffer carrying a
 * descriptor only ever goes first, so that the descriptor rides with the
 * first byte of its own message; it is closed once it is sent.
 * Returns 0 (also on EAGAIN and ENOBUFS) or -1.
 */
static int
msgbuf_send(int fd, struct msgbuf *msgbuf, int fdpass)
{
	struct iovec	 iov[MSGBUF_IOV_MAX];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct ibuf	*buf, *fdbuf = NULL;
	ssize_t		 n;
	int		 i = 0, tries, flags = 0;

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	TAILQ_FOREACH(buf, &msgbuf->bufs, entry) {
		if (i >= MSGBUF_IOV_MAX)
			break;
		if (fdpass && i > 0 && buf->fd != -1)
			break;
		iov[i].iov_base = ibuf_data(buf);
		iov[i].iov_len = ibuf_size(buf);
		i++;
		if (fdpass && buf->fd != -1)
			fdbuf = buf;
	}
	if (i == 0)
		return (0);
	msg.msg_iov = iov;
	msg.msg_iovlen = i;
	if (fdbuf != NULL) {
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &fdbuf->fd, sizeof(int));
	}
#ifdef MSG_NOSIGNAL
	flags = MSG_NOSIGNAL;	/* EPIPE rather than SIGPIPE */
#endif
	for (tries = 0; ; tries++) {
		if ((n = sendmsg(fd, &msg, flags)) != -1)
			break;
		if (errno == EINTR && tries < MSGBUF_EINTR_MAX)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS || errno == EINTR)
			return (0);
		return (-1);
	}
	/* The descriptor went with the first byte; never send it twice. */
	if (fdbuf != NULL && n > 0) {
		close(fdbuf->fd);
		fdbuf->fd = -1;
	}
	msgbuf_drain(msgbuf, (size_t)n);
	return (0);
}

int
msgbuf_write(int fd, struct msgbuf *msgbuf)
{
	return (msgbuf_send(fd, msgbuf, 1));
}

int
ibuf_write(int fd, struct msgbuf *msgbuf)
{
	return (msgbuf_send(fd, msgbuf, 0));
}
