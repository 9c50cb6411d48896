#!/bin/sh
test_description='make and make install never install packages; check-deps names what is missing'
. "$(dirname "$0")/lib.sh"

test_expect_success 'make -n all and make -n install call no apt-get nor install-deps' '
	make -C "$SRC" -n -B B="$TRASH/b" all >all.out 2>/dev/null &&
	grep "check-deps" all.out &&
	! grep -E "apt-get|install-deps|apt " all.out &&
	make -C "$SRC" -n -B B="$TRASH/b" install DESTDIR="$TRASH/root" >install.out 2>/dev/null &&
	grep "install -m 0755" install.out &&
	! grep -E "apt-get|install-deps|apt " install.out
'

test_expect_success 'make check and make demo install their packages first' '
	make -C "$SRC" -n check >check.out 2>/dev/null &&
	grep "install-deps --test" check.out &&
	make -C "$SRC" -n demo >demo.out 2>/dev/null &&
	grep "install-deps --demo" demo.out
'

test_expect_success 'check-deps passes when every module is there' '
	check-deps
'

test_expect_success 'a missing library stops make with its Debian package name' '
	mkdir empty &&
	PKG_CONFIG_LIBDIR=$TRASH/empty PKG_CONFIG_PATH= \
		test_must_fail make -C "$SRC" B="$TRASH/b" all >out 2>err &&
	grep "^missing libssh2 (install libssh2-1-dev)$" err &&
	grep "^missing inih (install libinih-dev)$" err &&
	grep "^missing libxml-2.0 (install libxml2-dev)$" err &&
	! test -e b/deps.stamp &&
	! test -e b/slktx
'

test_expect_success 'an unknown module is named with its .pc file' '
	test_must_fail check-deps nosuchmodule 2>err &&
	grep "missing nosuchmodule (install the package providing nosuchmodule.pc)" err
'

test_expect_success 'install-deps sorts packages by purpose and refuses an unknown one' '
	install-deps --check --runtime --build --demo --test &&
	test_expect_code 64 install-deps --bogus 2>err &&
	grep "usage: scripts/install-deps" err &&
	grep "^runtime=.*libssh2-1" "$SRC/scripts/install-deps" &&
	grep "^test=.*" "$SRC/scripts/install-deps" >/dev/null &&
	sed -n "/^test=/,/\"$/p" "$SRC/scripts/install-deps" >test.list &&
	for p in chromium openssh-server zip bc xsltproc iproute2 lintian systemd libcmocka-dev; do
		grep -w "$p" test.list || return 1
	done
'

test_done
