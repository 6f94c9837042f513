#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make bench, after set-up and build: boots the pinned kernel once with
# both pairs loaded (upstream vgem.ko and an out-of-tree vkms.ko beside
# drm_vgem_plus.ko and drm_display.ko) and runs drm_bench in it. The
# table goes to stdout and BUILD_DIR/bench/table.txt, the JSON file to
# BUILD_DIR/bench/results.json.
#
# The guest runs with QEMU's -icount (vm-run --icount): its clock counts
# executed instructions, 2^BENCH_ICOUNT ns each (default 0: a 1 GHz
# machine that runs one instruction a cycle), so what the benchmark
# times does not depend on how busy the host is. BENCH_ICOUNT=off boots
# without it (host-load dependent wall clock of a TCG guest).
#
# Usage: tools/bench/run.sh BUILD_DIR [drm_bench options]
#   e.g. --quick (fewer sizes and frames), --rounds N, --only compose
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
O=$(cd "${1:?usage: run.sh BUILD_DIR [options]}" && pwd)
shift
B=$O/bench

for f in "$B/vgem.ko" "$B/vkms/vkms.ko" "$B/drm_bench" \
	 "$REPO/drm_vgem_plus/drm_vgem_plus.ko" "$REPO/drm_display/drm_display.ko"; do
	[ -e "$f" ] || { echo "bench: $f missing (make bench builds it)" >&2; exit 2; }
done
rm -f "$B/results.json" "$B/table.txt"

ICOUNT=${BENCH_ICOUNT:-0}
icount=()
if [ "$ICOUNT" != off ]; then
	icount=(--icount "$ICOUNT")
	set -- --icount "$ICOUNT" "$@"
fi

# The guest's kernel cannot run modprobe itself (its usermode helpers run
# in the initramfs, not in the host root): load what drm_display's
# request_module() would, the crypto API's PCLMULQDQ CRC-32, beforehand.
extra=()
# shellcheck source=/dev/null
crc=$(. "$O/kernel.env" && modinfo -k "$KVER" -n crc32-pclmul 2>/dev/null) || crc=
[ -z "$crc" ] || extra+=(--module "$crc")

start=$(date +%s)
"$REPO/tools/vm/vm-run" --kernel-env "$O/kernel.env" --outdir "$O/vm/bench" \
	--mem 3072 --timeout 1800 ${icount[@]+"${icount[@]}"} \
	${extra[@]+"${extra[@]}"} \
	--module "$B/vgem.ko" \
	--module "$B/vkms/vkms.ko:enable_overlay=1" \
	--module "$REPO/drm_vgem_plus/drm_vgem_plus.ko" \
	--module "$REPO/drm_display/drm_display.ko" \
	-- "$REPO/tools/bench/guest.sh" "$O" \
	--json "$B/results.json" --table "$B/table.txt" "$@"
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$B/table.txt" ]; then
	echo "bench: failed (vm-run exit $rc) after $(($(date +%s) - start)) s; guest kernel log: $O/vm/bench/kernel.log" >&2
	exit $((rc ? rc : 1))
fi
echo "bench: VM run took $(($(date +%s) - start)) s; results: $B/table.txt, $B/results.json" >&2
# The summary line last, whatever vm-run printed after the table.
tail -n 1 "$B/table.txt"
