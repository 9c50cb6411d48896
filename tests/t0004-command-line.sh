#!/bin/sh
test_description='one command line: --help everywhere, slktx help, usage errors, the same commands in --help, README and man page'
. "$(dirname "$0")/lib.sh"

test_expect_success '--help, the README and the man page list the same commands' '
	slktx --help | sed -n "s/^  slktx \\([a-z][a-z-]*\\).*/\\1/p" | sort -u >help.list &&
	sed -n "/^## Synopsis/,/^## /p" "$SRC/README.md" |
		sed -n "s/^    slktx \\([a-z][a-z-]*\\).*/\\1/p" | sort -u >readme.list &&
	sed -n "/^\\.SH SYNOPSIS/,/^\\.SH /p" "$SRC/docs/slktx.1" |
		sed -n "s/^\\.B slktx \\([a-z][a-z-]*\\).*/\\1/p" | sort -u >man.list &&
	test_cmp help.list readme.list &&
	test_cmp help.list man.list &&
	for c in report archive verify-archive config backup help; do
		grep -x "$c" help.list || return 1
	done
'

test_expect_success 'the man page has its sections' '
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS CONFIGURATION FILES ENVIRONMENT \
		"EXIT STATUS" EXAMPLES; do
		grep -x "\\.SH $s" "$SRC/docs/slktx.1" || return 1
	done
'

test_expect_success 'every command answers --help with its usage, exit 0' '
	for c in $(cat help.list); do
		slktx $c --help >out 2>err || { echo "$c --help failed"; return 1; }
		grep "^usage: slktx $c" out || { echo "$c: no usage"; return 1; }
		test ! -s err || return 1
	done
'

test_expect_success 'slktx help COMMAND is the same as COMMAND --help' '
	for c in $(cat help.list); do
		slktx help $c >a && slktx $c --help >b && test_cmp a b || return 1
	done &&
	slktx help >out && grep "^  slktx ticket show" out &&
	test_expect_code 64 slktx help nosuch 2>err &&
	grep "unknown command .nosuch." err
'

test_expect_success '--help wins over everything else on the line and touches nothing' '
	mkdir bare && (cd bare && slktx pujk add X --help >../out) &&
	grep "^usage: slktx pujk add" out &&
	test -z "$(ls -A bare)"
'

test_expect_success 'usage errors name the option or argument at fault' '
	test_expect_code 64 slktx --config 2>err &&
	grep "option .--config. needs a value" err &&
	test_expect_code 64 slktx --bogus 2>err &&
	grep "unknown option .--bogus." err &&
	test_expect_code 64 slktx 2>err &&
	grep "missing command" err &&
	test_expect_code 64 slktx nosuch 2>err &&
	grep "unknown command .nosuch." err &&
	test_expect_code 64 slktx run --bogus 2>err &&
	grep "unknown option .--bogus." err &&
	test_expect_code 64 slktx run extra 2>err &&
	grep "unexpected argument .extra." err &&
	test_expect_code 64 slktx archive --date 2>err &&
	grep "option .--date. needs a value" err &&
	test_expect_code 64 slktx backup 2>err &&
	grep "missing argument" err
'

test_done
