#!/bin/sh
#
# libFuzzer harnesses, one per parser: a short run in the regress suite,
# a long one with `make fuzz` (sh regress/fuzz/run.sh long). Seeds come
# from regress/fuzz/corpus/NAME/, copied into a scratch corpus in $OBJ.

OBJ=${OBJ:-regress/obj/fuzz}
secs=20
[ "$1" = long ] && secs=600
mkdir -p "$OBJ"

# harness: daemon sources it links
HARNESSES="
fuzz_config: sipproxd/config.c sipproxd/printconf.c sipproxd/log.c $OBJ/parse.c
fuzz_state: sipproxd/state.c sipproxd/proc.c sipproxd/log.c compat/imsg.c compat/imsg-buffer.c
fuzz_sip: sipproxd/sip_msg.c sipproxd/sip_uri.c
fuzz_sdp: sipproxd/sdp.c sipproxd/media.c
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
	    -DLIBBSD_OPENBSD_VIS -Icompat -Isipproxd \
	    $(pkg-config --cflags libbsd-overlay libevent) \
	    -o "$OBJ/$name" "regress/fuzz/$name.c" $srcs \
	    $(pkg-config --libs libbsd-overlay libevent) \
	    > "$OBJ/$name.log" 2>&1; then
		echo "FAIL $name: does not build (libclang-rt-14-dev?)"
		sed 's/^/    /' "$OBJ/$name.log" | head -10
		continue
	fi
	corpus=regress/fuzz/corpus/${name#fuzz_}
	work=$OBJ/$name.corpus
	mkdir -p "$work"
	cp "$corpus"/* "$work"/ 2> /dev/null
	# -close_fd_mask=3: the target's own chatter; reports still come.
	if "$OBJ/$name" -max_total_time=$secs -max_len=4096 -timeout=5 \
	    -close_fd_mask=3 -artifact_prefix="$OBJ/$name-" "$work" \
	    > "$OBJ/$name.out" 2>&1
	then
		echo "ok $name: $(grep -o 'Done [0-9]* runs' "$OBJ/$name.out")" \
		    "in $secs s"
	else
		echo "FAIL $name: crash, see $OBJ/$name.out"
		grep -E 'ERROR|runtime error|SUMMARY' "$OBJ/$name.out" |
		    head -5 | sed 's/^/    /'
	fi
done
