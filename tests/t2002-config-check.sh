#!/bin/sh
test_description='slktx config check: every key, every file it names; run checks first'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

test_expect_success 'set up the hub' '
	setup_hub && cp config/slktx.conf good.conf
'

test_expect_success 'a good configuration passes, exit 0' '
	slktx config check >out &&
	grep "config/slktx.conf: configuration good" out
'

test_expect_success 'three mistakes: each named with file, line and key, exit 78' '
	sed -e "s/^trust_anchors/trust_anchor/" -e "s/^\\[transport\\]/[transport]\\ntype = ftp/" \
		good.conf >config/slktx.conf &&
	chmod 0640 pki/hub.key &&
	test_expect_code 78 slktx config check >out &&
	cat out &&
	grep "^config/slktx.conf:7: error: \\[hub\\] trust_anchor: unknown key .trust_anchor. in \\[hub\\]; did you mean .trust_anchors.?" out &&
	grep "^config/slktx.conf:9: error: \\[transport\\] type: invalid value .ftp. for .type. in \\[transport\\] (valid: local, sftp)" out &&
	grep "^config/slktx.conf:6: error: \\[hub\\] key: the hub.s key .*hub.key. is open to group or others (mode 0640): chmod 600 it" out &&
	grep "^config/slktx.conf: 3 errors" out &&
	! grep ":0:" out
'

test_expect_success 'run refuses before it touches the server' '
	new_ticket r1 PGD-2026-000001 BANKA | cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	cp good.conf config/slktx.conf &&
	test_expect_code 78 slktx run 2>err &&
	grep "hub.key. is open to group or others" err &&
	grep "configuration errors: nothing done" err &&
	test -f exchange/slkt/outbound/CB_OJK_20261127_000001.xml &&
	test -z "$(ls spool/inbox)"
'

test_expect_success 'a missing hub key stops the run before the fetch' '
	chmod 0600 pki/hub.key && mv pki/hub.key hub.key.away &&
	test_expect_code 78 slktx run 2>err &&
	grep "cannot read the hub.s key" err &&
	test -f exchange/slkt/outbound/CB_OJK_20261127_000001.xml &&
	mv hub.key.away pki/hub.key
'

test_expect_success 'a hub key owned by another user is refused' '
	chown 65534 pki/hub.key &&
	test_expect_code 78 slktx config check >out &&
	grep "\\[hub\\] key: the hub.s key .* belongs to uid 65534, not to uid $(id -u)" out &&
	chown "$(id -u)" pki/hub.key
'

test_expect_success 'a key of another certificate is refused' '
	sed "s|^key = .*|key = $TRASH/pki/BANKA-service.key|" good.conf >config/slktx.conf &&
	test_expect_code 78 slktx config check >out &&
	grep "error: \\[hub\\] key: key .*BANKA-service.key. does not belong to certificate" out &&
	cp good.conf config/slktx.conf
'

test_expect_success 'a stale CRL is an error naming it; a fresh one passes' '
	sed "s|^trust_anchors = .*|&\\ncrls = $TRASH/pki/stale-crl.pem|" good.conf >config/slktx.conf &&
	test_expect_code 78 slktx config check >out &&
	grep ":8: error: \\[hub\\] crls: CRL .*stale-crl.pem. is stale: its next update was due" out &&
	sed "s|^trust_anchors = .*|&\\ncrls = $TRASH/pki/crl.pem|" good.conf >config/slktx.conf &&
	slktx config check >out &&
	cp good.conf config/slktx.conf
'

test_expect_success 'an expired or untrusted certificate is named' '
	sed "s|^certs = .*|certs = $TRASH/pki/expired.crt $TRASH/pki/foreign.crt|" good.conf >config/slktx.conf &&
	test_expect_code 78 slktx config check >out &&
	test "$(grep -c "\\[intake\\] certs:" out)" = 2 &&
	cp good.conf config/slktx.conf
'

test_expect_success 'calendar years for the next 60 days must be there' '
	mkdir cal && printf "2020-01-01 New Year\\n" >cal/2020.txt &&
	printf "[calendar]\\ndir = ../cal\\n" >>config/slktx.conf &&
	test_expect_code 78 slktx config check >out &&
	grep "error: \\[calendar\\] dir: no holiday calendar for $(date -u +%Y), which the next 60 days reach" out &&
	cp good.conf config/slktx.conf
'

test_expect_success 'a spool that cannot be made is named' '
	: >afile &&
	sed "s|^dir = .*/spool$|dir = $TRASH/afile/spool|" good.conf >config/slktx.conf &&
	test_expect_code 78 slktx config check >out &&
	grep "^config/slktx.conf:3: error: \\[spool\\] dir: cannot reach .*afile/spool.: Not a directory" out &&
	grep "^config/slktx.conf: 1 error" out &&
	cp good.conf config/slktx.conf
'

test_expect_success 'sftp without its keys lists every missing key' '
	printf "[transport]\\ntype = sftp\\n" >sftp.conf &&
	sed "/^\\[transport\\]/,/^root/d" good.conf >>sftp.conf &&
	test_expect_code 78 slktx --config sftp.conf config check >out &&
	grep "\\[transport\\] host: sftp needs a host" out &&
	grep "\\[transport\\] user: sftp needs a user" out &&
	grep "\\[transport\\] identity: sftp needs an identity" out &&
	grep "\\[transport\\] known_hosts: sftp needs known_hosts" out
'

test_expect_success 'config check creates nothing and needs a configuration' '
	mkdir bare && (cd bare && test_expect_code 78 slktx config check 2>../err) &&
	grep "no configuration found" err &&
	test -z "$(ls -A bare)" &&
	mkdir fresh && write_test_config fresh && make-test-pki fresh/pki >/dev/null &&
	mkdir fresh/exchange &&
	(cd fresh && slktx config check >../out) &&
	! test -e fresh/spool
'

test_expect_success 'config with no or a wrong subcommand is a usage error' '
	test_expect_code 64 slktx config 2>err &&
	grep "missing subcommand" err &&
	test_expect_code 64 slktx config chek 2>err &&
	grep "unknown subcommand .chek." err &&
	test_expect_code 64 slktx config check --bogus 2>err &&
	grep "unknown option .--bogus." err
'

test_done
