#!/bin/bash
# SPDX-License-Identifier: MIT
#
# In the guest (tools/vm/vm-run, from tools/bench/run.sh): runs drm_bench
# with upstream vgem and vkms loaded beside drm_vgem_plus and drm_display,
# then unloads vgem and vkms again.
#
# Usage: tools/bench/guest.sh BUILD_DIR [drm_bench options]
#
# vm-run refuses a run after which upstream vgem is still loaded (it
# guards the tests against IGT's "modprobe vgem"): the benchmark loads it
# on purpose, through --module, and unloads it here when it is done.
set -u

BUILD=$1
shift
PARAM=/sys/module/drm/parameters/vblankoffdelay

# Keep vblank on while a CRTC is (0: never disable; the core reads it
# when a CRTC is switched on): upstream vkms of 6.12 can deadlock when its
# vblank timer is cancelled while it fires, and a display that flips all
# the time keeps it on anyway. Same for both pairs.
old=$(cat "$PARAM")
echo 0 >"$PARAM"

# vkms registers a framebuffer console: every kernel message and every
# cursor blink then redraws (and scrolls) a 1024x768 console in the
# guest's memory, millions of instructions each time, stalling both pairs
# for frames. Detach it from the console for the run.
for vt in /sys/class/vtconsole/vtcon*; do
	grep -q "frame buffer" "$vt/name" 2>/dev/null && echo 0 >"$vt/bind"
done

# The debugging tool's "list", timed over 10 to 10,000 buffers.
DRM_BENCH_LIST_CMD="$BUILD/tools/dmabuf-inspect list" \
	"$BUILD/bench/drm_bench" "$@"
rc=$?

echo "$old" >"$PARAM"
for m in vkms vgem; do
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -d "/sys/module/$m" ] || break
		rmmod "$m" 2>/dev/null && break
		sleep 0.5
	done
	if [ -d "/sys/module/$m" ]; then
		echo "bench: cannot unload $m" >&2
		rc=1
	fi
done
exit "$rc"
