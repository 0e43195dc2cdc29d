#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The web portal in a real browser: a throwaway CA and dojangd on loopback serve the built
# pages, a customer register is imported, and headless Chromium (driven by playwright-core)
# walks the journeys of tests/portal/browser.mjs, reading one-time codes from the SMS spool
# and auditing the pages with axe-core (WCAG 2 A and AA).
# Screenshots go to OUT_DIR, and what the holders download after issuing in the browser to
# OUT_DIR/downloads; with DOJANG (the holder CLI) downloads.sh then checks those files with
# OpenSSL, python3 and `dojang import`. Exits 77 (skipped) only when node (or npm, so no pages)
# or Chromium is missing.
#   portal.sh DOJANGD PORTAL_DIST OUT_DIR [DOJANG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dojangd=$(absolute "$1")
dist=$(absolute "$2")
out=$(absolute "$3")
dojang=${4:+$(absolute "$4")}
source_dir=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null; then
    echo "SKIPPED: node is not installed (scripts/install-deps.sh installs it)"
    exit 77
fi
if [ ! -x "$chromium" ]; then
    echo "SKIPPED: no Chromium at $chromium (apt-get install chromium)"
    exit 77
fi
if [ ! -f "$dist/index.html" ] && ! command -v npm >/dev/null; then
    echo "SKIPPED: npm is not installed, so the build could not make the portal's pages"
    exit 77
fi
[ -f "$dist/index.html" ] || fail "the portal is not built: no $dist/index.html (make build runs npm and esbuild)"
[ -d "$source_dir/portal/node_modules/playwright-core" ] ||
    fail "portal/node_modules/playwright-core is missing (the build runs npm ci in portal/)"
[ -f "$source_dir/portal/node_modules/axe-core/axe.min.js" ] ||
    fail "portal/node_modules/axe-core is missing (the build runs npm ci in portal/)"

work=$(mktemp -d)
trap 'cleanup_work "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
cd "$work"

"$dojangd" init --data ca --listen 127.0.0.1:0 >/dev/null
# The holders who issue in the browser (browser.mjs, issuance_in_the_browser): c-7 keeps the
# certificate on disk, c-8 in the browser too; c-9 meets a server error. downloads.sh needs their
# names and resident numbers for the VID, and the certificate password to open the files.
disk_holder_name=최지우
disk_holder_resident=950505-2678901
browser_holder_name=강민준
browser_holder_resident=960606-1789012
cert_password='Dojang-test-2026!'
printf '%s\n' "$cert_password" >cert.pass
# The register: individuals for the online journeys, companies for the reviewed ones.
cat >customers.csv <<CSV
customer_id,holder_type,name,birth_date,resident_number,business_number,corporate_number,representative,phone,email,certificate_serials
c-1,individual,홍길동,,900101-1234567,,,,010-1234-5678,hong@example.com,
c-2,individual,이영희,,920202-2345678,,,,010-2222-3333,lee@example.com,
c-3,individual,박민수,,930303-1456789,,,,010-3333-4444,park@example.com,
c-4,corporate,도장상사,,,1248100998,,김대표,010-4444-5555,ceo@dojang.example,0badc0de
c-5,corporate,반려상사,,,2208162517,,최대표,010-5555-6666,choi@banryeo.example,
c-6,individual,정다은,,940404-2567890,,,,010-6666-7777,jung@example.com,
c-7,individual,$disk_holder_name,,$disk_holder_resident,,,,010-8181-8282,choi.jiwoo@example.com,
c-8,individual,$browser_holder_name,,$browser_holder_resident,,,,010-9191-9292,kang.minjun@example.com,
c-9,individual,윤서연,,970707-2890123,,,,010-7272-7373,yoon.seoyeon@example.com,
c-10,individual,서지호,,980808-1901234,,,,010-5656-5757,seo.jiho@example.com,
c-11,individual,한예슬,,990909-2012345,,,,010-4646-4747,han.yeseul@example.com,
CSV
"$dojangd" admin customers import --data ca customers.csv >/dev/null || fail "customer import"
# Every browser of the tests applies from 127.0.0.1: the per-address limit of applications
# (10 an hour by default) would refuse the later journeys.
sed -i 's/^applications_per_client_hour = 10$/applications_per_client_hour = 100/' ca/dojang.toml
grep -q '^applications_per_client_hour = 100$' ca/dojang.toml || fail "could not raise the per-address application limit"
# An officer, where this server has officers (the review console).
officers=false
printf 'correct horse battery staple\n' >officer.pass
if "$dojangd" admin officers add --data ca --username reviewer --password-file officer.pass >officer.log 2>&1 &&
    printf 'another long passphrase\n' >officer2.pass &&
    "$dojangd" admin officers add --data ca --username second --password-file officer2.pass >>officer.log 2>&1; then
    officers=true
fi

export DOJANG_PORTAL_DIR=$dist
# A second server whose certificates last 20 days, so a certificate issued there is inside
# its 30-day renewal window at once (the certificate manager's renewal).
"$dojangd" init --data short --listen 127.0.0.1:0 >/dev/null
sed -i 's/^validity_days = 365$/validity_days = 20/' short/dojang.toml
grep -q '^validity_days = 20$' short/dojang.toml || fail "could not shorten the second server's validity"
"$dojangd" admin customers import --data short customers.csv >/dev/null || fail "customer import (second server)"
start_server "$dojangd" short serve-short.log
renewal_url=$url
start_server "$dojangd" ca serve.log
echo "dojangd at $url (officers: $officers); 20-day certificates at $renewal_url"

status=0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node "$here/browser.mjs" --url "$url" --data "$work/ca" --out "$out" \
    --renewal-url "$renewal_url" --renewal-data "$work/short" \
    --chromium "$chromium" --modules "$source_dir/portal/node_modules" --officers "$officers" \
    --cert-password "$cert_password" || status=$?
if [ $status -ne 0 ]; then
    echo "--- dojangd log (last 40 lines)"
    tail -40 serve.log
    exit $status
fi

# What the holders downloaded, judged by other tools (only when the issuance test ran).
if [ -z "$dojang" ]; then
    echo "# no DOJANG argument: the downloaded certificates are not checked"
    exit 0
fi
if [ -n "${PORTAL_TEST_ONLY:-}" ] && [[ ",$PORTAL_TEST_ONLY," != *,issuance_in_the_browser,* ]]; then
    exit 0
fi
"$here/downloads.sh" "$dojang" "$out/downloads" "$url" "$work/cert.pass" disk \
    "${disk_holder_resident/-/}" "$disk_holder_name" || fail "the files downloaded with storage disk (above)"
"$here/downloads.sh" "$dojang" "$out/downloads" "$url" "$work/cert.pass" browser \
    "${browser_holder_resident/-/}" "$browser_holder_name" || fail "the files downloaded with storage browser (above)"
