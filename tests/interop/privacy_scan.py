#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scan a SQLite database for personal data: resident registration numbers, birth dates, phone
numbers and e-mail addresses, in clear or as an unkeyed hash anyone can find by hashing
candidates. Independent of dojang's code: it knows nothing of the schema, it reads every table
and every column, and then the files themselves byte by byte (so deleted rows still in free
pages, and the WAL, are covered too).

    privacy_scan.py --candidates CANDIDATES.json --db FILE.db [--raw FILE ...]

CANDIDATES.json:
    {"people": [{"who": "c-1", "resident_number": "870613-1234567", "birth_date": "1987-06-13",
                 "phones": ["010-2741-8365"], "emails": ["a@example.com"]}, ...],
     "hash_inputs": [{"who": "body of the matched application", "file": "matched.body"}, ...]}
Every field of a person is optional. A hash input is hashed as its exact bytes (and, when it is
JSON, as its compact and key-sorted re-serialisations); it is never searched in clear (the
person's own fields are).

In clear: each resident number with and without the dash, each birth date (from the resident
number or given) as YYMMDD, YYYY-MM-DD, YYYYMMDD and a few more, each phone in its usual forms
(digits, dashes, spaces, +82), each e-mail, case ignored; also inside base64, hex and PEM text.
Hashed: md5, sha1, sha224/256/384/512, sha3-256/512, blake2b/s, double sha256, sha256 of the
sha256 hex and HMAC-SHA256 with an empty key of every form above and of every hash input; each
as raw bytes, hex (either case), base64 and base64url, and cut to its first 64 bits (raw, hex).
Names are not searched. A six-digit YYMMDD counts only where a word or number starts (and in an
integer column only as the whole number), so that it is not found by chance inside a timestamp
or a hex digest.

Prints one "HIT ..." line per place and finding, exits 1 when there is any, 0 when there is none,
2 on bad usage.
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

# ---------------------------------------------------------------------------------------------
# Candidates in clear.


def digits(text):
    return "".join(c for c in text if c.isdigit())


def rrn_variants(rrn):
    d = digits(rrn)
    if len(d) != 13:
        raise SystemExit(f"privacy_scan: {rrn!r} is not a 13-digit resident number")
    out = [f"{d[:6]}-{d[6:]}", d, f"{d[:6]} {d[6:]}"]
    if d.startswith("0"):  # stored as an integer, the leading zeros go
        out.append(d.lstrip("0"))
    return out


def birth_from_rrn(rrn):
    d = digits(rrn)
    century = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900,
               "3": 2000, "4": 2000, "7": 2000, "8": 2000}[d[6]]
    return datetime.date(century + int(d[0:2]), int(d[2:4]), int(d[4:6]))


def birth_variants(date):
    y, m, d = f"{date.year:04d}", f"{date.month:02d}", f"{date.day:02d}"
    # YYMMDD is short: searched only where it cannot be a piece of a larger number by chance
    # (see SHORT below); the others are unambiguous.
    return [f"{y}-{m}-{d}", y[2:] + m + d, y + m + d, f"{y}.{m}.{d}", f"{y}/{m}/{d}",
            f"{y}년 {int(m)}월 {int(d)}일"]


def phone_variants(phone):
    d = digits(phone)
    if d.startswith("82"):
        d = "0" + d[2:]
    if not d.startswith("0") or len(d) not in (10, 11):
        raise SystemExit(f"privacy_scan: {phone!r} is not a Korean phone number")
    head, mid, tail = d[:3], d[3:-4], d[-4:]
    national = d[1:]  # without the trunk 0: what follows +82, and what an integer column keeps
    return [
        d,
        f"{head}-{mid}-{tail}",
        f"{head} {mid} {tail}",
        f"{head}.{mid}.{tail}",
        national,
        f"{head[1:]}-{mid}-{tail}",  # "+82-10-…", "+82 10-…"
        f"{head[1:]} {mid} {tail}",  # "+82 10 …"
        f"+82{national}",
        f"+82 {head[1:]} {mid} {tail}",
        f"+82-{head[1:]}-{mid}-{tail}",
        f"+82 {national}",
        f"82{national}",
    ]


def email_variants(email):
    local, _, domain = email.partition("@")
    return [email, email.lower(), email.upper(), f"{local}@{domain.lower()}"]


class Clear:
    """One candidate string and what it is."""

    def __init__(self, text, what, short=False):
        self.text = text
        self.what = what
        self.short = short  # YYMMDD: see "short" in Matcher.search


def clear_candidates(people):
    out = []
    for person in people:
        who = person.get("who", "?")
        rrn = person.get("resident_number")
        births = set()
        if rrn:
            for v in rrn_variants(rrn):
                out.append(Clear(v, f"resident number of {who} ({rrn})"))
            births.add(birth_from_rrn(rrn))
        if person.get("birth_date"):
            births.add(datetime.date.fromisoformat(person["birth_date"]))
        for birth in sorted(births):
            for v in birth_variants(birth):
                out.append(Clear(v, f"birth date of {who} ({birth.isoformat()})", short=len(v) <= 6))
        for phone in person.get("phones", []):
            for v in phone_variants(phone):
                out.append(Clear(v, f"phone of {who} ({phone})"))
        for email in person.get("emails", []):
            for v in email_variants(email):
                out.append(Clear(v, f"e-mail of {who} ({email})"))
    # One text can be two things (a birth date inside a resident number is reported as both).
    return out


# ---------------------------------------------------------------------------------------------
# Unkeyed hashes.

ALGORITHMS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512",
              "blake2b", "blake2s"]


def digests(data):
    """(name, raw digest) of every unkeyed hash of data we try."""
    out = []
    for name in ALGORITHMS:
        out.append((name, hashlib.new(name, data).digest()))
    once = hashlib.sha256(data).digest()
    out.append(("double sha256", hashlib.sha256(once).digest()))
    out.append(("sha256 of the sha256 hex", hashlib.sha256(once.hex().encode()).digest()))
    # "Keyed" with a key everyone knows is unkeyed.
    out.append(("hmac-sha256 with an empty key", hmac.new(b"", data, hashlib.sha256).digest()))
    return out


class Needle:
    """A byte string to look for and what finding it means. kind: "clear" (case does not
    matter), "hex" (a digest in hex, either case) or "exact" (a raw or base64 digest). finding:
    what it reveals; form: how it was written (the text, or the digest's encoding)."""

    def __init__(self, pattern, kind, finding, form, short=False):
        self.kind = kind
        self.pattern = pattern if kind == "exact" else pattern.lower()
        self.finding = finding
        self.form = form
        self.short = short


def hash_needles(data, what):
    out = []
    for name, raw in digests(data):
        finding = f"{name} of {what}"
        out.append(Needle(raw, "exact", finding, "raw bytes"))
        out.append(Needle(raw.hex().encode(), "hex", finding, "hex"))
        # Cut short, it is just as easy to find: its first 64 bits.
        out.append(Needle(raw[:8], "exact", finding, "raw bytes, first 64 bits"))
        out.append(Needle(raw.hex()[:16].encode(), "hex", finding, "hex, first 64 bits"))
        out.append(Needle(base64.b64encode(raw).rstrip(b"="), "exact", finding, "base64"))
        out.append(Needle(base64.urlsafe_b64encode(raw).rstrip(b"="), "exact", finding, "base64url"))
    return out


def json_forms(raw):
    """The exact bytes, and, when they are JSON, the usual re-serialisations."""
    forms = {raw}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return forms
    for sort in (False, True):
        for ascii_only in (False, True):
            for seps in ((",", ":"), (", ", ": ")):
                forms.add(json.dumps(value, sort_keys=sort, ensure_ascii=ascii_only,
                                     separators=seps).encode("utf-8"))
    return forms


def build_needles(spec):
    needles = []
    seen = set()

    def add(needle):
        key = (needle.pattern, needle.kind)
        if key not in seen:
            seen.add(key)
            needles.append(needle)

    for clear in clear_candidates(spec.get("people", [])):
        add(Needle(clear.text.encode("utf-8"), "clear", f"{clear.what} in clear",
                   f'"{clear.text}"', short=clear.short))
    for clear in clear_candidates(spec.get("people", [])):
        for needle in hash_needles(clear.text.encode("utf-8"), f'{clear.what}: "{clear.text}"'):
            add(needle)
    for item in spec.get("hash_inputs", []):
        with open(item["file"], "rb") as f:
            raw = f.read()
        for n, form in enumerate(sorted(json_forms(raw), key=lambda b: (b != raw, b))):
            label = item["who"] if form == raw else f"{item['who']} (re-serialised #{n})"
            for needle in hash_needles(form, label):
                add(needle)
    return needles


# ---------------------------------------------------------------------------------------------
# Matching.

PREFIX = 8  # every hash needle is longer; they are looked up by their first bytes
HEX_RUN = re.compile(rb"[0-9a-fA-F]{16,}")
B64_TOKEN = re.compile(rb"[A-Za-z0-9+/_-]{16,}={0,2}")
HEX_TOKEN = re.compile(rb"(?:[0-9a-fA-F]{2}){12,}")
PEM = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----(.*?)-----END [A-Z0-9 ]+-----", re.S)


class Matcher:
    def __init__(self, needles):
        self.count = len(needles)
        self.clear = [n for n in needles if n.kind == "clear"]
        self.exact = {}  # raw digests and base64: case matters
        self.hex = {}  # hex digests, lower case, matched against folded text
        for n in needles:
            if n.kind == "clear":
                continue
            assert len(n.pattern) >= PREFIX
            index = self.hex if n.kind == "hex" else self.exact
            index.setdefault(n.pattern[:PREFIX], []).append(n)

    def search(self, data, is_integer=False):
        """Every (needle, offset) in data (bytes)."""
        hits = []
        folded = data.lower()
        for n in self.clear:
            # A short candidate (YYMMDD) counts in a number only as the whole number, and in text
            # only where a number or a word starts: not as six digits somewhere inside a
            # timestamp or a hex digest, where they turn up by chance.
            if is_integer and n.short and folded != n.pattern:
                continue
            pos = folded.find(n.pattern)
            while pos >= 0:
                if not (n.short and pos > 0 and folded[pos - 1:pos].isalnum()):
                    hits.append((n, pos))
                pos = folded.find(n.pattern, pos + 1)
        if is_integer:
            return hits
        exact = self.exact
        for i in range(len(data) - PREFIX + 1):
            candidates = exact.get(data[i:i + PREFIX])
            if candidates:
                hits.extend((n, i) for n in candidates if data.startswith(n.pattern, i))
        for run in HEX_RUN.finditer(folded):
            start, end = run.span()
            for i in range(start, end - PREFIX + 1):
                candidates = self.hex.get(folded[i:i + PREFIX])
                if candidates:
                    hits.extend((n, i) for n in candidates if folded.startswith(n.pattern, i))
        return hits


def decodings(data):
    """Bytes hidden in data by base64 or hex (PEM included), to be searched as well."""
    out = []
    for m in PEM.finditer(data):
        try:
            out.append(base64.b64decode(re.sub(rb"\s+", b"", m.group(1))))
        except (binascii.Error, ValueError):
            pass
    for m in B64_TOKEN.finditer(data):
        token = m.group(0).rstrip(b"=")
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            for start in range(4):  # the token may start in the middle of a base64 quantum
                piece = token[start:]
                piece = piece[: len(piece) - len(piece) % 4]
                if len(piece) < 12:
                    continue
                try:
                    out.append(decode(piece))
                except (binascii.Error, ValueError):
                    pass
    for m in HEX_TOKEN.finditer(data):
        out.append(bytes.fromhex(m.group(0).decode("ascii")))
    return out


def outermost(hits):
    """The hits not inside a longer hit of the same finding ("1027418365" inside "01027418365",
    the first 64 bits of a digest inside the whole digest)."""
    by_finding = {}
    for needle, offset in hits:
        by_finding.setdefault(needle.finding, []).append((offset, offset + len(needle.pattern), needle))
    kept = []
    for spans in by_finding.values():
        for start, end, needle in spans:
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans):
                kept.append((needle, start))
    return kept


def search_cell(matcher, data, is_integer):
    """{finding: {form}} for one value; a form found only inside a decoding says so."""
    found = {}
    for needle, _ in outermost(matcher.search(data, is_integer)):
        found.setdefault(needle.finding, set()).add(needle.form)
    if not is_integer:
        direct = set(found)  # a hex digest decoded to raw bytes is not a second finding
        for decoded in decodings(data):
            for needle, _ in outermost(matcher.search(decoded)):
                if needle.finding not in direct:
                    found.setdefault(needle.finding, set()).add(
                        f"{needle.form}, decoded from base64/hex/PEM")
    return found


def as_bytes(value):
    if value is None:
        return None, False
    if isinstance(value, bytes):
        return value, False
    if isinstance(value, (int, float)):
        return str(value).encode("ascii"), True
    return str(value).encode("utf-8", "surrogatepass"), False


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def scan_tables(path, matcher):
    """{(table.column, finding, forms): [row numbers]} of every table and column."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Work on a copy (with its WAL), so reading never changes the evidence.
        copy = os.path.join(tmp, "scan.db")
        shutil.copyfile(path, copy)
        if os.path.exists(path + "-wal"):
            shutil.copyfile(path + "-wal", copy + "-wal")
        db = sqlite3.connect(copy)
        db.text_factory = bytes
        tables = [r[0].decode("utf-8") for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        if not tables:
            raise SystemExit(f"privacy_scan: {path} has no tables")
        tables.append("sqlite_master")
        cells = 0
        rows = {}
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {quote(table)}")
            columns = [d[0] for d in cursor.description]
            rows[table] = 0
            for row_number, row in enumerate(cursor, start=1):
                rows[table] = row_number
                for column, value in zip(columns, row):
                    data, is_integer = as_bytes(value)
                    if data is None:
                        continue
                    cells += 1
                    for finding, forms in search_cell(matcher, data, is_integer).items():
                        key = (f"{table}.{column}", finding, tuple(sorted(forms)))
                        found.setdefault(key, []).append(row_number)
        db.close()
    return found, rows, cells


def scan_raw(path, matcher):
    """{(file, finding): ({offsets}, {forms})} of the file's bytes."""
    with open(path, "rb") as f:
        data = f.read()
    found = {}
    for needle, offset in outermost(matcher.search(data)):
        entry = found.setdefault((os.path.basename(path), needle.finding), (set(), set()))
        entry[0].add(offset)
        entry[1].add(needle.form)
    return found, len(data)


def brief(numbers, limit=12):
    text = ", ".join(str(n) for n in numbers[:limit])
    return text + (f", … ({len(numbers)} in all)" if len(numbers) > limit else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", required=True)
    parser.add_argument("--db", required=True, help="the SQLite database: every table and column")
    parser.add_argument("--raw", action="append", default=[], help="a file to scan as bytes")
    args = parser.parse_args()
    with open(args.candidates, encoding="utf-8") as f:
        spec = json.load(f)
    matcher = Matcher(build_needles(spec))
    if not os.path.isfile(args.db):
        print(f"privacy_scan: no database {args.db}", file=sys.stderr)
        return 2

    hits = []
    found, counts, cells = scan_tables(args.db, matcher)
    for (where, finding, forms), rows in sorted(found.items()):
        hits.append(f"HIT {where} (row {brief(rows)}): {finding}: {', '.join(forms)}")
    scanned = [f"{len(counts)} tables, {cells} cells"]
    for path in args.raw:
        if not os.path.isfile(path):
            print(f"privacy_scan: no file {path}", file=sys.stderr)
            return 2
        raw, size = scan_raw(path, matcher)
        scanned.append(f"{os.path.basename(path)} ({size} bytes)")
        for (where, finding), (offsets, forms) in sorted(raw.items()):
            hits.append(f"HIT {where} @ offset {brief(sorted(offsets))}: {finding}: "
                        f"{', '.join(sorted(forms))}")
    print(f"privacy_scan: {matcher.count} patterns over {'; '.join(scanned)}: {len(hits)} hits",
          file=sys.stderr)
    print("privacy_scan: tables (rows): " + ", ".join(f"{t} ({n})" for t, n in counts.items()),
          file=sys.stderr)
    for line in hits:
        print(line)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
