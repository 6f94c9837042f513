# SPDX-License-Identifier: MIT
#
# make bench: drm_vgem_plus + drm_display against upstream vgem + vkms in
# one guest (tools/bench/run.sh). Included by the top Makefile, which
# provides O, KVER, KDIR, KSRC and TOOL_CFLAGS/TOOL_LDLIBS.
#   make bench                      the full run (a few minutes)
#   make bench BENCH_ARGS=--quick   fewer sizes, rounds of fewer frames

BENCH_O := $(O)/bench
BENCH_SRCS := $(wildcard tools/bench/*.c)
BENCH_ARGS ?=

# Upstream vkms, built out of tree from the kernel source of the same
# version as the headers (Debian's kernel does not ship it).
VKMS_SRC = $(KSRC)/drivers/gpu/drm/vkms

$(BENCH_O)/drm_bench: $(BENCH_SRCS) tools/bench/bench.h uapi/drm/vgem_plus_drm.h
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -o $@ $(BENCH_SRCS) $(TOOL_LDLIBS) -lm

$(BENCH_O)/vkms/vkms.ko: $(KERNEL_ENV)
	@test -d $(VKMS_SRC) || { echo "bench: no vkms source in $(VKMS_SRC)" >&2; exit 1; }
	rm -rf $(BENCH_O)/vkms
	mkdir -p $(BENCH_O)/vkms
	cp $(VKMS_SRC)/Makefile $(VKMS_SRC)/*.[ch] $(BENCH_O)/vkms/
	$(MAKE) -s -C $(KDIR) M=$(BENCH_O)/vkms CONFIG_DRM_VKMS=m modules

# The kernel's own vgem.ko, uncompressed (vm-run hides the module tree's
# copy in the guest: it is loaded from here, by path, on purpose).
$(BENCH_O)/vgem.ko: $(KERNEL_ENV)
	@mkdir -p $(dir $@)
	@src=$$(modinfo -k $(KVER) -n vgem) || exit 1; \
	case $$src in \
	*.xz) xz -dc $$src >$@.tmp ;; \
	*.zst) zstd -dcq $$src >$@.tmp ;; \
	*.gz) gzip -dc $$src >$@.tmp ;; \
	*) cp $$src $@.tmp ;; \
	esac && mv $@.tmp $@ && echo "bench: upstream vgem from $$src"

bench-build: modules $(BENCH_O)/drm_bench $(BENCH_O)/vkms/vkms.ko $(BENCH_O)/vgem.ko \
	$(O)/tools/dmabuf-inspect

bench:
	@tools/setup.sh $(KERNEL_ENV)
	@echo "bench: building modules, upstream vkms and drm_bench"
	@$(MAKE) -s --no-print-directory bench-build
	@tools/bench/run.sh $(O) $(BENCH_ARGS)

.PHONY: bench bench-build
