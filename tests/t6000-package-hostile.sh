#!/bin/sh
test_description='ZIP packages: the hostile corpus, read into the store'
. "$(dirname "$0")/lib.sh"

CHECK=$SRC/${SLKTX_BUILD:-build}/tools/package-check
MAX_RSS_KB=102400

make-hostile-zips "$TRASH/corpus" || exit 1
mkdir -p "$TRASH/res" "$TRASH/work"

# everything under $TRASH but the store and the results, before and after
listing() {
	(cd "$TRASH" && find . -path ./work/store -prune -o -path ./res -prune -o -print | sort)
}

# check_case NAME CODE 'EXPECTED LINE' [package-check options]: run from
# work/ into work/store, under /usr/bin/time; assert the exit code, the
# output, the memory, that nothing appeared outside the store and that no
# temporary file stayed in it
check_case() {
	name=$1 want=$2 line=$3
	shift 3
	rm -rf "$TRASH/work/store" && mkdir "$TRASH/work/store" &&
	listing >"$TRASH/res/before" &&
	(cd "$TRASH/work" && test_expect_code "$want" /usr/bin/time -o "$TRASH/res/$name.time" \
		-f '%e %M' "$CHECK" "$@" "$TRASH/corpus/$name.zip" store >"$TRASH/res/out") &&
	listing >"$TRASH/res/after" &&
	test_cmp "$TRASH/res/before" "$TRASH/res/after" &&
	printf '%s\n' "$line" >"$TRASH/res/expect" &&
	test_cmp "$TRASH/res/expect" "$TRASH/res/out" &&
	rss=$(tail -n 1 "$TRASH/res/$name.time" | cut -d" " -f2) &&
	{ [ "$rss" -le $MAX_RSS_KB ] || { echo "$name: rss $rss KB" >&2; false; }; } &&
	test -z "$(find "$TRASH/work/store" -name '.tmp*')"
}

# test_case NAME CODE 'EXPECTED LINE' [options]: one TAP test, its time as a comment
test_case() {
	tc_name=$1 tc_want=$2 tc_line=$3
	shift 3
	tc_opts="$*"
	test_expect_success "$tc_name $tc_opts: $tc_line" \
		'check_case "$tc_name" "$tc_want" "$tc_line" $tc_opts'
	[ -f "$TRASH/res/$tc_name.time" ] &&
		echo "# $tc_name: $(tail -n 1 "$TRASH/res/$tc_name.time" | sed 's/ / s, /') KB"
}

test_case good 0 'OK 2'
test_case attachments-dir 0 'OK 2'
test_case nested 0 'OK 1'
test_case comment 65 'PACKAGE_INVALID: not a readable zip: truncated or corrupt central directory'
test_case dotdot 65 "PACKAGE_INVALID: entry 'attachments/../../evil.pdf' has a '..' path component"
test_case absolute 65 "PACKAGE_INVALID: entry '/tmp/evil.pdf' has an absolute path"
test_case backslash 65 "PACKAGE_INVALID: entry 'attachments\\surat.pdf' has a backslash in its name"
test_case symlink 65 "PACKAGE_INVALID: entry 'attachments/surat.pdf' is a symbolic link"
test_case hardlink 65 'ATTACHMENT_MISMATCH: record r1 name kopi.pdf'
test_case device 65 "PACKAGE_INVALID: entry 'attachments/surat.pdf' is a character device"
test_case directory 65 "PACKAGE_INVALID: entry 'attachments/sub/' is a directory"
test_case duplicate 65 "PACKAGE_INVALID: entry 'attachments/surat.pdf' appears twice"
test_case twopayload 65 "PACKAGE_INVALID: entry 'payload.xml' appears twice"
test_case nopayload 65 'PACKAGE_INVALID: package has no payload.xml'
test_case stray 65 "PACKAGE_INVALID: entry 'catatan.txt' is neither payload.xml nor attachments/NAME"
test_case unnamed 65 "PACKAGE_INVALID: entry 'attachments/lain.pdf' is named by no Attachment element"
test_case missing 65 'ATTACHMENT_MISSING: record r2 name foto.png'
test_case wronghash 65 'ATTACHMENT_MISMATCH: record r2 name foto.png'
test_case encrypted 65 "PACKAGE_INVALID: entry 'attachments/surat.pdf' is encrypted"
test_case truncated 65 'PACKAGE_INVALID: not a readable zip: truncated or corrupt central directory'
test_case bomb 65 "LIMIT_EXCEEDED: entry 'attachments/bom.pdf' declares more than 10485760 bytes"
test_case bomb 65 "LIMIT_EXCEEDED: entry 'attachments/bom.pdf' inflates more than 100 times" -s 2147483648
test_case bomb 65 "LIMIT_EXCEEDED: package exceeds 20971520 bytes uncompressed at entry 'attachments/bom.pdf'" \
	-s 2147483648 -r 1000000 -p 20971520
test_case bomb-liar 65 "PACKAGE_INVALID: entry 'attachments/bom.pdf' declares 1048576 bytes but holds more"
test_case liar 65 "PACKAGE_INVALID: entry 'attachments/surat.pdf' declares 100 bytes but holds more"
test_case ratio 65 "LIMIT_EXCEEDED: entry 'attachments/surat.pdf' inflates more than 100 times"
test_case many 65 'LIMIT_EXCEEDED: package declares 20001 entries, more than 1000'
test_case many-liar 65 'PACKAGE_INVALID: central directory holds more entries than the 5 declared'
test_case good 65 "LIMIT_EXCEEDED: entry 'attachments/foto.png' declares more than 200 bytes" -s 200
test_case good 65 'LIMIT_EXCEEDED: package declares 3 entries, more than 2' -n 2
test_case ratio 0 'OK 1' -r 1000000
test_case zip64 0 'OK 2'
test_case zip64 65 'LIMIT_EXCEEDED: package declares 3 entries, more than 2' -n 2

test_expect_success 'the good package is stored by content, once' '
	cd work && rm -rf store && mkdir store &&
	"$CHECK" "$TRASH/corpus/good.zip" store &&
	for f in surat.pdf foto.png; do
		unzip -p "$TRASH/corpus/good.zip" attachments/$f >$f &&
		sha=$(sha256sum <$f | cut -d" " -f1) &&
		cmp $f store/$(echo $sha | cut -c1-2)/$sha || return 1
	done &&
	ls -liR store >inodes.1 &&
	"$CHECK" "$TRASH/corpus/good.zip" store &&
	ls -liR store >inodes.2 &&
	test_cmp inodes.1 inodes.2 &&
	test $(find store -type f | wc -l) = 2
'

test_expect_success 'a nested zip is stored as it is, never opened' '
	cd work && rm -rf store && mkdir store &&
	"$CHECK" "$TRASH/corpus/nested.zip" store &&
	unzip -p "$TRASH/corpus/nested.zip" attachments/arsip.zip >arsip.zip &&
	sha=$(sha256sum <arsip.zip | cut -d" " -f1) &&
	cmp arsip.zip store/$(echo $sha | cut -c1-2)/$sha &&
	test -z "$(find "$TRASH" -name evil.pdf)"
'

test_expect_success 'a missing package is an i/o error, not a verdict' '
	cd work && mkdir -p store &&
	test_expect_code 70 "$CHECK" "$TRASH/corpus/no-such.zip" store >out &&
	grep "^IO: cannot open" out
'

test_done
