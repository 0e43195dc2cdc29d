#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tampers with a dojangd audit log the way an attacker with write access to the database would.

Usage: audit_tamper.py DB MODE
  truncate  delete the newest entries, from the newest checkpoint on (chain stays valid)
  rewrite   change the subject of the first crl.publish entry and recompute every hash after
            it, so that the hash chain alone is intact again
  rewrite_all  as rewrite, and also delete every audit.checkpoint row before recomputing
The chain formula is the documented one (docs/audit.md): SHA-256 over length-prefixed fields
previous_hash, sequence, at, actor, action, subject, details.
"""
import hashlib
import sqlite3
import sys


def chain_hash(previous, row):
    sequence, at, actor, action, subject, details = row
    text = ""
    for field in (previous, str(sequence), str(at), actor, action, subject, details):
        text += f"{len(field.encode())}:{field}"
    return hashlib.sha256(text.encode()).hexdigest()


def recompute(db):
    rows = db.execute(
        "SELECT sequence, at, actor, action, subject, details FROM audit_log ORDER BY sequence").fetchall()
    previous = "0" * 64
    for new_sequence, row in enumerate(rows, start=1):
        row = (new_sequence,) + tuple(row[1:])
        digest = chain_hash(previous, row)
        db.execute("UPDATE audit_log SET sequence = ?, previous_hash = ?, hash = ? WHERE sequence = ?",
                   (new_sequence, previous, digest, rows[new_sequence - 1][0]))
        previous = digest


db = sqlite3.connect(sys.argv[1])
mode = sys.argv[2]
if mode == "truncate":
    newest = db.execute("SELECT MAX(sequence) FROM audit_log WHERE action = 'audit.checkpoint'").fetchone()[0]
    db.execute("DELETE FROM audit_log WHERE sequence >= ?", (newest - 1,))
else:
    if mode == "rewrite_all":
        db.execute("DELETE FROM audit_log WHERE action = 'audit.checkpoint'")
    target = db.execute("SELECT MIN(sequence) FROM audit_log WHERE action = 'crl.publish'").fetchone()[0]
    db.execute("UPDATE audit_log SET subject = 'rewritten' WHERE sequence = ?", (target,))
    recompute(db)
db.commit()
