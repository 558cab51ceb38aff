"""read_siecle: one streaming pass over the XML into compact rows, then the rules (rules.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import BinaryIO

from lxml import etree

from .records import (
    DUPLICATE_PARAMETRES,
    MALFORMED,
    NOT_SIECLE,
    TOO_COMPLEX,
    TOO_MANY_STUDENTS,
    UAI_MISMATCHED,
    ReaderLimits,
    ReadResult,
    SiecleError,
)
from .rules import FIELD_INDEX, FIELDS, INE, SHARED, apply_rules, parse_date
from .source import Fatal, Utf8Stream, invalid, open_xml_bytes, sniff_encoding

Progress = Callable[[int, int | None], object]
OnError = Callable[[SiecleError], object]

# progress() is called when this many more bytes have been read (and once at the end):
# about every 400 students, often enough for a live panel, rarely enough for a commit.
PROGRESS_STEP = 1024 * 1024

# The elements read whole (a "record"), by tag: the tag of the parent they must have.
_RECORDS = {"ELEVE": "ELEVES", "STRUCTURES_ELEVE": "STRUCTURES", "PARAMETRES": "BEE_ELEVES"}
# A record is kept whole until its end tag: past this many bytes of XML the file is
# refused (a real ELEVE is 1-10 KB; at ~30 bytes of tree per byte of `<X/>`, this bounds
# an open record to ~40 MB). UTF-8 bytes fed to the parser, counted per chunk.
MAX_RECORD_BYTES = 1024 * 1024
# Text held on the open path (the text and tail of each element the pruning keeps), in
# characters. Real ones are indentation; libxml2 alone would allow 10 MB per text node.
MAX_PATH_TEXT = 1024 * 1024


def read_siecle(
    fileobj: BinaryIO,
    uai: str,
    today: date | None = None,
    limits: ReaderLimits | None = None,
    progress: Progress | None = None,
    on_error: OnError | None = None,
) -> ReadResult:
    """Read a SIECLE "Élèves sans adresses" export (`.xml`, or `.zip` holding one).

    `fileobj` is read from its current position; `uai` is the organisation's. Never
    raises for the file's content: every problem is a coded error in the result, a
    file-level one (INVALID_FILE, PAYLOAD_TOO_LARGE, ENCODING_NOT_SUPPORTED,
    UAI_MISMATCHED) alone and without learners. `today` stands for the export date
    when the file has none. `progress(done_bytes, total_bytes or None)` is called
    every PROGRESS_STEP bytes; what it raises propagates (a cancelled task stops).

    The result keeps the first `limits.max_kept_errors` errors in file order and counts
    them all by code; `on_error(error)` is called for every one as it is found, in file
    order (to write the complete list somewhere else than in memory).
    """
    if not callable(getattr(fileobj, "read", None)):
        raise TypeError("fileobj must be a binary file object")
    if not isinstance(uai, str):
        raise TypeError("uai must be a string")
    reader = _Reader(uai, today or date.today(), limits or ReaderLimits(), progress, on_error)
    with contextlib.ExitStack() as stack:
        try:
            reader.parse(fileobj, stack)
        except Fatal as fatal:
            result = reader.empty_result()
            result.add_error(fatal.error)
            return result
    return reader.result()


class _Reader:
    def __init__(
        self, uai: str, today: date, limits: ReaderLimits, progress, on_error: OnError | None
    ) -> None:
        self.uai = uai.strip().upper()
        self.today = today
        self.limits = limits
        self.progress = progress
        self.on_error = on_error
        self.encoding: str | None = None
        self.file_uai: str | None = None
        self.export_date: date | None = None
        self.parameters_seen = False
        self.student_count = 0
        self.structures_count = 0
        self.root = None
        self.fed = 0  # UTF-8 bytes fed to the parser
        self.feed_start = 0  # ... before the last feed
        self.open_records = 0  # records started and not ended (nested ones count too)
        self.record_since = 0  # `feed_start` when the outermost open record started
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
            # "{*}": the root is found even with a namespace (then refused as NOT_SIECLE).
            tag=("{*}BEE_ELEVES", "PARAMETRES", "ELEVE", "STRUCTURES_ELEVE"),
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
            self.feed_start = self.fed
            self.fed += len(data)
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
            if self.root is None:  # the first event is the root's start
                self.root = element.getroottree().getroot()
                if self.root.tag != "BEE_ELEVES":
                    raise invalid(NOT_SIECLE)
            parent = element.getparent()
            if parent is None:
                continue
            tag = element.tag
            if _RECORDS.get(tag) != parent.tag:
                continue  # a nested BEE_ELEVES, an ELEVE out of ELEVES...
            if event == "start":
                if not self.open_records:
                    self.record_since = self.feed_start
                self.open_records += 1
                continue
            self.open_records -= 1
            if tag == "ELEVE":
                self._eleve(element)
            elif tag == "STRUCTURES_ELEVE":
                self._structures(element)
            else:
                self._parameters(element)

    def _prune(self) -> None:
        """Drop what was read: memory follows the number of students, not the XML's shape.

        Called between two feeds, once every event so far has been handled. Walks down
        the last-child chain from the root: the elements still open are a prefix of it,
        so at each level every child but the last is complete and handled, and deleting
        it is safe (this also frees what the reader never looks at, however wide or deep).
        The walk stops at a record (ELEVE, STRUCTURES_ELEVE, PARAMETRES), whose children
        are read at its end: it is kept whole, and refused if it stays open past
        MAX_RECORD_BYTES. What is left is one record, a chain no longer than libxml2's
        depth limit (256) with at most MAX_PATH_TEXT of text, and one chunk's worth of
        new nodes.
        """
        node = self.root
        if node is None:
            return
        held = 0  # characters of text on the chain
        parent_tag = None  # never equal to _RECORDS.get(tag, "")
        tag = node.tag
        while True:
            tail = node.tail
            if tail:
                held += len(tail)
            if _RECORDS.get(tag, "") == parent_tag:
                break
            text = node.text
            if text:
                held += len(text)
            count = len(node)
            if not count:
                break
            if count > 1:
                del node[:-1]
            parent_tag, node = tag, node[-1]
            tag = node.tag
        if held > MAX_PATH_TEXT:
            raise invalid(TOO_COMPLEX, element=tag, line=node.sourceline, limit=MAX_PATH_TEXT)
        if self.open_records and self.fed - self.record_since > MAX_RECORD_BYTES:
            # The outermost open record is where the walk stopped.
            meta = {"element": tag, "line": _start_line(node), "limit": MAX_RECORD_BYTES}
            raise invalid(TOO_COMPLEX, **meta)

    def _parameters(self, element) -> None:
        if self.parameters_seen:
            # Two UAJ, two export dates: which would count? A SIECLE export has one.
            raise invalid(DUPLICATE_PARAMETRES, line=_start_line(element))
        self.parameters_seen = True
        values = _direct_texts(element, ("UAJ", "DATE_EXPORT"))
        self.file_uai = values["UAJ"].upper()
        self.export_date = parse_date(values["DATE_EXPORT"])
        if not self.file_uai or self.file_uai != self.uai:
            raise Fatal(UAI_MISMATCHED, file_uai=self.file_uai, uai=self.uai)

    def _eleve(self, element) -> None:
        self.student_count += 1
        limit = self.limits.max_students
        if limit is not None and self.student_count > limit:
            raise invalid(TOO_MANY_STUDENTS, limit=limit)
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
        self.structures_count += 1
        limit = self.limits.max_students
        if limit is not None and self.structures_count > limit:
            raise invalid(TOO_MANY_STUDENTS, limit=limit)
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

    def empty_result(self) -> ReadResult:
        return ReadResult(
            encoding=self.encoding,
            uai=self.file_uai,
            export_date=self.export_date,
            student_count=self.student_count,
            max_kept_errors=self.limits.max_kept_errors,
            on_error=self.on_error,
        )

    def result(self) -> ReadResult:
        result = self.empty_result()
        rows, self.rows = self.rows, []
        reference = self.export_date or self.today
        apply_rules(rows, self.divisions, reference, result, self.limits)
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
