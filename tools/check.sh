#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The test part of "make check", after lint and build: the host-side unit
# tests, then every IGT-style test binary in one boot of the target kernel.
# Adds up every stage's "N passed, N failed[, N skipped]" line into the
# final one; a stage that dies without such a line counts as one failure.
#
# Usage: tools/check.sh BUILD_DIR
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${1:-$REPO/build}
PASSED=0 FAILED=0 SKIPPED=0

# Runs one stage, echoing its output, and adds its summary to the totals.
stage() {
	local name=$1 log=$O/check-$1.log summary rc
	shift
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	summary=$(grep -E '^([a-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "=== $name: no summary line (exit $rc): counted as 1 failure"
		FAILED=$((FAILED + 1))
		return
	fi
	read -r p f s < <(echo "$summary" | sed -E \
		's/^([a-z-]+: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\2 \3 \5/')
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + ${s:-0}))
	# A clean summary with a failing exit (dirty kernel log, timeout).
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "=== $name: exit $rc after a clean summary: counted as 1 failure"
		FAILED=$((FAILED + 1))
	fi
}

# Module unload tests go last: they reload the driver under the others.
test_binaries() {
	local t
	for t in "$O"/igt-tests/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		case $t in *_unload) ;; *) echo "$t" ;; esac
	done
	ls "$O"/igt-tests/*_unload 2>/dev/null
}

mkdir -p "$O"
stage host bash "$REPO/igt-tests/selftest/run.sh" "$O/selftest"

mapfile -t TESTS < <(test_binaries)
# igt_kmod_load() in the unload tests reloads the module from here.
export IGT_KMOD_DIR=$REPO/drm_vgem_plus
stage vm "$REPO/tools/vm/vm-run" --outdir "$O/vm/check" \
	--module "$REPO/drm_vgem_plus/drm_vgem_plus.ko" \
	--module "$REPO/drm_display/drm_display.ko" -- \
	"$REPO/tools/vm/igt-run" --results "$O/results.json" \
	--allow-file "$REPO/igt-tests/kernel-log-allow.txt" "${TESTS[@]}"

echo "results: $O/results.json, guest kernel log: $O/vm/check/kernel.log"
echo "check: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
