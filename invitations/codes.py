"""The secret code of an invitation link.

256 random bits (`secrets.token_urlsafe(32)`, 43 characters), stored as a SHA-256 hash:
the code is random, so a plain hash is enough (no salt, no slow hash: there is nothing to
guess from a dictionary), and a leaked database holds no working link. Compared in
constant time. The code is never logged nor put in an exception message: it exists only
in the e-mail (and the query string of the link, which the access log drops).
"""

import hashlib
import hmac
import secrets

CODE_BYTES = 32
# Longer input is not a code of ours; refused before hashing anything big.
MAX_CODE_LENGTH = 64


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def code_matches(code_hash: str, candidate_hash: str) -> bool:
    return bool(code_hash) and hmac.compare_digest(code_hash, candidate_hash)
