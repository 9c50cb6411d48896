#!/bin/sh
test_description='the sftp transport against a real OpenSSH sshd'
. "$(dirname "$0")/lib.sh"

case ${SLKTX_BUILD:=build} in
/*) CLI=$SLKTX_BUILD/tools/sftp-cli ;;
*) CLI=$SRC/$SLKTX_BUILD/tools/sftp-cli ;;
esac
S=$TRASH/sshd
R=$S/root
OUT=$R/slkt/outbound
DL=$R/pujk/BANKA/download
USER_NAME=$(id -un)

cli() {
	"$CLI" --port "$(cat "$S/port")" --user "$USER_NAME" --identity "$S/client_ed25519" \
		--known-hosts "$S/known_hosts" --op-timeout 20 --connect-timeout 20 "$@"
}

# wait until the file $1 has at least $2 bytes, or fail after about 20 s
wait_size() {
	i=0
	while [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 2000 ] || return 1
		sleep 0.01
	done
}

accepted() { grep -c 'Accepted publickey' "$S/sshd.log" || :; }

trap 'test-sshd kill "$S" >/dev/null 2>&1; rm -rf "$TRASH"' EXIT

test_expect_success 'a private sshd starts' '
	test-sshd start "$S" &&
	test -s "$S/port" && test -s "$S/known_hosts"
'

test_expect_success 'list shows plain files with size, not folders, dot files or links' '
	printf "hello" >"$OUT/A_1.xml" &&
	printf "bye!!!" >"$OUT/B_2.xml.p7s" &&
	mkdir "$OUT/folder.xml" &&
	printf x >"$OUT/.hidden" &&
	ln -s A_1.xml "$OUT/link.xml" &&
	cli list "$OUT" >list &&
	grep -v ^ignored list | cut -d" " -f1,2 >actual &&
	printf "A_1.xml 5\nB_2.xml.p7s 6\n" >expect &&
	test_cmp expect actual &&
	grep ^ignored list >actual &&
	printf "ignored .hidden (a regular file)\nignored folder.xml (a directory)\nignored link.xml (a symbolic link)\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a folder that is not a plain absolute path is refused before the server sees it' '
	test_expect_code 65 cli list "$R/../root/slkt/outbound" 2>err &&
	grep "NAME_INVALID: refusing remote folder" err &&
	test_expect_code 65 cli list "$OUT/" 2>err &&
	test_expect_code 65 cli list "slkt/outbound" 2>err
'

test_expect_success 'fetch gives the bytes and their sha-256, in a new 0600 file' '
	head -c 300000 /dev/urandom >"$OUT/C_3.xml" &&
	cli fetch "$OUT" C_3.xml got >out &&
	cmp "$OUT/C_3.xml" got &&
	echo "$(sha256sum <got | cut -d" " -f1) 300000" >expect &&
	test_cmp expect out &&
	test "$(stat -c %a got)" = 600
'

test_expect_success 'fetch never overwrites a local file' '
	echo mine >exists &&
	test_expect_code 70 cli fetch "$OUT" A_1.xml exists 2>err &&
	grep "cannot create" err &&
	echo mine >expect && test_cmp expect exists
'

test_expect_success 'fetch of a missing file is NOT_FOUND and leaves no local file' '
	test_expect_code 65 cli fetch "$OUT" NOPE.xml got-nope 2>err &&
	grep "no such file" err &&
	! test -e got-nope
'

test_expect_success 'push uploads through a .part name' '
	head -c 100000 /dev/urandom >up &&
	cli push up "$DL" D_4.xml &&
	cmp up "$DL/D_4.xml" &&
	! ls -a "$DL" | grep part
'

test_expect_success 'push of the same bytes again counts as delivered' '
	cli push up "$DL" D_4.xml &&
	cmp up "$DL/D_4.xml"
'

test_expect_success 'push over other bytes is refused and leaves no .part' '
	echo other >other &&
	test_expect_code 70 cli push other "$DL" D_4.xml 2>err &&
	grep "already exists .* with other content" err &&
	cmp up "$DL/D_4.xml" &&
	! ls -a "$DL" | grep part
'

test_expect_success 'a stale .part from an interrupted run is replaced' '
	echo stale >"$DL/.E_5.xml.part" &&
	cli push up "$DL" E_5.xml &&
	cmp up "$DL/E_5.xml" &&
	! test -e "$DL/.E_5.xml.part"
'

test_expect_success 'remove deletes; a file already gone is success' '
	cli remove "$DL" E_5.xml &&
	! test -e "$DL/E_5.xml" &&
	cli remove "$DL" E_5.xml
'

test_expect_success 'idle holds no connection; the next call connects again' '
	port=$(cat "$S/port") &&
	: >idle.out &&
	{ cli idle-list "$OUT" go >idle.out 2>idle.err & } &&
	pid=$! &&
	i=0 && while ! grep -q "^idle" idle.out && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done &&
	grep -q "^idle" idle.out &&
	test -z "$(ss -Htn state established "( dport = :$port )")" &&
	touch go &&
	wait $pid &&
	grep "^listed " idle.out
'

test_expect_success 'after_fetch = move renames into move_to' '
	echo m >"$OUT/M_1.xml" &&
	cli --after-fetch move --move-to "$R/processed" remove "$OUT" M_1.xml &&
	! test -e "$OUT/M_1.xml" && test -e "$R/processed/M_1.xml" &&
	cli --after-fetch move --move-to "$R/processed" remove "$OUT" M_1.xml
'

test_expect_success 'a name already in move_to: kept beside it as NAME.1, NAME.2, never replaced' '
	echo m2 >"$OUT/M_1.xml" &&
	cli --after-fetch move --move-to "$R/processed" remove "$OUT" M_1.xml &&
	echo m3 >"$OUT/M_1.xml" &&
	cli --after-fetch move --move-to "$R/processed" remove "$OUT" M_1.xml &&
	! test -e "$OUT/M_1.xml" &&
	echo m >expect && test_cmp expect "$R/processed/M_1.xml" &&
	echo m2 >expect && test_cmp expect "$R/processed/M_1.xml.1" &&
	echo m3 >expect && test_cmp expect "$R/processed/M_1.xml.2" &&
	cli --after-fetch move --move-to "$R/processed" remove "$OUT" M_1.xml
'

test_expect_success 'a fetch over its max reads only the head: LIMIT_EXCEEDED, the size said' '
	head -c 1 /dev/zero >"$OUT/H_1.xml" && truncate -s 3G "$OUT/H_1.xml" &&
	test_expect_code 65 cli --max 1000000 fetch "$OUT" H_1.xml got-head >out 2>err &&
	grep "LIMIT_EXCEEDED: .*H_1.xml.* has 3221225472 bytes, over the limit of 1000000" err &&
	echo "over 3221225472" >expect && test_cmp expect out &&
	test "$(stat -c %s got-head)" = 65536 &&
	rm "$OUT/H_1.xml"
'

test_expect_success 'an unknown host key is refused before authentication, with its fingerprint' '
	before=$(accepted) &&
	: >empty_known_hosts &&
	test_expect_code 78 cli --known-hosts empty_known_hosts list "$OUT" 2>err &&
	fp=$(ssh-keygen -lf "$S/ssh_host_ed25519_key.pub" | cut -d" " -f2) &&
	grep "host key of 127.0.0.1:.* is unknown" err &&
	grep -F "ssh-ed25519 $fp," err &&
	test "$(accepted)" = "$before"
'

test_expect_success 'a changed host key is refused' '
	ssh-keygen -q -t ed25519 -N "" -f other_host &&
	echo "[127.0.0.1]:$(cat "$S/port") $(cut -d" " -f1-2 other_host.pub)" >changed &&
	before=$(accepted) &&
	test_expect_code 78 cli --known-hosts changed list "$OUT" 2>err &&
	grep "host key of 127.0.0.1:.* changed" err &&
	test "$(accepted)" = "$before"
'

test_expect_success 'an entry without the port does not cover another port' '
	echo "127.0.0.1 $(cut -d" " -f1-2 "$S/ssh_host_ed25519_key.pub")" >noport &&
	test_expect_code 78 cli --known-hosts noport list "$OUT" 2>err &&
	grep "is unknown" err
'

test_expect_success 'a hashed known_hosts entry is accepted' '
	cp "$S/known_hosts" hashed &&
	ssh-keygen -q -H -f hashed 2>/dev/null &&
	grep -q "^|1|" hashed && ! grep -q 127.0.0.1 hashed &&
	cli --known-hosts hashed list "$OUT" >out &&
	grep A_1.xml out
'

test_expect_success 'the pinned host key type must be what the server has' '
	cli --host-key-type ssh-ed25519 list "$OUT" >out &&
	test_expect_code 78 cli --host-key-type ecdsa-sha2-nistp256 list "$OUT" 2>err &&
	grep "no algorithms in common" err
'

test_expect_success 'a key the server does not know is a clear configuration error' '
	ssh-keygen -q -t ed25519 -N "" -f stranger &&
	test_expect_code 78 cli --identity stranger list "$OUT" 2>err &&
	grep "refused the key .*stranger. of type ssh-ed25519" err
'

test_expect_success 'an ecdsa key in OpenSSH format logs in' '
	ssh-keygen -q -t ecdsa -b 256 -N "" -f ecdsa_key &&
	cat ecdsa_key.pub >>"$S/authorized_keys" &&
	LSAN_OPTIONS=suppressions=$SRC/tests/lsan-libssh2-ecdsa.supp:fast_unwind_on_malloc=0 \
		cli --identity ecdsa_key list "$OUT" >out &&
	grep A_1.xml out
'

test_expect_success 'a key with a passphrase logs in with its passphrase file' '
	ssh-keygen -q -t ed25519 -N "s3cret pass" -f locked &&
	cat locked.pub >>"$S/authorized_keys" &&
	echo "s3cret pass" >pass && echo "wrong" >badpass &&
	cli --identity locked --passphrase-file pass list "$OUT" >out &&
	grep A_1.xml out &&
	test_expect_code 78 cli --identity locked --passphrase-file badpass list "$OUT" 2>err &&
	grep "cannot load identity" err
'

test_expect_success 'an rsa key is refused with the reason' '
	ssh-keygen -q -t rsa -b 2048 -N "" -f rsa_key &&
	cat rsa_key.pub >>"$S/authorized_keys" &&
	test_expect_code 78 cli --identity rsa_key list "$OUT" 2>err &&
	grep "it is an rsa key, and libssh2 1.10 signs only with ssh-rsa" err
'

test_expect_success 'no server on the port is transient' '
	port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	test_expect_code 75 "$CLI" --port "$port" --user "$USER_NAME" --identity "$S/client_ed25519" \
		--known-hosts "$S/known_hosts" list / 2>err &&
	grep "cannot connect to 127.0.0.1:$port" err
'

test_expect_success 'names with shell or path characters are never listed nor touched' '
	mkdir "$R/odd" &&
	for n in "a;rm -rf x" "\$(id)" "with space.xml" "$(printf "new\nline.xml")" "back\\\\slash" "ok.xml"; do
		echo data >"$R/odd/$n" || return 1
	done &&
	cli list "$R/odd" >out &&
	grep -v ^ignored out | cut -d" " -f1 >actual && echo ok.xml >expect && test_cmp expect actual &&
	grep ^ignored out >actual &&
	cat >expect <<-\EOF &&
	ignored $(id) (a regular file)
	ignored a;rm -rf x (a regular file)
	ignored back\134\134slash (a regular file)
	ignored new\012line.xml (a regular file)
	ignored with space.xml (a regular file)
	EOF
	test_cmp expect actual &&
	test_expect_code 65 cli fetch "$R/odd" "a;rm -rf x" got-odd 2>err &&
	grep "NAME_INVALID: refusing remote name" err &&
	! test -e got-odd &&
	test_expect_code 65 cli remove "$R/odd" "\$(id)" 2>err &&
	test_expect_code 65 cli remove "$R/odd" "../slkt/outbound/A_1.xml" 2>err &&
	test_expect_code 65 cli push out "$R/odd" "x y" 2>err &&
	test -e "$R/odd/a;rm -rf x" && test -e "$R/odd/\$(id)" && test -e "$OUT/A_1.xml" &&
	test "$(ls -q "$R/odd" | wc -l)" = 6
'

# the server paused, the file appended to, the server resumed: a change
# between the two looks at the open file, without a race
# wait until process $1 is stopped at a pause point (state T), or fail after about 60 s
wait_stopped() {
	i=0
	while [ "$(cut -d" " -f3 "/proc/$1/stat" 2>/dev/null)" != T ]; do
		kill -0 "$1" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -lt 6000 ] || return 1
		sleep 0.01
	done
}

# The fetch stops itself after measuring the remote file and before reading it
# (SLKTX_FAULT=fetch-started:pause), so the file grows exactly between the two
# measurements of each attempt, whatever the machine's load.
test_expect_success 'a file that changes while it is fetched is fetched again, then refused' '
	head -c 1000000 /dev/urandom >"$OUT/G_1.xml" &&
	{ SLKTX_FAULT=fetch-started:pause "$CLI" --port "$(cat "$S/port")" --user "$USER_NAME" \
		--identity "$S/client_ed25519" --known-hosts "$S/known_hosts" --op-timeout 20 \
		--connect-timeout 20 --connections 1 fetch "$OUT" G_1.xml got-grow >out 2>err & } &&
	fetch=$! &&
	wait_stopped $fetch &&
	echo more >>"$OUT/G_1.xml" &&
	kill -CONT $fetch &&
	wait_stopped $fetch &&
	echo more >>"$OUT/G_1.xml" &&
	kill -CONT $fetch &&
	test_expect_code 70 wait $fetch &&
	grep "IO: .*G_1.xml.* changed while fetched (1000005 bytes, then 1000010" err &&
	! test -e got-grow &&
	cli fetch "$OUT" G_1.xml got-grow >out &&
	cmp "$OUT/G_1.xml" got-grow
'

test_expect_success 'a folder of 2,000 files is listed and fetched' '
	mkdir "$R/many" local-many &&
	python3 -c "
import os
for i in range(2000):
    with open(\"$R/many/F%04d.xml\" % i, \"w\") as f:
        f.write(\"x\" * (i + 1))
" &&
	cli list "$R/many" >list &&
	test "$(wc -l <list)" = 2000 &&
	grep -q "^F1999.xml 2000 " list &&
	cli fetch-all "$R/many" local-many >out &&
	grep "^2000 files" out &&
	diff -r "$R/many" local-many
'

test_expect_success 'the server killed during a big fetch: transient, no file, rerun completes' '
	head -c 200000000 /dev/urandom >"$OUT/BIG_1.xml" &&
	{ cli --connections 2 fetch "$OUT" BIG_1.xml got-big >out 2>err & } &&
	fetch=$! &&
	wait_size got-big 1000000 &&
	test-sshd kill "$S" &&
	test_expect_code 75 wait $fetch &&
	grep "TRANSIENT: .*connection to 127.0.0.1:.* lost" err &&
	! test -e got-big &&
	test-sshd start "$S" &&
	cli fetch "$OUT" BIG_1.xml got-big >out &&
	cmp "$OUT/BIG_1.xml" got-big
'

test_expect_success 'the server killed during a push: transient, no file at the name, rerun completes' '
	{ cli push got-big "$DL" BIG_2.xml 2>err & } &&
	push=$! &&
	wait_size "$DL/.BIG_2.xml.part" 1000000 &&
	test-sshd kill "$S" &&
	test_expect_code 75 wait $push &&
	grep "TRANSIENT: .*lost" err &&
	! test -e "$DL/BIG_2.xml" &&
	test-sshd start "$S" &&
	cli push got-big "$DL" BIG_2.xml &&
	cmp got-big "$DL/BIG_2.xml" &&
	! test -e "$DL/.BIG_2.xml.part"
'

test_expect_success 'a stalled server times out as transient' '
	rm -f got-big &&
	{ cli --op-timeout 1 --connections 1 fetch "$OUT" BIG_1.xml got-big >out 2>err & } &&
	fetch=$! &&
	wait_size got-big 1000000 &&
	sessions=$(test-sshd sessions "$S") &&
	{ test -n "$sessions" || { cat err; false; }; } &&
	kill -STOP $sessions &&
	wait $fetch; status=$?
	kill -CONT $sessions
	cat err && test $status = 75 &&
	grep "no answer from 127.0.0.1:.* within 1 s" err &&
	! test -e got-big
'

test_expect_success 'a stalled server times out before the handshake too' '
	kill -STOP "$(cat "$S/sshd.pid")" &&
	test_expect_code 75 cli --connect-timeout 1 list "$OUT" 2>err; status=$?
	kill -CONT "$(cat "$S/sshd.pid")"
	test $status = 0 &&
	grep "no answer from 127.0.0.1:.* within 1 s" err
'

test_expect_success 'the run time limit bounds a stalled operation' '
	rm -f got-big &&
	{ cli --run-timeout 3 --op-timeout 60 --connections 1 fetch "$OUT" BIG_1.xml got-big 2>err & } &&
	fetch=$! &&
	wait_size got-big 1000000 &&
	sessions=$(test-sshd sessions "$S") &&
	{ test -n "$sessions" || { cat err; false; }; } &&
	kill -STOP $sessions &&
	wait $fetch; status=$?
	kill -CONT $sessions
	cat err && test $status = 75 &&
	grep "run time limit of 3 s reached" err
'

test_done
