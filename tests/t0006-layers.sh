#!/bin/sh
test_description='the include graph of src/ has no cycle and keeps its layers'
. "$(dirname "$0")/lib.sh"

test_expect_success 'src/ includes only downwards, without cycles' '
	check-layers "$SRC/src"
'

test_expect_success 'domain/ and ledger/ know nothing of libxml2' '
	! grep -rn libxml "$SRC/src/domain" "$SRC/src/ledger"
'

test_expect_success 'a lower layer including a higher one is caught' '
	mkdir -p up/util up/xml &&
	echo "#include \"xml/schema.h\"" >up/util/err.c &&
	: >up/xml/schema.h &&
	test_must_fail check-layers up 2>err &&
	grep "'\''util/err'\'' includes '\''xml/schema'\'', a higher layer" err
'

test_expect_success 'a cycle within a layer is caught' '
	mkdir -p loop/xml &&
	echo "#include \"xml/b.h\"" >loop/xml/a.c &&
	echo "#include \"xml/a.h\"" >loop/xml/b.c &&
	: >loop/xml/a.h && : >loop/xml/b.h &&
	test_must_fail check-layers loop 2>err &&
	grep -i loop err
'

test_done
