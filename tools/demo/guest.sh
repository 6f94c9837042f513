#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest's part of "make demo" (tools/demo.sh boots it with
# drm_vgem_plus and drm_display, fence_timeout_ms=1000): the zero-copy
# demo four ways, then kmscube on drm_display, with pictures of what the
# display showed under OUT_DIR.
#
# Usage: tools/demo/guest.sh BUILD_DIR OUT_DIR
set -uo pipefail

O=$1
OUT=$2
ZERO_COPY=$O/tools/zero_copy
KMS_GRAB=$O/tools/kms_grab
KMSCUBE=/usr/bin/kmscube
# About 3 to 6 frames a second under TCG: a minute or so in all.
KMSCUBE_FRAMES=200
# The textured modes import a buffer of kmscube's back as a texture.
KMSCUBE_TEXTURED_FRAMES=100
RESULTS=()

part() { echo; echo "--- $*"; }

# Runs a part; its result goes to the summary.
run() { # name cmd...
	local name=$1 rc
	shift
	"$@"
	rc=$?
	RESULTS+=("$name: $([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)")")
}

zero_copy_parts() {
	part "1/5 zero_copy: implicit sync, flat out"
	run implicit "$ZERO_COPY" --frames 120 --captures 8 --png "$OUT/implicit"
	part "2/5 zero_copy: each fence signalled 100 ms late, so each flip waits"
	run late "$ZERO_COPY" --brief --frames 10 --late 100 --captures 4 \
		--png "$OUT/late"
	part "3/5 zero_copy: explicit sync, the fence as IN_FENCE_FD"
	run explicit "$ZERO_COPY" --brief --frames 60 --sync=explicit \
		--captures 4 --png "$OUT/explicit"
	part "4/5 zero_copy: frame 10's fence never signals"
	run hang "$ZERO_COPY" --brief --frames 20 --hang=10 --captures 4 \
		--png "$OUT/hang"
}

# drm_display's card, by driver name.
display_card() {
	local c
	for c in /sys/class/drm/card[0-9]*; do
		[ "$(basename "$(readlink -f "$c/device/driver")")" = drm_display ] &&
			{ echo "/dev/dri/${c##*/}"; return 0; }
	done
	return 1
}

# Flips counted on crtc-0 of drm_display (debugfs of card N is dri/N).
flips() {
	awk '$2 == "crtc-0" { print $6 }' "/sys/kernel/debug/dri/${1#/dev/dri/card}/crtcs"
}

# While kmscube runs, grab its picture after each of these many flips.
grab_while_running() { # pid card flips-before name flips...
	local pid=$1 card=$2 base=$3 name=$4 n brief=()
	shift 4
	while kill -0 "$pid" 2>/dev/null && [ $# -gt 0 ]; do
		n=$(($(flips "$card") - base))
		if [ "$n" -ge "$1" ]; then
			"$KMS_GRAB" ${brief[@]+"${brief[@]}"} \
				"$OUT/kmscube/$name-flip-$1.png" || return 1
			brief=(--brief)
			shift
		fi
		sleep 0.5
	done
	[ $# -eq 0 ]
}

# One kmscube run: mode, frames, then the flips to grab the screen at.
kmscube_run() {
	local mode=$1 frames=$2 card base pid rc grabbed=0 log
	shift 2
	card=$(display_card) || { echo "no drm_display card"; return 1; }
	log=$OUT/kmscube/$mode.log
	base=$(flips "$card")
	# Debian's kmscube quits when stdin is readable: a silent pipe.
	# GALLIUM_OVERRIDE_CPU_CAPS: llvmpipe's AVX2 texture gathers can
	# fault under TCG (Documentation/drm_display.rst).
	GALLIUM_OVERRIDE_CPU_CAPS=$([ "$mode" = rgba ] && echo sse4.1) \
		"$KMSCUBE" -D "$card" -M "$mode" -c "$frames" < <(sleep 3600) \
		>"$log" 2>&1 &
	pid=$!
	grab_while_running "$pid" "$card" "$base" "$mode" "$@" && grabbed=1
	wait "$pid"
	rc=$?
	grep -E '^Rendered' "$log" | tail -n 1
	echo "kmscube -M $mode: exit $rc; drm_display counted $(($(flips "$card") - base)) flips on crtc-0 (the modeset and the last buffer's removal included); output in $log"
	[ "$rc" -eq 0 ] && [ "$grabbed" -eq 1 ]
}

kmscube_part() {
	local t=$KMSCUBE_TEXTURED_FRAMES
	part "5/5 kmscube on drm_display, rendered by mesa's llvmpipe (kms_swrast): $KMSCUBE_FRAMES frames smooth shaded, $t frames each textured from one of its buffers (rgba) and from two NV12 images (nv12-2img)"
	mkdir -p "$OUT/kmscube"
	kmscube_run smooth "$KMSCUBE_FRAMES" 40 110 180 || return 1
	grep -m1 -E '^ *(GL_RENDERER|renderer)' "$OUT/kmscube/smooth.log"
	kmscube_run rgba "$t" $((t / 2)) || return 1
	kmscube_run nv12-2img "$t" $((t / 2))
}

rm -rf "$OUT"
mkdir -p "$OUT"
zero_copy_parts
run kmscube kmscube_part

echo
echo "--- summary"
failed=0
for r in "${RESULTS[@]}"; do
	echo "demo: $r"
	case $r in *FAILED*) failed=1 ;; esac
done
exit "$failed"
