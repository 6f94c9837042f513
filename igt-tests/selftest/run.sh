#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Host-side self test of the IGT-compatible harness in igt-tests/lib (no
# device, no VM).  Builds the st_*.c programs into OUTDIR, runs them and
# checks the IGT test-binary protocol exactly.
#
# usage: run.sh OUTDIR
# Prints "ok NAME" / "FAIL NAME" (with "#" detail lines) per check and ends
# with "N passed, N failed"; exits 1 if any check failed.
# Env: CC (default gcc), UAPI_DIR (dir of vgem_plus_drm.h, default
# <checkout>/uapi/drm; igt_vgem/igt.h are only compile-checked if present).

set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$HERE/../lib
UAPI_DIR=${UAPI_DIR:-$HERE/../../uapi/drm}
mkdir -p "$1" || exit 2
OUT=$(cd "$1" && pwd)
BIN=$OUT/bin
RUNS=$OUT/runs
rm -rf "$BIN" "$RUNS"
mkdir -p "$BIN/obj" "$RUNS"

CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O2 -g $(pkg-config --cflags libdrm)"
LIBS=$(pkg-config --libs libdrm 2>/dev/null || echo -ldrm)

RESULT_RE='^Subtest [a-z0-9_-]+: (SUCCESS|FAIL|SKIP) \([0-9]+\.[0-9]{3}s\)$'

passed=0
failed=0

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}

bad() {
	local l
	echo "FAIL $1"
	shift
	for l in "$@"; do
		echo "#   $l"
	done
	failed=$((failed + 1))
}

# report NAME [PROBLEM...]: ok if no problems were collected
report() {
	local name=$1
	shift
	if [ $# -eq 0 ]; then ok "$name"; else bad "$name" "$@"; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# run ID CMD...: runs CMD with stdin from /dev/null, stores ID.out/.err/.rc
run() {
	local id=$1
	shift
	# subshell: keeps bash's "Killed"/"Aborted" job notices off our output
	(
		"$@" >"$RUNS/$id.out" 2>"$RUNS/$id.err" </dev/null
		echo $? >"$RUNS/$id.rc"
	) 2>/dev/null
}

# protocol lines of a run, times stripped, joined with '|'
proto() {
	grep -E '^(Starting subtest: |Subtest )' "$RUNS/$1.out" |
		sed -E 's/ \([0-9]+\.[0-9]{3}s\)$//' | paste -sd '|' -
}

# expected protocol: RESULT:name = started subtest with that result,
# =RESULT:name = result line only (subtest skipped/failed by a fixture)
seq_of() {
	local it lines=()
	for it in "$@"; do
		if [ "${it:0:1}" = "=" ]; then
			it=${it:1}
			lines+=("Subtest ${it#*:}: ${it%%:*}")
		else
			lines+=("Starting subtest: ${it#*:}" "Subtest ${it#*:}: ${it%%:*}")
		fi
	done
	local IFS='|'
	echo "${lines[*]}"
}

# check NAME ID RC PROTO [SPEC...]
#   RC: expected exit code; PROTO: expected proto() output or "-" to ignore
#   SPEC: [!]out:ERE or [!]err:ERE -- stdout/stderr must (not) have a
#   line matching ERE
check() {
	local name=$1 id=$2 want_rc=$3 want_proto=$4
	shift 4
	local probs=() got spec neg stream re badfmt

	got=$(cat "$RUNS/$id.rc")
	[ "$got" = "$want_rc" ] || probs+=("exit code $got, want $want_rc")
	if [ "$want_proto" != "-" ]; then
		got=$(proto "$id")
		[ "$got" = "$want_proto" ] ||
			probs+=("protocol lines: got [$got]" "              want [$want_proto]")
	fi
	badfmt=$(grep -E '^Subtest ' "$RUNS/$id.out" | grep -Ev "$RESULT_RE")
	[ -z "$badfmt" ] || probs+=("malformed result line: $badfmt")

	for spec in "$@"; do
		neg=false
		if [ "${spec:0:1}" = "!" ]; then
			neg=true
			spec=${spec:1}
		fi
		stream=${spec%%:*}
		re=${spec#*:}
		if grep -Eq -- "$re" "$RUNS/$id.$stream"; then
			$neg && probs+=("std$stream unexpectedly matches /$re/")
		else
			$neg || probs+=("std$stream lacks /$re/")
		fi
	done
	report "$name" ${probs[@]+"${probs[@]}"}
}

# ---------------------------------------------------------------- build
build_log=$OUT/build.log
: >"$build_log"
build_ok=true
for src in igt_core drmtest igt_kmod; do
	$CC $CFLAGS -I"$LIB" -c -o "$BIN/obj/$src.o" "$LIB/$src.c" >>"$build_log" 2>&1 ||
		build_ok=false
done
rm -f "$BIN/libigt-st.a"
ar rcs "$BIN/libigt-st.a" "$BIN"/obj/*.o >>"$build_log" 2>&1 || build_ok=false
for t in st_basic st_fixture st_exit st_badname st_drm; do
	$CC $CFLAGS -I"$LIB" -o "$BIN/$t" "$HERE/$t.c" "$BIN/libigt-st.a" $LIBS \
		>>"$build_log" 2>&1 || build_ok=false
done
if $build_ok && [ ! -s "$build_log" ]; then
	ok build
else
	bad build "see $build_log:" "$(head -20 "$build_log")"
	finish
fi

if [ -f "$UAPI_DIR/vgem_plus_drm.h" ]; then
	printf '%s\n' '// SPDX-License-Identifier: MIT' '#include "igt.h"' \
		'igt_main { igt_subtest("x") { vgem_fence_signal(-1, 0); } }' >"$BIN/obj/st_igt_h.c"
	: >"$OUT/build-vgem.log"
	if $CC $CFLAGS -I"$LIB" -I"$UAPI_DIR" -c -o "$BIN/obj/igt_vgem.o" "$LIB/igt_vgem.c" \
		>>"$OUT/build-vgem.log" 2>&1 &&
	   $CC $CFLAGS -I"$LIB" -I"$UAPI_DIR" -o "$BIN/st_igt_h" "$BIN/obj/st_igt_h.c" \
		"$BIN/obj/igt_vgem.o" "$BIN/libigt-st.a" $LIBS >>"$OUT/build-vgem.log" 2>&1 &&
	   [ ! -s "$OUT/build-vgem.log" ]; then
		ok build-igt-vgem
	else
		bad build-igt-vgem "$(head -20 "$OUT/build-vgem.log")"
	fi
else
	echo "# skipped build-igt-vgem: $UAPI_DIR/vgem_plus_drm.h not found"
fi

B=$BIN/st_basic
F=$BIN/st_fixture
P_B='^\(st_basic:[0-9]+\) CRITICAL: '	# critical log prefix
P_F='^\(st_fixture:[0-9]+\) CRITICAL: '

# ---------------------------------------------------------------- listing
BASIC_NAMES="pass-a fail-assert fail-assert-f fail-assert-eq fail-assert-neq
fail-assert-eq-u32 fail-assert-eq-u64 fail-assert-lt fail-assert-lte fail-fail-on
fail-fail-on-f fail-igt-fail fail-in-helper skip-require skip-require-f skip-skip
skip-skip-on skip-skip-on-f fork-ok fork-fail until-timeout warn-only dyn-name-0
dyn-name-1 dyn-name-2 pass-b"
FIXTURE_NAMES="top-pass grp-skip-a grp-skip-b grp-nested-skip after-skip-group
grp-fail-a after-fail-group after-top-skip"

list_check() {
	local name=$1 id=$2 names=$3 probs=()
	[ "$(cat "$RUNS/$id.rc")" = 0 ] || probs+=("exit code $(cat "$RUNS/$id.rc"), want 0")
	[ "$(cat "$RUNS/$id.out")" = "$(printf '%s\n' $names)" ] ||
		probs+=("stdout: $(paste -sd ' ' "$RUNS/$id.out")")
	[ ! -s "$RUNS/$id.err" ] || probs+=("stderr not empty: $(head -3 "$RUNS/$id.err")")
	report "$name" ${probs[@]+"${probs[@]}"}
}

run list-basic "$B" --list-subtests
list_check list-subtests-exact list-basic "$BASIC_NAMES"
# st_fixture prints FIXTURE-TOP from a fixture: must not appear when listing
run list-fixture "$F" --list-subtests
list_check list-subtests-no-fixtures list-fixture "$FIXTURE_NAMES"

run describe-one "$B" --describe=pass-a
check describe-pattern describe-one 0 "" \
	'out:^SUB pass-a .*st_basic\.c:[0-9]+:$' 'out:^  Desc of pass-a$' '!out:^SUB fail' \
	'!out:^IGT-Version'
run describe-all "$F" --describe
check describe-groups-no-fixtures describe-all 0 "" \
	'out:^SUB grp-nested-skip .*st_fixture\.c:[0-9]+:$' \
	'out:^  Group with a skipping fixture$' 'out:^  NO DOCUMENTATION!$' '!out:FIXTURE'

# ---------------------------------------------------------------- full runs
FULL_BASIC=$(seq_of SUCCESS:pass-a FAIL:fail-assert FAIL:fail-assert-f FAIL:fail-assert-eq \
	FAIL:fail-assert-neq FAIL:fail-assert-eq-u32 FAIL:fail-assert-eq-u64 FAIL:fail-assert-lt \
	FAIL:fail-assert-lte FAIL:fail-fail-on FAIL:fail-fail-on-f FAIL:fail-igt-fail \
	FAIL:fail-in-helper SKIP:skip-require SKIP:skip-require-f SKIP:skip-skip \
	SKIP:skip-skip-on SKIP:skip-skip-on-f SUCCESS:fork-ok FAIL:fork-fail \
	SUCCESS:until-timeout SUCCESS:warn-only SUCCESS:dyn-name-0 SUCCESS:dyn-name-1 \
	SUCCESS:dyn-name-2 SUCCESS:pass-b)
run full-basic "$B"
check full-run-basic full-basic 98 "$FULL_BASIC" \
	'out:^IGT-Version: ' '!out:NOT REACHED' '!err:NOT REACHED' '!out:debug line'

run full-fixture "$F"
check full-run-fixtures-groups full-fixture 98 \
	"$(seq_of SUCCESS:top-pass =SKIP:grp-skip-a =SKIP:grp-skip-b =SKIP:grp-nested-skip \
		SUCCESS:after-skip-group =FAIL:grp-fail-a SUCCESS:after-fail-group \
		=SKIP:after-top-skip)" \
	'out:^FIXTURE-TOP ran$' 'out:^Test requirement: 0$' 'out:^group needs feature X$' \
	'out:^top-level skip$' '!out:NOT REACHED' '!err:NOT REACHED' \
	"err:${P_F}Failed assertion: 1 == 2\$" "err:${P_F}error: 1 != 2\$" \
	'out:^Subtest grp-skip-a: SKIP \(0\.000s\)$' 'out:^Subtest grp-fail-a: FAIL \(0\.000s\)$'

# ---------------------------------------------------------------- failures
# fail_case SUBTEST [SPEC...]: run one failing subtest of st_basic alone
fail_case() {
	local st=$1
	shift
	run "basic-$st" "$B" --run-subtest "$st"
	check "fail-$st" "basic-$st" 98 "$(seq_of "FAIL:$st")" '!out:NOT REACHED' "$@"
}
HDR="err:${P_B}Test assertion failure function igt_main_body__, file .*st_basic\\.c:[0-9]+:\$"

fail_case fail-assert "$HDR" "err:${P_B}Failed assertion: x == 1\$" \
	"err:${P_B}Last errno: 22, Invalid argument\$"
fail_case fail-assert-f "$HDR" "err:${P_B}Failed assertion: fd == 0\$" \
	"err:${P_B}custom message 4242\$"
fail_case fail-assert-eq "$HDR" "err:${P_B}Failed assertion: ret == 0\$" \
	"err:${P_B}error: -22 != 0\$" '!err:Last errno'
fail_case fail-assert-neq "err:${P_B}Failed assertion: ret != 5\$" "err:${P_B}error: 5 == 5\$"
fail_case fail-assert-eq-u32 "err:${P_B}Failed assertion: v == 0xbeef\$" \
	"err:${P_B}error: 0xdead != 0xbeef\$"
fail_case fail-assert-eq-u64 "err:${P_B}Failed assertion: v == 1\$" \
	"err:${P_B}error: 0x100000000 != 0x1\$"
fail_case fail-assert-lt "err:${P_B}Failed assertion: fd < 7\$" "err:${P_B}error: 42 >= 7\$"
fail_case fail-assert-lte "err:${P_B}Failed assertion: fd <= 41\$" "err:${P_B}error: 42 > 41\$"
fail_case fail-fail-on "err:${P_B}Failed assertion: !\\(fd == 42\\)\$"
fail_case fail-fail-on-f "err:${P_B}Failed assertion: !\\(fd == 42\\)\$" "err:${P_B}fd was 42\$"
fail_case fail-igt-fail '!err:Failed assertion'
fail_case fail-in-helper \
	"err:${P_B}Test assertion failure function helper_fails, file .*st_basic\\.c:[0-9]+:\$" \
	"err:${P_B}Failed assertion: 1 \\+ 1 == 3\$" "err:${P_B}error: 2 != 3\$"
fail_case fork-fail 'out:^child 1 failed with exit status 98$' '!out:^child 0 failed' \
	"err:${P_B}Failed assertion: child == 0\$" "err:${P_B}error: 1 != 0\$"

# ---------------------------------------------------------------- skips
skip_case() {
	local st=$1
	shift
	run "basic-$st" "$B" --run-subtest "$st"
	check "skip-$st" "basic-$st" 77 "$(seq_of "SKIP:$st")" '!out:NOT REACHED' '!err:.' "$@"
}
RQ='out:^Test requirement not met in function igt_main_body__, file .*st_basic\.c:[0-9]+:$'

skip_case skip-require "$RQ" 'out:^Test requirement: fd == 0$'
skip_case skip-require-f "$RQ" 'out:^Test requirement: fd == 0$' 'out:^need fd 0$'
skip_case skip-skip 'out:^plain skip reason$'
skip_case skip-skip-on "$RQ" 'out:^Test requirement: !\(fd == 42\)$'
skip_case skip-skip-on-f "$RQ" 'out:^Test requirement: !\(fd == 42\)$' 'out:^skip-on-f says 7$'

# ---------------------------------------------------------------- passes, logging
run pass-a "$B" --run-subtest pass-a
norm=$(sed -E -e 's/ \([0-9]+\.[0-9]{3}s\)$/ (T)/' -e 's/^IGT-Version: .+/IGT-Version: V/' \
	"$RUNS/pass-a.out" | paste -sd '|' -)
want='IGT-Version: V|Starting subtest: pass-a|info line from pass-a|Subtest pass-a: SUCCESS (T)'
if [ "$norm" = "$want" ] && [ ! -s "$RUNS/pass-a.err" ] && [ "$(cat "$RUNS/pass-a.rc")" = 0 ]; then
	ok run-single-exact-output
else
	bad run-single-exact-output "rc $(cat "$RUNS/pass-a.rc"), stdout [$norm]" \
		"want [$want]" "stderr: $(head -3 "$RUNS/pass-a.err")"
fi

run debug-opt "$B" --debug --run-subtest pass-a
check debug-option debug-opt 0 "$(seq_of SUCCESS:pass-a)" \
	'out:^\(st_basic:[0-9]+\) DEBUG: debug line from pass-a$'
run debug-env env IGT_LOG_LEVEL=debug "$B" --run-subtest pass-a
check debug-env debug-env 0 "$(seq_of SUCCESS:pass-a)" \
	'out:^\(st_basic:[0-9]+\) DEBUG: debug line from pass-a$'
run warn "$B" --run-subtest warn-only
check warn-does-not-fail warn 0 "$(seq_of SUCCESS:warn-only)" \
	'err:^\(st_basic:[0-9]+\) WARNING: just a warning$'
run fork-ok "$B" --run-subtest fork-ok
check fork-ok fork-ok 0 "$(seq_of SUCCESS:fork-ok)" 'out:^fork-ok done$' '!out:failed'

run until "$B" --run-subtest until-timeout
t=$(sed -nE 's/^Subtest until-timeout: SUCCESS \(([0-9.]+)s\)$/\1/p' "$RUNS/until.out")
if [ "$(cat "$RUNS/until.rc")" = 0 ] && [ -n "$t" ] &&
   awk -v t="$t" 'BEGIN { exit !(t >= 0.95 && t < 3.0) }'; then
	ok until-timeout-timing
else
	bad until-timeout-timing "rc $(cat "$RUNS/until.rc"), time [$t], want 1s"
fi

# ---------------------------------------------------------------- selection
run glob "$B" --run-subtest 'dyn-name-*'
check run-subtest-glob glob 0 "$(seq_of SUCCESS:dyn-name-0 SUCCESS:dyn-name-1 SUCCESS:dyn-name-2)"
run comma "$B" --run-subtest 'skip-skip,pass-a'
check run-subtest-comma-list comma 0 "$(seq_of SUCCESS:pass-a SKIP:skip-skip)"
run allskip "$B" --run-subtest 'skip-*'
check run-subtest-all-skipped-77 allskip 77 "$(seq_of SKIP:skip-require SKIP:skip-require-f \
	SKIP:skip-skip SKIP:skip-skip-on SKIP:skip-skip-on-f)"
run negate "$B" --run-subtest '*,!fail-*,!fork-fail,!until-timeout'
check run-subtest-negation negate 0 "$(seq_of SUCCESS:pass-a SKIP:skip-require \
	SKIP:skip-require-f SKIP:skip-skip SKIP:skip-skip-on SKIP:skip-skip-on-f SUCCESS:fork-ok \
	SUCCESS:warn-only SUCCESS:dyn-name-0 SUCCESS:dyn-name-1 SUCCESS:dyn-name-2 SUCCESS:pass-b)"
run nomatch "$B" --run-subtest no-such-subtest
check run-subtest-nomatch-79 nomatch 79 "" \
	"err:${P_B}Unknown subtest: no-such-subtest\$"
run nomatch2 "$B" --run-subtest 'pass'
check run-subtest-no-prefix-match-79 nomatch2 79 ""

run help "$B" --help
check help help 0 "" 'out:--list-subtests' 'out:--run-subtest' '!out:^IGT-Version'
run badopt "$B" --no-such-option
check unknown-option-79 badopt 79 ""

# ---------------------------------------------------------------- fixtures + selection
# As in IGT, every fixture runs whatever --run-subtest selects, so st_fixture's
# failing fixture makes each of these runs exit 98; the result lines of the
# selected subtests are what differs.
run fx-skip "$F" --run-subtest grp-skip-a
check fixture-skip-selected fx-skip 98 "$(seq_of =SKIP:grp-skip-a)" \
	'out:^Subtest grp-skip-a: SKIP \(0\.000s\)$' '!out:NOT REACHED'
run fx-nested "$F" --run-subtest grp-nested-skip
check fixture-skip-nested-group fx-nested 98 "$(seq_of =SKIP:grp-nested-skip)" '!out:NOT REACHED'
run fx-fail "$F" --run-subtest grp-fail-a
check fixture-fail-selected fx-fail 98 "$(seq_of =FAIL:grp-fail-a)"
run fx-other "$F" --run-subtest after-skip-group
check fixture-fail-outside-selection fx-other 98 "$(seq_of SUCCESS:after-skip-group)" \
	'out:^FIXTURE-TOP ran$'

# ---------------------------------------------------------------- exit codes, kill
E=$BIN/st_exit
run ex-mixed "$E" --run-subtest 'ok-1,skip-*'
check exit-success-and-skips-0 ex-mixed 0 "$(seq_of SUCCESS:ok-1 SKIP:skip-1 SKIP:skip-2)"
run ex-skip "$E" --run-subtest 'skip-*'
check exit-all-skipped-77 ex-skip 77 "$(seq_of SKIP:skip-1 SKIP:skip-2)"
run ex-ok "$E" --run-subtest ok-1
check exit-success-0 ex-ok 0 "$(seq_of SUCCESS:ok-1)"
run ex-fxskip "$E" --run-subtest fixture-skipped
check exit-fixture-skipped-77 ex-fxskip 77 "$(seq_of =SKIP:fixture-skipped)" \
	'out:^fixture requirement$'
run ex-sentinel env IGT_SENTINEL_ON_STDERR=1 "$E" --run-subtest ok-1
check stderr-sentinel ex-sentinel 0 "$(seq_of SUCCESS:ok-1)" \
	'err:^Starting subtest: ok-1$' 'err:^Subtest ok-1: SUCCESS \([0-9]+\.[0-9]{3}s\)$'
# stdout is a file (not a tty): lines must be flushed before a SIGKILL
run ex-hang timeout -s KILL 2 "$E" --run-subtest hang
check killed-test-keeps-output ex-hang 137 "Starting subtest: hang" \
	'out:^before hang$' 'err:^\(st_exit:[0-9]+\) WARNING: warn before hang$'

run badname "$BIN/st_badname" --list-subtests
rc=$(cat "$RUNS/badname.rc")
case $rc in
0 | 77 | 79 | 98) bad invalid-subtest-name-aborts "exit code $rc" ;;
*) check invalid-subtest-name-aborts badname "$rc" - 'err:Invalid subtest name "Bad Name"' ;;
esac

# ---------------------------------------------------------------- drmtest, kmod, ioctl
D=$BIN/st_drm
if [ ! -e /dev/dri ]; then
	run drm-vgem "$D" --run-subtest open-vgem
	check drm-open-driver-skips-without-device drm-vgem 77 "$(seq_of SKIP:open-vgem)" \
		'out:^No known gpu found for chipset flags 0x1 \(vgem\)$' '!out:opened vgem'
	run drm-render "$D" --run-subtest open-display-render
	check drm-open-render-skips-without-device drm-render 77 \
		"$(seq_of SKIP:open-display-render)"
	run drm-none "$D" --run-subtest no-device-minus-one
	check drm-open-driver-minus-one drm-none 0 "$(seq_of SUCCESS:no-device-minus-one)"
else
	echo "# skipped drm-open-*: /dev/dri exists on this host"
fi
run ioctl-fail "$D" --run-subtest do-ioctl-fails
check do-ioctl-failure-message ioctl-fail 98 "$(seq_of FAIL:do-ioctl-fails)" \
	'err:CRITICAL: Failed assertion: igt_ioctl\(-1, DRM_IOCTL_VERSION, &v\) == 0$' \
	'err:CRITICAL: error: -1 != 0$' 'err:CRITICAL: Last errno: 9, Bad file descriptor$'
run ioctl-err "$D" --run-subtest do-ioctl-err-ok
check do-ioctl-err-ok ioctl-err 0 "$(seq_of SUCCESS:do-ioctl-err-ok)"
run ioctl-wrong "$D" --run-subtest do-ioctl-err-wrong-errno
check do-ioctl-err-wrong-errno ioctl-wrong 98 "$(seq_of FAIL:do-ioctl-err-wrong-errno)" \
	'err:CRITICAL: Failed assertion: errno == EINVAL$' 'err:CRITICAL: error: 9 != 22$'
run kmod "$D" --run-subtest kmod
check kmod-helpers kmod 0 "$(seq_of SUCCESS:kmod)"

finish
