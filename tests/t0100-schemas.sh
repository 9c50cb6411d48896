#!/bin/sh
test_description='the exchange schemas: compile, samples, and every pattern and enumeration'
. "$(dirname "$0")/lib.sh"

# The schema of a root element.
root_schema() {
	case $1 in
	ComplaintBatch) echo "$XSD/complaint-batch.xsd" ;;
	ResponseFile) echo "$XSD/response-file.xsd" ;;
	Acknowledgement) echo "$XSD/acknowledgement.xsd" ;;
	Dispatch) echo "$XSD/dispatch.xsd" ;;
	Statement) echo "$XSD/statement.xsd" ;;
	*) echo "root_schema: unknown root '$1'" >&2; return 1 ;;
	esac
}

# The root element a file is meant to have, from its name: the SPEC §2 prefix
# of a sample (CB_, RSP_, ACK_, DSP_) or the template name of a case (cb...,
# rsp..., ack..., dsp...); invalid samples use the template prefixes too.
root_of_name() {
	case $(basename "$1") in
	CB_* | cb*) echo ComplaintBatch ;;
	RSP_* | rsp*) echo ResponseFile ;;
	ACK_* | ack*) echo Acknowledgement ;;
	DSP_* | dsp*) echo Dispatch ;;
	STM_* | stm*) echo Statement ;;
	*) echo "root_of_name: no root for '$1'" >&2; return 1 ;;
	esac
}

# schema_check FILE ROOT: 0 when FILE is valid against ROOT's schema, 1 when
# it is not.  Both libxml2 validators run (the tree and the streaming one) and
# must agree; a disagreement or a schema that does not compile is status 2.
schema_check() {
	xsd=$(root_schema "$2") || return 2
	xmllint --noout --schema "$xsd" "$1" 2>"$TRASH/.tree.err"
	tree=$?
	xmllint --stream --noout --schema "$xsd" "$1" 2>"$TRASH/.stream.err"
	stream=$?
	cat "$TRASH/.tree.err" >&2
	case $tree/$stream in
	0/0) return 0 ;;
	3/3) return 1 ;;
	esac
	cat "$TRASH/.stream.err" >&2
	echo "schema_check: xmllint exited $tree (tree) and $stream (stream) on '$1'" >&2
	return 2
}

# render TEMPLATE PLACEHOLDER VALUE: the template with every @@NAME|default@@
# marker replaced by its default, except PLACEHOLDER's, replaced by VALUE
# (XML-escaped).  In VALUE, "{empty}" is the empty string and "{S*N}" is S
# repeated N times ("{a*201}", "{ *1}BANKA").  Fails when the template has no
# such placeholder, so that a case cannot pass by testing nothing.
render() {
	CASE_PH=$2 CASE_VALUE=$3 awk '
	function xmlesc(s) {
		gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s)
		gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
		return s
	}
	function repeat(s, n,   r) {
		r = ""
		while (n > 0) {
			if (n % 2) r = r s
			s = s s
			n = int(n / 2)
		}
		return r
	}
	function expand(v,   out, inner, n, str) {
		if (v == "{empty}") return ""
		out = ""
		while (match(v, /\{[^{}]+\*[0-9]+\}/)) {
			inner = substr(v, RSTART + 1, RLENGTH - 2)
			n = inner; sub(/.*\*/, "", n)
			str = inner; sub(/\*[0-9]+$/, "", str)
			out = out substr(v, 1, RSTART - 1) repeat(str, n + 0)
			v = substr(v, RSTART + RLENGTH)
		}
		return out v
	}
	BEGIN {
		ph = ENVIRON["CASE_PH"]
		val = xmlesc(expand(ENVIRON["CASE_VALUE"]))
		found = 0; bad = 0
	}
	{
		line = $0; out = ""
		while ((s = index(line, "@@")) > 0) {
			rest = substr(line, s + 2)
			e = index(rest, "@@")
			if (e == 0) { print "render: unclosed marker at line " NR > "/dev/stderr"; bad = 1; break }
			marker = substr(rest, 1, e - 1)
			bar = index(marker, "|")
			name = substr(marker, 1, bar - 1)
			if (name == ph) { out = out substr(line, 1, s - 1) val; found++ }
			else out = out substr(line, 1, s - 1) substr(marker, bar + 1)
			line = substr(rest, e + 2)
		}
		print out line
	}
	END {
		if (bad) exit 2
		if (ph != "" && !found) { print "render: no placeholder " ph > "/dev/stderr"; exit 3 }
	}' "$SAMPLES/templates/$1.xml"
}

for xsd in "$XSD"/*.xsd; do
	test_expect_success "$(basename "$xsd") compiles" '
		echo "<NoSuchRoot xmlns=\"urn:slktx:exchange:1\"/>" >probe.xml &&
		test_expect_code 3 xmllint --noout --schema "$xsd" probe.xml 2>err &&
		grep "No matching global declaration" err &&
		test_expect_code 3 xmllint --stream --noout --schema "$xsd" probe.xml
	'
done

test_expect_success 'common.xsd declares no element: it is no root' '
	! grep "^  <xs:element" "$XSD/common.xsd" &&
	for f in complaint-batch response-file acknowledgement dispatch statement; do
		grep "<xs:include schemaLocation=\"common.xsd\"/>" "$XSD/$f.xsd" || return 1
	done
'

test_expect_success 'no identity constraints or IDs in the schemas (streaming)' '
	! grep -E "xs:(unique|key|keyref|ID)\b|type=\"xs:ID" "$XSD"/*.xsd
'

test_expect_success 'every named type and every element is documented' '
	for f in "$XSD"/*.xsd; do
		awk -v f="$f" "
			/<xs:(element|simpleType|complexType|attribute|attributeGroup) name=|<xs:enumeration / {
				if (/<xs:annotation>/) next
				if (/\/>\$/) { print f \":\" NR \": undocumented: \" \$0; bad = 1; next }
				want = \$0; n = NR; next
			}
			want != \"\" && /<xs:annotation>/ { want = \"\"; next }
			want != \"\" { print f \":\" n \": undocumented: \" want; bad = 1; want = \"\" }
			END { exit bad }" "$f" || return 1
	done
'

for f in "$SAMPLES"/valid/*.xml; do
	test_expect_success "valid sample $(basename "$f") validates" '
		root=$(root_of_name "$f") &&
		schema_check "$f" "$root"
	'
done

test_expect_success 'valid samples have the header count of their records' '
	for f in "$SAMPLES"/valid/CB_*.xml "$SAMPLES"/valid/RSP_*.xml "$SAMPLES"/valid/DSP_*.xml; do
		want=$(sed -n "s/.*<\(RecordCount\|ItemCount\)>\([0-9]*\)<.*/\2/p" "$f") &&
		have=$(grep -cE "^    <[A-Za-z]+ id=" "$f") &&
		test "$want" = "$have" || { echo "$f: count $want, records $have"; return 1; }
	done
'

test_expect_success 'valid samples are named after their identifier' '
	for f in "$SAMPLES"/valid/*.xml; do
		base=$(basename "$f" .xml) &&
		grep -E "<(BatchId|DispatchId|AckId|StatementId)>$base<" "$f" >/dev/null || { echo "$f"; return 1; }
	done
'

for f in "$SAMPLES"/invalid/*.xml; do
	test_expect_success "invalid sample $(basename "$f") is rejected where its comment says" '
		root=$(root_of_name "$f") &&
		line=$(sed -n "2s/^<!-- line \([0-9]*\):.*/\1/p" "$f") &&
		test -n "$line" &&
		test_expect_code 1 schema_check "$f" "$root" 2>err &&
		grep ":$line: " err
	'
done

test_expect_success 'a dispatch may have no items; a batch needs a record' '
	render dsp "" "" | awk "/<Items>/ { print \"  <Items/>\"; skip = 1; next }
		/<\/Items>/ { skip = 0; next } !skip" >empty-dsp.xml &&
	grep "<Items/>" empty-dsp.xml &&
	schema_check empty-dsp.xml Dispatch &&
	render cb "" "" | awk "/<Records>/ { print \"  <Records/>\"; skip = 1; next }
		/<\/Records>/ { skip = 0; next } !skip" >empty-cb.xml &&
	test_expect_code 1 schema_check empty-cb.xml ComplaintBatch
'

# peak_rss_kb CMD...: the peak resident memory of CMD in KiB, CMD's status
peak_rss_kb() {
	python3 -c "
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)" "$@"
}

# records N: a complaint batch of N*5 records (a Decision, Closure, OjkNote,
# Reassign and NewTicket each time), all with distinct ids
records() {
	render cb "" "" | awk -v n="$1" "
		/<Records>/ { print; inrec = 1; next }
		/<\/Records>/ { for (i = 1; i <= n; i++) { r = rec; gsub(/id=\"/, \"id=\\\"\" i \"-\", r); printf \"%s\", r }
			inrec = 0 }
		inrec { rec = rec \$0 \"\\n\"; next }
		{ print }"
}

test_expect_success 'streaming validation memory does not grow with the records' '
	records 2000 >small.xml &&
	records 40000 >large.xml &&
	test $(grep -c " id=\"" large.xml) = 200000 &&
	small=$(peak_rss_kb xmllint --stream --noout --schema "$XSD/complaint-batch.xsd" small.xml 2>/dev/null) &&
	large=$(peak_rss_kb xmllint --stream --noout --schema "$XSD/complaint-batch.xsd" large.xml 2>/dev/null) &&
	echo "peak RSS: $small KiB for 10000 records, $large KiB for 200000" &&
	test $((large - small)) -lt 2048
'

for t in "$SAMPLES"/templates/*.xml; do
	test_expect_success "template $(basename "$t") with its defaults validates" '
		name=$(basename "$t" .xml) &&
		render "$name" "" "" >case.xml &&
		! grep "@@" case.xml &&
		schema_check case.xml "$(root_of_name "$name")"
	'
done

cases=$SRC/tests/schema-cases.txt

test_expect_success 'every placeholder of every template has an accept and a reject case' '
	for t in "$SAMPLES"/templates/*.xml; do
		name=$(basename "$t" .xml)
		for ph in $(grep -o "@@[A-Z0-9_]*|" "$t" | tr -d "@|" | sort -u); do
			for verdict in accept reject; do
				grep -Eq "^$name +$ph +$verdict " "$cases" ||
					{ echo "no $verdict case for $name $ph"; return 1; }
			done
		done
	done
'

test_expect_success 'every enumerated value of the schemas is an accept case' '
	# the exchange schemas (report.xsd is tested in t7000)
	for v in $(ls "$XSD"/*.xsd | grep -v /report.xsd |
		xargs sed -n "s/.*<xs:enumeration value=\"\([A-Z_]*\)\".*/\1/p" | sort -u); do
		grep -Eq "^[a-z-]+ +[A-Z0-9_]+ +accept +$v\$" "$cases" ||
			{ echo "no accept case for $v"; return 1; }
	done
'

# run_cases CHECK LABEL: every row of the table through CHECK FILE ROOT, a
# function answering 0 (valid) or 1 (invalid) like schema_check; one test each,
# titled "LABEL case LINE: TEMPLATE PLACEHOLDER VERDICT 'VALUE'".
run_cases() {
	check=$1 label=$2 lineno=0
	while IFS= read -r row; do
		lineno=$((lineno + 1))
		case $row in '' | '#'*) continue ;; esac
		read -r tmpl ph verdict value <<-ROW
		$row
		ROW
		test_expect_success "$label case $lineno: $tmpl $ph $verdict '$value'" '
			render "$tmpl" "$ph" "$value" >case.xml &&
			case $verdict in
			accept) "$check" case.xml "$(root_of_name "$tmpl")" ;;
			reject) test_expect_code 1 "$check" case.xml "$(root_of_name "$tmpl")" ;;
			*) echo "bad verdict '\''$verdict'\''"; false ;;
			esac
		'
	done <"$cases"
}

run_cases schema_check xmllint

# slktx_check FILE ROOT: the same verdict through slktx validate.  A case
# carrying attachments travels as a package with one entry per Attachment
# element; a record that a ledger-free rule would refuse (an entry that does
# not match its element) is no schema verdict and counts as valid.
slktx_check() {
	f=$1
	# slktx validate takes what parties send and what the hub dispatches, not
	# the statements (read with xmllint and statement.xsl): xmllint's verdict
	if test "$2" = Statement; then
		schema_check "$f" "$2"
		return
	fi
	if grep -q "<Attachment " "$f"; then
		rm -rf pkg case.zip && mkdir -p pkg/attachments && cp "$f" pkg/payload.xml &&
		for n in $(sed -n 's/.*<Attachment name="\([A-Za-z0-9._-]*\)".*/\1/p' "$f"); do
			case $n in .*) ;; *) echo x >"pkg/attachments/$n" ;; esac
		done
		(cd pkg && zip -q -r ../case.zip payload.xml attachments) || return 2
		f=case.zip
	fi
	out=$(slktx validate "$f" 2>&1)
	# case.xml is no exchange name: a verdict of NAME_INVALID alone is no schema verdict
	case $out in
	*": valid "* | *"would be rejected)"* | *": invalid (NAME_INVALID, 1 problem)"*) return 0 ;;
	*": invalid ("*) return 1 ;;
	*) echo "$out"; return 2 ;;
	esac
}

run_cases slktx_check slktx

test_done
