#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo" after set-up and build: boots the target kernel with
# drm_vgem_plus and drm_display (fence_timeout_ms=1000, so that a hung
# fence takes a second) and runs tools/demo/guest.sh in it: the
# zero-copy demo flat out, with late fences, with explicit sync and with
# a hung fence, then kmscube. Pictures of what the display showed end up
# in BUILD_DIR/demo.
#
# Usage: tools/demo.sh BUILD_DIR
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${1:-$REPO/build}
OUT=$O/demo
# The report of the hung fence, which part 4 provokes on purpose.
ALLOW='drm_display: \[drm\] fence timed out after 1000 ms: .* committed by zero_copy\[[0-9]+\]; skipping the frame, the previous buffer stays on screen$'
START=$SECONDS

rc=0
"$REPO/tools/vm/vm-run" --outdir "$O/vm/demo" --allow "$ALLOW" \
	--module "$REPO/drm_vgem_plus/drm_vgem_plus.ko" \
	--module "$REPO/drm_display/drm_display.ko:fence_timeout_ms=1000" -- \
	"$REPO/tools/demo/guest.sh" "$O" "$OUT" || rc=$?

echo "demo: pictures of what the display showed, in $OUT:"
for d in implicit late explicit hang; do
	[ -f "$OUT/$d/overview.png" ] || continue
	printf '  %-10s overview.png, and frame-NNNN.png of frames %s\n' "$d/" \
		"$(cd "$OUT/$d" && ls -- frame-*.png | sed -E 's/frame-0*([0-9]+)\.png/\1/' |
		   sort -n | paste -sd' ')"
done
[ -d "$OUT/kmscube" ] &&
	printf '  %-10s %s\n' kmscube/ "$(cd "$OUT/kmscube" && ls -- *.png | sort -V | paste -sd' ')"
echo "demo: guest kernel log: $O/vm/demo/kernel.log"
if [ "$rc" -ne 0 ]; then
	echo "demo: FAILED (exit $rc) after $((SECONDS - START)) s"
	exit "$rc"
fi
echo "demo: done in $((SECONDS - START)) s"
