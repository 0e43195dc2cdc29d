#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent reading of the files the portal lets a holder download (tests/portal/downloads.sh).

Plain Python (no extra modules) with a minimal DER reader, written from the published formats
(PKCS#5/PKCS#8, X.509, KISA identifyData/VID), not from dojang's code:
  npki_check.py selftest
  npki_check.py unzip ZIP DEST              → extracts; prints NPKI/<CA>/USER/<DN folder>
  npki_check.py decrypt KEY PASSWORD_FILE PLAIN_OUT
                                            → checks PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC,
                                              prints "iterations N", decrypts (hashlib's PBKDF2,
                                              `openssl enc` for AES) into PLAIN_OUT
  npki_check.py random-num PLAIN            → prints R (hex) of the randomNum attribute
  npki_check.py vid CERT IDN R_HEX NAME     → checks the certificate's identifyData: realName is
                                              NAME, virtualID is SHA256(SHA256(DER(idn, R)))
A failed check prints the reason on stderr and exits 1.
"""
import hashlib
import pathlib
import re
import subprocess
import sys
import zipfile

OID_PBES2 = '1.2.840.113549.1.5.13'
OID_PBKDF2 = '1.2.840.113549.1.5.12'
OID_HMAC_SHA256 = '1.2.840.113549.2.9'
OID_AES256_CBC = '2.16.840.1.101.3.4.1.42'
OID_SHA256 = '2.16.840.1.101.3.4.2.1'
OID_SUBJECT_ALT_NAME = '2.5.29.17'
OID_IDENTIFY_DATA = '1.2.410.200004.10.1.1'
OID_VID = '1.2.410.200004.10.1.1.1'
OID_RANDOM_NUM = '1.2.410.200004.10.1.1.3'

SEQUENCE, SET, INTEGER, BIT_STRING, OCTET_STRING, OBJECT = 0x30, 0x31, 0x02, 0x03, 0x04, 0x06
UTF8_STRING, PRINTABLE_STRING = 0x0C, 0x13
CONTEXT_0 = 0xA0  # [0], constructed
CONTEXT_3 = 0xA3  # [3], constructed


class Bad(Exception):
    pass


def tlv(data, pos=0):
    """One DER element at pos: (tag, content, end). Definite lengths only (DER)."""
    if pos + 2 > len(data):
        raise Bad(f'truncated DER at offset {pos}')
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise Bad(f'high tag number at offset {pos}')
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0:
            raise Bad('indefinite length (BER, not DER)')
        if count > 4 or pos + count > len(data):
            raise Bad(f'bad length at offset {pos}')
        length = int.from_bytes(data[pos:pos + count], 'big')
        if length < 0x80 or data[pos] == 0:
            raise Bad(f'length not in its shortest form at offset {pos} (not DER)')
        pos += count
    end = pos + length
    if end > len(data):
        raise Bad(f'element at offset {pos} runs past the end')
    return tag, data[pos:end], end


def only(data, what):
    """The single element that data holds, nothing after it."""
    tag, content, end = tlv(data)
    if end != len(data):
        raise Bad(f'{len(data) - end} bytes after the {what}')
    return tag, content


def items(content):
    """The elements of a constructed value, as (tag, content)."""
    out, pos = [], 0
    while pos < len(content):
        tag, value, pos = tlv(content, pos)
        out.append((tag, value))
    return out


def expect(element, tag, what):
    if element[0] != tag:
        raise Bad(f'{what}: tag 0x{element[0]:02x}, expected 0x{tag:02x}')
    return element[1]


def oid(content):
    arcs, value = [], 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return '.'.join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def integer(content):
    return int.from_bytes(content, 'big', signed=True)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def vid_of(idn, random_num):
    """KISA: VID = H(H(DER(SEQUENCE { idn PrintableString, randomNum BIT STRING }))), H = SHA-256."""
    inner = der(SEQUENCE, der(PRINTABLE_STRING, idn.encode('ascii')) + der(BIT_STRING, b'\x00' + random_num))
    return hashlib.sha256(hashlib.sha256(inner).digest()).digest()


def selftest():
    # The known answer of /work/shared/docs/korea.md ("Identity binding").
    random_num = bytes.fromhex('79EA7568A2D3776604E18BCD3A1B1B85B7DA0872')
    inner = der(SEQUENCE, der(PRINTABLE_STRING, b'1234561234567') + der(BIT_STRING, b'\x00' + random_num))
    if inner.hex().upper() != '3026130D31323334353631323334353637031500' + random_num.hex().upper():
        raise Bad(f'self-test: the VID input is {inner.hex()}')
    if vid_of('1234561234567', random_num).hex() != '17692c8dd00ead33791de0a64a937c60799634c64ac56fa57570c0e05252ab35':
        raise Bad('self-test: the known-answer VID does not come out')
    if oid(bytes.fromhex('2a831a8c9a440a010103')) != OID_RANDOM_NUM:
        raise Bad('self-test: OID decoding')


DN_FOLDER = re.compile(r'^NPKI/([^/]+)/USER/([^/]+)/(signCert\.der|signPri\.key)$')


def unzip(archive, dest):
    """Extracts the ZIP after checking its shape; prints the certificate's folder."""
    folders = {}
    with zipfile.ZipFile(archive) as z:
        bad = z.testzip()
        if bad is not None:
            raise Bad(f'{archive}: {bad} is damaged (CRC)')
        for info in z.infolist():
            name = info.filename
            # Without the UTF-8 flag (general purpose bit 11) unzip tools read a Korean name in
            # the local code page: the DN folder would come out garbled.
            if not name.isascii() and not info.flag_bits & 0x800:
                raise Bad(f'{archive}: the non-ASCII name {name!r} is stored without the UTF-8 flag')
            if info.is_dir():
                if not re.fullmatch(r'NPKI/(?:[^/]+/(?:USER/(?:[^/]+/)?)?)?', name):
                    raise Bad(f'{archive}: unexpected folder {name}')
                continue
            match = DN_FOLDER.match(name)
            if not match or '..' in (match.group(1), match.group(2)):
                raise Bad(f'{archive}: {name} is not NPKI/<CA folder>/USER/<subject DN folder>/'
                          'signCert.der or signPri.key')
            folders.setdefault(name.rsplit('/', 1)[0], set()).add(match.group(3))
        if len(folders) != 1:
            raise Bad(f'{archive}: {len(folders)} certificate folders ({", ".join(folders) or "none"}), expected one')
        folder, files = next(iter(folders.items()))
        if files != {'signCert.der', 'signPri.key'}:
            raise Bad(f'{archive}: {folder} holds {", ".join(sorted(files))}, not signCert.der and signPri.key')
        z.extractall(dest)
    print(folder)


def read_password(path):
    # As `openssl -passin file:` reads it: the first line, without its line end.
    return pathlib.Path(path).read_bytes().split(b'\n', 1)[0].rstrip(b'\r')


def decrypt(key_path, password_path, plain_path):
    """EncryptedPrivateKeyInfo with PBES2: checks the algorithms and decrypts it."""
    data = pathlib.Path(key_path).read_bytes()
    info = items(expect(only(data, 'EncryptedPrivateKeyInfo'), SEQUENCE, 'EncryptedPrivateKeyInfo'))
    if len(info) != 2:
        raise Bad(f'EncryptedPrivateKeyInfo has {len(info)} parts')
    algorithm = items(expect(info[0], SEQUENCE, 'encryptionAlgorithm'))
    if oid(expect(algorithm[0], OBJECT, 'algorithm')) != OID_PBES2:
        raise Bad(f'the key is encrypted with {oid(algorithm[0][1])}, not PBES2')
    kdf, scheme = items(expect(algorithm[1], SEQUENCE, 'PBES2-params'))
    kdf = items(expect(kdf, SEQUENCE, 'keyDerivationFunc'))
    if oid(expect(kdf[0], OBJECT, 'keyDerivationFunc')) != OID_PBKDF2:
        raise Bad(f'the key derivation is {oid(kdf[0][1])}, not PBKDF2')
    params = items(expect(kdf[1], SEQUENCE, 'PBKDF2-params'))
    salt = expect(params[0], OCTET_STRING, 'salt')
    iterations = integer(expect(params[1], INTEGER, 'iterationCount'))
    rest = params[2:]
    key_length = None
    if rest and rest[0][0] == INTEGER:
        key_length = integer(rest[0][1])
        rest = rest[1:]
    if not rest:
        raise Bad('PBKDF2 without a prf (the default, HMAC-SHA1), not HMAC-SHA256')
    prf = items(expect(rest[0], SEQUENCE, 'prf'))
    if oid(expect(prf[0], OBJECT, 'prf')) != OID_HMAC_SHA256:
        raise Bad(f'the PBKDF2 prf is {oid(prf[0][1])}, not hmacWithSHA256')
    scheme = items(expect(scheme, SEQUENCE, 'encryptionScheme'))
    if oid(expect(scheme[0], OBJECT, 'encryptionScheme')) != OID_AES256_CBC:
        raise Bad(f'the cipher is {oid(scheme[0][1])}, not aes-256-cbc')
    iv = expect(scheme[1], OCTET_STRING, 'AES IV')
    if len(iv) != 16 or key_length not in (None, 32) or len(salt) < 8:
        raise Bad(f'IV of {len(iv)} bytes, key length {key_length}, salt of {len(salt)} bytes')
    # PKI.js writes encryptedData as a constructed OCTET STRING (tag 0x24): not DER.
    encrypted = expect(info[1], OCTET_STRING, 'encryptedData (a primitive OCTET STRING)')
    print(f'iterations {iterations}')
    key = hashlib.pbkdf2_hmac('sha256', read_password(password_path), salt, iterations, 32)
    plain = subprocess.run(['openssl', 'enc', '-d', '-aes-256-cbc', '-K', key.hex(), '-iv', iv.hex()],
                           input=encrypted, capture_output=True, check=False)
    if plain.returncode != 0:
        raise Bad('AES-256-CBC with the PBKDF2 key does not decrypt the key (wrong password or padding): '
                  + plain.stderr.decode(errors='replace').strip())
    pathlib.Path(plain_path).write_bytes(plain.stdout)


def random_num(plain_path):
    """PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey, [0] attributes }."""
    data = pathlib.Path(plain_path).read_bytes()
    parts = items(expect(only(data, 'PrivateKeyInfo'), SEQUENCE, 'PrivateKeyInfo'))
    if len(parts) < 4 or parts[3][0] != CONTEXT_0:
        raise Bad('the decrypted PrivateKeyInfo has no attributes (no randomNum)')
    found = []
    for attribute in items(parts[3][1]):
        kind, values = items(expect(attribute, SEQUENCE, 'Attribute'))
        if oid(expect(kind, OBJECT, 'attribute type')) == OID_RANDOM_NUM:
            found += items(expect(values, SET, 'attribute values'))
    if len(found) != 1:
        raise Bad(f'{len(found)} randomNum values in the key, expected one')
    bits = expect(found[0], BIT_STRING, 'randomNum')
    if len(bits) != 21 or bits[0] != 0:
        raise Bad(f'randomNum is {len(bits) - 1} bytes with {bits[0] if bits else "?"} unused bits, '
                  'expected 20 bytes with 0')
    print(bits[1:].hex())


def identify_data(certificate):
    """(realName, hash OID, hash parameters, virtualID) of the certificate's identifyData."""
    tbs = items(expect(items(expect(only(certificate, 'Certificate'), SEQUENCE, 'Certificate'))[0],
                       SEQUENCE, 'tbsCertificate'))
    extensions = [e for e in tbs if e[0] == CONTEXT_3]
    if not extensions:
        raise Bad('the certificate has no extensions')
    names = None
    for extension in items(expect(items(extensions[0][1])[0], SEQUENCE, 'Extensions')):
        fields = items(expect(extension, SEQUENCE, 'Extension'))
        if oid(expect(fields[0], OBJECT, 'extnID')) == OID_SUBJECT_ALT_NAME:
            names = expect(fields[-1], OCTET_STRING, 'extnValue')
    if names is None:
        raise Bad('the certificate has no subjectAltName')
    found = []
    for name in items(expect(only(names, 'GeneralNames'), SEQUENCE, 'GeneralNames')):
        if name[0] != CONTEXT_0:  # otherName
            continue
        type_id, value = items(name[1])
        if oid(expect(type_id, OBJECT, 'otherName type-id')) == OID_IDENTIFY_DATA:
            found.append(only(expect(value, CONTEXT_0, 'otherName value [0]'), 'identifyData'))
    if len(found) != 1:
        raise Bad(f'{len(found)} identifyData otherNames in subjectAltName, expected one')
    data = items(expect(found[0], SEQUENCE, 'identifyData'))
    real_name = expect(data[0], UTF8_STRING, 'realName').decode('utf-8')
    if len(data) < 2:
        raise Bad('identifyData has no userInfo (no VID)')
    infos = items(expect(data[1], SEQUENCE, 'userInfo'))
    vids = []
    for info in infos:
        kind, value = items(expect(info, SEQUENCE, 'userInfo entry'))
        if oid(expect(kind, OBJECT, 'userInfo type')) == OID_VID:
            vids.append(value)
    if len(vids) != 1:
        raise Bad(f'{len(vids)} VIDs in identifyData, expected one')
    hash_alg, virtual = items(expect(vids[0], SEQUENCE, 'VID'))
    hash_alg = items(expect(hash_alg, SEQUENCE, 'hashAlg'))
    digest = expect(only(expect(virtual, CONTEXT_0, 'virtualID [0]'), 'virtualID'), OCTET_STRING, 'virtualID')
    return real_name, oid(expect(hash_alg[0], OBJECT, 'hashAlg')), hash_alg[1:], digest


def vid(certificate_path, idn, random_hex, name):
    real_name, hash_oid, hash_params, virtual = identify_data(pathlib.Path(certificate_path).read_bytes())
    if hash_oid != OID_SHA256 or hash_params:
        raise Bad(f'hashAlg {hash_oid} with {len(hash_params)} parameters, expected sha256 without')
    if real_name != name:
        raise Bad(f'realName is "{real_name}", expected "{name}"')
    if not re.fullmatch(r'\d{13}', idn):
        raise Bad(f'the resident number "{idn}" is not 13 digits')
    expected = vid_of(idn, bytes.fromhex(random_hex))
    if virtual != expected:
        raise Bad(f'the certificate\'s VID is {virtual.hex()}; SHA256(SHA256(DER(idn, R))) is {expected.hex()}')
    print(virtual.hex())


def main(argv):
    commands = {
        'selftest': (selftest, 0),
        'unzip': (unzip, 2),
        'decrypt': (decrypt, 3),
        'random-num': (random_num, 1),
        'vid': (vid, 4),
    }
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        selftest()
        commands[argv[1]][0](*argv[2:])
    except (Bad, zipfile.BadZipFile, OSError, ValueError, IndexError) as error:
        print(f'{argv[1]}: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
