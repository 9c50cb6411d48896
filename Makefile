# slktx - plain make with pkg-config.  `make` and `make install` never
# install anything: a missing library stops them with its package's name
# (scripts/check-deps).  `make demo` and `make check` install the Debian
# packages they need first (scripts/install-deps --demo / --test).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/slktx
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/slktx
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = libxml-2.0 libxslt libcrypto sqlite3 libssh2 libarchive inih
STD = -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
B = build

# pkg-config runs after check-deps has said what is missing: these are read
# from files the deps stamp writes, so the flags exist when recipes expand.
PKG_CFLAGS = $(shell cat $(B)/pkg.cflags)
PKG_LIBS = $(shell cat $(B)/pkg.libs)

SRCS = $(wildcard src/*/*.c)
LIB_OBJS = $(patsubst src/%.c,$(B)/obj/%.o,$(filter-out src/cmd/main.c,$(SRCS))) $(B)/obj/xsd_embedded.o
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
# helper programs the end-to-end scripts drive (not tests by themselves)
TOOL_BINS = $(patsubst tests/tools/%.c,$(B)/tools/%,$(wildcard tests/tools/*.c))
EMBEDDED = $(wildcard xsd/*.xsd xsd/*.xsl config/holidays/*.txt)
# the fuzz harnesses (tests/fuzz/fuzz_NAME.c): with the plain replay driver
# here, linked to libFuzzer by `make fuzz`
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS = $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_DRIVER = tests/fuzz/replay.c
FUZZ_LDFLAGS =
FUZZ_SECONDS ?= 60
FUZZ ?= $(FUZZ_NAMES)

all: $(B)/slktx $(B)/genbatch

$(B)/deps.stamp: scripts/check-deps
	@mkdir -p $(B)
	@scripts/check-deps $(PKGS)
	@pkg-config --cflags $(PKGS) > $(B)/pkg.cflags
	@pkg-config --libs $(PKGS) > $(B)/pkg.libs
	@touch $@

$(B)/obj/%.o: src/%.c | $(B)/deps.stamp
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(EXTRA_CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# the schemas, stylesheets and holiday calendars are compiled into the
# binary: slktx validate works with nothing installed beside it
$(B)/xsd_embedded.c: $(EMBEDDED) scripts/embed-files
	@mkdir -p $(@D)
	scripts/embed-files $(EMBEDDED) > $@

$(B)/obj/xsd_embedded.o: $(B)/xsd_embedded.c | $(B)/deps.stamp
	$(CC) $(STD) $(CFLAGS) $(EXTRA_CFLAGS) -Isrc -c $< -o $@

$(B)/libslktx.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/slktx: $(B)/obj/cmd/main.o $(B)/libslktx.a
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

$(B)/genbatch: scripts/genbatch.c | $(B)/deps.stamp
	$(CC) $(STD) $(CFLAGS) -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libslktx.a
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $< $(B)/libslktx.a $(PKG_LIBS) -lcmocka -lpthread

$(B)/tools/%: tests/tools/%.c $(B)/libslktx.a
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $< $(B)/libslktx.a $(PKG_LIBS) -lpthread

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/common.c $(FUZZ_DRIVER) tests/fuzz/fuzz.h $(B)/libslktx.a
	@mkdir -p $(@D)
	$(CC) $(STD) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -Isrc -Itests/fuzz -o $@ $< tests/fuzz/common.c $(FUZZ_DRIVER) $(FUZZ_LDFLAGS) $(B)/libslktx.a $(PKG_LIBS) -lpthread

# check, demo and bench install their packages first, then build in a
# second make, so that the build's pkg-config sees them
check:
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(TOOL_BINS) $(FUZZ_BINS)
	@tests/run

# libFuzzer with ASan and UBSan in a tree of its own; each harness in FUZZ
# runs FUZZ_SECONDS from its committed corpus (new inputs go to
# build-fuzz/corpus, crashes to build-fuzz/crashes), one after another
fuzz:
	@scripts/install-deps --test
	$(MAKE) B=build-fuzz CC=clang FUZZ_DRIVER= FUZZ_LDFLAGS=-fsanitize=fuzzer \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		fuzz-run

fuzz-run: $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ))
	@scripts/run-fuzz $(B) $(FUZZ_SECONDS) $(FUZZ)

demo:
	@scripts/install-deps --demo
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench:
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory all $(TOOL_BINS)
	@scripts/bench

# a Debian package in build/, from a hardened build of its own in
# build-deb/ (Debian's build flags, full RELRO): scripts/make-deb
DEB_CFLAGS = -g -O2 -fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2
DEB_LDFLAGS = -Wl,-z,relro -Wl,-z,now
deb:
	@$(MAKE) --no-print-directory B=build-deb CFLAGS="$(DEB_CFLAGS)" LDFLAGS="$(DEB_LDFLAGS)" build-deb/slktx
	@mkdir -p $(B)
	@scripts/make-deb build-deb $(B)

# a separate tree, so that the sanitized and the plain build never mix
asan:
	@scripts/install-deps --test
	$(MAKE) B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check-asan

# verify_asan_link_order=0: the tests that set the hub's clock preload
# libfaketime, which then comes before the ASan runtime
check-asan: all $(UNIT_BINS) $(TOOL_BINS) $(FUZZ_BINS)
	@ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 SLKTX_BUILD=$(B) tests/run

install: $(B)/slktx
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/xsd $(DESTDIR)$(DATADIR)/config $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(B)/slktx $(DESTDIR)$(BINDIR)/slktx
	install -m 0644 $(filter xsd/%,$(EMBEDDED)) $(DESTDIR)$(DATADIR)/xsd/
	cp -R config/. $(DESTDIR)$(DATADIR)/config/
	install -m 0644 docs/slktx.1 $(DESTDIR)$(MANDIR)/man1/slktx.1
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 README.md docs/exchange.md docs/schemas.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 docs/examples/*.xml dist/cron/slktx $(DESTDIR)$(DOCDIR)/examples/

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all check check-asan demo bench asan deb fuzz fuzz-run install clean
-include $(wildcard $(B)/obj/*/*.d)
