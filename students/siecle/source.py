"""From an uploaded file to a stream of UTF-8 XML the parser can trust.

Three layers, each streaming, each refusing early:
1. the upload: its size against the upload limit; gzip refused; a zip recognised by
   its magic bytes, never by its name;
2. a zip's single `.xml` entry, inflated through a reader capped on bytes and ratio
   (archive.py);
3. the text: encoding from the BOM or the XML declaration, decoded by Python's
   incremental decoders (undecodable bytes become U+FFFD, which the validation then
   reports per student as INVALID_CHAR_DETECTED) and re-encoded to UTF-8 with the
   declaration rewritten to say so; the prolog is checked before the parser sees it,
   so a DOCTYPE (entity declarations, external entities, billion laughs) never
   reaches libxml2, nor a root other than BEE_ELEVES, nor a tag over MAX_TAG_BYTES.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import tempfile
from typing import BinaryIO

from .archive import open_zip
from .records import (
    DOCTYPE,
    EMPTY_FILE,
    ENCODING_NOT_SUPPORTED,
    GZIP,
    NOT_SIECLE,
    NOT_XML,
    PAYLOAD_TOO_LARGE,
    TOO_COMPLEX,
    Fatal,
    ReaderLimits,
    invalid,
)

__all__ = ["Fatal", "Utf8Stream", "invalid", "open_xml_bytes", "sniff_encoding"]

CHUNK = 64 * 1024
# Real prologs are one line. Past this, the document is refused rather than buffered.
PROLOG_LIMIT = 64 * 1024
# The most UTF-8 bytes between two "<". A start tag holds no "<" (attribute values cannot),
# and libxml2 buffers it whole then builds every attribute at once (~300 bytes each): a
# 20 MB tag costs gigabytes. Real tags and texts are well under 1 KB.
MAX_TAG_BYTES = 256 * 1024
ROOT_TAG = "BEE_ELEVES"

# Normalised label (lower case, "_" and " " as "-") -> (Python codec, label we report).
_ENCODINGS = {}
for _codec, _label, _aliases in (
    ("utf-8", "UTF-8", ("utf-8", "utf8")),
    (
        "iso8859-15",
        "ISO-8859-15",
        ("iso-8859-15", "iso8859-15", "iso885915", "latin-9", "latin9", "l9", "csisolatin9"),
    ),
    (
        "latin-1",
        "ISO-8859-1",
        (
            "iso-8859-1",
            "iso8859-1",
            "iso88591",
            "latin-1",
            "latin1",
            "l1",
            "iso-ir-100",
            "cp819",
            "ibm819",
            "csisolatin1",
        ),
    ),
    ("cp1252", "windows-1252", ("windows-1252", "cp1252", "x-cp1252", "win-1252")),
):
    for _alias in _aliases:
        _ENCODINGS[_alias] = (_codec, _label)

# Byte order marks, longest first (the UTF-32 LE mark starts like the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
)
# How "<?" starts in encodings that are not ASCII-compatible, without a BOM.
_UNSUPPORTED_SIGNATURES = (
    (b"\x00\x00\x00<", "UTF-32"),
    (b"<\x00\x00\x00", "UTF-32"),
    (b"\x00<\x00?", "UTF-16"),
    (b"<\x00?\x00", "UTF-16"),
    (b"\x4c\x6f\xa7\x94", "EBCDIC"),
)
_DECLARATION = re.compile(rb"<\?xml[\x20\t\r\n][^>]*?\?>")
_ENCODING_ATTR = re.compile(rb"""encoding[\x20\t\r\n]*=[\x20\t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_TEXT_ENCODING_ATTR = re.compile(r"""(encoding[\x20\t\r\n]*=[\x20\t\r\n]*)(?:"[^"]*"|'[^']*')""")
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


class _UploadReader:
    """The upload, counted and capped: the size is known upfront only when seekable."""

    def __init__(self, fileobj: BinaryIO, cap: int | None, size: int | None) -> None:
        self._file = fileobj
        self._cap = cap
        self._pending = b""
        self.total = size
        self.done = 0

    def peek(self, n: int) -> bytes:
        while len(self._pending) < n:
            data = self._file.read(n - len(self._pending))
            if not data:
                break
            self._pending += data
        return self._pending[:n]

    def read(self, n: int) -> bytes:
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
        else:
            data = self._file.read(n)
        self.done += len(data)
        if self._cap is not None and self.done > self._cap:
            raise Fatal(PAYLOAD_TOO_LARGE, limit=self._cap)
        return data


def _remaining_size(fileobj: BinaryIO) -> int | None:
    try:
        if not fileobj.seekable():
            return None
        position = fileobj.tell()
        end = fileobj.seek(0, 2)
        fileobj.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return max(0, end - position)


def open_xml_bytes(fileobj: BinaryIO, limits: ReaderLimits, stack: contextlib.ExitStack):
    """The XML bytes of the upload (itself, or its zip's single entry).

    Returns an object with `read(n)`, `done` and `total` (bytes, for progress).
    """
    size = _remaining_size(fileobj)
    cap = limits.max_upload_bytes
    if cap is not None and size is not None and size > cap:
        raise Fatal(PAYLOAD_TOO_LARGE, limit=cap, size=size)
    upload = _UploadReader(fileobj, cap, size)
    head = upload.peek(4)
    if not head:
        raise invalid(EMPTY_FILE)
    if head.startswith(b"\x1f\x8b"):
        raise invalid(GZIP)
    if not head.startswith(_ZIP_MAGICS):
        return upload
    if size is not None:
        fileobj.seek(-len(head), 1)
        return open_zip(fileobj, limits, stack)
    # zipfile needs to seek (the directory is at the end): spool a non-seekable upload.
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the stack
    spool = stack.enter_context(spooled)
    while data := upload.read(CHUNK):
        spool.write(data)
    spool.seek(0)
    return open_zip(spool, limits, stack)


def sniff_encoding(head: bytes) -> tuple[str, str, int]:
    """(Python codec, reported label, BOM length) from the first bytes of the XML."""
    for bom, label in _BOMS:
        if head.startswith(bom):
            if label != "UTF-8":
                raise Fatal(ENCODING_NOT_SUPPORTED, encoding=label)
            return "utf-8", "UTF-8", len(bom)
    for signature, label in _UNSUPPORTED_SIGNATURES:
        if head.startswith(signature):
            raise Fatal(ENCODING_NOT_SUPPORTED, encoding=label)
    if head.startswith(b"\x1f\x8b"):
        raise invalid(GZIP)
    declaration = _DECLARATION.match(head)
    attribute = declaration and _ENCODING_ATTR.search(declaration.group())
    if not attribute:
        return "utf-8", "UTF-8", 0  # the XML default
    declared = (attribute.group(1) or attribute.group(2) or b"").decode("ascii", "replace")
    key = declared.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in _ENCODINGS:
        raise Fatal(ENCODING_NOT_SUPPORTED, encoding=declared[:40])
    codec, label = _ENCODINGS[key]
    return codec, label, 0


def _check_prolog(text: str) -> int | None:
    """Where the root element starts, or None when more text is needed.

    Only the XML declaration, processing instructions, comments and white space may
    come first; `<!DOCTYPE` (or any other `<!`) is refused.
    """
    position, end = 0, len(text)
    while True:
        while position < end and text[position] in " \t\r\n":
            position += 1
        if position + 1 >= end:
            return None
        if text[position] != "<":
            raise invalid(NOT_XML)
        following = text[position + 1]
        if following == "?":
            close = text.find("?>", position + 2)
            if close < 0:
                return None
            position = close + 2
        elif following == "!":
            if text.startswith("<!--", position):
                close = text.find("-->", position + 4)
                if close < 0:
                    return None
                position = close + 3
            elif end - position < 4 and "<!--".startswith(text[position:]):
                return None
            else:
                raise invalid(DOCTYPE)
        else:
            return position


def _check_root(text: str, position: int, eof: bool) -> bool:
    """Whether the root element starting at `position` is known to be BEE_ELEVES.

    False when more text is needed; another root is refused here, before libxml2 builds
    a tree the reader would not prune (it prunes from the BEE_ELEVES it is told about).
    A name cut by the end of the file goes to the parser, which reports it.
    """
    name = text[position + 1 : position + len(ROOT_TAG) + 2]
    if len(name) <= len(ROOT_TAG):
        if not ROOT_TAG.startswith(name):
            raise invalid(NOT_SIECLE)
        return eof
    if not name.startswith(ROOT_TAG) or name[-1] not in " \t\r\n/>":
        raise invalid(NOT_SIECLE)
    return True


class Utf8Stream:
    """XML bytes in a supported encoding -> UTF-8 bytes with a checked prolog."""

    def __init__(self, source, head: bytes, codec: str, skip: int) -> None:
        self._source = source
        self._head = head  # bytes already read to sniff the encoding
        self._decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        self._skip = skip  # BOM bytes
        self._prolog: str | None = ""  # text held until the root element shows up
        self._since_tag = 0  # UTF-8 bytes since the last "<"

    def read(self) -> tuple[bytes, bool]:
        """The next chunk of UTF-8, and whether the source is exhausted."""
        if self._head:
            raw, self._head = self._head, b""
        else:
            raw = self._source.read(CHUNK)
        eof = not raw
        if self._skip:
            raw, self._skip = raw[self._skip :], 0
        text = self._decoder.decode(raw, final=eof)
        if self._prolog is not None:
            text = self._prolog + text
            root = _check_prolog(text)
            if root is not None and not _check_root(text, root, eof):
                root = None
            if root is None:
                if eof:
                    raise invalid(NOT_XML)
                if len(text) > PROLOG_LIMIT:
                    raise invalid(NOT_XML)
                self._prolog = text
                return b"", False
            self._prolog = None
            if text.startswith("<?xml") and text[5:6] in (" ", "\t", "\r", "\n"):
                close = text.index("?>")
                declaration = _TEXT_ENCODING_ATTR.sub(r'\1"UTF-8"', text[:close], count=1)
                text = declaration + text[close:]
        data = text.encode("utf-8")
        # Two C searches per chunk. Within one chunk (at most 3 x CHUNK once in UTF-8, plus
        # the prolog held before the root) no run can pass MAX_TAG_BYTES: only across.
        first = data.find(b"<")
        if first < 0:
            self._since_tag += len(data)
        else:
            if self._since_tag + first > MAX_TAG_BYTES:
                raise invalid(TOO_COMPLEX, limit=MAX_TAG_BYTES)
            self._since_tag = len(data) - data.rfind(b"<") - 1
        if self._since_tag > MAX_TAG_BYTES:
            raise invalid(TOO_COMPLEX, limit=MAX_TAG_BYTES)
        return data, eof
