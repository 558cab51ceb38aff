"""One school whose names and classes a raw sort gets wrong, for the order's tests on
PostgreSQL (test_list_order.py) and SQLite (test_list_order_sqlite.py).

In file order (shuffled, so that insertion order proves nothing): (INE, birth name, usage
name, first name, class, MEF code). TG2's MEF code is a vocational track's (no level:
its name says terminale); ULIS's is of no known level either, and its name says nothing.
"""

from tests.students.xml_helpers import pupil, siecle_xml

PUPILS = [
    ("1000000004D", "BÉNÉTEAU", "", "Anne", "5A", "10110001110"),
    ("1000000011K", "ZOLA", "", "Émile", "ULIS", "16710001110"),
    ("1000000008H", "MARTIN DUPONT", "", "Ana", "2NDE10", "20010001110"),
    ("1000000001A", "VINCENT", "", "Paul", "6A", "10010001110"),
    ("1000000006F", "MARTIN", "", "Léa", "3A", "10310001110"),
    ("1000000010J", "LEBLANC", "", "Rémi", "TG2", "27611001110"),
    ("1000000003C", "BONNET", "", "Jean", "6C10", "10010001110"),
    ("1000000005E", "ABADIE", "MOREAU", "Zoé", "4A", "10210001110"),
    ("1000000009I", "LE GOFF", "", "Yann", "1G1", "20111001110"),
    ("1000000002B", "ÉTIENNE", "", "Marc", "6B", "10010001110"),
    ("1000000007G", "MARTINEZ", "", "Ana", "2NDE1", "20010001110"),
]

# The example.
CLASSES = ["6A", "6B", "6C10", "5A", "4A", "3A", "2NDE1", "2NDE10", "1G1", "TG2", "ULIS"]
# The last name shown (usage name first), then the first name; accents and case folded:
# ÉTIENNE before VINCENT, BÉNÉTEAU before BONNET, MOREAU (born ABADIE) among the M, and a
# shorter name first (MARTIN Léa, MARTIN DUPONT Ana, MARTINEZ Ana).
BY_NAME = [
    "BÉNÉTEAU",
    "BONNET",
    "ÉTIENNE",
    "LE GOFF",
    "LEBLANC",
    "MARTIN",
    "MARTIN DUPONT",
    "MARTINEZ",
    "MOREAU",
    "VINCENT",
    "ZOLA",
]
# One student a class: the class order.
BY_CLASS = [
    "VINCENT",
    "ÉTIENNE",
    "BONNET",
    "BÉNÉTEAU",
    "MOREAU",
    "MARTIN",
    "MARTINEZ",
    "MARTIN DUPONT",
    "LE GOFF",
    "LEBLANC",
    "ZOLA",
]


def school_xml(uai: str) -> bytes:
    return siecle_xml(
        uai,
        [
            pupil(ine, last, first, division=division, preferred_last_name=usage, mef=mef)
            for ine, last, usage, first, division, mef in PUPILS
        ],
    )
