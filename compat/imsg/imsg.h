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
 * Our own implementation of the OpenBSD 7.7 imsg and ibuf API, for systems
 * whose libutil lacks imsgbuf_init(). Same names, types and semantics as
 * imsg_init(3) and ibuf_add(3); the wire format is only spoken between our
 * own processes. Only the part sipproxd uses is here; the Makefile puts
 * this directory on the include path only where it builds compat/imsg*.c.
 */

#ifndef IMSG_H
#define IMSG_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)
/* Default maximum of a whole message, header included (MAX_IMSGSIZE). */
#define IMSG_MAXSIZE_DEFAULT	16384
/* Fixed read buffer, room for several maximum-sized messages. */
#define IMSG_READBUF_SIZE	65536
/* Set in imsg_hdr.len on the wire when a descriptor travels along. */
#define IMSG_FD_MARK		0x80000000U

/* imsgbuf flags */
#define IMSG_ALLOW_FDPASS	0x01

/* ibuf flags */
#define IBUF_FL_BORROWED	0x01	/* data not ours: never freed */

struct ibuf {
	TAILQ_ENTRY(ibuf)	 entry;
	unsigned char		*buf;
	size_t			 size;	/* allocated */
	size_t			 max;	/* limit for growth */
	size_t			 wpos;
	size_t			 rpos;
	int			 fd;
	int			 flags;
};

struct msgbuf;			/* write queue, private to imsg-buffer.c */
struct imsg_rbuf;		/* read side, private to imsg.c */

struct imsgbuf {
	struct msgbuf		*w;
	struct imsg_rbuf	*r;
	uint32_t		 maxsize;	/* with the header */
	int			 fd;
	int			 flags;
	pid_t			 pid;
};

struct imsg_hdr {
	uint32_t		 type;
	uint32_t		 len;
	uint32_t		 peerid;
	uint32_t		 pid;
};

struct imsg {
	struct imsg_hdr		 hdr;
	void			*data;
	struct ibuf		*buf;
};

/* imsg-buffer.c */
struct ibuf	*ibuf_dynamic(size_t, size_t);
int		 ibuf_add(struct ibuf *, const void *, size_t);
void		*ibuf_reserve(struct ibuf *, size_t);
void		*ibuf_seek(struct ibuf *, size_t, size_t);
void		*ibuf_data(const struct ibuf *);
size_t		 ibuf_size(const struct ibuf *);
void		 ibuf_close(struct msgbuf *, struct ibuf *);
void		 ibuf_from_buffer(struct ibuf *, void *, size_t);
int		 ibuf_get(struct ibuf *, void *, size_t);
int		 ibuf_get_ibuf(struct ibuf *, size_t, struct ibuf *);
void		 ibuf_free(struct ibuf *);
int		 ibuf_fd_avail(struct ibuf *);
int		 ibuf_fd_get(struct ibuf *);
void		 ibuf_fd_set(struct ibuf *, int);
struct msgbuf	*msgbuf_new(void);
void		 msgbuf_free(struct msgbuf *);
void		 msgbuf_clear(struct msgbuf *);
uint32_t	 msgbuf_queuelen(struct msgbuf *);
int		 ibuf_write(int, struct msgbuf *);
int		 msgbuf_write(int, struct msgbuf *);

/* imsg.c */
int		 imsgbuf_init(struct imsgbuf *, int);
void		 imsgbuf_allow_fdpass(struct imsgbuf *);
int		 imsgbuf_read(struct imsgbuf *);
int		 imsgbuf_write(struct imsgbuf *);
int		 imsgbuf_flush(struct imsgbuf *);
void		 imsgbuf_clear(struct imsgbuf *);
uint32_t	 imsgbuf_queuelen(struct imsgbuf *);
ssize_t		 imsg_get(struct imsgbuf *, struct imsg *);
int		 imsg_get_ibuf(struct imsg *, struct ibuf *);
int		 imsg_get_data(struct imsg *, void *, size_t);
int		 imsg_get_fd(struct imsg *);
uint32_t	 imsg_get_id(struct imsg *);
size_t		 imsg_get_len(struct imsg *);
uint32_t	 imsg_get_type(struct imsg *);
int		 imsg_compose(struct imsgbuf *, uint32_t, uint32_t, pid_t, int,
		    const void *, size_t);
struct ibuf	*imsg_create(struct imsgbuf *, uint32_t, uint32_t, pid_t,
		    size_t);
int		 imsg_add(struct ibuf *, const void *, size_t);
void		 imsg_close(struct imsgbuf *, struct ibuf *);
void		 imsg_free(struct imsg *);

#endif /* IMSG_H */
