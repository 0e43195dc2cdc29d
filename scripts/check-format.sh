#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a tracked C/C++ file differs from what clang-format 14 would write.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
status=0
while IFS= read -r file; do
    if ! clang-format-14 --dry-run --Werror "$file" >/dev/null 2>&1; then
        echo "not formatted: $file (run: make format)"
        status=1
    fi
done < <(git ls-files '*.cpp' '*.hpp' '*.c' '*.h')
[ $status -eq 0 ] && echo "format: ok"
exit $status
