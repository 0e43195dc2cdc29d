#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make run`: creates a development CA on first run, then serves it.
set -euo pipefail
build=$1
data=$2
listen=$3
if [ ! -f "$data/dojang.toml" ]; then
    "$build/dojangd" init --data "$data" --listen "$listen"
    echo
fi
cat <<TXT
Development CA in $data. While it runs, in another terminal:
  openssl req -new -newkey rsa:2048 -nodes -keyout me.key -subj "/C=KR/O=dojang/CN=홍길동" -out me.csr
  $build/dojangd admin issue --data $data --csr me.csr --out me.pem
  curl -s http://$listen/ca/issuing.pem > chain.pem; curl -s http://$listen/ca/root.pem > root.pem
  openssl verify -CAfile root.pem -untrusted chain.pem me.pem
  openssl ocsp -issuer chain.pem -cert me.pem -url http://$listen/ocsp -CAfile root.pem -no_nonce
  $build/dojangd admin revoke --data $data --serial \$(openssl x509 -in me.pem -noout -serial | cut -d= -f2) --reason key_compromise

TXT
exec "$build/dojangd" serve --data "$data"
