#!/bin/sh
#
# libFuzzer harnesses, one per parser: short runs in the regress suite,
# long ones with `make fuzz` (sh regress/fuzz/run.sh long). Seeds come
# from regress/fuzz/corpus/NAME/, copied into a scratch corpus in $OBJ.
# Each harness runs twice on that corpus: with inputs up to 4096 bytes,
# where mutations find the grammar fastest, then up to the SIP message
# limit (SIP_MAX_MSGLEN, SDP_MAX_LEN: 65535), where the length checks
# and the edits that grow a message to the limit are.

OBJ=${OBJ:-regress/obj/fuzz}
secs=10
[ "$1" = long ] && secs=300
MAXLENS="4096 65535"
mkdir -p "$OBJ"

# harness: daemon sources it links
HARNESSES="
fuzz_config: sipproxd/config.c sipproxd/util.c sipproxd/printconf.c sipproxd/acl.c sipproxd/log.c $OBJ/parse.c
fuzz_state: sipproxd/statefile.c sipproxd/proc.c sipproxd/sandbox.c compat/sandbox_linux.c sipproxd/imsg_check.c sipproxd/log.c compat/imsg.c compat/imsg-buffer.c
fuzz_sip: sipproxd/sip_msg.c sipproxd/sip_uri.c
fuzz_sdp: sipproxd/sdp.c sipproxd/media.c sipproxd/util.c
fuzz_acl: sipproxd/acl.c sipproxd/imsg_check.c sipproxd/printconf.c sipproxd/config.c sipproxd/util.c sipproxd/log.c compat/imsg.c compat/imsg-buffer.c
"

# clang with the libFuzzer runtime, or every harness is skipped.
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);
int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' > "$OBJ/probe.c"
if ! command -v clang > /dev/null ||
    ! clang -fsanitize=fuzzer -o "$OBJ/probe" "$OBJ/probe.c" \
    > /dev/null 2>&1; then
	echo "$HARNESSES" | while IFS=: read -r name srcs; do
		[ -n "$name" ] &&
		    echo "skipped $name: clang libFuzzer not installed"
	done
	exit 0
fi

# bigseed kind file: a seed of that kind just under 65535 bytes, so the
# long inputs start at the limit: a message with 110 headers of 553
# bytes (the parser takes 128 headers of up to 8192), an SDP body and a
# configuration padded with lines, a state file of 850 entries.
bigseed() {
	c=regress/fuzz/corpus
	case $1 in
	sip)	awk 'NR == 2 { for (i = 0; i < 110; i++)
		    printf "X-Pad-%03d: %0540d\r\n", i, 0 } { print }' \
		    $c/sip/invite ;;
	sdp)	awk '{ print } END { for (i = 0; i < 640; i++)
		    printf "a=x-pad:%090d\r\n", i }' $c/sdp/g711 ;;
	config)	awk '{ print } END { for (i = 0; i < 640; i++)
		    printf "# %097d\n", i }' $c/config/full.conf ;;
	state)	awk 'NR == 1 { print } NR == 2 { for (i = 0; i < 850; i++)
		    print } END { print "# end 850" }' $c/state/one ;;
	*)	return ;;
	esac > "$2"
}

byacc -o "$OBJ/parse.c" sipproxd/parse.y || exit 1

echo "$HARNESSES" | while IFS=: read -r name srcs; do
	[ -n "$name" ] || continue
	[ -f "regress/fuzz/$name.c" ] || continue
	# FUZZ_ONLY="fuzz_sip fuzz_sdp" runs just those.
	if [ -n "$FUZZ_ONLY" ]; then
		case " $FUZZ_ONLY " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	if ! clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -D_GNU_SOURCE \
	    -DLIBBSD_OPENBSD_VIS -Icompat -Icompat/imsg -Isipproxd \
	    $(pkg-config --cflags libbsd-overlay libevent libseccomp) \
	    -o "$OBJ/$name" "regress/fuzz/$name.c" $srcs \
	    $(pkg-config --libs libbsd-overlay libevent libseccomp) \
	    > "$OBJ/$name.log" 2>&1; then
		echo "FAIL $name: does not build (libclang-rt-14-dev?)"
		sed 's/^/    /' "$OBJ/$name.log" | head -10
		continue
	fi
	corpus=regress/fuzz/corpus/${name#fuzz_}
	work=$OBJ/$name.corpus
	mkdir -p "$work"
	cp "$corpus"/* "$work"/ 2> /dev/null
	bigseed "${name#fuzz_}" "$work/big"
	for len in $MAXLENS; do
		out=$OBJ/$name.$len.out
		# -close_fd_mask=3: the target's own chatter; reports come.
		# -len_control=0: long inputs at once, not after hours.
		if "$OBJ/$name" -max_total_time=$secs -max_len=$len \
		    -len_control=0 -timeout=5 -close_fd_mask=3 \
		    -artifact_prefix="$OBJ/$name-$len-" "$work" > "$out" 2>&1
		then
			echo "ok $name $len: $(grep -o 'Done [0-9]* runs' \
			    "$out") in $secs s, inputs up to $len bytes"
		else
			echo "FAIL $name $len: crash, see $out"
			grep -E 'ERROR|runtime error|SUMMARY' "$out" |
			    head -5 | sed 's/^/    /'
		fi
	done
done
