# SPDX-License-Identifier: GPL-2.0-or-later
#
# reflguard: plain GNU make, in the manner of wireguard-tools' src/Makefile.

VERSION := 0.1.0
PREFIX ?= /usr/local
# Where make install puts things; each may be set alone, DESTDIR goes first.
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
BUILD ?= build

PKGS := libnetfilter_queue libmnl libnftnl libcrypto

# CFLAGS, CPPFLAGS and LDFLAGS stay the user's (and dpkg-buildflags') to set;
# what the code needs is below.
CFLAGS ?= -O2 -g
RG_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP \
	-Iguard -Iguard/core -Inft -Inft/msg -DRG_VERSION='"$(VERSION)"'
RG_CFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The daemon's output writers (guard/outq.c) and its state writer
# (guard/state_writer.c) are threads.
RG_CFLAGS += -pthread
LDLIBS += -pthread

# Modules with no I/O (make check-pure holds them to it), by where they
# live: what the unit tests link against.
PURE_SRC := $(wildcard guard/core/*.c nft/msg/*.c)
# Everything else touches the kernel or the process.
IO_SRC := $(wildcard guard/*.c nft/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps deps-chromium report-screenshot clean install install-user uninstall test test-asan test-valgrind test-vm unit demo asan-build fuzz fuzz-build fuzz-long fuzz-regress
all: $(BUILD)/reflguard

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(RG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/reflguard: $(call obj,$(PURE_SRC) $(IO_SRC))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(RG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit_tests: $(call obj,$(PURE_SRC) $(UNIT_SRC))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(RG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcunit $(LDLIBS)

unit: $(BUILD)/unit_tests

# The pure modules do no I/O: their objects reference no syscall and no
# libc I/O (tests/check_pure/check_pure.sh has the deny-list and what is
# allowed, and why). It first fails on an object that does I/O, so a check
# that could no longer fail is seen.
.PHONY: check-pure
check-pure: $(call obj,$(PURE_SRC)) $(BUILD)/obj/tests/check_pure/impure.o
	$(Q)tests/check_pure/check_pure.sh --expect-fail $(BUILD)/obj/tests/check_pure/impure.o
	$(Q)tests/check_pure/check_pure.sh $(call obj,$(PURE_SRC))

# The sanitizer build lives in its own tree so it never mixes objects with
# the normal one.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
asan-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="$(ASAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" build/asan/reflguard build/asan/unit_tests

# libFuzzer targets over the parsers (tests/fuzz/): clang only, in a tree
# of their own. The code is built warning-free by clang too, but a warning
# only clang has does not stop the fuzzing.
FUZZ_CC ?= clang
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_TARGETS := config state ct pkt qmsg ctl events report http
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := $(filter-out -Werror,$(RG_CFLAGS)) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Itests/fuzz -c -o $@ $<

# An archive, so each target links only the modules it reaches.
$(FUZZ_BUILD)/libpure.a: $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(PURE_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/libpure.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o)

# The seed corpora's generator (tests/fuzz/README.md); not run by any test.
$(FUZZ_BUILD)/gen_seeds: tests/fuzz/gen_seeds.c $(call obj,$(PURE_SRC))
	$(Q)$(CC) $(RG_CFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

# Each target for FUZZ_SECONDS on a copy of its seed corpus; any crash fails.
fuzz: deps deps-test
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh run

# Every seed and every past crash, run once.
# Each target to FUZZ_LONG_RUNS executions, one at a time (about 35 min on
# one CPU; docs/security.md has a run's figures); FUZZ_LONG_SECONDS caps
# each, and a target the cap stops short fails.
FUZZ_LONG_RUNS ?= 10000000
FUZZ_LONG_SECONDS ?= 3600
fuzz-long: deps deps-test
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)FUZZ_RUNS=$(FUZZ_LONG_RUNS) FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) FUZZ_JOBS=1 \
		tests/fuzz/run.sh run

fuzz-regress: deps deps-test
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)tests/fuzz/run.sh regress

# test and demo install what is missing first; the builds then run in a
# fresh make so pkg-config sees the libraries deps may just have installed.
test: deps deps-test
	$(Q)$(MAKE) --no-print-directory all unit asan-build check-pure
	$(Q)tests/run.sh

test-asan: deps deps-test
	$(Q)$(MAKE) --no-print-directory asan-build
	$(Q)tests/run.sh asan

# The daemon's whole lifetime in a lab scenario under valgrind.
test-valgrind: deps deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash tests/integration/test_valgrind.sh

# The integration suite on Debian's stock kernel, under qemu (tests/vm/).
test-vm: deps deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh vm

demo: deps deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lab/demo.sh

# The performance bench (tests/bench/, docs/performance.md): as root, a few
# minutes, one table and build/bench.json. Not part of make test.
.PHONY: bench bench-build
BENCH_PKGS := libnetfilter_queue libmnl
$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) \
		$(shell pkg-config --cflags $(BENCH_PKGS) 2>/dev/null) $(LDFLAGS) -o $@ $< \
		$(shell pkg-config --libs $(BENCH_PKGS) 2>/dev/null)
bench-build: $(BUILD)/bench/ref_handler $(BUILD)/bench/loadgen
bench: deps deps-test
	$(Q)$(MAKE) --no-print-directory all bench-build
	$(Q)tests/bench/bench.sh

# The soak (tests/soak/soak.sh): as root, the remediating daemon in the lab
# for SOAK_SECONDS under connections, SIGHUP, table deletions and restarts;
# a summary table, exit 1 on a failed connection or growth. Not part of
# make test.
.PHONY: soak
SOAK_SECONDS ?= 600
soak: deps deps-test
	$(Q)$(MAKE) --no-print-directory all
	$(Q)SOAK_SECONDS=$(SOAK_SECONDS) tests/soak/soak.sh

# Debian packages building and running reflguard need (the -dev packages
# bring the runtime libraries: libnetfilter-queue1, libmnl0, libnftnl11,
# libssl3).
DEB_PKGS := build-essential pkg-config libnetfilter-queue-dev libmnl-dev \
	libnftnl-dev libssl-dev
# What the tests, the lab, fuzzing, the VM track and the package test add:
# CUnit, the firewall tools the lab drives, valgrind, clang's libFuzzer,
# qemu and the guest's tools, mandoc (man page lint), systemd-analyze,
# debhelper (make deb), debootstrap and lintian (test_deb), bash-completion
# and promtool for their tests. promtool comes only with the prometheus
# package, whose server apt enables too (on 9090 where systemd runs): the
# price of checking the alert rules with the real tool.
DEB_TEST_PKGS := libcunit1-dev nftables iptables conntrack iproute2 python3 \
	procps valgrind clang libclang-rt-dev qemu-system-x86 busybox-static \
	kmod cpio mandoc systemd debhelper debootstrap lintian bash-completion \
	prometheus logrotate strace keepalived conntrackd
# keepalived and conntrackd: the firewall pair's lab (tests/lab/pair.sh); the
# packages' own services are not used, the lab runs its own in namespaces.
# apt_install LIST: what of LIST is not installed yet, quietly.
define apt_install
	$(Q)missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "make $@: installing" $$missing; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef
.PHONY: deps-test
deps:
	$(call apt_install,$(DEB_PKGS))
deps-test: deps
	$(call apt_install,$(DEB_TEST_PKGS))

# Headless Chromium renders the HTML report (make report-screenshot,
# tests/integration/test_report_html.sh). Kept out of DEB_PKGS: it is
# large, and only these two need it; the test skips without it.
deps-chromium:
	$(Q)command -v chromium >/dev/null 2>&1 || { \
		echo "make deps-chromium: installing chromium"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# docs/report.png: `reflguard report --html` of a real lab run
# (tests/lab/report_events.sh, as root), as Chromium shows it.
REPORT_PNG ?= docs/report.png
report-screenshot: deps deps-test deps-chromium
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lab/report_events.sh $(BUILD)/report-events.json
	$(Q)$(BUILD)/reflguard report --html $(BUILD)/report.html $(BUILD)/report-events.json || [ $$? -eq 1 ]
	$(Q)tests/lab/render_html.sh $(BUILD)/report.html $(REPORT_PNG)
	@echo "wrote $(REPORT_PNG)"

# The configuration is installed only where there is none, so a reinstall
# keeps the user's; uninstall removes it only while it is still the
# example, unchanged. The unit learns where the binary and the file are.
RG_CONF = $(DESTDIR)$(SYSCONFDIR)/reflguard/reflguard.conf
install: $(BUILD)/reflguard
	@install -v -d "$(DESTDIR)$(SBINDIR)" "$(DESTDIR)$(MANDIR)/man8" "$(DESTDIR)$(MANDIR)/man5" \
		"$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSCONFDIR)/reflguard" "$(DESTDIR)$(SYSCONFDIR)/logrotate.d"
	@install -v -m 0755 $(BUILD)/reflguard "$(DESTDIR)$(SBINDIR)/reflguard"
	@install -v -m 0644 docs/reflguard.8 "$(DESTDIR)$(MANDIR)/man8/reflguard.8"
	@install -v -m 0644 docs/reflguard.conf.5 "$(DESTDIR)$(MANDIR)/man5/reflguard.conf.5"
	@install -v -m 0644 docs/reflguard.logrotate "$(DESTDIR)$(SYSCONFDIR)/logrotate.d/reflguard"
	@echo "'docs/reflguard.service' -> '$(DESTDIR)$(UNITDIR)/reflguard.service'"
	@sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' docs/reflguard.service \
		>"$(DESTDIR)$(UNITDIR)/reflguard.service" && chmod 0644 "$(DESTDIR)$(UNITDIR)/reflguard.service"
	@install -v -D -m 0644 docs/reflguard.bash-completion "$(DESTDIR)$(COMPLETIONDIR)/reflguard"
	@if [ -e "$(RG_CONF)" ]; then echo "keeping $(RG_CONF)"; \
	else install -v -m 0644 docs/reflguard.conf.example "$(RG_CONF)"; fi
	@if [ -z "$(DESTDIR)" ]; then $(MAKE) --no-print-directory install-user; fi

# The daemon's user (docs/security.md), made when missing by a real install
# (a DESTDIR is a package's: its own scripts make it). Uninstall leaves it,
# as Debian does: files it owned may outlive the package.
RG_USER ?= reflguard
install-user:
	@if getent passwd "$(RG_USER)" >/dev/null; then echo "user $(RG_USER) exists"; \
	else useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin --comment "reflguard daemon" "$(RG_USER)" && \
		echo "made the system user $(RG_USER)"; fi

uninstall:
	@rm -vf "$(DESTDIR)$(SBINDIR)/reflguard" "$(DESTDIR)$(MANDIR)/man8/reflguard.8" \
		"$(DESTDIR)$(MANDIR)/man5/reflguard.conf.5" "$(DESTDIR)$(UNITDIR)/reflguard.service" \
		"$(DESTDIR)$(COMPLETIONDIR)/reflguard" \
		"$(DESTDIR)$(SYSCONFDIR)/logrotate.d/reflguard"
	@if cmp -s docs/reflguard.conf.example "$(RG_CONF)"; then \
		rm -vf "$(RG_CONF)"; \
		rmdir --ignore-fail-on-non-empty "$(DESTDIR)$(SYSCONFDIR)/reflguard"; \
	elif [ -e "$(RG_CONF)" ]; then echo "keeping $(RG_CONF): it differs from the example"; fi

# The Debian package (debian/), built with dpkg-buildpackage from a copy of
# the tree under build/deb/, so the checkout stays clean and its parent
# untouched: $(BUILD)/reflguard_VERSION_ARCH.deb.
DEB_FILE = $(BUILD)/reflguard_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
DEB_SRC = $(BUILD)/deb/reflguard-$(VERSION)
.PHONY: deb deps-deb check-version
deps-deb: deps
	$(call apt_install,debhelper libcunit1-dev)
# debian/changelog's version is the Makefile's.
check-version:
	$(Q)v=$$(sed -n '1s/^reflguard (\([^)]*\)).*/\1/p' debian/changelog); \
	[ "$$v" = "$(VERSION)" ] || { echo "debian/changelog is at '$$v', the Makefile's VERSION at $(VERSION)" >&2; exit 1; }
deb: deps-deb check-version
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	$(Q)tar --exclude=./build --exclude=./.git -cf - . | tar -C $(DEB_SRC) -xf -
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; echo "make deb: dpkg-buildpackage failed; all of it in $(BUILD)/deb/build.log" >&2; exit 1; }
	$(Q)mv $(BUILD)/deb/$(notdir $(DEB_FILE)) $(DEB_FILE)
	@echo "wrote $(DEB_FILE)"

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
