# SPDX-License-Identifier: GPL-2.0
#
# actun: make            build kernel/actun.ko and tools/
#        make check      run the VM test suite (selftests/), in about 20 min
#        make check-full the same with the scale tests at full size (100k
#                        tunnels, 1M routes)
#        make demo       boot the VM and build the reference topology
#        make deps       install missing Debian packages (as root)
#        make checkpatch run the kernel's checkpatch.pl on kernel/ and uapi/

# The kernel to build for: the newest under /lib/modules that has a build
# tree (linux-headers-amd64). Never `uname -r`: the host runs another kernel.
KVER ?= $(shell for d in /lib/modules/*/build; do \
	[ -d "$$d" ] && basename "$$(dirname "$$d")"; done | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build

KSRC_TAR ?= $(firstword $(wildcard /usr/src/linux-source-*.tar.xz))
CACHE := selftests/.cache
KSFT_DIR := $(CACHE)/ksrc

SELFTEST_C := $(wildcard selftests/*_test.c)
SELFTEST_BIN := $(SELFTEST_C:.c=)
SELFTEST_SH := $(sort $(wildcard selftests/*.sh))
TESTS ?= $(SELFTEST_BIN) $(SELFTEST_SH)

.PHONY: all module tools acikd fleet selftests check check-full demo deps checkpatch clean

all: module tools acikd fleet

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree under /lib/modules (install linux-headers-amd64: make deps)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

# The fleet agent (libnats); it links libactun.
fleet: tools
	$(MAKE) -C tools/fleet all tests

# acikd's library, its unit tests and its fuzz target; selftests/acikd_*.sh
# run the tests and a bounded fuzzing session in the VM.
acikd:
	$(MAKE) -C tools/acikd all tests fuzz

# kselftest.h and kselftest_harness.h come from Debian's linux-source package
# at build time; no kernel source is kept in this repository.
$(KSFT_DIR)/.stamp: $(KSRC_TAR)
	@test -n "$(KSRC_TAR)" || { echo "linux-source not installed (make deps)" >&2; exit 1; }
	rm -rf $(KSFT_DIR) && mkdir -p $(KSFT_DIR)
	tar -xJf $(KSRC_TAR) -C $(KSFT_DIR) --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch $@

selftests/%_test: selftests/%_test.c $(KSFT_DIR)/.stamp tools
	$(CC) -Wall -Werror -O2 -g -I$(KSFT_DIR)/tools/testing/selftests \
		-Iuapi -Itools/lib $$(pkg-config --cflags libnl-genl-3.0) \
		-o $@ $< tools/lib/libactun.a $$(pkg-config --libs libnl-genl-3.0)

# kernel/route.c compiled for userspace against selftests/kshim/, stand-ins
# for the kernel interfaces it uses, and checked against a model.
selftests/route_trie_test: selftests/route_trie_test.c selftests/kshim/kshim.h \
		kernel/route.c kernel/route.h
	$(CC) -Wall -Werror -O2 -g -fsanitize=address,undefined \
		-fno-sanitize-recover=all -Iselftests/kshim -Iuapi -o $@ $<

selftests: $(SELFTEST_BIN)

# CHECK_VMS: how many test VMs run at once (selftests/check -j).
check: deps all selftests
	selftests/check $(if $(CHECK_VMS),-j $(CHECK_VMS)) $(TESTS)

check-full: deps all selftests
	ACTUN_SCALE=full selftests/check $(if $(CHECK_VMS),-j $(CHECK_VMS)) $(TESTS)

demo: deps all
	selftests/vm-run -- selftests/demo.sh

deps:
	selftests/lib/install-deps

checkpatch: $(KSFT_DIR)/.stamp
	perl $(KSFT_DIR)/scripts/checkpatch.pl --no-tree --terse -f \
		$(filter-out kernel/actun.mod.c,$(wildcard kernel/*.[ch])) \
		uapi/linux/actun.h

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C tools/acikd clean clean-encoding
	$(MAKE) -C tools/fleet clean
	rm -f $(SELFTEST_BIN)
