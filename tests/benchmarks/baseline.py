"""The raw-SQLite baseline: plain sqlite3 executemany of the same rows into an equivalent
schema (contact, email, phone, address), in one transaction per 1,000 contacts."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from tests.benchmarks.corpus import contacts, rows

SCHEMA = """
CREATE TABLE contact (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, full_name TEXT,
                      given TEXT, family TEXT);
CREATE TABLE email (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contact(id),
                    value TEXT UNIQUE);
CREATE TABLE phone (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contact(id),
                    value TEXT UNIQUE);
CREATE TABLE address (id INTEGER PRIMARY KEY, contact_id INTEGER REFERENCES contact(id),
                      street TEXT, locality TEXT, postal_code TEXT, country TEXT);
"""


def insert_baseline(path: Path, size: int, batch: int = 1000) -> float:
    """Seconds to insert ``size`` contacts with their rows; ids are assigned explicitly."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    data = [rows(c) for c in contacts(size)]
    start = time.perf_counter()
    for offset in range(0, size, batch):
        chunk = data[offset: offset + batch]
        ids = range(offset + 1, offset + 1 + len(chunk))
        with conn:
            conn.executemany("INSERT INTO contact VALUES (?,?,?,?,?)",
                             [(i, r[0], r[1], r[2], r[3]) for i, r in zip(ids, chunk, strict=True)])
            conn.executemany("INSERT INTO email (contact_id, value) VALUES (?,?)",
                             [(i, e) for i, r in zip(ids, chunk, strict=True) for e in r[4]])
            conn.executemany("INSERT INTO phone (contact_id, value) VALUES (?,?)",
                             [(i, r[5]) for i, r in zip(ids, chunk, strict=True)])
            conn.executemany("INSERT INTO address (contact_id, street, locality, postal_code,"
                             " country) VALUES (?,?,?,?,?)",
                             [(i, *r[6]) for i, r in zip(ids, chunk, strict=True)])
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed
