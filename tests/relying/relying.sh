#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Conformance of dojang's certificates, CRLs and OCSP answers with the relying parties Korean
# banks, insurers and government sites run (issue #15): OpenSSL, GnuTLS, NSS, Java 17, Go,
# Python cryptography and Node.js, each from Debian 12's packages.
#
# Two throwaway CAs (RSA-2048 and P-256) issue four certificates each: individual and corporate,
# with and without the KISA identifyData otherName (VID from R and a resident or business
# number). With `dojangd serve` running, every stack's checker (a small program in this folder,
# none of them dojang's code) checks for each certificate:
#   cert      it parses; key usage (critical: digitalSignature, nonRepudiation), the critical
#             certificatePolicies with the profile's OID, and the identifyData otherName (present
#             or absent as issued) survive the parse
#   chain     the chain verifies to the root
#   policy    the chain verifies with the profile's policy required (RFC 5280 explicit policy;
#             OpenSSL, NSS and Java, the stacks that implement policy processing)
#   crl       the served CRL parses and verifies; it names the serial after the revocation
#   ocsp-get  an OCSP request by GET: the answer verifies and says good, then revoked
#   ocsp-post the same by POST
#   vid       (Java) the VID recomputed from R and the number by the KISA rule is the
#             certificate's; another number does not match. The row "dojang" is dojang's own
#             `dojang verify` making the same check, beside Java's.
# Then the eight certificates are revoked with `dojangd admin revoke` and the checkers run again.
# The matrix (stack x artefact x certificate) is printed; any FAIL fails the test.
#
#   relying.sh DOJANGD DOJANG
# Environment:
#   RELYING_SKIP="java go ..."  stacks not to run (their cells say skip; the test exits 77 when all
#                               that ran passed). A stack whose tools are missing fails otherwise:
#                               scripts/install-deps.sh installs them all.
#   RELYING_POLICY_ARC=OID      --policy-arc for the RSA CA (default: the arc init draws; the
#                               P-256 CA always uses 2.25.268435455, the largest init accepts)
#   RELYING_PYTHON              the Python with Debian's python3-cryptography (/usr/bin/python3)
#   RELYING_KEEP=1              keep the work folder and print where it is
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dojangd=$(absolute "$1")
dojang=$(absolute "$2")
python=${RELYING_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
if [ -n "${RELYING_KEEP:-}" ]; then
    trap 'kill $(jobs -p) 2>/dev/null || :; echo "work folder kept: $work"' EXIT
else
    trap 'cleanup_work "$work"' EXIT
fi
cd "$work"
started=$SECONDS

# A free port on loopback: the certificates carry the server's address in their CRL
# distribution point and OCSP locations, and Java and NSS follow them.
free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. Two CAs, four certificates each.
declare -A base arc
ca_names=(rsa ec)
for ca in "${ca_names[@]}"; do
    port=$(free_port)
    base[$ca]=http://127.0.0.1:$port
    options=(--key-algorithm rsa2048)
    [ -n "${RELYING_POLICY_ARC:-}" ] && options+=(--policy-arc "$RELYING_POLICY_ARC")
    [ "$ca" = ec ] && options=(--key-algorithm p256 --policy-arc 2.25.268435455)
    "$dojangd" init --data "$ca" --listen "127.0.0.1:$port" --base-url "${base[$ca]}" "${options[@]}" \
        >"$ca.init.log" 2>&1 || { cat "$ca.init.log"; fail "dojangd init ($ca)"; }
    arc[$ca]=$(sed -n 's/^policy_arc = "\(.*\)"$/\1/p' "$ca/dojang.toml")
done

printf '9001011234567\n' >resident   # an individual's resident registration number (13 digits)
printf '1208147521\n' >business      # a company's business registration number (10 digits)
printf 'Relying-pass1!\n' >password
mkdir certs
: >cases.tsv
# issue CA NAME PROFILE SUBJECT [IDN_FILE]: a certificate, and its line in cases.tsv
# (case, certificate, issuing CA, root, CRL, OCSP URL, policy OID, identifyData, number, R, name).
issue() {
    local ca=$1 name=$2 profile=$3 subject=$4 idn_file=${5:-} random=- idn=- real_name=-
    local case=$ca/$name out=$work/certs/$ca-$name.pem
    local identify=(--csr "$work/certs/$ca-$name.csr")
    if [ -n "$idn_file" ]; then
        # The holder's side makes the key, R and the request (dojang keygen); the CA binds R and
        # the number into the VID.
        "$dojang" keygen --subject "$subject" --out "certs/$ca-$name" --password-file password \
            >"certs/$ca-$name.keygen.log" 2>&1 || { cat "certs/$ca-$name.keygen.log"; fail "keygen $case"; }
        random=$(sed -n 's/^R  *//p' "certs/$ca-$name.keygen.log")
        [ ${#random} -eq 40 ] || fail "keygen did not print R for $case"
        idn=$(head -1 "$idn_file")
        real_name=$(sed -n 's/.*CN=\([^,]*\).*/\1/p' <<<"$subject")
        identify=(--csr "certs/$ca-$name/request.csr" --idn-file "$idn_file" --random-hex "$random")
    else
        openssl req -new -newkey rsa:2048 -nodes -keyout "certs/$ca-$name.key" -utf8 \
            -subj "/$(tr ',' '/' <<<"$subject")" -out "certs/$ca-$name.csr" 2>/dev/null
    fi
    "$dojangd" admin issue --data "$ca" --profile "$profile" "${identify[@]}" --out "$out" \
        >"certs/$ca-$name.issue.log" 2>&1 || { cat "certs/$ca-$name.issue.log"; fail "issue $case"; }
    local suffix=1.1.1
    [ "$profile" = corporate ] && suffix=1.1.5
    local yes=no
    [ -n "$idn_file" ] && yes=yes
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$out" "$work/$ca.issuing.pem" \
        "$work/$ca.root.pem" "$work/$ca.crl" "${base[$ca]}/ocsp" "${arc[$ca]}.$suffix" "$yes" "$idn" \
        "$random" "$real_name" >>cases.tsv
}
for ca in "${ca_names[@]}"; do
    issue "$ca" ind individual "C=KR,O=dojang,OU=personal,CN=홍길동"
    issue "$ca" ind-id individual "C=KR,O=dojang,OU=personal,CN=홍길동" resident
    issue "$ca" corp corporate "C=KR,O=dojang,OU=corporation,CN=도장상사"
    issue "$ca" corp-id corporate "C=KR,O=dojang,OU=corporation,CN=도장상사" business
done

# 2. The servers; the CA certificates and CRLs as relying parties get them, over HTTP.
# (Not lib.sh's start_server: that one listens on port 0, and the certificates name the port.)
for ca in "${ca_names[@]}"; do
    "$dojangd" serve --data "$ca" >"$ca.serve.log" 2>&1 &
    wait_for 30 grep -qs "is running: ${base[$ca]}" "$ca.serve.log" ||
        { cat "$ca.serve.log"; fail "dojangd serve ($ca) did not start on ${base[$ca]}"; }
    curl -fsS -o "$ca.root.pem" "${base[$ca]}/ca/root.pem"
    curl -fsS -o "$ca.issuing.pem" "${base[$ca]}/ca/issuing.pem"
done
fetch_crls() {
    for ca in "${ca_names[@]}"; do
        curl -fsS -o "$ca.crl" "${base[$ca]}/crl/issuing.crl"
    done
}
fetch_crls
echo "policy arcs: rsa ${arc[rsa]}, ec ${arc[ec]}"

# 3. The checkers, each built once.
stacks=(openssl gnutls nss java go python node dojang)
declare -A reason  # why a stack cannot run
skipped() { [[ " ${RELYING_SKIP:-} " == *" $1 "* ]]; }
need() {  # need STACK COMMAND PACKAGE: the stack cannot run without COMMAND
    command -v "$2" >/dev/null || reason[$1]="${reason[$1]:-}$2 is missing (Debian package $3); "
}
need openssl openssl openssl
need gnutls certtool gnutls-bin
need gnutls ocsptool gnutls-bin
need nss certutil libnss3-tools
need nss vfychain libnss3-tools
need nss crlutil libnss3-tools
need nss ocspclnt libnss3-tools
need java javac default-jdk-headless
need java java default-jdk-headless
need go go golang-go
need node node nodejs
for tool in openssl curl; do
    command -v $tool >/dev/null || fail "$tool is missing"
done
if [ ! -d /usr/share/gocode/src/golang.org/x/crypto/ocsp ]; then
    reason[go]="${reason[go]:-}golang.org/x/crypto/ocsp is missing (Debian package golang-golang-x-crypto-dev); "
fi
"$python" -c 'import cryptography' 2>/dev/null ||
    reason[python]="$python has no cryptography (Debian package python3-cryptography); "

build() {  # build STACK: compiles the checker once, into $work/bin
    mkdir -p bin
    case $1 in
        java)
            javac -d bin/java "$here/Check.java" >bin/java.log 2>&1 || reason[java]="javac failed: $(cat bin/java.log)"
            ;;
        go)
            # Debian's golang-golang-x-crypto-dev, GOPATH mode: no network, no module download.
            mkdir -p bin/gopath/src/relying
            cp "$here/check.go" bin/gopath/src/relying/
            (cd bin/gopath/src/relying &&
                GOPATH="$work/bin/gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS='' GOENV=off \
                    GOCACHE="${GOCACHE:-$work/bin/gocache}" go build -o "$work/bin/check-go" .) \
                >bin/go.log 2>&1 || reason[go]="go build failed: $(cat bin/go.log)"
            ;;
    esac
}
# run STACK PHASE: the checker's lines "ARTEFACT CASE ok|FAIL [why]" into results/STACK.PHASE
run() {
    local stack=$1 phase=$2
    case $stack in
        openssl | gnutls | nss) bash "$here/check-$stack.sh" "$phase" "$work/cases.tsv" ;;
        java) java -cp bin/java Check "$phase" "$work/cases.tsv" ;;
        go) bin/check-go "$phase" "$work/cases.tsv" ;;
        python) "$python" "$here/check.py" "$phase" "$work/cases.tsv" ;;
        node) node "$here/check.mjs" "$phase" "$work/cases.tsv" ;;
        dojang) bash "$here/check-dojang.sh" "$dojang" "$phase" "$work/cases.tsv" ;;
    esac
}
mkdir results
for stack in "${stacks[@]}"; do
    skipped "$stack" || [ -n "${reason[$stack]:-}" ] || build "$stack"
done
run_all() {
    for stack in "${stacks[@]}"; do
        if skipped "$stack" || [ -n "${reason[$stack]:-}" ]; then
            continue
        fi
        run "$stack" "$1" >"results/$stack.$1" 2>"results/$stack.$1.err" ||
            echo "* * FAIL the checker exited with status $? ($(tail -3 "results/$stack.$1.err" | tr '\n' ' '))" \
                >>"results/$stack.$1"
    done
}

version() {
    case $1 in
        openssl) openssl version | cut -d' ' -f1-2 ;;
        gnutls) certtool --version | head -1 ;;
        nss) echo "NSS $(dpkg-query -W -f='${Version}' libnss3 2>/dev/null)" ;;
        java) java -version 2>&1 | head -1 ;;
        go) go version | cut -d' ' -f3 ;;
        python) "$python" -c 'import cryptography; print("cryptography", cryptography.__version__)' ;;
        node) echo "node $(node --version)" ;;
        dojang) "$dojang" --version ;;
    esac
}
for stack in "${stacks[@]}"; do
    skipped "$stack" || [ -n "${reason[$stack]:-}" ] || echo "$stack: $(version "$stack" 2>&1)"
done

# 4. Good, then revoked.
run_all good
while IFS=$'\t' read -r case cert _; do
    serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)
    "$dojangd" admin revoke --data "${case%%/*}" --serial "$serial" --reason key_compromise \
        >revoke.log 2>&1 || { cat revoke.log; fail "admin revoke $case"; }
done <cases.tsv
# Wait until both servers publish the revocations (OCSP and CRL), as OpenSSL sees them.
published() {
    local case cert issuing crl
    fetch_crls
    while IFS=$'\t' read -r case cert issuing _ crl ocsp _; do
        openssl crl -inform DER -in "$crl" -noout -text | contains "$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)" ||
            return 1
        openssl ocsp -issuer "$issuing" -cert "$cert" -url "$ocsp" -no_nonce -noverify 2>/dev/null |
            contains ": revoked" || return 1
    done <cases.tsv
}
wait_for 90 published || fail "the revocations were not published within 90 s"
run_all revoked

# 5. The matrix: a cell is ok when every line of both phases for it said ok.
artefacts=(cert chain policy crl ocsp-get ocsp-post vid)
mapfile -t cases < <(cut -f1 cases.tsv)
status=0
printf '%-8s %-10s' stack artefact
for case in "${cases[@]}"; do printf ' %-11s' "$case"; done
printf '\n'
for stack in "${stacks[@]}"; do
    for artefact in "${artefacts[@]}"; do
        line=$(printf '%-8s %-10s' "$stack" "$artefact")
        any=no
        for case in "${cases[@]}"; do
            if skipped "$stack"; then
                cell=skip
            elif [ -n "${reason[$stack]:-}" ]; then
                cell=FAIL
            else
                # ok: lines for the cell, all ok ("-": does not apply); FAIL: one is not, or the
                # checker printed this artefact for other certificates but not for this one.
                cell=$(for phase in good revoked; do
                    awk -v a="$artefact" -v c="$case" -v p=$phase '
                        $1 == a { any = 1 }
                        ($1 == a || $1 == "*") && ($2 == c || $2 == "*") {
                            if ($3 == "-") na = 1; else if ($3 == "ok") good = 1; else bad = 1
                        }
                        END { print p, (bad ? "FAIL" : good ? "ok" : na ? "-" : any ? "FAIL" : "none") }' \
                        "results/$stack.$phase" 2>/dev/null || echo "$phase FAIL"
                done | awk '{ s[$2] = 1 } END { print s["FAIL"] ? "FAIL" : s["ok"] ? "ok" : s["-"] ? "-" : "none" }')
            fi
            [ "$cell" = none ] && cell=.
            [ "$cell" != . ] && any=yes
            [ "$cell" = FAIL ] && status=1
            line+=$(printf ' %-11s' "$cell")
        done
        [ $any = yes ] && echo "$line"
    done
done
# A stack with no line at all for a phase is a failure too (it printed nothing).
for stack in "${stacks[@]}"; do
    skipped "$stack" && continue
    if [ -n "${reason[$stack]:-}" ]; then
        echo "FAIL $stack: ${reason[$stack]}"
        status=1
        continue
    fi
    for phase in good revoked; do
        [ -s "results/$stack.$phase" ] || [ "$stack.$phase" = dojang.revoked ] ||
            { echo "FAIL $stack printed nothing ($phase)"; status=1; }
    done
done
# Why each failing cell failed.
for stack in "${stacks[@]}"; do
    for phase in good revoked; do
        [ -f "results/$stack.$phase" ] || continue
        awk -v s="$stack" -v p="$phase" '$3 == "FAIL" { $3 = ""; print "  " s " " p ": " $0 }' "results/$stack.$phase"
    done
done
echo "($((SECONDS - started)) s)"
if [ $status -ne 0 ]; then
    fail "relying parties refused something (matrix above)"
fi
if [ -n "${RELYING_SKIP:-}" ]; then
    echo "SKIPPED: stacks not run on request (RELYING_SKIP=$RELYING_SKIP); all that ran passed"
    exit 77
fi
echo "relying: ok"
