# Unit tests and fuzzers, included by the Makefile. They are built like
# the daemon, with the ALL_CFLAGS of the build they belong to, and link
# the daemon's own objects of that build. Each names the daemon sources it
# links here, once; a listed test whose source is missing stops make.
#
#   make regress-build, make san-build   the daemon and unit tests of
#	build-regress, build-san ($(BUILD)/regress/unit/NAME)
#   make fuzz-build   the fuzzers: clang, libFuzzer, ASan and UBSan, in
#	build-fuzz (build-fuzz/regress/fuzz/NAME)
#
# regress/unit/run.sh and regress/fuzz/run.sh call these and run the
# result; they learn the names with "make -s print-UNIT_TESTS".

# The imsg and SipHash the daemon links: ours, or none where the system
# has its own.
REGRESS_IMSG = $(filter compat/imsg%.c,$(COMPAT))
REGRESS_SIPHASH = $(filter compat/siphash.c,$(COMPAT))

UNIT_TESTS = imsg_test imsg_check_test state_test sip_test sdp_test \
	json_test siphash_test dns_test sandbox_parse_test codec_test \
	frame_test tls_test digest_test acl_test rewrite_test stun_test
ifeq ($(OS),Linux)
UNIT_TESTS += sandbox_test
endif

imsg_test_SRCS = $(REGRESS_IMSG)
imsg_check_test_SRCS = sipproxd/imsg_check.c sipproxd/util.c $(REGRESS_IMSG)
state_test_SRCS = sipproxd/statefile.c sipproxd/proc.c sipproxd/sandbox.c \
	$(SANDBOX) sipproxd/imsg_check.c sipproxd/log.c $(REGRESS_IMSG)
sip_test_SRCS = sipproxd/sip_msg.c sipproxd/sip_uri.c sipproxd/log.c
sdp_test_SRCS = sipproxd/sdp.c sipproxd/media.c sipproxd/util.c \
	sipproxd/log.c
json_test_SRCS = sipctl/json.c
frame_test_SRCS = sipproxd/sip_frame.c
digest_test_SRCS = sipproxd/digest.c sipproxd/mac.c $(REGRESS_SIPHASH) \
	$(COMPAT_OS)
tls_test_SRCS = sipproxd/tls.c sipproxd/config.c sipproxd/acl.c \
	sipproxd/util.c sipproxd/sandbox.c $(SANDBOX) sipproxd/log.c \
	sipproxd/users.c sipproxd/digest.c sipproxd/mac.c $(REGRESS_SIPHASH) \
	$(COMPAT_OS)
codec_test_SRCS = sipproxd/codec.c sipproxd/sdp.c sipproxd/media.c \
	sipproxd/util.c sipproxd/log.c
rewrite_test_SRCS = sipproxd/rewrite_conf.c sipproxd/sip_uri.c sipproxd/log.c
siphash_test_SRCS = $(REGRESS_SIPHASH) sipproxd/mac.c
acl_test_SRCS = sipproxd/acl.c sipproxd/acl_send.c sipproxd/acl_imsg.c \
	sipproxd/ban.c sipproxd/imsg_check.c sipproxd/printconf.c \
	sipproxd/config.c sipproxd/util.c sipproxd/sip_msg.c \
	sipproxd/sip_uri.c sipproxd/log.c sipproxd/users.c sipproxd/digest.c \
	sipproxd/mac.c $(REGRESS_SIPHASH) $(COMPAT_OS) $(REGRESS_IMSG)
# SIPPROXD_REGRESS (both regress builds): it names its own DNS server.
dns_test_SRCS = sipproxd/dns.c sipproxd/util.c sipproxd/log.c
sandbox_test_SRCS = sipproxd/sandbox.c $(SANDBOX) sipproxd/log.c
sandbox_parse_test_SRCS = sipproxd/sandbox.c sipproxd/log.c
stun_test_SRCS = sipproxd/stun.c

FUZZERS = fuzz_config fuzz_state fuzz_sip fuzz_sdp fuzz_codec fuzz_frame \
	fuzz_digest fuzz_acl fuzz_stun

fuzz_config_SRCS = sipproxd/parse.y sipproxd/config.c sipproxd/util.c \
	sipproxd/printconf.c sipproxd/acl.c sipproxd/log.c sipproxd/users.c \
	sipproxd/digest.c sipproxd/mac.c sipproxd/rewrite_conf.c \
	sipproxd/sip_uri.c $(REGRESS_SIPHASH) $(COMPAT_OS)
fuzz_state_SRCS = sipproxd/statefile.c sipproxd/proc.c sipproxd/sandbox.c \
	$(SANDBOX) sipproxd/imsg_check.c sipproxd/log.c $(REGRESS_IMSG)
fuzz_sip_SRCS = sipproxd/sip_msg.c sipproxd/sip_uri.c
fuzz_digest_SRCS = sipproxd/digest.c sipproxd/mac.c $(REGRESS_SIPHASH) \
	$(COMPAT_OS)
fuzz_frame_SRCS = sipproxd/sip_frame.c sipproxd/sip_msg.c sipproxd/sip_uri.c
fuzz_sdp_SRCS = sipproxd/sdp.c sipproxd/media.c sipproxd/util.c
fuzz_acl_SRCS = sipproxd/acl.c sipproxd/imsg_check.c sipproxd/printconf.c \
	sipproxd/config.c sipproxd/util.c sipproxd/log.c sipproxd/users.c \
	sipproxd/digest.c sipproxd/mac.c $(REGRESS_SIPHASH) $(COMPAT_OS) \
	$(REGRESS_IMSG)
fuzz_stun_SRCS = sipproxd/stun.c
fuzz_codec_SRCS = sipproxd/codec.c sipproxd/sdp.c sipproxd/media.c \
	sipproxd/util.c

UNIT_BINS = $(UNIT_TESTS:%=$(BUILD)/regress/unit/%)
FUZZ_BINS = $(FUZZERS:%=$(BUILD)/regress/fuzz/%)
REGRESS_HEADERS = regress/unit/check.h regress/dns/dnswire.h sipctl/json.h

# A program's objects: its own, then those of the daemon sources it
# names (parse.y is the generated parser's object).
$(foreach p,$(UNIT_BINS) $(FUZZ_BINS),$(eval $p: $p.o \
    $(addprefix $(BUILD)/,$(patsubst %.y,%.o,$($(notdir $p)_SRCS:.c=.o)))))

# The daemon's rule, plus the tests' headers: a test without its source
# has no rule ("No rule to make target regress/unit/NAME.c").
$(UNIT_BINS:=.o) $(FUZZ_BINS:=.o): $(BUILD)/%.o: %.c $(HEADERS) \
    $(REGRESS_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(UNIT_BINS) $(FUZZ_BINS):
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

unit: $(UNIT_BINS)

fuzzers: $(FUZZ_BINS)

# The fuzzers take the sanitizer flags plus libFuzzer's coverage, without
# the regress seams: they exercise the code as installed.
FUZZ_CC	?= clang

fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) \
	    CFLAGS="$(SANFLAGS) -g -fsanitize=fuzzer-no-link" \
	    XLDFLAGS="$(SANFLAGS) -fsanitize=fuzzer" fuzzers

# Succeeds when $(FUZZ_CC) links a libFuzzer harness; without, the
# fuzzers are skipped.
fuzz-probe:
	@mkdir -p build-fuzz
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
	    '{ (void)d; (void)n; return 0; }' > build-fuzz/probe.c
	$(FUZZ_CC) -fsanitize=fuzzer -o build-fuzz/probe build-fuzz/probe.c

# One list for a script: make -s print-UNIT_TESTS
print-%:
	@echo $($*)

.PHONY: unit fuzzers fuzz-build fuzz-probe
