# sipproxd: privilege-separated SIP proxy and masquerading daemon.
#
# GNU make on Linux; plain rules and "!=" assignments so that a BSD make
# port only has to replace the OS block below.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR	?=

CC	?= cc
YACC	= byacc
BUILD	?= build

OS	!= uname -s

# OpenBSD's strvis(3), not NetBSD's
DEFS	= -DLIBBSD_OPENBSD_VIS
PKGS	= libbsd-overlay libbsd-ctor libevent libcares libtls
ifeq ($(OS),Linux)
# accept4, recvmmsg, setresuid and friends are GNU extensions in glibc
DEFS	+= -D_GNU_SOURCE
PKGS	+= libseccomp
SANDBOX	= compat/sandbox_linux.c
# Digest's MD5 and SHA-256 (md5.h, sha2.h): libmd, which libbsd needs
# anyway; linked first, not libbsd's deprecated MD5 wrappers
PKGS	:= libmd $(PKGS)
COMPAT_OS = compat/timingsafe_bcmp.c
endif
ifeq ($(OS),FreeBSD)
SANDBOX	= compat/sandbox_freebsd.c
endif
ifeq ($(OS),OpenBSD)
SANDBOX	= compat/sandbox_openbsd.c
endif

PKG_CFLAGS	!= pkg-config --cflags $(PKGS)
PKG_LIBS	!= pkg-config --libs $(PKGS)

WARNINGS = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wshadow \
	   -Wpointer-arith -Wno-unused-parameter
HARDEN	= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CFLAGS	?= -O2 -g
ALL_CFLAGS = $(CFLAGS) $(WARNINGS) $(DEFS) $(HARDEN) -Icompat $(IMSG_INC) \
	     -Isipproxd $(PKG_CFLAGS) $(XCFLAGS)
ALL_LDFLAGS = $(LDFLAGS) -pie -Wl,-z,relro -Wl,-z,now $(XLDFLAGS)
LIBS	= $(PKG_LIBS)

# OpenBSD has imsg with the 7.7 API (imsgbuf_init) in libutil and SipHash
# in libc. Elsewhere compat/ has both; our <imsg.h> is in compat/imsg/,
# on the include path only in this branch, so OpenBSD always takes the system's.
ifeq ($(OS),OpenBSD)
LIBS	+= -lutil
else
COMPAT	= compat/imsg.c compat/imsg-buffer.c compat/siphash.c
IMSG_INC = -Icompat/imsg
IMSG_H	= compat/imsg/imsg.h
endif

SIPPROXD_SRCS = sipproxd/sipproxd.c sipproxd/proc.c sipproxd/engine.c \
	sipproxd/relay.c sipproxd/rtp_pool.c sipproxd/rtp_stream.c \
	sipproxd/rtp_jitter.c sipproxd/control.c sipproxd/rtptest.c \
	sipproxd/config.c sipproxd/printconf.c sipproxd/statefile.c \
	sipproxd/bindings.c sipproxd/proxy.c sipproxd/call.c \
	sipproxd/sip_msg.c sipproxd/sip_uri.c sipproxd/sdp.c sipproxd/dns.c \
	sipproxd/mac.c sipproxd/media.c sipproxd/imsg_check.c sipproxd/log.c \
	sipproxd/util.c sipproxd/sandbox.c sipproxd/codec.c sipproxd/conn.c \
	sipproxd/sip_frame.c sipproxd/tls.c sipproxd/digest.c sipproxd/users.c \
	sipproxd/auth.c sipproxd/localreg.c sipproxd/acl.c sipproxd/acl_send.c \
	sipproxd/acl_imsg.c sipproxd/ban.c sipproxd/outbound.c \
	sipproxd/rewrite.c sipproxd/rewrite_conf.c sipproxd/calllog.c \
	sipproxd/wan.c sipproxd/external.c sipproxd/stun.c sipproxd/monitor.c \
	$(COMPAT) $(COMPAT_OS) $(SANDBOX)
SIPCTL_SRCS = sipctl/sipctl.c sipctl/parser.c sipctl/output.c \
	sipctl/output_json.c sipctl/json.c $(COMPAT)

SIPPROXD_OBJS = $(SIPPROXD_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/sipproxd/parse.o
SIPCTL_OBJS = $(SIPCTL_SRCS:%.c=$(BUILD)/%.o)

HEADERS	= sipproxd/sipproxd.h sipproxd/engine.h sipproxd/log.h sipproxd/rtp.h \
	  sipproxd/sip_msg.h sipproxd/sdp.h sipproxd/dns.h sipproxd/mac.h \
	  sipproxd/media.h sipproxd/sandbox.h sipproxd/codec.h \
	  sipproxd/sip_frame.h sipproxd/digest.h sipproxd/acl.h \
	  sipproxd/rewrite.h sipproxd/stun.h compat/compat.h \
	  compat/siphash.h $(IMSG_H)

MANPAGES = man/sipproxd.8 man/sipctl.8 sipproxd.conf.5 \
	   man/siproxd2sipproxd.8

all: $(BUILD)/sipproxd/sipproxd $(BUILD)/sipctl/sipctl

$(BUILD)/sipproxd/sipproxd: $(SIPPROXD_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(SIPPROXD_OBJS) $(LIBS)

$(BUILD)/sipctl/sipctl: $(SIPCTL_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(SIPCTL_OBJS) $(LIBS)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/sipproxd/parse.c: sipproxd/parse.y
	@mkdir -p $(@D)
	$(YACC) -o $@ sipproxd/parse.y

$(BUILD)/sipproxd/parse.o: $(BUILD)/sipproxd/parse.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -Wno-unused-but-set-variable -c -o $@ \
	    $(BUILD)/sipproxd/parse.c

# The regress build: the test-only sandbox trigger compiled in. The
# sanitizer build is the same with AddressSanitizer and UBSan. Neither is
# ever installed. Both build the unit tests too (regress/regress.mk).
SANFLAGS = -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

regress-build:
	$(MAKE) BUILD=build-regress XCFLAGS=-DSIPPROXD_REGRESS all unit

san-build:
	$(MAKE) BUILD=build-san CFLAGS="$(SANFLAGS) -g" \
	    XCFLAGS=-DSIPPROXD_REGRESS XLDFLAGS="$(SANFLAGS)" all unit

include regress/regress.mk

# mandoc looks for .Xr targets beside the page: lint the three together.
lint:
	@rm -rf $(BUILD)/man && mkdir -p $(BUILD)/man
	cp $(MANPAGES) $(BUILD)/man
	cd $(BUILD)/man && mandoc -Tlint sipproxd.8 sipctl.8 sipproxd.conf.5 \
	    siproxd2sipproxd.8

check: all regress-build san-build lint
	sh regress/run.sh

fuzz:
	sh regress/fuzz/run.sh long

bench: all regress-build
	sh bench/run.sh

# A demo on loopback addresses, in the foreground, with the shipped demo
# configuration and a control socket in the build directory.
run: all
	@[ "`id -u`" = 0 ] || { echo "make run: needs root"; exit 1; }
	@getent passwd _sipproxd >/dev/null || \
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd
	@getent passwd _sipproxd_rtp >/dev/null || \
	    useradd -r -d /var/empty -s /usr/sbin/nologin _sipproxd_rtp
	@mkdir -p /var/empty
	$(BUILD)/sipproxd/sipproxd -d -v -f etc/sipproxd-demo.conf \
	    -s $(CURDIR)/$(BUILD)/sipproxd.sock

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/examples
	install -m 0555 $(BUILD)/sipproxd/sipproxd $(DESTDIR)$(SBINDIR)
	install -m 0555 $(BUILD)/sipctl/sipctl $(DESTDIR)$(SBINDIR)
	install -m 0444 man/sipproxd.8 man/sipctl.8 $(DESTDIR)$(MANDIR)/man8
	install -m 0555 etc/siproxd2sipproxd $(DESTDIR)$(SBINDIR)
	install -m 0444 man/siproxd2sipproxd.8 $(DESTDIR)$(MANDIR)/man8
	install -m 0444 sipproxd.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0444 etc/sipproxd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/examples/sipproxd.conf
	install -m 0444 etc/sipproxd.nft \
	    $(DESTDIR)$(SYSCONFDIR)/examples/sipproxd.nft
	install -m 0444 etc/sipproxd-norelay.nft \
	    $(DESTDIR)$(SYSCONFDIR)/examples/sipproxd-norelay.nft
	install -d -m 0755 $(DESTDIR)/var/empty
	@if [ -z "$(DESTDIR)" ] && [ "$(OS)" = Linux ] && \
	    ! getent passwd _sipproxd >/dev/null; then \
		echo "creating user _sipproxd"; \
		useradd -r -d /var/empty -s /usr/sbin/nologin \
		    -c "sipproxd unprivileged user" _sipproxd; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ "$(OS)" = Linux ] && \
	    ! getent passwd _sipproxd_rtp >/dev/null; then \
		echo "creating user _sipproxd_rtp"; \
		useradd -r -d /var/empty -s /usr/sbin/nologin \
		    -c "sipproxd rtp relay" _sipproxd_rtp; \
	fi

clean:
	rm -rf build build-regress build-san build-fuzz regress/obj

.PHONY: all lint check fuzz bench run install clean regress-build san-build
