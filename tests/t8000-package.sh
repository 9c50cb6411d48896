#!/bin/sh
test_description='the Debian package, its systemd units and the cron example'
. "$(dirname "$0")/lib.sh"

deb=
test_expect_success 'make-deb builds a package' '
	make-deb "$BUILD" "$TRASH" >path &&
	test -f "$(cat path)"
'
deb=$(cat "$TRASH/path" 2>/dev/null)

test_expect_success 'the package holds what an operator needs' '
	dpkg-deb -c "$deb" | awk "{ print \$NF }" >files &&
	for f in ./usr/bin/slktx ./usr/share/man/man1/slktx.1.gz \
		./usr/share/slktx/xsd/response-file.xsd ./usr/share/slktx/xsd/report.xsl \
		./etc/slktx/slktx.conf ./lib/systemd/system/slktx.service \
		./lib/systemd/system/slktx.timer ./usr/share/doc/slktx/copyright \
		./usr/share/doc/slktx/changelog.gz ./usr/share/doc/slktx/examples/cron.d-slktx; do
		grep -x "$f" files || { echo "missing $f"; return 1; }
	done &&
	dpkg-deb -f "$deb" Package Depends >control &&
	grep "^Depends: .*libssh2-1.*adduser" control &&
	dpkg-deb -e "$deb" ctl &&
	test_cmp ctl/conffiles - <<-\EOF &&
	/etc/slktx/slktx.conf
	EOF
	grep "adduser --system" ctl/postinst &&
	grep "/var/lib/slktx" ctl/postinst &&
	grep "purge" ctl/postrm &&
	sh -n ctl/postinst && sh -n ctl/postrm
'

if command -v lintian >/dev/null; then
	test_expect_success 'lintian finds no error' '
		lintian --fail-on error "$deb" >lintian.out 2>&1 ||
			{ cat lintian.out; return 1; } &&
		! grep "^E:" lintian.out
	'
else
	test_skip 'lintian finds no error' 'lintian not installed (scripts/install-deps --test)'
fi

# The maintainer scripts run for real, with the real adduser and deluser, in a
# mount namespace where /etc and /var/lib are copies: the host is not touched.
test_expect_success 'postinst makes the slktx user and /var/lib/slktx 0700; purge removes both' '
	mkdir -p ns/etc ns/varlib &&
	cp -a /etc/. ns/etc/ &&
	cat >ns/run.sh <<-EOF &&
	set -e
	mount --bind "$TRASH/ns/etc" /etc
	mount --bind "$TRASH/ns/varlib" /var/lib
	sh "$TRASH/ctl/postinst" configure
	getent passwd slktx | cut -d: -f1,6
	stat -c "%U %G %a" /var/lib/slktx
	sh "$TRASH/ctl/postinst" configure
	sh "$TRASH/ctl/postrm" purge
	getent passwd slktx || echo "user gone"
	test -d /var/lib/slktx || echo "spool gone"
	EOF
	unshare -m sh ns/run.sh >out 2>err || { cat out err; return 1; } &&
	cat >expect <<-\EOF &&
	slktx:/var/lib/slktx
	slktx slktx 700
	user gone
	spool gone
	EOF
	test_cmp expect out &&
	! getent passwd slktx &&
	! grep -q "^slktx:" ns/etc/passwd
'

test_expect_success 'the binary runs from a scratch root' '
	dpkg -x "$deb" root &&
	root/usr/bin/slktx --version >out &&
	grep "^slktx [0-9]" out
'

test_expect_success 'the packaged configuration parses; config check names only the missing files' '
	test_expect_code 78 root/usr/bin/slktx --config root/etc/slktx/slktx.conf config check >out &&
	cat out &&
	! grep -E "unknown|invalid value|syntax|line longer" out &&
	grep "error: \\[hub\\] key: cannot read the hub.s key ./etc/slktx/pki/hub.key." out
'

test_expect_success 'config check passes on the packaged configuration once its files are there' '
	sed -e "s|/etc/slktx|$TRASH/root/etc/slktx|" -e "s|/var/lib/slktx|$TRASH/root/var/lib/slktx|" \
		root/etc/slktx/slktx.conf >root/etc/slktx/scratch.conf &&
	make-test-pki root/etc/slktx/pki >/dev/null &&
	mkdir -p root/var/lib/slktx/exchange &&
	root/usr/bin/slktx --config root/etc/slktx/scratch.conf config check >out &&
	grep "configuration good" out
'

# systemd-analyze verify needs the units the service refers to (sysinit.target,
# network-online.target...) under --root: the host's are copied next to ours,
# and MANPATH points its Documentation= check at the package's man page
test_expect_success 'systemd-analyze verify accepts the service and the timer' '
	cp -Ln /usr/lib/systemd/system/*.target root/lib/systemd/system/ 2>/dev/null;
	MANPATH=$TRASH/root/usr/share/man systemd-analyze verify --root="$TRASH/root" \
		"$TRASH/root/lib/systemd/system/slktx.service" \
		"$TRASH/root/lib/systemd/system/slktx.timer" >out 2>err ||
		{ cat err; return 1; } &&
	test ! -s err
'

test_expect_success 'systemd-analyze verify would catch a bad unit' '
	sed "s/^ProtectHome=yes/ProtectHome=maybe/" root/lib/systemd/system/slktx.service \
		>root/lib/systemd/system/bad.service &&
	MANPATH=$TRASH/root/usr/share/man systemd-analyze verify --root="$TRASH/root" \
		"$TRASH/root/lib/systemd/system/bad.service" >out 2>err;
	grep "protect home" err
'

test_expect_success 'the service runs as slktx, read-only but for the spool; the timer is nightly' '
	u=root/lib/systemd/system &&
	for d in Type=oneshot User=slktx ProtectSystem=strict ReadWritePaths=/var/lib/slktx \
		NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes; do
		grep -x "$d" $u/slktx.service || { echo "no $d"; return 1; }
	done &&
	grep -x "Persistent=true" $u/slktx.timer &&
	grep "^OnCalendar=\*-\*-\* 01:15:00" $u/slktx.timer &&
	systemd-analyze calendar "$(sed -n "s/^OnCalendar=//p" $u/slktx.timer)" >cal &&
	grep "Next elapse" cal
'

test_expect_success 'the cron example runs the run quietly' '
	grep "run --quiet" root/usr/share/doc/slktx/examples/cron.d-slktx
'

test_done
