#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The examples of Documentation/debugging.rst, for real: runs
# dmabuf-inspect in dmabuf-scene's situation and prints each command and
# its output. In the guest:
#   tools/vm/vm-run --module drm_vgem_plus/drm_vgem_plus.ko \
#       --module drm_display/drm_display.ko -- tools/dmabuf/doc-examples.sh
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH=$REPO/build/tools:$PATH
SNAP=${DMABUF_DOC_SNAPSHOT:-/tmp/before.json}

# show CMD...: "$ CMD", its output and, if not 0, its exit status.
show() {
	local rc
	echo "\$ $*"
	"$@"
	rc=$?
	[ "$rc" -eq 0 ] || echo "[exit status $rc]"
	echo
}

# The compositor's fd of scanout-B, and the client's mapping.
raw_procfs() {
	local compositor client fd
	read -r compositor client <<<"$DMABUF_SCENE_PIDS"
	fd=$(grep -l '^name:	scanout-B$' /proc/"$compositor"/fdinfo/*)
	show cat "$fd"
	show grep dmabuf: /proc/"$client"/maps
}

in_scene() {
	show sed -n '1,12p' /sys/kernel/debug/dma_buf/bufinfo
	raw_procfs
	show cat /sys/kernel/debug/dri/drm_display/fence_waits
	show dmabuf-inspect list
	show dmabuf-inspect top --count 1
	show dmabuf-inspect diff --dark "$SNAP"
	show dmabuf-inspect hang --threshold 1000
	show dmabuf-inspect hang --json --threshold 1000
	show setpriv --reuid=nobody --regid=nogroup --clear-groups \
		dmabuf-inspect list
}

if [ "${1:-}" = --in-scene ]; then
	in_scene
	exit 0
fi
show dmabuf-inspect snapshot "$SNAP"
dmabuf-scene --hold-ms 1500 -- "$0" --in-scene
