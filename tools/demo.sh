#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo" after set-up and build: boots the target kernel with
# drm_vgem_plus and runs the zero-copy demo twice, once flat out and once
# with the producer signalling late, so that the consumer visibly waits
# on the fence.
#
# Usage: tools/demo.sh BUILD_DIR
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${1:-$REPO/build}
DEMO=$O/tools/zero_copy

run='
echo "--- 120 frames, producer signals as soon as it has drawn"
'$DEMO' --frames 120
echo
echo "--- 20 frames, producer signals 50 ms late: the consumer waits on the fence"
'$DEMO' --frames 20 --late 50
'
"$REPO/tools/vm/vm-run" --outdir "$O/vm/demo" \
	--module "$REPO/drm_vgem_plus/drm_vgem_plus.ko" -- bash -c "$run"
echo "demo: done (guest kernel log: $O/vm/demo/kernel.log)"
