"""Characters a name must not hold, and how to show them to a person.

A name is shown in lists, e-mails and exports, and typed again by the student to link
their account: a character that cannot be seen makes it look unlike what it is
("DUPONT" with a zero-width space is not "DUPONT"; a right-to-left override shows
"TNOPUD"). The reader refuses such names (INVALID_CHAR_DETECTED, reason INVISIBLE), and
every value it reports is shown with those characters spelled out ("[U+202E]").

Refused, by Unicode category (a test checks the list against `unicodedata`):
- Cc, control characters: C0 (U+0000-U+001F, tab and line breaks included: a name is
  one line), DEL and C1 (U+007F-U+009F);
- Cf, format characters: soft hyphen, the Arabic letter mark, the zero-width characters
  and direction marks (U+200B-U+200F), the embeddings and overrides (U+202A-U+202E),
  the word joiner and invisible operators (U+2060-U+2064), the isolates (U+2066-U+2069),
  the deprecated format characters (U+206A-U+206F), the byte order mark inside a text
  (U+FEFF), the interlinear annotations, tags (U+E0001, U+E0020-U+E007F), and the
  script-specific format characters of Unicode 14;
- Zl and Zp, the line and paragraph separators (U+2028, U+2029);
- and characters of other categories that are default-ignorable or drawn blank, used to
  fake an empty or different name: combining grapheme joiner (U+034F), Hangul fillers
  (U+115F, U+1160, U+3164, U+FFA0), Khmer inherent vowels (U+17B4, U+17B5), Mongolian
  free variation selectors (U+180B-U+180D, U+180F), variation selectors (U+FE00-U+FE0F,
  U+E0100-U+E01EF) and the blank Braille pattern (U+2800).
Kept: spaces of every width (U+00A0 "JOSÉ MARIA", U+202F...), which are seen as spaces.
"""

from __future__ import annotations

import re

# Ranges of code points, (first, last), as listed above.
INVISIBLE_RANGES = (
    # Cc
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    # Cf, Zl, Zp (Unicode 14)
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),  # 1343F is Unicode 15's last format control: kept ahead
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    # Default-ignorable or blank, of other categories
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _class(ranges) -> str:
    return "".join(
        re.escape(chr(first))
        if first == last
        else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        for first, last in ranges
    )


INVISIBLE = re.compile(f"[{_class(INVISIBLE_RANGES)}]")


def code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def invisible_characters(text: str) -> list[str]:
    """The invisible characters of `text`, as "U+202E", each once, in order."""
    return list(dict.fromkeys(code_point(found) for found in INVISIBLE.findall(text)))


def make_visible(text: str) -> str:
    """`text` with each invisible character spelled out: "DUP[U+202E]ONT"."""
    if not INVISIBLE.search(text):
        return text
    return INVISIBLE.sub(lambda match: f"[{code_point(match.group())}]", text)
