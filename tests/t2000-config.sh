#!/bin/sh
test_description='finding and checking the configuration'
. "$(dirname "$0")/lib.sh"

test_expect_success 'a missing --config file exits 78 naming it' '
	test_expect_code 78 slktx --config missing.conf pujk list 2>err &&
	grep "missing.conf" err &&
	grep "CONFIG" err &&
	! test -d spool
'

test_expect_success 'a missing $SLKTX_CONFIG file exits 78 naming it' '
	SLKTX_CONFIG=$TRASH/gone.conf test_expect_code 78 slktx pujk list 2>err &&
	grep "gone.conf" err
'

test_expect_success 'an unknown key exits 78 naming file, line and key' '
	printf "[spool]\ndir = sp\nfoo = 1\n" >bad.conf &&
	test_expect_code 78 slktx --config bad.conf pujk list 2>err &&
	grep "bad.conf:3:.*unknown key .foo. in \[spool\]" err &&
	! test -d sp
'

test_expect_success 'a bad value exits 78 naming file, line and key' '
	printf "[spool]\ndir = sp\n\n[transport]\ntype = ftp\n" >bad.conf &&
	test_expect_code 78 slktx --config bad.conf pujk list 2>err &&
	grep "bad.conf:5:.*invalid value .ftp. for .type. in \[transport\]" err
'

test_expect_success 'a duplicate key exits 78 naming its second line' '
	printf "[spool]\ndir = a\ndir = b\n" >bad.conf &&
	test_expect_code 78 slktx --config bad.conf pujk list 2>err &&
	grep "bad.conf:3:.*duplicate key .dir. in \[spool\]" err
'

test_expect_success '$SLKTX_CONFIG is honoured, relative to its own directory' '
	mkdir -p etc &&
	printf "[spool]\ndir = ../envspool\n" >etc/env.conf &&
	SLKTX_CONFIG=$TRASH/etc/env.conf slktx pujk list >out &&
	test -f envspool/ledger.sqlite &&
	! test -d spool
'

test_expect_success '--config wins over $SLKTX_CONFIG' '
	printf "[spool]\ndir = given\n" >given.conf &&
	SLKTX_CONFIG=$TRASH/missing.conf slktx --config given.conf pujk list &&
	test -f given/ledger.sqlite
'

test_expect_success 'config/slktx.conf is found when nothing is named' '
	mkdir -p wd/config &&
	printf "[spool]\ndir = ../found\n" >wd/config/slktx.conf &&
	(cd wd && slktx pujk list) &&
	test -f wd/found/ledger.sqlite
'

test_expect_success 'with no file at all a ledger command says so and creates nothing' '
	mkdir -p empty &&
	(cd empty && test_expect_code 78 slktx pujk list 2>../err) &&
	grep "no configuration found" err &&
	(cd empty && test_expect_code 78 slktx run 2>../err) &&
	grep "no configuration found" err &&
	(cd empty && test_expect_code 78 slktx ticket list 2>../err) &&
	test -z "$(ls -A empty)"
'

test_expect_success 'verify and verify-archive with no configuration ask for --cafile' '
	mkdir -p empty2 &&
	echo x >empty2/RSP_BANKA_20261128_000001.xml &&
	(cd empty2 && test_expect_code 78 slktx verify RSP_BANKA_20261128_000001.xml 2>../err) &&
	grep "pass --cafile CA" err &&
	(cd empty2 && test_expect_code 78 slktx verify-archive x.tar.gz 2>../err) &&
	grep "pass --cafile CA" err &&
	test "$(ls -A empty2)" = RSP_BANKA_20261128_000001.xml
'

test_expect_success 'with a configuration but no ledger, verify creates none' '
	mkdir -p nol/config && printf "[spool]\ndir = ../sp\n" >nol/config/slktx.conf &&
	echo x >nol/RSP_BANKA_20261128_000001.xml &&
	(cd nol && test_expect_code 78 slktx verify RSP_BANKA_20261128_000001.xml 2>../err) &&
	grep "no ledger" err &&
	! test -e nol/sp
'

test_expect_success 'validate needs no configuration' '
	mkdir -p empty3 &&
	cp "$SAMPLES/valid/"*.xml empty3/ 2>/dev/null || cp "$SAMPLES"/*.xml empty3/ 2>/dev/null;
	ls empty3/*.xml >/dev/null &&
	(cd empty3 && slktx validate $(ls *.xml | head -1))
'

test_expect_success 'the example configuration loads' '
	mkdir -p ex &&
	cp "$SRC/config/slktx.conf.example" ex/slktx.conf &&
	slktx --config ex/slktx.conf pujk list >out &&
	test -f ex/spool/ledger.sqlite
'

test_expect_success 'the spool and the ledger are owner-only' '
	(umask 0 && slktx --config ex/slktx.conf pujk list) &&
	rm -rf ex/spool &&
	(umask 0 && slktx --config ex/slktx.conf pujk list) &&
	test "$(stat -c %a ex/spool)" = 700 &&
	test "$(stat -c %a ex/spool/ledger.sqlite)" = 600
'

test_done
