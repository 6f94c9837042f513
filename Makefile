# SPDX-License-Identifier: GPL-2.0-only
#
# Wraps kbuild for the two modules and builds the userspace tests.
#   make            build modules and tests against KDIR
#   make check      set up, lint, build, run every test: host, then the
#                   Debian kernel and the debug kernel (TIERS= to choose)
#   make demo       set up, build, run the zero-copy demo in the VM
#   make bench      set up, build, benchmark against upstream vgem + vkms
#   make lint       checkpatch --strict and sparse on the kernel code
#   make clean

O := $(CURDIR)/build
KERNEL_ENV := $(O)/kernel.env
DEBUG_KERNEL_ENV := $(O)/kernel-debug.env
TIERS ?= debian debug

# Written by tools/setup.sh: KVER, KDIR, KIMAGE, KSRC, KPKGVER.
-include $(KERNEL_ENV)
KDIR ?= $(lastword $(sort $(wildcard /lib/modules/6.12.*/build)))
KSRC ?= /usr/src/linux-source-6.12

KERNEL_SOURCES := $(shell git ls-files 'drm_*/*.[ch]' 'uapi/*.h' 2>/dev/null)
MODULES := drm_vgem_plus/drm_vgem_plus.ko

.PHONY: all modules tests tools lint check demo setup clean

all: modules tests tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tests:
	$(MAKE) -C igt-tests O=$(O)/igt-tests

TOOL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Iuapi/drm \
	$(shell pkg-config --cflags libdrm)
TOOL_LDLIBS := $(shell pkg-config --libs libdrm)

include tools/dmabuf/dmabuf.mk

tools: $(O)/tools/zero_copy $(O)/tools/drm_fuzz $(DMABUF_TOOLS)

include tools/fuzz/fuzz.mk
include tools/demo/demo.mk
include tools/bench/bench.mk

setup:
	tools/setup.sh $(KERNEL_ENV)
	$(if $(filter debug,$(TIERS)),tools/debug-kernel/build.sh $(DEBUG_KERNEL_ENV))

# Sparse on every file (C=2), warnings are errors for lint.
lint:
	@test -n "$(KERNEL_SOURCES)" || { echo "lint: no sources" >&2; exit 1; }
	perl $(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse \
		--ignore FILE_PATH_CHANGES -f $(KERNEL_SOURCES)
	perl $(KSRC)/scripts/kernel-doc -none -Wall uapi/drm/*.h
	@mkdir -p $(O)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules >$(O)/sparse.log 2>&1 || \
		{ cat $(O)/sparse.log; exit 1; }
	@! grep -E 'warning:|error:' $(O)/sparse.log || \
		{ echo "lint: sparse or compiler warnings above" >&2; exit 1; }

check:
	@tools/setup.sh $(KERNEL_ENV)
	@$(if $(filter debug,$(TIERS)),tools/debug-kernel/build.sh $(DEBUG_KERNEL_ENV))
	@$(MAKE) --no-print-directory lint all
	@TIERS="$(TIERS)" tools/check.sh $(O)

demo:
	@tools/setup.sh $(KERNEL_ENV)
	@echo "demo: building modules and programs"
	@$(MAKE) -s --no-print-directory all
	@tools/demo.sh $(O)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(O)
