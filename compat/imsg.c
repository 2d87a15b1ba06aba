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
 * imsg: framed messages over a local stream socket, with descriptor
 * passing. Written for sipproxd after the OpenBSD 7.7 imsg_init(3) manual.
 *
 * Reading: bytes go into one fixed buffer (IMSG_READBUF_SIZE, at least the
 * maximum message size), compacted as messages are taken out, so a peer
 * can never make us allocate more than one maximum-sized message at a
 * time. A message that carries a descriptor has IMSG_FD_MARK set in its
 * length on the wire. The sender sends a descriptor with the first byte of
 * its message, so it arrives no later than that message's header; the
 * descriptors received are queued in order and each marked message takes
 * the oldest one.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* Descriptors received but not yet claimed by a message. */
#define IMSG_FDQ_MAX		16
/* Descriptors one recvmsg() can take in, to close the extra ones. */
#define IMSG_RECV_FDS		4
/* Bound on EINTR retries and on imsgbuf_flush() rounds without progress. */
#define IMSG_EINTR_MAX		64

struct imsg_rbuf {
	unsigned char		*buf;
	size_t			 size;
	size_t			 rpos;	/* first unparsed byte */
	size_t			 wpos;	/* end of data */
	int			 fds[IMSG_FDQ_MAX];
	unsigned int		 nfds;
};

static void	imsg_rbuf_free(struct imsg_rbuf *);
static void	imsg_close_fds(int *, unsigned int);

int
imsgbuf_init(struct imsgbuf *imsgbuf, int fd)
{
	memset(imsgbuf, 0, sizeof(*imsgbuf));
	imsgbuf->fd = fd;
	imsgbuf->pid = getpid();
	imsgbuf->maxsize = IMSG_MAXSIZE_DEFAULT;
	if ((imsgbuf->w = msgbuf_new()) == NULL)
		goto fail;
	if ((imsgbuf->r = calloc(1, sizeof(*imsgbuf->r))) == NULL)
		goto fail;
	if ((imsgbuf->r->buf = malloc(IMSG_READBUF_SIZE)) == NULL)
		goto fail;
	imsgbuf->r->size = IMSG_READBUF_SIZE;
	return (0);

 fail:
	msgbuf_free(imsgbuf->w);
	imsgbuf->w = NULL;
	if (imsgbuf->r != NULL)
		free(imsgbuf->r->buf);
	free(imsgbuf->r);
	imsgbuf->r = NULL;
	return (-1);
}

void
imsgbuf_allow_fdpass(struct imsgbuf *imsgbuf)
{
	imsgbuf->flags |= IMSG_ALLOW_FDPASS;
}

static void
imsg_close_fds(int *fds, unsigned int n)
{
	unsigned int	 i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int
imsgbuf_read(struct imsgbuf *imsgbuf)
{
	struct imsg_rbuf	*r = imsgbuf->r;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * IMSG_RECV_FDS)];
	}			 cmsgbuf;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	struct iovec		 iov;
	int			 fds[IMSG_RECV_FDS];
	unsigned int		 nfds = 0, i, n;
	ssize_t			 rlen;
	int			 tries, bad = 0;

	if (r == NULL) {
		errno = EBADF;
		return (-1);
	}
	/* Compact: move the unparsed rest to the front. */
	if (r->rpos > 0) {
		memmove(r->buf, r->buf + r->rpos, r->wpos - r->rpos);
		r->wpos -= r->rpos;
		r->rpos = 0;
	}
	/*
	 * Full: it holds at least one maximum-sized message, so a complete
	 * message or a bad header is waiting for imsg_get().
	 */
	if (r->wpos == r->size)
		return (1);

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = r->buf + r->wpos;
	iov.iov_len = r->size - r->wpos;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	for (tries = 0; ; tries++) {
		if ((rlen = recvmsg(imsgbuf->fd, &msg, MSG_CMSG_CLOEXEC)) != -1)
			break;
		if (errno == EINTR && tries < IMSG_EINTR_MAX)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (1);
		return (-1);
	}

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		if (cmsg->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			if (nfds == IMSG_RECV_FDS) {
				bad = 1;	/* no room to hold it */
				break;
			}
			memcpy(&fds[nfds], CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			nfds++;
		}
	}
	/*
	 * One descriptor per read (the kernel stops a read after a message
	 * that carried descriptors, and we send one per message), only when
	 * allowed, and never more than we can queue. Anything else is a
	 * broken or hostile peer: close what came and fail.
	 */
	if ((msg.msg_flags & MSG_CTRUNC) || nfds > 1 || bad)
		bad = 1;
	else if (nfds == 1 && (!(imsgbuf->flags & IMSG_ALLOW_FDPASS) ||
	    r->nfds == IMSG_FDQ_MAX))
		bad = 1;
	if (bad) {
		imsg_close_fds(fds, nfds);
		nfds = 0;
	} else if (nfds == 1)
		r->fds[r->nfds++] = fds[0];

	/* Keep the data, so that the stream stays in step. */
	if (rlen > 0)
		r->wpos += (size_t)rlen;
	if (bad) {
		errno = EBADMSG;
		return (-1);
	}
	if (rlen == 0)
		return (0);
	return (1);
}

int
imsgbuf_write(struct imsgbuf *imsgbuf)
{
	if (imsgbuf->w == NULL) {
		errno = EBADF;
		return (-1);
	}
	if (imsgbuf->flags & IMSG_ALLOW_FDPASS)
		return (msgbuf_write(imsgbuf->fd, imsgbuf->w));
	return (ibuf_write(imsgbuf->fd, imsgbuf->w));
}

/*
 * Blocking write until the queue is empty. As documented for OpenBSD,
 * not for non-blocking sockets: on one it spins while the socket is full.
 */
int
imsgbuf_flush(struct imsgbuf *imsgbuf)
{
	while (imsgbuf_queuelen(imsgbuf) > 0) {
		if (imsgbuf_write(imsgbuf) == -1)
			return (-1);
	}
	return (0);
}

static void
imsg_rbuf_free(struct imsg_rbuf *r)
{
	if (r == NULL)
		return;
	imsg_close_fds(r->fds, r->nfds);
	r->nfds = 0;
	freezero(r->buf, r->size);
	free(r);
}

/* Frees all but the socket, which the caller owns; safe to repeat. */
void
imsgbuf_clear(struct imsgbuf *imsgbuf)
{
	msgbuf_free(imsgbuf->w);
	imsgbuf->w = NULL;
	imsg_rbuf_free(imsgbuf->r);
	imsgbuf->r = NULL;
}

uint32_t
imsgbuf_queuelen(struct imsgbuf *imsgbuf)
{
	if (imsgbuf->w == NULL)
		return (0);
	return (msgbuf_queuelen(imsgbuf->w));
}

/*
 * Takes one complete message out of the read buffer: > 0 its size, 0 if
 * none is complete yet, -1 on a bad header (which stays in place, so every
 * later call fails too) or on allocation failure.
 */
ssize_t
imsg_get(struct imsgbuf *imsgbuf, struct imsg *imsg)
{
	struct imsg_rbuf	*r = imsgbuf->r;
	struct imsg_hdr		 hdr;
	struct ibuf		*buf;
	size_t			 len, plen;
	int			 hasfd;

	memset(imsg, 0, sizeof(*imsg));
	if (r == NULL) {
		errno = EBADF;
		return (-1);
	}
	if (r->wpos - r->rpos < IMSG_HEADER_SIZE)
		return (0);
	memcpy(&hdr, r->buf + r->rpos, sizeof(hdr));
	hasfd = (hdr.len & IMSG_FD_MARK) != 0;
	len = hdr.len & ~IMSG_FD_MARK;
	if (len < IMSG_HEADER_SIZE || len > imsgbuf->maxsize) {
		errno = ERANGE;
		return (-1);
	}
	if (r->wpos - r->rpos < len)
		return (0);
	if (hasfd && (!(imsgbuf->flags & IMSG_ALLOW_FDPASS) || r->nfds == 0)) {
		/* Marked, but no descriptor came (or none was allowed). */
		errno = EBADMSG;
		return (-1);
	}

	plen = len - IMSG_HEADER_SIZE;
	if ((buf = ibuf_dynamic(plen, plen > 0 ? plen : 1)) == NULL)
		return (-1);
	if (ibuf_add(buf, r->buf + r->rpos + IMSG_HEADER_SIZE, plen) == -1) {
		ibuf_free(buf);
		return (-1);
	}
	if (hasfd) {
		buf->fd = r->fds[0];
		r->nfds--;
		memmove(&r->fds[0], &r->fds[1], r->nfds * sizeof(r->fds[0]));
	}

	r->rpos += len;
	if (r->rpos == r->wpos)
		r->rpos = r->wpos = 0;

	imsg->hdr = hdr;
	imsg->hdr.len = (uint32_t)len;
	imsg->buf = buf;
	imsg->data = plen > 0 ? ibuf_data(buf) : NULL;
	return ((ssize_t)len);
}

int
imsg_get_ibuf(struct imsg *imsg, struct ibuf *ibuf)
{
	if (imsg->buf == NULL) {
		errno = EBADMSG;
		return (-1);
	}
	return (ibuf_get_ibuf(imsg->buf, ibuf_size(imsg->buf), ibuf));
}

/* The whole payload, which must be exactly len bytes. */
int
imsg_get_data(struct imsg *imsg, void *data, size_t len)
{
	if (len == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (imsg->buf == NULL || ibuf_size(imsg->buf) != len) {
		errno = EBADMSG;
		return (-1);
	}
	return (ibuf_get(imsg->buf, data, len));
}

int
imsg_get_fd(struct imsg *imsg)
{
	if (imsg->buf == NULL)
		return (-1);
	return (ibuf_fd_get(imsg->buf));
}

uint32_t
imsg_get_id(struct imsg *imsg)
{
	return (imsg->hdr.peerid);
}

size_t
imsg_get_len(struct imsg *imsg)
{
	if (imsg->buf == NULL)
		return (0);
	return (ibuf_size(imsg->buf));
}

uint32_t
imsg_get_type(struct imsg *imsg)
{
	return (imsg->hdr.type);
}

int
imsg_compose(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id, pid_t pid,
    int fd, const void *data, size_t datalen)
{
	struct ibuf	*wbuf;

	if (fd != -1 && !(imsgbuf->flags & IMSG_ALLOW_FDPASS)) {
		errno = EINVAL;
		return (-1);
	}
	if ((wbuf = imsg_create(imsgbuf, type, id, pid, datalen)) == NULL)
		return (-1);
	if (datalen > 0 && imsg_add(wbuf, data, datalen) == -1)
		return (-1);
	/* From here on the descriptor is ours: sent, then closed. */
	ibuf_fd_set(wbuf, fd);
	imsg_close(imsgbuf, wbuf);
	return (1);
}

struct ibuf *
imsg_create(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id, pid_t pid,
    size_t datalen)
{
	struct ibuf	*wbuf;
	struct imsg_hdr	 hdr;

	if (imsgbuf->w == NULL) {
		errno = EBADF;
		return (NULL);
	}
	if (datalen > imsgbuf->maxsize - IMSG_HEADER_SIZE) {
		errno = ERANGE;
		return (NULL);
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.peerid = id;
	hdr.pid = (uint32_t)(pid == 0 ? imsgbuf->pid : pid);
	/* hdr.len is filled in by imsg_close() */
	if ((wbuf = ibuf_dynamic(datalen + IMSG_HEADER_SIZE,
	    imsgbuf->maxsize)) == NULL)
		return (NULL);
	if (ibuf_add(wbuf, &hdr, sizeof(hdr)) == -1) {
		ibuf_free(wbuf);
		return (NULL);
	}
	return (wbuf);
}

/* Returns datalen, or frees msg and returns -1. */
int
imsg_add(struct ibuf *msg, const void *data, size_t datalen)
{
	if (datalen > INT32_MAX) {
		ibuf_free(msg);
		errno = ERANGE;
		return (-1);
	}
	if (datalen > 0 && ibuf_add(msg, data, datalen) == -1) {
		ibuf_free(msg);
		return (-1);
	}
	return ((int)datalen);
}

void
imsg_close(struct imsgbuf *imsgbuf, struct ibuf *msg)
{
	struct imsg_hdr	*hdr;
	uint32_t	 len;

	if (imsgbuf->w == NULL ||
	    (hdr = ibuf_seek(msg, 0, sizeof(*hdr))) == NULL) {
		ibuf_free(msg);
		return;
	}
	len = (uint32_t)ibuf_size(msg);
	if (ibuf_fd_avail(msg)) {
		/*
		 * Without descriptor passing the message goes without it
		 * (and unmarked); the receiver's imsg_get_fd() sees -1.
		 */
		if (imsgbuf->flags & IMSG_ALLOW_FDPASS)
			len |= IMSG_FD_MARK;
		else
			close(ibuf_fd_get(msg));
	}
	hdr->len = len;
	ibuf_close(imsgbuf->w, msg);
}

void
imsg_free(struct imsg *imsg)
{
	/* Closes a descriptor nobody claimed with imsg_get_fd(). */
	ibuf_free(imsg->buf);
	memset(imsg, 0, sizeof(*imsg));
}
