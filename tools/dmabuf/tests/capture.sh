#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Copies what dmabuf-inspect reads (bufinfo, drm_vgem_plus's and
# drm_display's debugfs files, the sysfs stats, and procfs files of the
# processes in $DMABUF_SCENE_PIDS) into a tree under DIR, as --root
# expects it. Run in the guest inside dmabuf-scene:
#   tools/vm/vm-run --module ... -- build/tools/dmabuf-scene --hold-ms 1500 \
#       -- tools/dmabuf/tests/capture.sh tools/dmabuf/tests/data/scene
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
OUT=$1

copy() { # path
	[ -r "$1" ] || return 0
	mkdir -p "$OUT$(dirname "$1")"
	cat "$1" >"$OUT$1"
}

rm -rf "$OUT"
copy /proc/sys/kernel/random/boot_id
copy /sys/kernel/debug/dma_buf/bufinfo
for dir in /sys/kernel/debug/dri/*; do
	# The minors' directories are links to the device's.
	[ -L "$dir" ] && continue
	for f in name objects framebuffers planes fence_waits; do
		copy "$dir/$f"
	done
done
for f in /sys/kernel/dmabuf/buffers/*/*; do
	copy "$f"
done
for pid in ${DMABUF_SCENE_PIDS:?}; do
	copy "/proc/$pid/comm"
	copy "/proc/$pid/maps"
	for f in "/proc/$pid/fdinfo/"*; do
		copy "$f"
	done
	for t in "/proc/$pid/task/"*; do
		copy "$t/comm"
		copy "$t/wchan"
	done
done
echo "capture: $(find "$OUT" -type f | wc -l) files in $OUT"
