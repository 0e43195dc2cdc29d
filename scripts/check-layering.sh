#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Each component declares the dojang components it may use on the DEPS line of its
# CMakeLists.txt. An #include "dojang/x/..." of any other component fails this check.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)/src/dojang"
status=0
for dir in */; do
    component=${dir%/}
    [ -f "$component/CMakeLists.txt" ] || continue
    [ "$component" = testing ] && continue
    allowed=" $component $(sed -n 's/^ *DEPS\(.*\)$/\1/p' "$component/CMakeLists.txt" | tr -d ')' | tr '\n' ' ') "
    # Tests may also use what they link for wiring (TEST_LIBS dojang_sqlite → sqlite).
    test_allowed=" testing $(sed -n 's/^ *TEST_LIBS\(.*\)$/\1/p' "$component/CMakeLists.txt" |
        sed 's/dojang_//g' | tr -d ')' | tr '\n' ' ') "
    while IFS=: read -r file line used; do
        if [[ "$file" == *_test.cpp || "$file" == *_fuzz.cpp || "$file" == test_*.hpp ]] && [[ "$test_allowed" == *" $used "* ]]; then
            continue
        fi
        if [[ "$allowed" != *" $used "* ]]; then
            echo "layering: $component/$file:$line includes dojang/$used, not declared in DEPS"
            status=1
        fi
    done < <(cd "$component" && grep -rnoE '#include "dojang/[a-z0-9_]+/' . |
        sed -E 's|^\./||; s|#include "dojang/([a-z0-9_]+)/|\1|')
done
# The registration authority and the REST edge use hashes, HMAC and the CSPRNG through
# crypto/digest.hpp and crypto/aead.hpp, never OpenSSL's own headers.
while IFS=: read -r file line text; do
    echo "layering: $file:$line includes OpenSSL directly ($text); use dojang/crypto/digest.hpp"
    status=1
done < <(grep -nE '#include (<openssl/|"dojang/crypto/openssl.hpp")' ra/*.cpp ra/*.hpp api/*.cpp api/*.hpp |
    grep -v '_test\.cpp:' || :)
[ $status -eq 0 ] && echo "layering: ok"
exit $status
