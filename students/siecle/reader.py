"""read_siecle: one streaming pass over the XML into compact rows, then the rules (rules.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import BinaryIO

from lxml import etree

from .records import (
    MALFORMED,
    NOT_SIECLE,
    UAI_MISMATCHED,
    ReaderLimits,
    ReadResult,
)
from .rules import FIELD_INDEX, FIELDS, INE, SHARED, apply_rules, parse_date
from .source import Fatal, Utf8Stream, invalid, open_xml_bytes, sniff_encoding

Progress = Callable[[int, int | None], object]

# progress() is called when this many more bytes have been read (and once at the end):
# about every 400 students, often enough for a live panel, rarely enough for a commit.
PROGRESS_STEP = 1024 * 1024


def read_siecle(
    fileobj: BinaryIO,
    uai: str,
    today: date | None = None,
    limits: ReaderLimits | None = None,
    progress: Progress | None = None,
) -> ReadResult:
    """Read a SIECLE "Élèves sans adresses" export (`.xml`, or `.zip` holding one).

    `fileobj` is read from its current position; `uai` is the organisation's. Never
    raises for the file's content: every problem is a coded error in the result, a
    file-level one (INVALID_FILE, PAYLOAD_TOO_LARGE, ENCODING_NOT_SUPPORTED,
    UAI_MISMATCHED) alone and without learners. `today` stands for the export date
    when the file has none. `progress(done_bytes, total_bytes or None)` is called
    every PROGRESS_STEP bytes; what it raises propagates (a cancelled task stops).
    """
    if not callable(getattr(fileobj, "read", None)):
        raise TypeError("fileobj must be a binary file object")
    if not isinstance(uai, str):
        raise TypeError("uai must be a string")
    reader = _Reader(uai, today or date.today(), limits or ReaderLimits(), progress)
    with contextlib.ExitStack() as stack:
        try:
            reader.parse(fileobj, stack)
        except Fatal as fatal:
            return ReadResult(
                errors=[fatal.error],
                encoding=reader.encoding,
                uai=reader.file_uai,
                export_date=reader.export_date,
                student_count=reader.student_count,
            )
    return reader.result()


class _Reader:
    def __init__(self, uai: str, today: date, limits: ReaderLimits, progress) -> None:
        self.uai = uai.strip().upper()
        self.today = today
        self.limits = limits
        self.progress = progress
        self.encoding: str | None = None
        self.file_uai: str | None = None
        self.export_date: date | None = None
        self.parameters_seen = False
        self.student_count = 0
        self.root = None
        # One tuple per ELEVE: (line, ELEVE_ID, *values in FIELDS order), see rules.py.
        self.rows: list[tuple] = []
        self.divisions: dict[str, str] = {}  # ELEVE_ID -> class
        self.shared: dict[str, str] = {}

    # --- Pass 1: the XML --------------------------------------------------------------
    def parse(self, fileobj: BinaryIO, stack: contextlib.ExitStack) -> None:
        source = open_xml_bytes(fileobj, self.limits, stack)
        head = b""
        while len(head) < 1024 and (data := source.read(1024)):
            head += data
        codec, self.encoding, bom = sniff_encoding(head)
        stream = Utf8Stream(source, head, codec, bom)
        parser = etree.XMLPullParser(
            events=("start", "end"),
            tag=("BEE_ELEVES", "PARAMETRES", "ELEVE", "STRUCTURES_ELEVE"),
            # No entity, DTD or network access (a DOCTYPE never even reaches here).
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            dtd_validation=False,
            huge_tree=False,
            # Fewer nodes to build: the reader never looks at these.
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        reported = 0
        while True:
            data, eof = stream.read()
            try:
                if data:
                    parser.feed(data)
                if eof:
                    root = parser.close()
                self._handle(parser.read_events())
            except etree.LxmlError as exc:
                raise invalid(MALFORMED, **_syntax_meta(exc)) from exc
            self._prune()
            if self.progress is not None and (eof or source.done - reported >= PROGRESS_STEP):
                reported = source.done
                self.progress(source.done, source.total)
            if eof:
                break
        if root.tag != "BEE_ELEVES":
            raise invalid(NOT_SIECLE)
        if not self.parameters_seen:
            raise Fatal(UAI_MISMATCHED, file_uai="", uai=self.uai)

    def _handle(self, events) -> None:
        for event, element in events:
            if event == "start":
                if self.root is None:
                    self.root = element.getroottree().getroot()
                    if self.root.tag != "BEE_ELEVES":
                        raise invalid(NOT_SIECLE)
                continue
            tag = element.tag
            parent = element.getparent()
            parent_tag = parent.tag if parent is not None else None
            if tag == "ELEVE":
                if parent_tag == "ELEVES":
                    self._eleve(element)
            elif tag == "STRUCTURES_ELEVE":
                if parent_tag == "STRUCTURES":
                    self._structures(element)
            elif tag == "PARAMETRES" and parent_tag == "BEE_ELEVES":
                self._parameters(element)

    def _prune(self) -> None:
        """Drop what was read: memory follows the number of students, not the XML size.

        Called between two feeds, once every event so far has been handled. At the top
        three levels (BEE_ELEVES, DONNEES, sections such as ELEVES or OPTIONS) every
        child but the last, which the parser may still be filling, is complete: deleting
        them is safe, and also frees sections the reader never looks at.
        """
        node = self.root
        for _level in range(3):
            if node is None or len(node) == 0:
                return
            if len(node) > 1:
                del node[:-1]
            node = node[-1]

    def _parameters(self, element) -> None:
        if self.parameters_seen:
            return
        self.parameters_seen = True
        values = _direct_texts(element, ("UAJ", "DATE_EXPORT"))
        self.file_uai = values["UAJ"].upper()
        self.export_date = parse_date(values["DATE_EXPORT"])
        if not self.file_uai or self.file_uai != self.uai:
            raise Fatal(UAI_MISMATCHED, file_uai=self.file_uai, uai=self.uai)

    def _eleve(self, element) -> None:
        self.student_count += 1
        values: list[str | None] = [None] * len(FIELDS)
        index_of = FIELD_INDEX.__getitem__
        # One pass over the direct children, filtered by tag in C (the ~40 others never
        # become Python objects). SCOLARITE_AN_DERNIER/CODE_MEF is not a direct child,
        # so it is never mistaken for the student's own.
        for child in element.iterchildren(FIELDS):
            index = index_of(child.tag)
            if values[index] is None:
                values[index] = child.text
        share = self.shared.setdefault
        for index, shared in SHARED:
            value = values[index]
            value = value.strip() if value else ""
            values[index] = share(value, value) if shared else value
        values[INE] = values[INE].upper()
        eleve_id = (element.get("ELEVE_ID") or "").strip()
        self.rows.append((_start_line(element), eleve_id, *values))

    def _structures(self, element) -> None:
        eleve_id = (element.get("ELEVE_ID") or "").strip()
        if not eleve_id or eleve_id in self.divisions:
            return
        # A student's groups (type G) may come before their class (type D).
        for structure in element.iterchildren("STRUCTURE"):
            values = _direct_texts(structure, ("CODE_STRUCTURE", "TYPE_STRUCTURE"))
            code = values["CODE_STRUCTURE"]
            if values["TYPE_STRUCTURE"] == "D" and code and code.casefold() != "inactifs":
                self.divisions[eleve_id] = self.shared.setdefault(code, code)
                return

    def result(self) -> ReadResult:
        result = ReadResult(
            encoding=self.encoding,
            uai=self.file_uai,
            export_date=self.export_date,
            student_count=self.student_count,
        )
        rows, self.rows = self.rows, []
        apply_rules(rows, self.divisions, self.export_date or self.today, result)
        return result


def _start_line(element) -> int:
    """The line of the element's start tag, also past line 65,535.

    libxml2 stores element lines in 16 bits; past 65,535 it answers with the line of the
    first text node found under or after the element, i.e. the line where that text
    ends (text nodes keep a full line number). Its newlines are counted back.
    """
    line = element.sourceline or 0
    if line < 65535:
        return line
    if element.text:
        return line - element.text.count("\n")
    if len(element):
        return _start_line(element[0])
    return line - (element.tail or "").count("\n")


def _direct_texts(element, tags: tuple[str, ...]) -> dict[str, str]:
    """The stripped text of the first direct child with each tag ("" when absent)."""
    found: dict[str, str] = {}
    for child in element.iterchildren(tags):
        if child.tag not in found:
            found[child.tag] = (child.text or "").strip()
    return {tag: found.get(tag, "") for tag in tags}


def _syntax_meta(exc: Exception) -> dict:
    meta: dict = {}
    position = getattr(exc, "position", None)
    if position and position[0]:
        meta["line"] = position[0]
    message = getattr(exc, "msg", None) or str(exc)
    meta["detail"] = str(message)[:200]
    return meta
