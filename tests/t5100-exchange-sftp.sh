#!/bin/sh
test_description='the exchange over SFTP against a real OpenSSH sshd: the demo story, crashes and a dead server'
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/exchange-lib.sh"

S=$TRASH/sshd
# remote folders map onto outbox names without '-' (spool.h): reach the
# server's tree through a link whose path has none
R=/tmp/slktxsftp$$
trap 'test-sshd kill "$S" >/dev/null 2>&1; rm -f "$R"; [ -n "$KEEP_TRASH" ] || rm -rf "$TRASH"' EXIT

# the server, and a configuration that points the hub at it; the
# exchange-lib helpers drop files under exchange/: the server's tree
test-sshd start "$S" >/dev/null || exit 1
ln -sfn "$S/root" "$R"
mkdir -p "$S/root/pujk/ASURB/upload" "$S/root/pujk/ASURB/download"
cat >slktx.conf <<CONF
[hub]
cert = pki/hub.crt
key = pki/hub.key
trust_anchors = pki/ca.crt
[intake]
certs = pki/intake.crt
[transport]
type = sftp
host = 127.0.0.1
port = $(cat "$S/port")
user = $(id -un)
identity = $S/client_ed25519
known_hosts = $S/known_hosts
connect_timeout_s = 10
op_timeout_s = 10
intake_outbound = $R/slkt/outbound
intake_inbound = $R/slkt/inbound
pujk_root = $R/pujk
CONF
SLKTX_CONFIG=$TRASH/slktx.conf
export SLKTX_CONFIG

setup_sftp_hub() {
	setup_hub && rm -rf exchange && ln -s "$S/root" exchange
}

story() {
	{ new_ticket r1 PGD-2026-000001 BANKA; new_ticket r2 IND-2026-000002 ASURB; } |
		cb CB_OJK_20261127_000001 &&
	drop_cb CB_OJK_20261127_000001.xml &&
	rsp RSP_BANKA_20261127_000001 <<-REC &&
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	<ResolutionProposal id="p1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-23T10:00:00+07:00</At><Resolution>EXPLANATION</Resolution><Summary>x</Summary></ResolutionProposal>
	REC
	drop_rsp RSP_BANKA_20261127_000001.xml SERVICE &&
	rsp RSP_ASURB_20261127_000001 <<-REC
	<TakeOver id="t1"><TicketNo>PGD-2026-000001</TicketNo><At>2026-11-21T10:00:00+07:00</At></TakeOver>
	REC
	drop_rsp RSP_ASURB_20261127_000001.xml PRODUCT
}

test_expect_success 'a hub on the sftp transport, the server a real sshd' '
	setup_sftp_hub
'

test_expect_success 'the demo story over SFTP: fetched, applied, answered, delivered' '
	story && slktx run 2>err &&
	test "$(file_status CB_OJK_20261127_000001)" = ACCEPTED &&
	test "$(result RSP_BANKA_20261127_000001 p1)" = "REJECTED ROLE_NOT_AUTHORIZED" &&
	test "$(result RSP_ASURB_20261127_000001 t1)" = "REJECTED TICKET_UNKNOWN" &&
	ls exchange/pujk/BANKA/download/DSP_BANKA_*.xml.p7s exchange/pujk/ASURB/download/DSP_ASURB_*.xml.p7s &&
	test -z "$(find exchange/slkt/outbound exchange/pujk/*/upload -type f)" &&
	test -z "$(find exchange -name ".*.part")" &&
	grep -q "Accepted publickey" "$S/sshd.log"
'

test_expect_success 'a second run finds nothing to do' '
	slktx run --json >json 2>err &&
	grep "\"processed\":0" json && grep "\"delivered\":0" json
'

test_expect_success 'one name sent four ways over SFTP: each answer its own name, every run exits 0' '
	B=RSP_BANKA_20261127_000009 && IN=exchange/pujk/BANKA/download &&
	follow_up f1 PGD-2026-000001 2026-11-22T10:00:00+07:00 | rsp $B &&
	cp $B.xml four.xml && drop_rsp $B.xml SERVICE &&
	slktx run 2>err &&
	test "$(file_status $B)" = ACCEPTED &&
	cp four.xml $B.xml && drop_rsp $B.xml SERVICE &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $IN/ACK_${B}_2.xml && test "$(file_error $B)" = DUPLICATE_FILE &&
	sed s/dihubungi/ditelepon/ four.xml >$B.xml && drop_rsp $B.xml SERVICE &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $IN/ACK_${B}_3.xml && test "$(file_error $B)" = DUPLICATE_BATCH_ID &&
	mkdir pkg9 && cp four.xml pkg9/payload.xml && (cd pkg9 && zip -q -X ../$B.zip payload.xml) &&
	drop_rsp $B.zip SERVICE &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $IN/ACK_${B}_4.xml && test "$(file_error $B)" = DUPLICATE_BATCH_ID &&
	rm $IN/ACK_${B}* &&
	cp four.xml $B.xml && drop_rsp $B.xml SERVICE &&
	slktx run 2>err &&
	test "$(ack_for $B)" = $IN/ACK_${B}_5.xml && test "$(file_error $B)" = DUPLICATE_FILE &&
	ack_ok $B &&
	test -z "$(find spool/outbox -type f)"
'

test_expect_success 'the server down: exit 75, the work kept for the next run' '
	new_ticket r1 PGD-2026-000003 BANKA | cb CB_OJK_20261127_000002 &&
	drop_cb CB_OJK_20261127_000002.xml &&
	test-sshd stop "$S" &&
	test_expect_code 75 slktx run 2>err &&
	grep -i "connect" err &&
	test-sshd start "$S" >/dev/null &&
	slktx run 2>err &&
	test "$(file_status CB_OJK_20261127_000002)" = ACCEPTED
'

for point in mid-fetch:1 after-fetch:1 before-remote-remove:1 mid-apply:1 after-commit:1 mid-push:1 after-push:1; do
	test_expect_success "killed at $point over SFTP, then rerun: exactly once" "
		n=\$(sqlite3 spool/ledger.sqlite 'SELECT count(*) FROM file') &&
		seq=\$(printf %06d \$((n + 10))) &&
		new_ticket r1 PGD-2026-1\${seq#0} BANKA | cb CB_OJK_20261127_\$seq &&
		drop_cb CB_OJK_20261127_\$seq.xml &&
		test_expect_code 137 env SLKTX_FAULT=$point slktx run 2>err &&
		slktx run 2>err && slktx run 2>err &&
		test \"\$(file_status CB_OJK_20261127_\$seq)\" = ACCEPTED &&
		test \$(sqlite3 spool/ledger.sqlite \"SELECT count(*) FROM file WHERE name = 'CB_OJK_20261127_\$seq.xml'\") = 1 &&
		test \$(sqlite3 spool/ledger.sqlite \"SELECT count(*) FROM event WHERE ticket_no = 'PGD-2026-1\${seq#0}'\") = 1 &&
		test \$(cat exchange/pujk/BANKA/download/DSP_*.xml | grep -c \"PGD-2026-1\${seq#0}<\") = 1 &&
		test -z \"\$(find exchange/slkt/outbound -type f)\" &&
		test -z \"\$(find exchange -name '.*.part')\" || {
			echo \"status \$(file_status CB_OJK_20261127_\$seq)\";
			sqlite3 spool/ledger.sqlite 'SELECT name, state, status FROM file';
			grep -c \"PGD-2026-1\${seq#0}<\" exchange/pujk/BANKA/download/DSP_*.xml;
			find exchange/slkt/outbound -type f; cat err; false; }
	"
done

test_expect_success 'config check --connect logs in to the server' '
	slktx config check --connect >out &&
	grep "configuration good.*the server answers" out
'

test_expect_success 'config check --connect names an unknown host key' '
	cp "$S/known_hosts" known_hosts.good &&
	: >"$S/known_hosts" &&
	test_expect_code 78 slktx config check --connect >out;
	cp known_hosts.good "$S/known_hosts" &&
	grep "error: \\[transport\\] host: cannot connect to .127.0.0.1.: .*SHA256:" out
'

test_expect_success 'after_fetch = move over SFTP, one name sent three times: three runs exit 0, each fetched' '
	mkdir -p "$S/root/processed" &&
	{ cat slktx.conf; printf "after_fetch = move\nmove_to = $R/processed\n"; } >move.conf &&
	B=CB_OJK_20261127_000077 &&
	for i in 1 2 3; do
		new_ticket r1 PGD-2026-00077$i BANKA | cb $B &&
		drop_cb $B.xml &&
		SLKTX_CONFIG=$TRASH/move.conf slktx run 2>err || { cat err; return 1; }
	done &&
	test -z "$(find exchange/slkt/outbound -type f)" &&
	test -f exchange/processed/$B.xml && test -f exchange/processed/$B.xml.1 &&
	test -f exchange/processed/$B.xml.2 && test -f exchange/processed/$B.xml.p7s.2 &&
	test $(sqlite3 spool/ledger.sqlite "SELECT count(*) FROM file WHERE name = '"'"'$B.xml'"'"' AND state = '"'"'PROCESSED'"'"' AND remote_removed_at IS NOT NULL") = 3 &&
	test "$(status_of PGD-2026-000771)" = BARU &&
	test "$(file_error $B)" = DUPLICATE_BATCH_ID
'

test_expect_success 'a batch over a smaller limit over SFTP: only its head is read, LIMIT_EXCEEDED, removed' '
	{ cat slktx.conf; printf "[limits]\nmax_file_size = 100000\n"; } >small.conf &&
	B=CB_OJK_20261127_000088 &&
	new_ticket r1 PGD-2026-000088 BANKA | cb $B &&
	drop_cb $B.xml &&
	truncate -s 3G exchange/slkt/outbound/$B.xml &&
	SLKTX_CONFIG=$TRASH/small.conf slktx run 2>err &&
	test "$(file_error $B)" = LIMIT_EXCEEDED &&
	test "$(stat -c %s spool/quarantine/$B.xml)" = 65536 &&
	test -z "$(find spool -type f -size +1M)" &&
	test -z "$(find exchange/slkt/outbound -type f)" &&
	test -z "$(status_of PGD-2026-000088)"
'

test_expect_success 'an unknown host key stops the run before authentication' '
	cp "$S/known_hosts" known_hosts.good &&
	: >"$S/known_hosts" &&
	test_expect_code 78 slktx fetch 2>err &&
	grep "SHA256:" err &&
	fp=$(ssh-keygen -lf "$S/ssh_host_ed25519_key.pub" | cut -d" " -f2) &&
	grep -F "$fp" err &&
	cp known_hosts.good "$S/known_hosts"
'

test_expect_success 'every acknowledgement and dispatch delivered is valid and signed by the hub' '
	for f in exchange/slkt/inbound/*.xml exchange/pujk/*/download/*.xml; do
		slktx validate "$f" >/dev/null &&
		openssl cms -verify -binary -inform DER -purpose any -CAfile pki/ca.crt \
			-content "$f" -in "$f.p7s" -out /dev/null 2>/dev/null || { echo "$f"; return 1; }
	done
'

test_done
