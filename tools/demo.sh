#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo" after set-up and build: boots the target kernel with
# drm_vgem_plus and drm_display and runs the zero-copy demo
# (build/tools/zero_copy), flat out with implicit sync.
#
# Usage: tools/demo.sh BUILD_DIR
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${1:-$REPO/build}

"$REPO/tools/vm/vm-run" --outdir "$O/vm/demo" \
	--module "$REPO/drm_vgem_plus/drm_vgem_plus.ko" \
	--module "$REPO/drm_display/drm_display.ko" -- \
	"$O/tools/zero_copy" --frames 120 --png "$O/demo/implicit"
echo "demo: done (pictures: $O/demo/implicit, guest kernel log: $O/vm/demo/kernel.log)"
