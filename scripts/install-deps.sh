#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages dojang needs to build, run and test, skipping what is there.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config g++ clang-14 clang-format-14 libclang-rt-14-dev
    openssl libssl-dev libboost1.81-dev libboost-json1.81-dev
    sqlite3 libsqlite3-dev libpq-dev postgresql
    libexpected-dev libcli11-dev libspdlog-dev libtomlplusplus-dev
    libargon2-dev libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev
    gnutls-bin curl wrk apache2-utils procps jq python3-aiosmtpd chromium fonts-nanum
    # the relying parties of tests/relying
    libnss3-tools default-jdk-headless golang-go golang-golang-x-crypto-dev python3-cryptography
    nodejs
    # the independent Korean CMP client of tests/interop/korean_cmp.sh
    python3-pyasn1 python3-pyasn1-modules
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
