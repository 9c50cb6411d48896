#!/bin/sh
test_description='the hostile XML corpus: each file gets its code, in bounded memory'
. "$(dirname "$0")/lib.sh"

# A listener on 127.0.0.1 that records any connection: the external DTD and
# the parameter-entity XXE point at it, and nothing may ever connect.
port_file=$TRASH/port
python3 - "$port_file" "$TRASH/connections" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(60)
try:
    while True:
        c, _ = s.accept()
        open(sys.argv[2], "a").write("connected\n")
        c.close()
except OSError:
    pass
PY
listener=$!
while [ ! -s "$port_file" ]; do sleep 0.1; done
make-hostile-xml corpus "$(cat "$port_file")"

# expect FILE CODE [LINE]: exit 65, the verdict names CODE, the first finding
# of that code is at LINE, and peak memory stays under 100 MB.
expect() {
	timeout 30 /usr/bin/time -f "%e %M" -o usage slktx validate "corpus/$1" >out 2>&1
	status=$?
	[ $status -eq 65 ] || { echo "exit $status"; cat out; return 1; }
	grep -q "corpus/$1: invalid ($2" out || { cat out; return 1; }
	if [ -n "$3" ]; then
		grep -q "^corpus/$1:$3:[0-9]*: $2" out || { echo "want line $3"; cat out; return 1; }
	fi
	read secs kb <<-EOF
	$(tail -n 1 usage)
	EOF
	echo "# $1: $secs s, $kb KB" >&3
	[ "$kb" -lt 102400 ] || { echo "peak RSS $kb KB"; return 1; }
}
exec 3>&1

test_expect_success 'billion laughs: XML_FORBIDDEN at the DOCTYPE' 'expect billion-laughs.xml XML_FORBIDDEN 2'
test_expect_success 'quadratic blow-up: XML_FORBIDDEN' 'expect quadratic-blowup.xml XML_FORBIDDEN 2'
test_expect_success 'XXE by file://: XML_FORBIDDEN, nothing of the file shown' '
	expect xxe-file.xml XML_FORBIDDEN 2 && ! grep "root:" out
'
test_expect_success 'parameter-entity XXE: XML_FORBIDDEN' 'expect xxe-parameter.xml XML_FORBIDDEN 2'
test_expect_success 'external DTD on 127.0.0.1: XML_FORBIDDEN' 'expect external-dtd.xml XML_FORBIDDEN 2'
test_expect_success 'nesting depth 300: LIMIT_EXCEEDED' 'expect depth-300.xml LIMIT_EXCEEDED 13'
test_expect_success 'nesting 100 deep where max_depth allows 256: SCHEMA_INVALID' '
	printf "[limits]\nmax_depth = 256\n" >deep.conf &&
	test_expect_code 65 slktx --config deep.conf validate corpus/depth-100.xml >out 2>&1 &&
	grep "^corpus/depth-100.xml: invalid (SCHEMA_INVALID" out
'
test_expect_success '11 MB text node: LIMIT_EXCEEDED at its element' 'expect text-11mb.xml LIMIT_EXCEEDED 13'
test_expect_success '60 KB element name: LIMIT_EXCEEDED' 'expect name-60kb.xml LIMIT_EXCEEDED 15'
test_expect_success 'truncated file: XML_MALFORMED at its end' 'expect truncated.xml XML_MALFORMED 23'
test_expect_success 'invalid UTF-8: XML_MALFORMED at the bad byte' 'expect invalid-utf8.xml XML_MALFORMED 18'
test_expect_success 'a NUL byte: XML_MALFORMED at its line' 'expect nul-byte.xml XML_MALFORMED 18'
test_expect_success 'UTF-16: XML_MALFORMED' 'expect utf16.xml XML_MALFORMED 1'
test_expect_success 'schemaLocation pointing at a laxer schema is ignored: SCHEMA_INVALID' '
	expect schema-location.xml SCHEMA_INVALID 14 &&
	xmllint --noout --schema corpus/lax.xsd corpus/schema-location.xml
'
test_expect_success 'duplicate record id in the last record: DUPLICATE_RECORD_ID there' '
	expect duplicate-id-last.xml DUPLICATE_RECORD_ID 30
'
test_expect_success 'RecordCount that does not match: COUNT_MISMATCH at RecordCount' '
	expect count-mismatch.xml COUNT_MISMATCH 7
'
test_expect_success '33 attributes on one element: LIMIT_EXCEEDED at its start tag' '
	expect attrs-33.xml LIMIT_EXCEEDED 10 &&
	grep "attrs-33.xml:10:5: LIMIT_EXCEEDED: more than 32 attributes" out
'
test_expect_success '400,000 attributes on one element: LIMIT_EXCEEDED at its start tag' '
	expect attrs-400k.xml LIMIT_EXCEEDED 10
'
test_expect_success '400,000 namespace declarations on one element: LIMIT_EXCEEDED' '
	expect namespaces-400k.xml LIMIT_EXCEEDED 10
'

# CPU seconds (user + system) of validating FILE, timed out at 60 s
cpu() {
	/usr/bin/time -f "%U %S" -o cpu timeout 60 slktx validate "corpus/$1" >/dev/null 2>&1
	tail -n 1 cpu | awk '{ print $1 + $2 }'
}

# libxml2 2.9 reads a start tag whole and checks its attributes for
# duplicates in quadratic time: 40 times the attributes cost 1,600 times
# the CPU.  Linear work (or none past the limit) costs at most 40 times;
# CPU time, not wall time, so that a loaded machine does not matter.
test_expect_success 'the work on one start tag does not grow with its attributes' '
	small=$(cpu attrs-10k.xml) &&
	large=$(cpu attrs-400k.xml) &&
	echo "# 10k attributes: $small s, 400k: $large s" >&3 &&
	awk -v s="$small" -v l="$large" "BEGIN {
		if (s < 0.01) s = 0.01
		exit !(l < 100 * s && l < 1.0)
	}"
'

test_expect_success 'no connection was ever attempted to 127.0.0.1' '
	test ! -e "$TRASH/connections"
'
kill $listener 2>/dev/null
test_done
