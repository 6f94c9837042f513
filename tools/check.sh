#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The test part of "make check", after set-up, lint and build: the
# host-side unit tests, then every IGT-style test binary in one boot of
# each kernel tier:
#   debian  Debian's 6.12 kernel, the target (build/kernel.env)
#   debug   the same source with lockdep, KASAN, kmemleak, KUnit, ...
#           (build/kernel-debug.env, tools/debug-kernel/), where a
#           kmemleak scan ends the run and the KUnit suites run too
# and then, in a boot of its own, the ioctl fuzzer (tools/fuzz/) for a
# fixed number of operations from a fixed seed: FUZZ_SEED, FUZZ_OPS and
# FUZZ_DEBUG_OPS override them; on the debug kernel twice, with failslab
# on the allocations of each module in turn, and kmemleak on.
# Adds up every stage's "N passed, N failed[, N skipped]" line into the
# final one; a stage that dies without such a line counts as one failure.
#
# Usage: TIERS="debian debug" tools/check.sh BUILD_DIR
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${1:-$REPO/build}
TIERS=${TIERS:-debian debug}
PASSED=0 FAILED=0 SKIPPED=0
MODULES=(drm_vgem_plus/drm_vgem_plus.ko drm_display/drm_display.ko)

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

module_args() {
	local m
	for m in "${MODULES[@]}" "$@"; do
		printf -- '--module\n%s\n' "$REPO/$m"
	done
}

# What drm_display's request_module() would load, from the tier's kernel
# where it has it: the guest cannot run modprobe (its usermode helpers
# run in the initramfs). crc32-pclmul computes the CRCs then, and
# display_crc's reference subtest checks them.
kernel_module_args() { # kernel.env
	local path
	# shellcheck source=/dev/null
	path=$(. "$1" && modinfo -k "$KVER" -n crc32-pclmul 2>/dev/null) ||
		return 0
	printf -- '--module\n%s\n' "$path"
}

# Our modules, built against the tier's kernel (in the tree, as kbuild does).
build_modules() {
	# A KUnit module left from another tier must not be loaded here.
	rm -f "$REPO"/drm_*/drm_*_kunit.ko
	(
		# shellcheck source=/dev/null
		. "$1"
		make -s -C "$KDIR" M="$REPO" W=1 modules
	)
}

# A test module built for the kernel of KVER $1 (not left over from
# another tier's build).
kunit_built() {
	[ -e "$REPO/$2" ] &&
		[ "$(modinfo -F vermagic "$REPO/$2" | cut -d' ' -f1)" = "$1" ]
}

# The KUnit suites run when their module loads; debugfs has their KTAP.
# Every test module built for this tier's kernel, with its suites.
kunit_stage() {
	local env=$1 kver args mods=() suites=()
	# shellcheck source=/dev/null
	kver=$(. "$env" && echo "$KVER")
	if kunit_built "$kver" drm_vgem_plus/drm_vgem_plus_kunit.ko; then
		mods+=(drm_vgem_plus/drm_vgem_plus_kunit.ko)
		suites+=(drm_vgem_plus)
	fi
	if kunit_built "$kver" drm_display/drm_display_kunit.ko; then
		mods+=(drm_display/drm_display_kunit.ko)
		suites+=(drm_display_formats drm_display_dumb drm_display_fb
			 drm_display_fence_policy drm_display_fence_stats
			 drm_display_pixels drm_display_blend drm_display_compose)
	fi
	[ ${#mods[@]} -gt 0 ] || return 0
	mapfile -t args < <(kernel_module_args "$env"; module_args "${mods[@]}")
	stage "$2-kunit" "$REPO/tools/vm/vm-run" --kernel-env "$env" \
		--outdir "$O/vm/$2-kunit" "${args[@]}" -- \
		"$REPO/tools/vm/kunit-results" "${suites[@]}"
}

FUZZ_SEED=${FUZZ_SEED:-20261121}
FUZZ_OPS=${FUZZ_OPS:-150000}
FUZZ_DEBUG_OPS=${FUZZ_DEBUG_OPS:-30000}

# Both drivers at once; a failure prints the command that replays it.
# $3: on the debug kernel, the module whose allocations failslab fails.
fuzz_run() {
	local env=$1 name=$2 args opts=(--ops "$FUZZ_OPS")
	mapfile -t args < <(kernel_module_args "$env"; module_args)
	if [ -n "${3:-}" ]; then
		# drm_fuzz tells vm-run which kernel log lines it causes.
		opts=(--ops "$FUZZ_DEBUG_OPS" --failslab 5
		      --failslab-module "$3" --kmemleak)
		args+=(--timeout 1800)
	fi
	stage "$name" "$REPO/tools/vm/vm-run" --kernel-env "$env" \
		--outdir "$O/vm/$name" "${args[@]}" -- \
		"$REPO/tools/fuzz/run.sh" --seed "$FUZZ_SEED" "${opts[@]}"
}

# The debug kernel: one boot per module under fault injection.
fuzz_stage() {
	local m
	if ! grep -q '^KMODDIR=' "$1"; then
		fuzz_run "$1" "$2-fuzz"
		return
	fi
	for m in drm_vgem_plus drm_display; do
		fuzz_run "$1" "$2-fuzz-${m#drm_}" "$m"
	done
}

tier() {
	local name=$1 env=$2 args wrap=() runner=()
	if ! build_modules "$env"; then
		echo "=== $name: module build failed: counted as 1 failure"
		FAILED=$((FAILED + 1))
		return
	fi
	mapfile -t args < <(kernel_module_args "$env"; module_args)
	# The debug kernel: slower (kmscube takes 90 s of a subtest's 300 s
	# when the host is busy), and a kmemleak scan ends the run.
	if grep -q '^KMODDIR=' "$env"; then
		args+=(--timeout 2400)
		runner=(--timeout 300)
		wrap=("$REPO/tools/debug-kernel/leak-check" --rmmod drm_display
		      --rmmod drm_vgem_plus --)
	fi
	stage "$name" "$REPO/tools/vm/vm-run" --kernel-env "$env" \
		--outdir "$O/vm/check-$name" "${args[@]}" -- \
		${wrap[@]+"${wrap[@]}"} "$REPO/tools/vm/igt-run" \
		--results "$O/results-$name.json" ${runner[@]+"${runner[@]}"} \
		--allow-file "$REPO/igt-tests/kernel-log-allow.txt" "${TESTS[@]}"
	kunit_stage "$env" "$name"
	fuzz_stage "$env" "$name"
}

mkdir -p "$O"
stage host bash "$REPO/igt-tests/selftest/run.sh" "$O/selftest"
stage host-dmabuf bash "$REPO/tools/dmabuf/tests/run.sh" "$O"

mapfile -t TESTS < <(test_binaries)
# igt_kmod_load() in the unload tests reloads the modules from these.
export IGT_KMOD_DIR=$REPO/drm_vgem_plus:$REPO/drm_display
for t in $TIERS; do
	case $t in
	debian) tier debian "$O/kernel.env" ;;
	debug) tier debug "$O/kernel-debug.env" ;;
	*) echo "=== unknown tier $t: counted as 1 failure"; FAILED=$((FAILED + 1)) ;;
	esac
done
# Leave the modules built for the Debian kernel, as "make" does.
[ "$TIERS" = debian ] || build_modules "$O/kernel.env" || FAILED=$((FAILED + 1))
rm -f "$REPO/drm_vgem_plus/drm_vgem_plus_kunit.ko" \
	"$REPO/drm_display/drm_display_kunit.ko"

echo "results: $O/results-*.json, guest kernel logs: $O/vm/check-*/kernel.log"
echo "check: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
