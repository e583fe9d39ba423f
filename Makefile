# SPDX-License-Identifier: GPL-2.0-only
#
# siphon: `make` builds everything into build/, `make check` runs every test
# suite, `make demo` shows media relayed by XDP between veth namespaces,
# `make install` installs the binaries, units, man pages and docs (PREFIX,
# DESTDIR and the *DIR variables below). `V=1` prints the commands.

# `make` alone builds everything, whatever rule comes first below
.DEFAULT_GOAL := all

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PKGS     := libbpf libmnl jansson

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers
CFLAGS   += -Iinclude -Iuser -I$(BUILD) $(PKG_CFLAGS)
BPF_CFLAGS := -target bpf -mcpu=v3 -O2 -g -Wall -Werror \
	-Iinclude -Ibpf -I/usr/include/$(MULTIARCH)

BPF_SRCS  := $(wildcard bpf/*.bpf.c tools/bench/*.bpf.c tools/gen/*.bpf.c)
BPF_OBJS  := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst %.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
BPF_HDRS  := $(wildcard bpf/*.h include/siphon/*.h)

# the SIP and SDP parsers: plain C, also built with sanitizers and fuzzers
PARSE_SRCS := $(wildcard user/sip/*.c user/sdp/*.c)
LIB_SRCS  := $(filter-out user/siphonctl.c user/ctl_%.c,$(wildcard user/*.c)) \
	$(PARSE_SRCS)
LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
CTL_SRCS  := user/siphonctl.c $(wildcard user/ctl_*.c)
CTL_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CTL_SRCS))
# siphond: the daemon, with libinih for its config, libcrypto for digests,
# libmicrohttpd for /metrics
SD_SRCS   := $(wildcard user/siphond/*.c)
SD_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(SD_SRCS))
SD_LIBS    = $(shell pkg-config --libs inih libcrypto libmicrohttpd 2>/dev/null)
USER_HDRS := $(wildcard user/*.h user/sip/*.h user/sdp/*.h user/siphond/*.h \
	include/siphon/*.h)

TEST_SRCS := $(wildcard tests/bpf/test_*.c)
TEST_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
# unit tests of the parsers run under ASan and UBSan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/%.o,$(PARSE_SRCS))
# a unit test of a siphond module links that module and what it needs
sd_san = $(patsubst %,$(BUILD)/san/user/siphond/%.o,$(1)) $(BUILD)/san/user/log.o \
	$(BUILD)/san/user/log_ratelimit.o
SAN_EXTRA_test_timer_wheel := $(call sd_san,timer_wheel)
SAN_EXTRA_test_location := $(call sd_san,location location_store sockaddr)
SAN_EXTRA_test_registrar := $(call sd_san,registrar location location_store sockaddr)
SAN_EXTRA_test_auth := $(call sd_san,auth credentials)
SAN_EXTRA_test_config := $(call sd_san,config sockaddr) \
	$(BUILD)/san/user/shield_lists.o $(BUILD)/san/user/shield_rate.o
SAN_EXTRA_test_tcp := $(call sd_san,transport_tcp evloop timer_wheel sockaddr)
SAN_EXTRA_test_media_ports := $(call sd_san,media_ports)
SAN_EXTRA_test_media_nat := $(call sd_san,media_nat sockaddr) \
	$(BUILD)/san/user/endpoint.o
SAN_EXTRA_test_nat_mark := $(call sd_san,nat_mark sockaddr)
SAN_EXTRA_test_control_peer := $(call sd_san,control_peer)
SAN_EXTRA_test_txn := $(call sd_san,txn_table txn_server txn_client evloop timer_wheel)
SAN_EXTRA_test_metrics := $(call sd_san,metrics_text stats)
SAN_EXTRA_test_dialog_bye := $(call sd_san,dialog_bye_build)
SAN_EXTRA_test_log_ratelimit := $(BUILD)/san/user/log_ratelimit.o \
	$(BUILD)/san/user/log.o
SAN_EXTRA_test_media_convert := $(call sd_san,media_convert media_store)
SAN_EXTRA_test_shield_live := $(call sd_san,shield_live) \
	$(BUILD)/san/user/map_walk.o
# libFuzzer targets (clang), over the same parser sources
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 300
# libosip2: the reference the SIP parser is proven against (test, bench)
OSIP_LIBS := -losipparser2
$(BUILD)/tests/test_sip_osip: SAN_LIBS := $(OSIP_LIBS)
$(BUILD)/tools/bench/sip_parse: PKG_LIBS += $(OSIP_LIBS)
TOOL_SRCS := $(filter-out %.bpf.c,$(wildcard tools/gen/*.c tools/net/*.c tools/bench/*.c))
TOOL_BINS := $(patsubst %.c,$(BUILD)/%,$(TOOL_SRCS))
# the generator's program and loader share its headers
$(BUILD)/tools/gen/xdpgen.bpf.o $(BUILD)/tools/gen/xdpgen: $(wildcard tools/gen/*.h)

KSELFTEST_DIR := $(BUILD)/kselftest
KSELFTEST     := $(KSELFTEST_DIR)/kselftest_harness.h
LINUX_SOURCE   = $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))

.PHONY: all deps check demo bench fuzz clean format install uninstall FORCE tests
.DELETE_ON_ERROR:
# unit tests name their extra objects in SAN_EXTRA_<test>
.SECONDEXPANSION:
# keep the .bpf.o files behind the skeletons, for bpftool and llvm-objdump
.SECONDARY:

all: $(BUILD)/siphonctl $(BUILD)/siphond $(TOOL_BINS) $(SKELS)

deps:
	$(Q)tools/deps.sh

# check and demo install what is missing first, so a fresh machine needs
# nothing by hand
check: | deps
	$(Q)$(MAKE) --no-print-directory all tests
	$(Q)tests/run.sh

demo: | deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh

bench: | deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/bench/relay
	$(Q)tools/bench/cps
	$(Q)tools/bench/cps --media
	$(Q)tools/bench/calls
	$(Q)tools/bench/shield

tests: $(TEST_BINS) $(UNIT_BINS) $(FUZZ_BINS)

# each fuzzer for FUZZ_SECONDS (make check runs them for a few seconds)
fuzz: | deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=0 tests/fuzz/fuzz_smoke.sh

$(BUILD)/%.bpf.o: %.bpf.c $(BPF_HDRS)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

$(BUILD)/user/%.o: user/%.c $(USER_HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libsiphon.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/siphonctl: $(CTL_OBJS) $(BUILD)/libsiphon.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/siphond: $(SD_OBJS) $(BUILD)/libsiphon.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(SD_LIBS)

$(BUILD)/tools/%: tools/%.c $(USER_HDRS) $(SKELS) $(BUILD)/libsiphon.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libsiphon.a $(PKG_LIBS) -lpthread

# the kselftest harness comes from Debian's linux-source, never from git
$(KSELFTEST):
	$(call msg,EXTRACT,$(KSELFTEST_DIR))
	$(Q)test -n "$(LINUX_SOURCE)" || \
		{ echo "linux-source not installed: run make deps" >&2; exit 1; }
	$(Q)mkdir -p $(KSELFTEST_DIR)
	$(Q)tar -xJf $(LINUX_SOURCE) -C $(KSELFTEST_DIR) --strip-components=4 \
		--wildcards '*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h'

$(BUILD)/tests/%: tests/bpf/%.c tests/lib/*.h $(USER_HDRS) $(BPF_HDRS) \
		  $(SKELS) $(BUILD)/libsiphon.a $(KSELFTEST)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Wno-unused-parameter -Ibpf -Itests/lib \
		-I$(KSELFTEST_DIR) -o $@ $< $(BUILD)/libsiphon.a $(PKG_LIBS)

$(BUILD)/san/%.o: %.c $(USER_HDRS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN_FLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/lib/*.h $(USER_HDRS) $(BPF_HDRS) \
		  $(SAN_OBJS) $$(SAN_EXTRA_$$*) $(KSELFTEST)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN_FLAGS) -Wno-unused-parameter -Itests/lib \
		-I$(KSELFTEST_DIR) -o $@ $< $(SAN_EXTRA_$*) $(SAN_OBJS) \
		$(SAN_LIBS) $(SD_LIBS) $(PKG_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(PARSE_SRCS) $(USER_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(PARSE_SRCS)

# ---- install -------------------------------------------------------------
# Both programs are system tools, so both go to sbin; the XDP program is
# compiled into siphonctl (skeleton), so there is no object file to install.
# The configuration lives in /etc when PREFIX is /usr or /usr/local (where
# siphond looks by default), in PREFIX/etc otherwise.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
ifneq ($(filter /usr /usr/ /usr/local /usr/local/,$(PREFIX)),)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
DOCDIR     ?= $(DATADIR)/doc/siphon
UNITDIR    ?= $(PREFIX)/lib/systemd/system
INSTALL    ?= install

MAN_PAGES := $(wildcard Documentation/man/*.[0-9])
UNITS_IN  := $(wildcard packaging/*.service.in)
UNITS     := $(patsubst packaging/%.in,$(BUILD)/packaging/%,$(UNITS_IN))
DOCS      := $(wildcard Documentation/*.md) Documentation/siphond.conf \
	LICENSES/GPL-2.0-only.txt
# the operator's files: installed only when absent, never removed; the
# shipped version always lands next to them as NAME.sample
CONF_FILES := Documentation/siphond.conf packaging/attach.env

# the units name the installed paths: made again on every install, since
# PREFIX may differ from the last one
$(BUILD)/packaging/%.service: packaging/%.service.in FORCE
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		$< > $@

install: $(BUILD)/siphond $(BUILD)/siphonctl $(UNITS)
	$(call msg,INSTALL,$(DESTDIR)$(SBINDIR))
	$(Q)$(INSTALL) -d -m 755 $(DESTDIR)$(SBINDIR)
	$(Q)$(INSTALL) -m 755 $(BUILD)/siphond $(BUILD)/siphonctl $(DESTDIR)$(SBINDIR)/
	$(call msg,INSTALL,$(DESTDIR)$(SYSCONFDIR)/siphon)
	$(Q)$(INSTALL) -d -m 755 $(DESTDIR)$(SYSCONFDIR)/siphon
	$(Q)for f in $(CONF_FILES); do \
		dst=$(DESTDIR)$(SYSCONFDIR)/siphon/$${f##*/}; \
		$(INSTALL) -m 644 $$f $$dst.sample || exit 1; \
		[ -e $$dst ] || $(INSTALL) -m 644 $$f $$dst || exit 1; \
	done
	$(call msg,INSTALL,$(DESTDIR)$(UNITDIR))
	$(Q)$(INSTALL) -d -m 755 $(DESTDIR)$(UNITDIR)
	$(Q)$(INSTALL) -m 644 $(UNITS) $(DESTDIR)$(UNITDIR)/
	$(call msg,INSTALL,$(DESTDIR)$(MANDIR))
	$(Q)for m in $(MAN_PAGES); do \
		$(INSTALL) -D -m 644 $$m \
			$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; \
	done
	$(call msg,INSTALL,$(DESTDIR)$(DOCDIR))
	$(Q)$(INSTALL) -d -m 755 $(DESTDIR)$(DOCDIR)
	$(Q)$(INSTALL) -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/

# removes what install put, except the operator's configuration
uninstall:
	$(call msg,REMOVE,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/siphond $(DESTDIR)$(SBINDIR)/siphonctl
	$(Q)rm -f $(foreach f,$(CONF_FILES),$(DESTDIR)$(SYSCONFDIR)/siphon/$(notdir $(f)).sample)
	$(Q)rmdir $(DESTDIR)$(SYSCONFDIR)/siphon 2>/dev/null || true
	$(Q)rm -f $(patsubst packaging/%.in,$(DESTDIR)$(UNITDIR)/%,$(UNITS_IN))
	$(Q)rm -f $(foreach m,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	$(Q)rm -rf $(DESTDIR)$(DOCDIR)

FORCE:

format:
	$(Q)clang-format -i $(wildcard bpf/*.[ch] user/*.[ch] user/*/*.[ch] \
		include/siphon/*.h tests/*/*.[ch] tools/*/*.[ch])

clean:
	$(Q)rm -rf $(BUILD)
