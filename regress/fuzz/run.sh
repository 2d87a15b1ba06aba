#!/bin/sh
#
# libFuzzer harnesses, one per parser: short runs in the regress suite,
# long ones with `make fuzz` (sh regress/fuzz/run.sh long). make builds
# them (make fuzz-build, regress/regress.mk: clang, libFuzzer, ASan and
# UBSan, in build-fuzz); without clang's libFuzzer each is skipped.
# Seeds come from regress/fuzz/corpus/NAME/, copied into a scratch
# corpus in $OBJ. Each harness runs twice on that corpus: with inputs up
# to 4096 bytes, where mutations find the grammar fastest, then up to the
# SIP message limit (SIP_MAX_MSGLEN, SDP_MAX_LEN: 65535), where the
# length checks and the edits that grow a message to the limit are.
#
# Alone, from the top of the tree: sh regress/fuzz/run.sh [long]; OBJ is
# the scratch directory, MAKE the GNU make to use, FUZZ_ONLY="fuzz_sip
# fuzz_sdp" runs just those.

cd "$(dirname "$0")/../.." || exit 1
OBJ=${OBJ:-regress/obj/fuzz}
MAKE=${MAKE:-make}
secs=10
[ "$1" = long ] && secs=300
MAXLENS="4096 65535"
mkdir -p "$OBJ"

names=$($MAKE -s --no-print-directory print-FUZZERS)
if ! $MAKE -s fuzz-probe > "$OBJ/probe.log" 2>&1; then
	for name in $names; do
		echo "skipped $name: clang libFuzzer not installed"
	done
	exit 0
fi
if ! $MAKE -s fuzz-build > "$OBJ/make.log" 2>&1; then
	echo "FAIL fuzz: make fuzz-build failed, see $OBJ/make.log"
	grep -E 'error|\*\*\*' "$OBJ/make.log" | head -10 | sed 's/^/    /'
	exit 1
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
	sdp|codec)	awk '{ print } END { for (i = 0; i < 640; i++)
		    printf "a=x-pad:%090d\r\n", i }' $c/sdp/g711 ;;
	config)	awk '{ print } END { for (i = 0; i < 640; i++)
		    printf "# %097d\n", i }' $c/config/full.conf ;;
	state)	awk 'NR == 1 { print } NR == 2 { for (i = 0; i < 850; i++)
		    print } END { print "# end 850" }' $c/state/one ;;
	*)	return ;;
	esac > "$2"
}

rc=0
for name in $names; do
	if [ -n "$FUZZ_ONLY" ]; then
		case " $FUZZ_ONLY " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	bin=build-fuzz/regress/fuzz/$name
	corpus=regress/fuzz/corpus/${name#fuzz_}
	work=$OBJ/$name.corpus
	mkdir -p "$work"
	cp "$corpus"/* "$work"/ 2> /dev/null
	bigseed "${name#fuzz_}" "$work/big"
	for len in $MAXLENS; do
		out=$OBJ/$name.$len.out
		# -close_fd_mask=3: the target's own chatter; reports come.
		# -len_control=0: long inputs at once, not after hours.
		if "$bin" -max_total_time=$secs -max_len=$len \
		    -len_control=0 -timeout=5 -close_fd_mask=3 \
		    -artifact_prefix="$OBJ/$name-$len-" "$work" > "$out" 2>&1
		then
			echo "ok $name $len: $(grep -o 'Done [0-9]* runs' \
			    "$out") in $secs s, inputs up to $len bytes"
		else
			echo "FAIL $name $len: crash, see $out"
			grep -E 'ERROR|runtime error|SUMMARY' "$out" |
			    head -5 | sed 's/^/    /'
			rc=1
		fi
	done
done
exit $rc
