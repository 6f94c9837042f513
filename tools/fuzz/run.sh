#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run drm_fuzz inside the guest and end with a summary line in the form
# tools/check.sh adds up ("fuzz: N passed, N failed, N skipped").
#
# Usage: tools/fuzz/run.sh [drm_fuzz options]   (see drm_fuzz --help)
#   tools/vm/vm-run --module drm_vgem_plus/drm_vgem_plus.ko \
#       --module drm_display/drm_display.ko -- tools/fuzz/run.sh --seconds 60
#   DRM_FUZZ=path overrides the binary (default build/tools/drm_fuzz).
# Exit status: drm_fuzz's: 0 done, 1 it found a problem, 2 usage or set-up
# error, 77 a requested kernel feature (failslab, kmemleak) is missing;
# 128+N when it died of signal N.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${DRM_FUZZ:-$REPO/build/tools/drm_fuzz}

summary() { # passed failed skipped
	echo "fuzz: $1 passed, $2 failed, $3 skipped"
}

if [ ! -x "$BIN" ]; then
	echo "fuzz: $BIN missing (build it on the host first)"
	summary 0 1 0
	exit 2
fi
if [ ! -d /sys/module/drm_vgem_plus ] && [ ! -d /sys/module/drm_display ]; then
	echo "fuzz: neither drm_vgem_plus nor drm_display is loaded (vm-run --module drm_vgem_plus/drm_vgem_plus.ko --module drm_display/drm_display.ko)"
	summary 0 1 0
	exit 2
fi

ulimit -c 0
"$BIN" "$@"
rc=$?
case $rc in
0) summary 1 0 0 ;;
77) summary 0 0 1 ;;
*)
	[ "$rc" -le 128 ] || echo "fuzz: drm_fuzz died of signal $((rc - 128))"
	summary 0 1 0
	;;
esac
exit "$rc"
