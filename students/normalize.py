"""Name normalisation: the search name (what a person types and what is stored compare
alike) and the sort name (the order of the list).

"Lœwenbrück-Dupont  Éloïse" and "loewenbruck dupont eloise" both become
"loewenbruck dupont eloise": accents removed, ligatures expanded, lower case, and
hyphens, apostrophes and runs of white space reduced to one space. The same function
fills `Learner.search_name` (at import) and normalises the query (on the list page), so
a plain `LIKE` on the column is accent- and case-insensitive on every database.
"""

import datetime
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


# --- Sort name ----------------------------------------------------------------------------
# Letters NFKD leaves alone, spelt as French sorts them.
_SORT_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}  # noqa: RUF001 - dotless i
)
_NOT_A_TO_Z = re.compile(r"[^a-z]+")
# The key holds only "0", "1" and a to z, which every collation (PostgreSQL's C, ICU or libc
# French, SQLite's binary) orders the same way: digits before letters, letters a to z. A
# space or a hyphen would not do: libc collations such as fr_FR.UTF-8 (a common database
# default) pass over them at first, putting MARTINEZ Ana before MARTIN Léa. "0" ends the
# last name and "1" separates words, so a shorter name comes first (MARTIN Léa <
# MARTIN DUPONT Ana < MARTINEZ Ana < MARTINI Zoé).
_NAME_END = "0"
_WORD_END = "1"
# Far below PostgreSQL's B-tree entry limit (~2,700 bytes), and past any useful order.
_SORT_PART_MAX = 200


def _sort_part(name: str) -> str:
    words = normalize_search(name).translate(_SORT_LETTERS).split()
    return _WORD_END.join(filter(None, (_NOT_A_TO_Z.sub("", word) for word in words)))[
        :_SORT_PART_MAX
    ]


def learner_sort_name(*, last_name: str, preferred_last_name: str, first_name: str) -> str:
    """The key the list sorts on: the last name shown (usage name, else birth name), then
    the first name; accents, case, hyphens and apostrophes folded (ÉTIENNE sorts with
    etienne, before VINCENT). Digits and letters outside the Latin alphabet are dropped."""
    shown_last_name = preferred_last_name or last_name
    return f"{_sort_part(shown_last_name)}{_NAME_END}{_sort_part(first_name)}"


# --- Matching names (a student joining by code) --------------------------------------------
_NOT_A_TO_Z_OR_DIGIT = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def normalize_match_name(text: str) -> str:
    """A name as the matching rule compares it (product.md, "Student joining by code"):
    trimmed, lower-cased, accents removed (NFD), every space removed, then every character
    other than a-z and 0-9 removed, so that « Jean-Pierre », « jean pierre » and
    « JEANPIERRE » are equal. Ligatures are spelt out first (« Lœtitia » = « Loetitia »):
    decomposition leaves œ whole, and the rule would otherwise drop it."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.strip().translate(_LIGATURES).lower())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_A_TO_Z_OR_DIGIT.sub("", without_accents)


def identifier_part(text: str, *, max_length: int = 40) -> str:
    """One part of a generated identifier (`prenom.nom`): the name as matching compares
    it, digits left out (they would run into the day and month that follow)."""
    return "".join(c for c in normalize_match_name(text) if c.isalpha())[:max_length]


def student_identifier_base(*, first_name: str, last_name: str, birthdate: datetime.date) -> str:
    """`prenom.nom` and the day and month of birth: « Léa-Marie N'Diaye », 5 December →
    leamarie.ndiaye0512 (accents, spaces, hyphens and apostrophes out, lower case)."""
    first = identifier_part(first_name) or "eleve"
    last = identifier_part(last_name) or "pix"
    return f"{first}.{last}{birthdate:%d%m}"
