#!/bin/sh
test_description='the fuzz harnesses replay their committed corpora, with the verdicts recorded'
. "$(dirname "$0")/lib.sh"

# `make check` builds each tests/fuzz/fuzz_NAME.c with the plain replay
# driver (tests/fuzz/replay.c): every input of tests/fuzz/corpus/NAME goes
# through the same LLVMFuzzerTestOneInput that `make fuzz` runs under
# libFuzzer.  Each input's verdict (its reason code) is compared with
# tests/fuzz/verdicts/NAME, so that a seed, or a crash found by fuzzing and
# kept as a regression input, keeps the answer it was given.
CORPUS=$SRC/tests/fuzz/corpus
SLKTX_FUZZ_FIXTURES=$SRC/tests/fuzz/fixtures
# under `make asan`: the library leaks of tests/fuzz/lsan.supp
LSAN_OPTIONS=suppressions=$SRC/tests/fuzz/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0
export SLKTX_FUZZ_FIXTURES LSAN_OPTIONS

test_expect_success 'every harness has a corpus and every corpus a harness' '
	(cd "$SRC/tests/fuzz" && ls fuzz_*.c | sed "s/^fuzz_//; s/\.c\$//") >harnesses &&
	ls "$CORPUS" >corpora &&
	test_cmp harnesses corpora
'

for dir in "$CORPUS"/*; do
	name=$(basename "$dir")
	n=$(ls "$dir" | wc -l | tr -d ' ')
	test_expect_success "fuzz_$name replays its $n inputs" '
		"$BUILD/fuzz/fuzz_$name" -v "$dir" >"$name.out" 2>"$name.err" &&
		echo "$n files replayed" >expect &&
		tail -n 1 "$name.out" >actual &&
		test_cmp expect actual
	'
	test_expect_success "fuzz_$name gives each input its recorded verdict" '
		sed -n "s|^$dir/\([^:]*\): [0-9]* bytes\$|\1|p; s/^verdict: \([a-zA-Z_]*\).*/\1/p" \
			"$name.out" | paste -d " " - - >actual &&
		test_cmp "$SRC/tests/fuzz/verdicts/$name" actual
	'
done

test_done
