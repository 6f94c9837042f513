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
# About 3 to 6 frames a second under TCG: half a minute or so.
KMSCUBE_FRAMES=120
# Grab kmscube's picture after this many of its flips.
GRABS=(30 65 100)
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

# While kmscube runs, grab its picture after GRABS[i] of its flips.
grab_while_running() { # pid card flips-before
	local pid=$1 card=$2 base=$3 i=0 n brief=()
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "${#GRABS[@]}" ]; do
		n=$(($(flips "$card") - base))
		if [ "$n" -ge "${GRABS[$i]}" ]; then
			"$KMS_GRAB" ${brief[@]+"${brief[@]}"} \
				"$OUT/kmscube/flip-${GRABS[$i]}.png" || return 1
			brief=(--brief)
			i=$((i + 1))
		fi
		sleep 0.5
	done
	[ "$i" -eq "${#GRABS[@]}" ]
}

kmscube_part() {
	local card base pid rc grabbed=0
	part "5/5 kmscube on drm_display, $KMSCUBE_FRAMES frames rendered by mesa's llvmpipe (kms_swrast)"
	card=$(display_card) || { echo "no drm_display card"; return 1; }
	mkdir -p "$OUT/kmscube"
	base=$(flips "$card")
	# Debian's kmscube quits when stdin is readable: a silent pipe.
	"$KMSCUBE" -D "$card" -c "$KMSCUBE_FRAMES" < <(sleep 3600) \
		>"$OUT/kmscube/kmscube.log" 2>&1 &
	pid=$!
	grab_while_running "$pid" "$card" "$base" && grabbed=1
	wait "$pid"
	rc=$?
	grep -m1 -E '^ *(GL_RENDERER|renderer)' "$OUT/kmscube/kmscube.log"
	grep -E '^Rendered' "$OUT/kmscube/kmscube.log" | tail -n 1
	echo "kmscube: exit $rc; drm_display counted $(($(flips "$card") - base)) flips on crtc-0 (the modeset and the last buffer's removal included); output in $OUT/kmscube/kmscube.log"
	[ "$rc" -eq 0 ] && [ "$grabbed" -eq 1 ]
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
