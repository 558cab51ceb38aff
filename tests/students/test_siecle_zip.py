"""Zip archives: what zipfile raises is a damaged archive, an interruption is not; entries
named to leave the archive are refused for what they are."""

import io
import struct
import traceback
import zipfile
from datetime import date

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils import translation

from students.models import Import
from students.siecle import read_siecle
from students.siecle_generator import write_siecle_zip
from students.siecle_messages import render_error
from tests.students.siecle_factory import UAI, siecle_xml, student, zipped

TODAY = date(2026, 9, 15)
XML_NAME = "ElevesSansAdresses.xml"


def read(data: bytes):
    return read_siecle(io.BytesIO(data), uai=UAI, today=TODAY)


def invalid_meta(result) -> dict:
    assert [error.code for error in result.errors] == ["INVALID_FILE"], result.errors
    assert result.learners == []
    return result.errors[0].meta


def export_zip(students: int = 300, uai: str = UAI) -> bytes:
    buffer = io.BytesIO()
    write_siecle_zip(buffer, students=students, uai=uai)
    return buffer.getvalue()


def compressed_data_start(data: bytes) -> int:
    """Where the single entry's deflated bytes start (after its local header)."""
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    name_length, extra_length = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    return info.header_offset + 30 + name_length + extra_length


class Interrupting(io.RawIOBase):
    """A real file (or bytes) whose reads raise `exception` once the inflation is past
    its first read of compressed data: as the worker's soft time limit, a signal
    handler raising wherever the worker is, would in the middle of a zip."""

    def __init__(self, raw, exception: BaseException, data_start: int) -> None:
        self._raw = raw
        self.name = getattr(raw, "name", None)  # a django File without a name is false
        self._exception = exception
        self._data_start = data_start
        self._data_end = raw.seek(0, 2) - 1024  # the central directory is read first
        raw.seek(0)
        self.raised_at: int | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        position = self._raw.tell()
        if self._data_start < position < self._data_end:
            self.raised_at = position
            raise self._exception
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


# --- What zipfile raises ---------------------------------------------------------------


def _with_compression(method: int) -> bytes:
    buffer = io.BytesIO()
    xml = siecle_xml([student(ID_NATIONAL=str(index)) for index in range(40)])
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr(XML_NAME, xml)
    return buffer.getvalue()


def _damaged_data(method: int) -> bytes:
    data = bytearray(_with_compression(method))
    start = compressed_data_start(bytes(data))
    data[start + 40 : start + 56] = b"\x00" * 16
    return bytes(data)


def _unknown_method() -> bytes:
    data = bytearray(_with_compression(zipfile.ZIP_DEFLATED))
    central = data.rindex(b"PK\x01\x02")
    data[central + 10 : central + 12] = struct.pack("<H", 99)  # compression method 99
    return bytes(data)


def _entry_before_the_start() -> bytes:
    """The directory's offset pushed 1,000 bytes on: zipfile takes the difference for
    bytes prepended to the archive, and looks for the entry 1,000 bytes before it."""
    data = bytearray(_with_compression(zipfile.ZIP_DEFLATED))
    end = data.rindex(b"PK\x05\x06")
    (offset,) = struct.unpack("<I", data[end + 16 : end + 20])
    data[end + 16 : end + 20] = struct.pack("<I", offset + 1000)
    return bytes(data)


@pytest.mark.parametrize(
    ("make", "raised"),
    [
        (lambda: _with_compression(zipfile.ZIP_DEFLATED)[:-200], "BadZipFile"),
        (lambda: _damaged_data(zipfile.ZIP_DEFLATED), "error"),  # zlib.error
        (lambda: _damaged_data(zipfile.ZIP_BZIP2), "OSError"),
        (lambda: _damaged_data(zipfile.ZIP_LZMA), "LZMAError"),
        (_unknown_method, "NotImplementedError"),
        (_entry_before_the_start, "ValueError"),  # a negative seek
    ],
    ids=["truncated", "deflate", "bzip2", "lzma", "unknown-method", "negative-seek"],
)
def test_each_error_zipfile_raises_on_a_damaged_archive_is_zip_corrupt(make, raised):
    meta = invalid_meta(read(make()))

    assert meta == {"reason": "ZIP_CORRUPT", "detail": raised}


@pytest.mark.parametrize(
    "exception",
    [SoftTimeLimitExceeded(), KeyboardInterrupt(), MemoryError()],
    ids=["soft-time-limit", "keyboard-interrupt", "memory-error"],
)
def test_an_interruption_while_inflating_propagates_instead_of_blaming_the_file(exception):
    data = export_zip()
    upload = Interrupting(io.BytesIO(data), exception, compressed_data_start(data))

    with pytest.raises(type(exception)) as caught:
        read_siecle(upload, uai=UAI, today=TODAY)

    # Raised by the upload's read, under the inflation of the entry, as a time limit is.
    assert upload.raised_at is not None
    frames = [(frame.name, frame.filename) for frame in traceback.extract_tb(caught.tb)]
    assert ("read", _source_file()) in frames
    assert any(name == "read" and "zipfile" in filename for name, filename in frames)


def _source_file() -> str:
    from students.siecle import archive

    return archive.__file__  # _ZipEntryReader.read, where the inflation is guarded


def test_the_interrupting_file_reads_a_whole_export_when_told_nothing_raises():
    """The fault above comes from the file, not from a broken archive."""
    data = export_zip()
    upload = Interrupting(io.BytesIO(data), SoftTimeLimitExceeded(), len(data))

    assert read_siecle(upload, uai=UAI, today=TODAY).is_valid


# --- Through an import: a time-out is an interruption ---------------------------------------


class InterruptingStorage(FileSystemStorage):
    """The default storage, whose opened files raise the worker's soft time limit in the
    middle of a zip's data (its start is set by the test)."""

    data_start: int = 0

    def _open(self, name, mode="rb"):
        raw = open(self.path(name), mode)  # noqa: SIM115 - closed with the File
        return File(Interrupting(raw, SoftTimeLimitExceeded(), self.data_start))


@pytest.mark.django_db
def test_a_time_out_while_inflating_ends_the_import_interrupted_not_invalid(
    settings, organization, run_import, monkeypatch
):
    data = export_zip(uai=organization.uai)
    monkeypatch.setattr(InterruptingStorage, "data_start", compressed_data_start(data))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.InterruptingStorage"},
    }

    import_ = run_import(organization, data, name="export.zip")

    assert import_.status == Import.Status.VALIDATION_ERROR
    assert [error["code"] for error in import_.errors] == ["IMPORT_INTERRUPTED"]


@pytest.mark.django_db
def test_the_same_zip_through_the_same_storage_imports_when_not_interrupted(
    settings, organization, run_import, monkeypatch
):
    data = export_zip(uai=organization.uai)
    monkeypatch.setattr(InterruptingStorage, "data_start", len(data))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.InterruptingStorage"},
    }

    import_ = run_import(organization, data, name="export.zip", confirm=False)

    assert import_.status == Import.Status.VALIDATED, import_.errors


# --- Entry names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../x.xml",
        "..\\..\\x.xml",
        "export/../../ElevesSansAdresses.xml",
        "export\\..\\..\\ElevesSansAdresses.xml",
        "/etc/ElevesSansAdresses.xml",
        "\\\\serveur\\partage\\x.xml",
        "C:x.xml",
        "c:/Users/x.xml",
        "__MACOSX/../x.xml",
        "../LISEZMOI.txt",  # whatever the entry: the archive was not made by an export
        "..",
    ],
)
def test_entry_named_to_leave_the_archive_is_refused_as_unsafe(name):
    data = zipped((XML_NAME, siecle_xml()), (name, siecle_xml()))

    assert invalid_meta(read(data)) == {"reason": "UNSAFE_ENTRY_NAME", "name": name}


@pytest.mark.parametrize("name", ["export..xml", "a..b/ElevesSansAdresses.xml", "2026-09/x.xml"])
def test_names_with_dots_that_do_not_go_up_are_read(name):
    assert read(zipped((name, siecle_xml()))).is_valid


def test_unsafe_entry_name_is_shown_truncated_and_spelled_out():
    name = "../" + "\u202e" + "x" * 200 + ".xml"

    meta = invalid_meta(read(zipped((name, siecle_xml()))))

    assert meta["name"].startswith("../[U+202E]xxx")
    assert len(meta["name"]) == 80 and meta["name"].endswith("…")


def test_unsafe_entry_has_its_own_sentence_in_french():
    with translation.override("fr"):
        message = render_error("INVALID_FILE", {"reason": "UNSAFE_ENTRY_NAME", "name": "../x.xml"})

    assert message == (
        "Le fichier n'est pas un export SIECLE valide : envoyez le fichier XML ou l'archive "
        "zip qui le contient. L'archive zip contient un élément dont le nom sort de l'archive "
        "(« ../x.xml »), ce que ne fait jamais un export SIECLE : envoyez le fichier tel que "
        "SIECLE l'a produit."
    )
