"""The zip layer of the source: a SIECLE export's zip, down to its single `.xml` entry.

The entry is inflated chunk by chunk through a reader capped on size and ratio (a zip
bomb stops after inflating at most its cap). Nothing is extracted to disk; the entry
names are still checked, since no export holds one that would leave its folder.
"""

from __future__ import annotations

import contextlib
import lzma
import re
import struct
import zipfile
import zlib
from typing import BinaryIO

from .characters import make_visible
from .records import (
    UNSAFE_ENTRY_NAME,
    ZIP_CORRUPT,
    ZIP_ENCRYPTED,
    ZIP_TOO_LARGE,
    ZIP_XML_COUNT,
    ReaderLimits,
    invalid,
)

# What zipfile and the decompressors raise on a damaged archive, as found by fuzzing
# deflate, bzip2, lzma and stored archives (truncated, bytes changed): BadZipFile, zlib.error,
# LZMAError, OSError (bz2's "Invalid data stream", a seek before the start of a real file),
# EOFError, ValueError (a negative seek in memory, a UTF-8 name that is not),
# NotImplementedError (unknown method or version), struct.error. Nothing broader: the
# worker's soft time limit (SoftTimeLimitExceeded, an Exception raised by a signal
# handler wherever the worker is), KeyboardInterrupt or MemoryError raised while
# inflating must reach the caller, which reports an interruption, not a damaged file.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    struct.error,
)
# How much of an unsafe entry name goes in the error (it is shown to people).
ENTRY_NAME_SHOWN = 80
_DRIVE = re.compile(r"[A-Za-z]:")


class _ZipEntryReader:
    """A zip entry inflated chunk by chunk, stopped as soon as it passes the cap."""

    def __init__(self, entry: BinaryIO, cap: int | None, size: int, meta: dict) -> None:
        self._entry = entry
        self._cap = cap
        self._meta = meta
        self.total = size
        self.done = 0

    def read(self, n: int) -> bytes:
        try:
            data = self._entry.read(n)
        except ZIP_ERRORS as exc:  # a CRC mismatch, damaged deflate data, a cut archive...
            raise invalid(ZIP_CORRUPT, detail=type(exc).__name__) from exc
        self.done += len(data)
        if self._cap is not None and self.done > self._cap:
            raise invalid(ZIP_TOO_LARGE, **self._meta)
        return data


def _is_hidden(name: str) -> bool:
    """macOS and editors add `__MACOSX/._x.xml`, `.DS_Store`, `.~lock.x.xml#`..."""
    parts = name.replace("\\", "/").split("/")
    return any(part.startswith((".", "__MACOSX")) for part in parts)


def _is_unsafe(name: str) -> bool:
    """A name that, extracted, would land outside the folder: absolute (`/x.xml`,
    `\\server\\x.xml`), with a drive (`C:x.xml`) or going up (`../x.xml`, `a\\..\\..\\x.xml`).

    We never extract, but no export writes such a name: the archive was crafted or
    mangled, and saying "no XML file" about it would send the person looking for one.
    """
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return True
    return ".." in path.split("/")


def _inflation_cap(limits: ReaderLimits, compressed: int) -> int | None:
    caps = []
    if limits.max_inflated_bytes is not None:
        caps.append(limits.max_inflated_bytes)
    if limits.max_ratio is not None:
        caps.append(max(compressed * limits.max_ratio, limits.ratio_floor_bytes))
    return min(caps) if caps else None


def open_zip(fileobj: BinaryIO, limits: ReaderLimits, stack: contextlib.ExitStack):
    try:
        archive = stack.enter_context(zipfile.ZipFile(fileobj))
        infos = archive.infolist()
    # A damaged central directory: BadZipFile, but also OSError, EOFError, ValueError...
    except ZIP_ERRORS as exc:
        raise invalid(ZIP_CORRUPT, detail=type(exc).__name__) from exc
    # Before the hidden entries are set aside: `../x.xml` has a part starting with a dot.
    for info in infos:
        if _is_unsafe(info.filename):
            name = make_visible(info.filename)
            shown = name if len(name) <= ENTRY_NAME_SHOWN else name[: ENTRY_NAME_SHOWN - 1] + "…"
            raise invalid(UNSAFE_ENTRY_NAME, name=shown)
    entries = [
        info
        for info in infos
        if not info.is_dir()
        and not _is_hidden(info.filename)
        and info.filename.lower().endswith(".xml")
    ]
    if len(entries) != 1:
        raise invalid(ZIP_XML_COUNT, count=len(entries))
    info = entries[0]
    if info.flag_bits & 0x1:
        raise invalid(ZIP_ENCRYPTED)
    cap = _inflation_cap(limits, info.compress_size)
    meta = {"limit": limits.max_inflated_bytes, "max_ratio": limits.max_ratio}
    # The declared size is checked first (cheap), the real one while inflating (a
    # forged header must not get past the cap).
    if cap is not None and info.file_size > cap:
        raise invalid(ZIP_TOO_LARGE, **meta)
    try:
        entry = stack.enter_context(archive.open(info))
    except ZIP_ERRORS as exc:  # unsupported method, bad local header, ...
        raise invalid(ZIP_CORRUPT, detail=type(exc).__name__) from exc
    return _ZipEntryReader(entry, cap, info.file_size, meta)
