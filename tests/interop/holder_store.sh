#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The holder's NPKI store: import the yessign test vector, list it, change its password (also
# under kill -9), export it as PKCS#12 for OpenSSL, import that back, back up and restore with a
# tampered file caught. R (randomNum) must survive every step; OpenSSL is the independent judge
# of what dojang writes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dojang=$1
vectors=${DOJANG_SOURCE_DIR:-$here/../..}/tests/vectors/npki-yessign-test
[ -f "$vectors/signCert.der" ] || fail "test vectors not found in $vectors"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export DOJANG_HOME=$work/NPKI

printf 'WTuA8Ev0lWXVFSiI!\n' >old
printf 'Dojang-new-pass1!\n' >new
printf 'Wrong-pass-99!\n' >wrong
# What the vector is, as OpenSSL reads it (not as dojang does).
serial=$(openssl x509 -inform DER -in "$vectors/signCert.der" -noout -serial | sed 's/^serial=//' |
    tr 'A-F' 'a-f')
subject_cn=$(openssl x509 -inform DER -in "$vectors/signCert.der" -noout -subject -nameopt RFC2253 |
    sed -n 's/.*CN=\([^,]*\).*/\1/p')
expired_at=$(date -u -d "$(openssl x509 -inform DER -in "$vectors/signCert.der" -noout -enddate |
    sed 's/^notAfter=//')" +%Y-%m-%dT%H:%M:%SZ)
# R: the randomNum attribute is the last value of the plain PKCS#8 (asn1parse shows its BIT
# STRING at the end, 0 unused bits), so its 20 bytes end the file.
openssl asn1parse -inform DER -in "$vectors/plainSignPri-with-r.der" | tail -3 |
    contains "1.2.410.200004.10.1.1.3" || fail "the vector's last attribute is not randomNum"
random=$(tail -c 20 "$vectors/plainSignPri-with-r.der" | od -An -v -tx1 | tr -d ' \n')
[ ${#random} -eq 40 ] || fail "cannot read R from the vector"

r_of() { sed -n 's/^R  *//p'; }

# 1. Import the NPKI folder; list shows its subject and serial.
"$dojang" import "$vectors" --password-file old >import.log || { cat import.log; fail "import folder"; }
[ "$(r_of <import.log)" = "$random" ] || fail "import: R"
"$dojang" list --lang en >list.log
grep -q "subject     .*CN=$subject_cn" list.log || { cat list.log; fail "list: subject"; }
grep -q "serial      $serial " list.log || { cat list.log; fail "list: serial $serial"; }
"$dojang" list | contains "일련번호  $serial" || fail "list: Korean output"
key=$(find NPKI -name signPri.key)
[ "$(stat -c %a "$key")" = 600 ] || fail "stored key is not 0600"
cmp "$key" "$vectors/signPri.key" || fail "folder import changed the key file"
doctor_status=0
"$dojang" doctor >doctor.log || doctor_status=$?
[ "$doctor_status" -eq 8 ] || { cat doctor.log; fail "doctor with findings exited $doctor_status, expected 8"; }
grep -q "^  ! 약한 옛 암호화입니다: seedCBCWithSHA1" doctor.log || { cat doctor.log; fail "doctor: weak legacy encryption"; }
grep -q "^  ! 백업 기록이 없습니다" doctor.log || { cat doctor.log; fail "doctor: no backup"; }
grep -qF "  ! 만료된 인증서입니다 ($expired_at)" doctor.log || { cat doctor.log; fail "doctor: expired $expired_at"; }
grep -qx "3건의 문제" doctor.log || { cat doctor.log; fail "doctor: not 3 problems"; }

# 2. passwd: weak new passwords refused, then old fails and new works; R kept; OpenSSL opens it.
printf 'short1!\n' >weak
set +e
"$dojang" passwd "$serial" --password-file old --new-password-file weak >weak.log 2>&1
weak_status=$?
"$dojang" passwd "$serial" --password-file wrong --new-password-file new >wrong.log 2>&1
wrong_status=$?
set -e
[ $weak_status -eq 2 ] && grep -q PASSWORD_TOO_WEAK weak.log || { cat weak.log; fail "weak password"; }
[ $wrong_status -eq 3 ] && grep -q WRONG_PASSWORD wrong.log || { cat wrong.log; fail "wrong password"; }
cmp "$key" "$vectors/signPri.key" || fail "a refused passwd changed the key"
"$dojang" passwd "$serial" --password-file old --new-password-file new >passwd.log 2>&1 ||
    { cat passwd.log; fail "passwd"; }
set +e
"$dojang" show "$serial" --password-file old >old.log 2>&1
old_status=$?
set -e
[ $old_status -eq 3 ] && grep -q WRONG_PASSWORD old.log || { cat old.log; fail "old password still works"; }
"$dojang" show "$serial" --password-file new >new.log || fail "new password does not work"
[ "$(r_of <new.log)" = "$random" ] || fail "passwd lost R"
grep -q "key match   yes" new.log || fail "passwd: key no longer matches"
openssl pkey -inform DER -in "$key" -passin file:new -pubout >key.pub 2>/dev/null ||
    fail "openssl cannot open the re-encrypted key"
openssl x509 -inform DER -in "$vectors/signCert.der" -noout -pubkey | cmp - key.pub ||
    fail "the re-encrypted key is not the certificate's"
openssl asn1parse -inform DER -in "$key" | contains hmacWithSHA256 || fail "not PBKDF2-HMAC-SHA256"
openssl asn1parse -inform DER -in "$key" | contains aes-256-cbc || fail "not AES-256-CBC"

# 3. kill -9 during passwd: the key always opens with the old or the new password.
cp new current
printf 'Dojang-other-pass2@\n' >other
for delay in 0.02 0.05 0.08 0.11 0.14 0.17 0.2 0.25; do
    "$dojang" passwd "$serial" --password-file current --new-password-file other >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if "$dojang" show "$serial" --password-file current >/dev/null 2>&1; then
        :
    elif "$dojang" show "$serial" --password-file other >/dev/null 2>&1; then
        cp current tmp && cp other current && cp tmp other
    else
        fail "after kill -9 (at ${delay}s) the key opens with neither password"
    fi
done
"$dojang" show "$serial" --password-file current | r_of | grep -qx "$random" || fail "kill -9: R"

# 4. export --pfx: OpenSSL opens it with the password, R is a key attribute, PBES2 + SHA-256 MAC.
"$dojang" export "$serial" --pfx me.pfx --password-file current >export.log 2>&1 ||
    { cat export.log; fail "export"; }
openssl pkcs12 -info -noout -in me.pfx -passin file:current >pfx-info.log 2>&1 ||
    { cat pfx-info.log; fail "openssl pkcs12 cannot open the export"; }
grep -q "MAC: sha256" pfx-info.log || fail "export: MAC is not SHA-256"
grep -q "PBES2, PBKDF2, AES-256-CBC" pfx-info.log || fail "export: not PBES2/AES-256"
spaced=$(printf '%s' "$random" | tr 'a-f' 'A-F' | sed 's/../& /g; s/ $//')
openssl pkcs12 -info -nodes -in me.pfx -passin file:current 2>/dev/null |
    contains "1.2.410.200004.10.1.1.3: $spaced" || fail "export lost R"
set +e
openssl pkcs12 -info -noout -in me.pfx -passin file:wrong >/dev/null 2>&1
pfx_wrong=$?
set -e
[ $pfx_wrong -ne 0 ] || fail "openssl opened the export with a wrong password"

# 5. import the .pfx (ours and the vector's) into fresh homes; R kept.
DOJANG_HOME=$work/NPKI2 "$dojang" import me.pfx --password-file current >import2.log 2>&1 ||
    { cat import2.log; fail "import of our .pfx"; }
DOJANG_HOME=$work/NPKI2 "$dojang" show "$serial" --password-file current | r_of |
    grep -qx "$random" || fail "pfx import lost R"
"$dojang" --home "$work/NPKI3" import "$vectors/cert.pfx" --password-file old >import3.log 2>&1 ||
    { cat import3.log; fail "import of the vector's .pfx"; }
"$dojang" --home "$work/NPKI3" show --password-file old | r_of | grep -qx "$random" ||
    fail "vector pfx import lost R"
key3=$(find NPKI3 -name signPri.key)
openssl pkey -inform DER -in "$key3" -passin file:old -noout 2>/dev/null ||
    fail "openssl cannot open the key written by pfx import"
"$dojang" show me.pfx --password-file current | r_of | grep -qx "$random" || fail "show .pfx: R"

# 6. backup / restore, and a tampered backup refused.
"$dojang" backup media >backup.log || { cat backup.log; fail "backup"; }
[ -f media/MANIFEST.sha256 ] || fail "no manifest"
(cd media && sha256sum -c --quiet MANIFEST.sha256) || fail "manifest checksums do not verify"
# The backup is recorded and the key re-encrypted: only the expiry is left.
doctor_status=0
"$dojang" doctor >doctor2.log || doctor_status=$?
[ "$doctor_status" -eq 8 ] || { cat doctor2.log; fail "doctor after backup exited $doctor_status, expected 8"; }
grep -qF "  ! 만료된 인증서입니다 ($expired_at)" doctor2.log || { cat doctor2.log; fail "doctor after backup: expired"; }
grep -qx "1건의 문제" doctor2.log || { cat doctor2.log; fail "doctor after backup: not exactly 1 problem"; }
contains "백업 기록이 없습니다" <doctor2.log && { cat doctor2.log; fail "doctor: backup not recorded"; }
contains "약한 옛 암호화" <doctor2.log && { cat doctor2.log; fail "doctor: the re-encrypted key is still weak"; }
DOJANG_HOME=$work/restored "$dojang" restore media >restore.log || { cat restore.log; fail "restore"; }
DOJANG_HOME=$work/restored "$dojang" show "$serial" --password-file current | r_of |
    grep -qx "$random" || fail "restore: R"
cp -r media tampered
tampered_key=$(find tampered -name signPri.key)
printf '\001' | dd of="$tampered_key" bs=1 seek=100 conv=notrunc status=none
set +e
DOJANG_HOME=$work/tampered-home "$dojang" restore tampered >tampered.log 2>&1
tampered_status=$?
set -e
[ $tampered_status -eq 2 ] && grep -q BACKUP_TAMPERED tampered.log ||
    { cat tampered.log; fail "tampered backup restored"; }
[ ! -e "$work/tampered-home" ] || [ -z "$(find "$work/tampered-home" -type f)" ] ||
    fail "a tampered backup wrote files"
# A healthy store: a certificate valid for a year, made and packed by OpenSSL. Never backed up,
# doctor finds that alone (8); backed up, nothing (0), also with the key opened; with a wrong
# password it says the key does not open (8).
openssl req -x509 -newkey rsa:2048 -nodes -keyout healthy.key -subj "/C=KR/O=dojang/CN=healthy" \
    -days 365 -out healthy.pem 2>/dev/null
openssl pkcs12 -export -inkey healthy.key -in healthy.pem -out healthy.pfx -passout file:new
healthy_subject=$(openssl x509 -in healthy.pem -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
healthy=(--home "$work/healthy")
"$dojang" "${healthy[@]}" import healthy.pfx --password-file new >healthy-import.log 2>&1 ||
    { cat healthy-import.log; fail "import of a healthy .pfx"; }
doctor_status=0
"$dojang" "${healthy[@]}" doctor >doctor3.log || doctor_status=$?
[ "$doctor_status" -eq 8 ] && grep -qF "$healthy_subject  [" doctor3.log && grep -qx "  이상 없음" doctor3.log &&
    grep -q "^  ! 백업 기록이 없습니다" doctor3.log && grep -qx "1건의 문제" doctor3.log ||
    { cat doctor3.log; fail "doctor on a store never backed up (exit $doctor_status)"; }
"$dojang" "${healthy[@]}" backup healthy-media >/dev/null || fail "backup of the healthy store"
doctor_status=0
"$dojang" "${healthy[@]}" doctor --password-file new >doctor4.log 2>&1 || doctor_status=$?
[ "$doctor_status" -eq 0 ] && grep -qF "$healthy_subject  [" doctor4.log && grep -qx "  이상 없음" doctor4.log &&
    grep -qx "문제 없음" doctor4.log || { cat doctor4.log; fail "doctor on a healthy store (exit $doctor_status)"; }
contains "  ! " <doctor4.log && { cat doctor4.log; fail "doctor on a healthy store reported a finding"; }
doctor_status=0
"$dojang" "${healthy[@]}" doctor --password-file wrong >doctor5.log 2>&1 || doctor_status=$?
[ "$doctor_status" -eq 8 ] && grep -q "^  ! 주어진 암호로 개인키를 열 수 없습니다" doctor5.log &&
    grep -qx "1건의 문제" doctor5.log || { cat doctor5.log; fail "doctor with a wrong password (exit $doctor_status)"; }
# 7. At a terminal (`script` gives dojang a pseudo-terminal): passwd asks for the current
# password and the new one twice; two different answers change nothing.
current_password=$(head -1 current)
set +e
printf '%s\n%s\n%s\n' "$current_password" 'Typed-at-tty-2024!' 'Typed-at-tty-2025!' |
    script -qec "'$dojang' passwd $serial --lang en" /dev/null >tty-mismatch.log 2>&1
mismatch_status=$?
set -e
[ $mismatch_status -eq 2 ] && contains PASSWORD_MISMATCH <tty-mismatch.log ||
    { cat tty-mismatch.log; fail "tty: a mismatched confirmation (exit $mismatch_status, expected 2)"; }
"$dojang" show "$serial" --password-file current >/dev/null || fail "tty: a mismatched confirmation changed the key"
printf '%s\n%s\n%s\n' "$current_password" 'Typed-at-tty-2024!' 'Typed-at-tty-2024!' |
    script -qec "'$dojang' passwd $serial --lang en" /dev/null >tty.log 2>&1 || { cat tty.log; fail "tty: passwd"; }
contains "new password" <tty.log || { cat tty.log; fail "tty: no prompt"; }
printf 'Typed-at-tty-2024!\n' >typed
"$dojang" show "$serial" --password-file typed | r_of | grep -qx "$random" ||
    fail "tty: the password typed at the terminal does not open the key (or R was lost)"
# 8. A folder whose key files carry bytes after their DER (left by Korean tools that re-encrypt
# in place; tests/vectors/README.md): show and import open it with the right password, refuse a
# wrong one as a wrong password, keep no trailing byte, and take kmCert/kmPri along; passwd
# re-encrypts both keys.
trailing=$vectors/trailing-bytes
export DOJANG_HOME=$work/NPKI-trailing
"$dojang" --lang en import "$trailing" --password-file wrong >trailing-wrong.log 2>&1 && fail "a wrong password imported"
contains WRONG_PASSWORD <trailing-wrong.log || { cat trailing-wrong.log; fail "trailing bytes: not a wrong password"; }
"$dojang" import "$trailing" --password-file old >trailing-import.log 2>&1 ||
    { cat trailing-import.log; fail "import of a folder whose key has trailing bytes"; }
[ "$(r_of <trailing-import.log)" = "$random" ] || fail "trailing bytes: R"
stored=$(dirname "$(find "$DOJANG_HOME" -name signPri.key)")
cmp "$stored/signPri.key" "$vectors/signPri.key" || fail "import kept the bytes after signPri.key"
cmp "$stored/kmPri.key" "$vectors/signPri.key" || fail "import kept the bytes after kmPri.key (or lost it)"
cmp "$stored/kmCert.der" "$trailing/kmCert.der" || fail "import did not take kmCert.der along"
"$dojang" --lang en show "$trailing/signCert.der" >/dev/null || fail "show of the trailing folder's certificate"
"$dojang" --lang en show "$serial" --password-file old >trailing-show.log ||
    { cat trailing-show.log; fail "show of the imported key"; }
grep -q "key match   yes" trailing-show.log || fail "trailing bytes: key does not match"
"$dojang" passwd "$serial" --password-file old --new-password-file new >trailing-passwd.log 2>&1 ||
    { cat trailing-passwd.log; fail "passwd after a trailing-bytes import"; }
for file in signPri.key kmPri.key; do
    openssl pkey -inform DER -in "$stored/$file" -passin file:new -noout 2>/dev/null ||
        fail "$file does not open with the new password after passwd"
done
# The Korean software's own folder, used in place (not imported): dojang reads it and says what
# it ignored.
export DOJANG_HOME=$work/NPKI-inplace
mkdir -p "$DOJANG_HOME/yessign/USER/in-place"
cp "$trailing"/* "$DOJANG_HOME/yessign/USER/in-place/"
"$dojang" --lang en show "$serial" --password-file old >inplace-show.log 2>&1 ||
    { cat inplace-show.log; fail "show of a key file with trailing bytes in place"; }
contains "46 bytes after the key were ignored" <inplace-show.log || { cat inplace-show.log; fail "show: no word of the trailing bytes"; }
[ "$(r_of <inplace-show.log)" = "$random" ] || fail "in place: R"
"$dojang" passwd "$serial" --password-file old --new-password-file new >inplace-passwd.log 2>&1 ||
    { cat inplace-passwd.log; fail "passwd of a key file with trailing bytes in place"; }
cmp -s "$DOJANG_HOME/yessign/USER/in-place/signPri.key" "$trailing/signPri.key" && fail "passwd left the key file unchanged"
"$dojang" --lang en show "$serial" --password-file new >inplace-after.log 2>&1 || fail "show after passwd in place"
contains "bytes after the key" <inplace-after.log && fail "passwd wrote the trailing bytes back"
echo "holder_store: ok"
