#!/bin/sh
test_description='the exchange guide: its examples are valid, its table has every reason code'
. "$(dirname "$0")/lib.sh"

EX=$SRC/docs/examples
GUIDE=$SRC/docs/exchange.md

schema_of() {
	case $(sed -n 's/^<\([A-Za-z]*\) .*/\1/p' "$1" | head -1) in
	ComplaintBatch) echo complaint-batch.xsd ;;
	ResponseFile) echo response-file.xsd ;;
	Dispatch) echo dispatch.xsd ;;
	Acknowledgement) echo acknowledgement.xsd ;;
	*) echo unknown ;;
	esac
}

test_expect_success 'there is an example of every file kind' '
	for k in CB RSP DSP ACK_CB ACK_RSP; do
		ls "$EX"/${k}_*.xml >/dev/null || { echo "no $k example"; return 1; }
	done
'

test_expect_success 'every example is valid to slktx validate' '
	for f in "$EX"/*.xml; do
		slktx validate "$f" >out || { cat out; return 1; }
		grep ": valid " out || return 1
	done
'

test_expect_success 'every example is valid to xmllint --schema' '
	for f in "$EX"/*.xml; do
		xsd=$(schema_of "$f") &&
		xmllint --noout --schema "$XSD/$xsd" "$f" 2>err || { cat err; return 1; }
	done
'

test_expect_success 'the guide names every example it ships' '
	for f in "$EX"/*.xml; do
		grep -q "docs/examples/$(basename "$f")" "$GUIDE" || { echo "$f not in the guide"; return 1; }
	done
'

test_expect_success 'the table has a row for every reason code of SPEC' '
	for c in SIGNATURE_MISSING SIGNATURE_INVALID CERT_UNTRUSTED CERT_EXPIRED \
		CERT_NOT_YET_VALID CERT_REVOKED SIGNER_NOT_REGISTERED SENDER_NOT_ACTIVE \
		SENDER_MISMATCH NAME_INVALID XML_MALFORMED XML_FORBIDDEN SCHEMA_INVALID \
		COUNT_MISMATCH DUPLICATE_RECORD_ID DUPLICATE_FILE DUPLICATE_BATCH_ID \
		PACKAGE_INVALID LIMIT_EXCEEDED TICKET_UNKNOWN TICKET_EXISTS PUJK_UNKNOWN \
		PUJK_NOT_ACTIVE INVALID_STATE NOT_APPLICABLE ROLE_NOT_AUTHORIZED \
		ATTACHMENT_MISSING ATTACHMENT_MISMATCH TIME_INVALID; do
		grep -q "^| \`$c\` | \(file\|record\) | .* | .* |$" "$GUIDE" || { echo "no row for $c"; return 1; }
	done
'

test_expect_success 'every reason code slktx writes has a row' '
	for c in $(sed -n "s/^	ERR_\([A-Z_]*\),.*/\1/p" "$SRC/src/util/err.h" |
		sed -n "/^SIGNATURE_MISSING$/,/^TIME_INVALID$/p"); do
		grep -q "^| \`$c\` |" "$GUIDE" || { echo "no row for $c"; return 1; }
	done
'

test_expect_success 'make install puts the guide and the examples in the doc directory' '
	make -C "$SRC" -n install DESTDIR="$TRASH/root" >out 2>/dev/null &&
	grep "docs/exchange.md" out &&
	grep "docs/examples" out
'

test_done
