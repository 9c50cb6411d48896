# bench-lib.sh - shared by scripts/bench-*: timing and the generated batches.
# Sourced from the repository's root.

top=$(pwd)
# the slktx measured (BENCH_SLKTX: another build, e.g. a copy made before a change)
slktx=${BENCH_SLKTX:-$top/build/slktx}
BENCH_DIR=${BENCH_DIR:-$top/build/bench}
mkdir -p "$BENCH_DIR"

# measure NAME CMD...: run CMD, set NAME_secs (wall), NAME_cpu and NAME_kb (peak RSS)
measure() {
	_name=$1
	shift
	# the previous step's writes are flushed first, not during this one
	sync
	/usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/.time" "$@" >/dev/null 2>"$BENCH_DIR/.err" || {
		echo "bench: '$*' failed:" >&2
		tail -5 "$BENCH_DIR/.err" >&2
		exit 1
	}
	set -- $(tail -n 1 "$BENCH_DIR/.time")
	eval "${_name}_secs=$1 ${_name}_cpu=$(echo "$2 + $3" | bc) ${_name}_kb=$4"
}

# best RUNS NAME CMD...: measure CMD RUNS times, keep the fastest wall time
# (this machine is shared: the best run is the one least disturbed)
best() {
	_runs=$1 _best=$2
	shift 2
	_i=0
	while [ $_i -lt "$_runs" ]; do
		measure _try "$@"
		if [ $_i = 0 ] || [ "$(echo "$_try_secs < $(eval echo \$${_best}_secs)" | bc)" = 1 ]; then
			eval "${_best}_secs=$_try_secs ${_best}_cpu=$_try_cpu ${_best}_kb=$_try_kb"
		fi
		_i=$((_i + 1))
	done
}

ratio() {
	echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'
}

mib() {
	echo $(($1 / 1024))
}

# batch N SEQ: path of a generated complaint batch of N records (made once)
batch() {
	_f=$BENCH_DIR/CB_OJK_20261127_$(printf %06d "$2").xml
	if [ ! -s "$_f" ] || [ "$(sed -n 's/.*<RecordCount>\([0-9]*\)<.*/\1/p' "$_f" | head -1)" != "$1" ]; then
		echo "bench: generating $1 records into $_f" >&2
		"$top/build/genbatch" -n "$1" -q "$2" -p BANKA,ASURB -o "$_f"
	fi
	echo "$_f"
}

# bench_hub: a hub in the working directory: configuration, test PKI, two
# PUJK with their three officers
bench_hub() {
	"$top/scripts/local-config" .
	"$top/scripts/make-test-pki" pki >/dev/null
	for _p in BANKA ASURB; do
		"$slktx" pujk add $_p --name "PUJK $_p" --sector BANK >/dev/null
		for _r in PRODUCT SERVICE DECISION; do
			"$slktx" officer add $_p --role $_r --name "$_p $_r" \
				--cert pki/$_p-$(echo $_r | tr A-Z a-z).crt >/dev/null
		done
	done
}

# target WHAT VALUE RATIO LIMIT: one line of the targets table; PASS when
# RATIO <= LIMIT
target() {
	if [ "$(echo "$3 <= $4" | bc)" = 1 ]; then _v=PASS; else _v=MISS; fi
	printf '  TARGET %-36s %-28s ratio %6s (<= %s) %s\n' "$1" "$2" "$3" "$4" "$_v"
	echo "$1|$2|$3|$4|$_v" >>"$BENCH_DIR/targets"
}
