#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Host unit tests of dmabuf-inspect (no device, no VM): builds the tool
# and the tests into BUILD_DIR/tools and runs them on the captured data.
# Ends with "N passed, N failed" (the host stage of tools/check.sh).
#
# Usage: tools/dmabuf/tests/run.sh BUILD_DIR
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
O=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)

if ! make -s -C "$REPO" O="$O" "$O/tools/dmabuf-inspect" \
	"$O/tools/dmabuf-unit-tests"; then
	echo "0 passed, 1 failed"
	exit 1
fi
"$O/tools/dmabuf-unit-tests" "$HERE/data" "$O/tools/dmabuf-inspect"
