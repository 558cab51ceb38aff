"""Search-name normalisation: what a person types and what is stored compare alike.

"Lœwenbrück-Dupont  Éloïse" and "loewenbruck dupont eloise" both become
"loewenbruck dupont eloise": accents removed, ligatures expanded, lower case, and
hyphens, apostrophes and runs of white space reduced to one space. The same function
fills `Learner.search_name` (at import) and normalises the query (on the list page), so
a plain `LIKE` on the column is accent- and case-insensitive on every database.
"""

import re
import unicodedata
from functools import lru_cache

# NFKD leaves these as single letters: spell them out as people type them.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`´.,_/]+")  # noqa: RUF001 - hyphens and quotes


@lru_cache(maxsize=65536)
def _word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalize_search(text: str) -> str:
    """Lower case, accents stripped, words separated by single spaces."""
    if not text:
        return ""
    # Names repeat a lot within a school: the per-word cache makes 50,000 students cheap.
    return " ".join(_word(word) for word in _SEPARATORS.split(text) if word)


def learner_search_name(
    *,
    ine: str,
    last_name: str,
    preferred_last_name: str,
    first_name: str,
    middle_name: str = "",
    third_name: str = "",
) -> str:
    """The text the list page searches: names (usage name included) and the INE."""
    parts = (last_name, preferred_last_name, first_name, middle_name, third_name, ine)
    return normalize_search(" ".join(part for part in parts if part))
