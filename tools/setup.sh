#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Idempotent set-up: install the Debian packages the project needs (only the
# missing ones), pin one 6.12 kernel ABI (image + headers + matching source),
# extract the kernel source once (checkpatch, upstream vkms) and write
# build/kernel.env for the Makefile and tools/vm/vm-run.
#
# Usage: tools/setup.sh [KERNEL_ENV_FILE]
#   KERNEL_ENV_FILE defaults to $KERNEL_ENV, then <repo>/build/kernel.env.
#   DRM_LAB_CACHE overrides the cache dir for the extracted source.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENV_FILE=${1:-${KERNEL_ENV:-$REPO/build/kernel.env}}
CACHE=${DRM_LAB_CACHE:-/var/cache/drm-prime-lab}
SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
APT_LOG=${TMPDIR:-/tmp}/drm-prime-lab-setup-apt.log

# Everything except the kernel set, which is resolved separately.
TOOL_PKGS=(qemu-system-x86 busybox-static cpio xz-utils libdrm-dev pkg-config
	   sparse build-essential kmscube libgl1-mesa-dri bc flex bison libelf-dev kmod
	   libpng-dev)

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# Print "pkg version" for each given package that dpkg has fully installed.
installed_versions() {
	dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version}\n' "$@" \
		2>/dev/null | awk '$2 == "ii" { print $1, $3 }' || true
}

installed_version() {
	installed_versions "$1" | awk -v p="$1" '$1 == p { print $2 }'
}

# apt writes a lot; keep it in a log and show the tail only when it fails.
apt_run() {
	[ "$(id -u)" -eq 0 ] || die "need root to run apt-get $* (or install it by hand)"
	if ! apt-get -q -y -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "$@" </dev/null >>"$APT_LOG" 2>&1; then
		tail -n 30 "$APT_LOG" >&2
		die "apt-get $1 failed (full log: $APT_LOG)"
	fi
}

apt_update_once() {
	[ "$APT_UPDATED" -eq 0 ] || return 0
	say "apt-get update"
	: >"$APT_LOG"
	apt_run update
	APT_UPDATED=1
}

apt_install() {
	[ $# -gt 0 ] || return 0
	apt_update_once
	say "installing $*"
	apt_run install --no-install-recommends --allow-downgrades "$@"
}

# True when PKG at exactly VERSION is known to apt (archive or installed).
apt_has() {
	apt-cache show --no-all-versions "$1=$2" >/dev/null 2>&1
}

# Installed image for KVER: the -unsigned package, or the signed one.
image_version() {
	local v
	v=$(installed_version "linux-image-$1-unsigned")
	[ -n "$v" ] || v=$(installed_version "linux-image-$1")
	echo "$v"
}

# Newest installed ABI whose headers, image and linux-source-6.12 share one
# package version: "KVER PKGVER", or nothing.
installed_kernel_set() {
	local name ver kver srcver
	srcver=$(installed_version linux-source-6.12)
	[ -n "$srcver" ] || return 0
	while read -r name ver; do
		kver=${name#linux-headers-}
		[ "$(image_version "$kver")" = "$ver" ] || continue
		[ "$srcver" = "$ver" ] || continue
		[ -e "/boot/vmlinuz-$kver" ] || continue
		[ -d "/lib/modules/$kver/build" ] || continue
		echo "$kver $ver"
		return 0
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Version}\n' \
			'linux-headers-6.12.*+deb12-amd64' 2>/dev/null |
		 awk '$2 == "ii" { print $1, $3 }' | sort -t' ' -k2,2Vr)
}

# Newest ABI available from apt with a matching -unsigned image and source.
# An installed ABI (headers present) is preferred so a partial set gets
# completed instead of upgraded.
resolve_kernel_set() {
	local name ver kver
	while read -r name; do
		kver=${name#linux-headers-}
		while read -r ver; do
			apt_has "linux-image-$kver-unsigned" "$ver" || continue
			apt_has linux-source-6.12 "$ver" || continue
			echo "$kver $ver"
			return 0
		done < <(apt-cache madison "$name" | awk -F' [|] ' '{ print $2 }' | sort -Vr)
	done < <({ installed_versions 'linux-headers-6.12.*+deb12-amd64' | awk '{ print $1 }'
		   apt-cache pkgnames linux-headers-6.12. |
			grep -E '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' | sort -Vr; } |
		 awk '!seen[$0]++')
}

ensure_kernel() {
	local set
	set=$(installed_kernel_set)
	if [ -z "$set" ]; then
		apt_update_once
		set=$(resolve_kernel_set)
		[ -n "$set" ] || die "no linux-headers-6.12.*+deb12-amd64 with matching -unsigned image and linux-source-6.12 in apt"
		read -r KVER KPKGVER <<<"$set"
		local pkgs=() p
		[ "$(image_version "$KVER")" = "$KPKGVER" ] ||
			pkgs+=("linux-image-$KVER-unsigned=$KPKGVER")
		for p in "linux-headers-$KVER" linux-source-6.12; do
			[ "$(installed_version "$p")" = "$KPKGVER" ] || pkgs+=("$p=$KPKGVER")
		done
		apt_install "${pkgs[@]}"
		set=$(installed_kernel_set)
		[ "$set" = "$KVER $KPKGVER" ] || die "kernel set $KVER ($KPKGVER) still incomplete after install"
	fi
	read -r KVER KPKGVER <<<"$set"
}

ensure_tools() {
	local missing=() p have
	have=$(installed_versions "${TOOL_PKGS[@]}" | awk '{ print $1 }')
	for p in "${TOOL_PKGS[@]}"; do
		grep -qx -- "$p" <<<"$have" || missing+=("$p")
	done
	apt_install "${missing[@]}"
}

# A source tree is usable when it is the same upstream release and has what
# the project uses from it.
source_tree_ok() {
	local dir=$1 upstream=${KPKGVER%%-*} v
	[ -f "$dir/scripts/checkpatch.pl" ] || return 1
	[ -d "$dir/drivers/gpu/drm/vkms" ] || return 1
	v=$(awk -F' = ' '$1 == "VERSION" { a = $2 } $1 == "PATCHLEVEL" { b = $2 }
		$1 == "SUBLEVEL" { c = $2 } END { print a "." b "." c }' "$dir/Makefile")
	[ "$v" = "$upstream" ]
}

ensure_source() {
	if source_tree_ok /usr/src/linux-source-6.12; then
		KSRC=/usr/src/linux-source-6.12
		return 0
	fi
	KSRC=$CACHE/linux-source-$KPKGVER
	[ -f "$KSRC/.extracted" ] && return 0
	[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing (linux-source-6.12 not installed?)"
	say "extracting $SRC_TARBALL to $KSRC (once)"
	mkdir -p "$CACHE"
	local tmp
	tmp=$(mktemp -d "$CACHE/extract.XXXXXX")
	# Extract beside the final place, then rename: an interrupted run leaves
	# no half tree that looks complete.
	tar -C "$tmp" -xJf "$SRC_TARBALL"
	rm -rf "$KSRC"
	mv "$tmp/linux-source-6.12" "$KSRC"
	rmdir "$tmp"
	source_tree_ok "$KSRC" || die "extracted tree $KSRC does not match $KPKGVER"
	touch "$KSRC/.extracted"
}

# Rewrite the env file only when it changes so make sees a stable mtime.
write_env() {
	local tmp
	mkdir -p "$(dirname "$ENV_FILE")"
	tmp=$(mktemp "$ENV_FILE.XXXXXX")
	cat >"$tmp" <<EOF
# Generated by tools/setup.sh; do not edit.
KVER=$KVER
KDIR=/lib/modules/$KVER/build
KIMAGE=/boot/vmlinuz-$KVER
KSRC=$KSRC
KPKGVER=$KPKGVER
EOF
	if cmp -s "$tmp" "$ENV_FILE"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$ENV_FILE"
	fi
}

main() {
	[ $# -le 1 ] || die "usage: $0 [KERNEL_ENV_FILE]"
	ensure_tools
	ensure_kernel
	ensure_source
	write_env
	say "kernel $KVER (package $KPKGVER), source $KSRC"
}

# Sourcing (for tests) defines the functions without running anything.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
