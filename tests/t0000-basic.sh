#!/bin/sh
test_description='the command line itself'
. "$(dirname "$0")/lib.sh"

test_expect_success 'help lists the commands and exits 0' '
	slktx --help >out &&
	grep "^usage: slktx" out &&
	grep "slktx validate \[--max-errors N\] FILE" out
'

test_expect_success 'unknown command is a usage error' '
	test_expect_code 64 slktx frobnicate 2>err &&
	grep "unknown command" err
'

test_expect_success 'no command is a usage error' '
	test_expect_code 64 slktx
'

test_done
