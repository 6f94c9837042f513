#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel tier (lockdep, KASAN, kmemleak, debug objects,
# fault injection, sw_sync, dma-buf sysfs stats, KUnit; upstream vgem and
# vkms as modules) from the pinned Debian linux-source-6.12, once per
# source version and config, into a cache outside the checkout, and write a
# kernel env file for the Makefile (KDIR=) and tools/vm/vm-run
# (--kernel-env).
#
# Usage: tools/debug-kernel/build.sh [KERNEL_ENV_OUT]
#   KERNEL_ENV_OUT   env file to write, default <repo>/build/kernel-debug.env
#   BASE_KERNEL_ENV  env file of tools/setup.sh to read KSRC and KPKGVER
#                    from, default <repo>/build/kernel.env
#   DRM_LAB_CACHE    cache root, default /var/cache/drm-prime-lab
#
# Config: "make ARCH=x86_64 tinyconfig" + tools/debug-kernel/debug.config (merged with
# scripts/kconfig/merge_config.sh); every symbol of the fragment is checked
# in the final .config and one that Kconfig dropped fails the build.
# Cache: $DRM_LAB_CACHE/debug-kernel/<KPKGVER>-<hash>/ where hash covers
# the fragment and this script:
#   build/      the O= build dir (KDIR: out-of-tree modules build against it)
#   root/lib/modules/<KVER>/   modules_install output (vgem.ko, vkms.ko)
#   .complete   written last; a cache dir without it is resumed.
# The source tree ($KSRC) is only read.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FRAGMENT=$HERE/debug.config
BASE_ENV=${BASE_KERNEL_ENV:-$REPO/build/kernel.env}
OUT_ENV=${1:-$REPO/build/kernel-debug.env}
CACHE_ROOT=${DRM_LAB_CACHE:-/var/cache/drm-prime-lab}/debug-kernel
# Guest memory vm-run uses for this kernel unless --mem is given: KASAN
# takes 1/8 of it for shadow memory, kmemleak and lockdep take more.
VM_MEM=3072
# Appended to vm-run's kernel command line for this kernel.
# acpi=noirq: PCI interrupt routing from the BIOS table instead of ACPI
# _PRT; the AML interpreter, instrumented by KASAN, lockdep and kmemleak,
# takes ~15 s under TCG per virtio device (a minute per boot, and an RCU
# stall report on the way).
# kasan_multi_shot: report every KASAN bug, not only the first one, so
# igt-run can blame each subtest for its own.
VM_CMDLINE="acpi=noirq kasan_multi_shot"

START=$SECONDS

say() { echo "debug-kernel: $*"; }
die() { echo "debug-kernel: error: $*" >&2; exit 1; }

# Build dependencies beyond tools/setup.sh's TOOL_PKGS: installed only when
# missing (MODULE_SIG and the system keyring are off, so no libssl-dev;
# DEBUG_INFO_BTF is off, so no pahole).
ensure_build_deps() {
	local missing=() need
	# "file-or-command:package"
	for need in gcc:build-essential make:build-essential flex:flex \
		    bison:bison bc:bc perl:perl-base depmod:kmod gzip:gzip \
		    /usr/include/gelf.h:libelf-dev; do
		case ${need%%:*} in
		/*) [ -e "${need%%:*}" ] && continue ;;
		*) command -v "${need%%:*}" >/dev/null && continue ;;
		esac
		missing+=("${need#*:}")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	[ "$(id -u)" -eq 0 ] || die "missing build dependencies: ${missing[*]} (need root to apt-get install them)"
	say "installing missing build dependencies: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends \
		"${missing[@]}" </dev/null >"${TMPDIR:-/tmp}/drm-prime-lab-debug-kernel-apt.log" 2>&1 ||
		{ tail -n 30 "${TMPDIR:-/tmp}/drm-prime-lab-debug-kernel-apt.log" >&2
		  die "apt-get install ${missing[*]} failed"; }
}

load_base_env() {
	[ -r "$BASE_ENV" ] || die "$BASE_ENV missing: run tools/setup.sh first"
	# shellcheck source=/dev/null
	KSRC=$(. "$BASE_ENV" && echo "${KSRC:-}")
	# shellcheck source=/dev/null
	KPKGVER=$(. "$BASE_ENV" && echo "${KPKGVER:-}")
	[ -n "$KSRC" ] || die "$BASE_ENV: no KSRC"
	[ -n "$KPKGVER" ] || die "$BASE_ENV: no KPKGVER"
	[ -f "$KSRC/Makefile" ] || die "$KSRC is not a kernel source tree"
	# O= builds refuse a source tree that has been configured in place.
	if [ -e "$KSRC/.config" ] || [ -d "$KSRC/include/config" ]; then
		die "$KSRC has been configured in place (make mrproper there, or extract a fresh copy)"
	fi
}

# Cache key: the config fragment and this script (which holds the build
# steps); the source version is in the directory name.
cache_dir() {
	local hash
	hash=$(cat "$FRAGMENT" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)
	echo "$CACHE_ROOT/$KPKGVER-$hash"
}

kmake() { # log-file make-args...
	local log=$1
	shift
	if ! make -C "$KSRC" O="$BUILD" "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "make $* failed (full log: $log)"
	fi
}

# Every CONFIG_X=v line of the fragment must be in the final .config, every
# "# CONFIG_X is not set" must not be set there.
check_config() { # .config
	local line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$1" && continue
			sym=${line%%=*}
			echo "  wanted $line, got: $(grep -E "^(# )?${sym}[= ]" "$1" || echo "(not visible)")" >&2
			bad=1 ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$1" || continue
			echo "  wanted $line, got: $(grep "^$sym=" "$1")" >&2
			bad=1 ;;
		esac
	done <"$FRAGMENT"
	[ "$bad" -eq 0 ] || die "Kconfig dropped or changed the symbols above (missing dependencies?)"
}

# tinyconfig + fragment in a scratch O= dir, checked, then copied into the
# build dir only when it changed (an unchanged .config keeps a resumed or
# finished build incremental).
configure() {
	local gen=$DIR/config-gen
	say "config: tinyconfig + ${FRAGMENT#"$REPO"/} (log: $DIR/config.log)"
	rm -rf "$gen"
	mkdir -p "$gen" "$BUILD"
	: >"$DIR/config.log"
	# ARCH=x86_64: a 64-bit tinyconfig (plain x86 gives a 32-bit one whose
	# values, FRAME_WARN for one, the merge would keep).
	make -C "$KSRC" O="$gen" ARCH=x86_64 tinyconfig >>"$DIR/config.log" 2>&1 ||
		{ tail -n 20 "$DIR/config.log" >&2; die "make tinyconfig failed"; }
	(cd "$gen" && "$KSRC/scripts/kconfig/merge_config.sh" -O "$gen" \
		"$gen/.config" "$FRAGMENT") >>"$DIR/config.log" 2>&1 ||
		{ tail -n 20 "$DIR/config.log" >&2; die "merge_config.sh failed"; }
	check_config "$gen/.config"
	cmp -s "$gen/.config" "$BUILD/.config" || cp "$gen/.config" "$BUILD/.config"
	rm -rf "$gen"
	kmake "$DIR/config.log" olddefconfig
	check_config "$BUILD/.config"
}

write_env() {
	local tmp
	mkdir -p "$(dirname "$OUT_ENV")"
	tmp=$(mktemp "$OUT_ENV.XXXXXX")
	cat >"$tmp" <<EOF
# Generated by tools/debug-kernel/build.sh; do not edit.
KVER=$KVER
KDIR=$BUILD
KIMAGE=$BUILD/arch/x86/boot/bzImage
KSRC=$KSRC
KPKGVER=$KPKGVER
KMODDIR=$DIR/root
VM_MEM=$VM_MEM
VM_CMDLINE="$VM_CMDLINE"
EOF
	if cmp -s "$tmp" "$OUT_ENV"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$OUT_ENV"
	fi
}

build() {
	local jobs t
	jobs=$(nproc)
	configure
	say "build: make -j$jobs bzImage modules (log: $DIR/build.log)"
	t=$SECONDS
	: >"$DIR/build.log"
	kmake "$DIR/build.log" -j"$jobs" all
	say "build: took $((SECONDS - t)) s"
	KVER=$(make -s -C "$KSRC" O="$BUILD" kernelrelease 2>/dev/null)
	[ -n "$KVER" ] || die "no kernel release string"
	say "modules_install: $DIR/root/lib/modules/$KVER"
	rm -rf "$DIR/root"
	kmake "$DIR/build.log" INSTALL_MOD_PATH="$DIR/root" modules_install
	[ -f "$DIR/root/lib/modules/$KVER/modules.dep" ] || die "modules_install left no modules.dep"
	local m
	for m in vgem vkms; do
		[ -n "$(find "$DIR/root/lib/modules/$KVER" -name "$m.ko*")" ] || die "no $m module installed"
	done
	echo "$KVER" >"$DIR/kernelrelease"
	touch "$DIR/.complete"
}

main() {
	[ $# -le 1 ] || die "usage: $0 [KERNEL_ENV_OUT]"
	load_base_env
	DIR=$(cache_dir)
	BUILD=$DIR/build
	mkdir -p "$CACHE_ROOT" || die "cannot create $CACHE_ROOT"
	# One build per cache dir at a time; a second caller waits, then
	# finds it complete.
	exec 9>"$CACHE_ROOT/.lock"
	flock 9
	if [ -f "$DIR/.complete" ]; then
		KVER=$(cat "$DIR/kernelrelease")
		say "cached: $DIR (kernel $KVER)"
	else
		say "building kernel $KPKGVER from $KSRC into $DIR"
		ensure_build_deps
		mkdir -p "$DIR"
		build
	fi
	write_env
	say "kernel $KVER, env ${OUT_ENV#"$REPO"/}, total $((SECONDS - START)) s"
}

main "$@"
