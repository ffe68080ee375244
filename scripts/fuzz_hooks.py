"""schemathesis checks of our own, loaded by scripts/fuzz-api.sh.

An error body must never show the server's insides: no panic message or
backtrace, no SQL or driver error text, no Rust source location. (Successful
bodies echo what was sent, and the fuzzer sends SQL-looking strings.)
"""
import re

import schemathesis

LEAK = re.compile(
    r"panicked at|stack backtrace|RUST_BACKTRACE|\bsqlx\b|SQLSTATE|syntax error at|"
    r"\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|\bDELETE FROM\b|"
    r"violates .* constraint|duplicate key value|no such table|\.rs:\d+",
    re.IGNORECASE,
)


@schemathesis.check
def no_internals_in_bodies(ctx, response, case):
    if response.status_code < 400:
        return None
    found = LEAK.search(response.text or "")
    if found:
        raise AssertionError(f"the response body shows server internals: {found.group(0)[:80]!r}")
    return None
