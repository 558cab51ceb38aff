"""Receiving the file: size, zip, gzip, malformed XML, DOCTYPE and entities, progress."""

import gzip
import io
from datetime import date

import pytest
from lxml import etree

from students.siecle import (
    INVALID_FILE,
    PAYLOAD_TOO_LARGE,
    ReaderLimits,
    read_siecle,
)
from students.siecle import source as siecle_source
from students.siecle.archive import _ZipEntryReader
from students.siecle.source import Fatal
from students.siecle_generator import write_siecle, write_siecle_zip
from tests.students.siecle_factory import UAI, siecle_text, siecle_xml, student, zipped

TODAY = date(2026, 9, 15)


def read(data: bytes, **kwargs):
    return read_siecle(io.BytesIO(data), uai=UAI, today=TODAY, **kwargs)


def only_error(result):
    assert len(result.errors) == 1, result.errors
    assert result.learners == []
    return result.errors[0]


def invalid_reason(result) -> str:
    error = only_error(result)
    assert error.code == INVALID_FILE
    return error.meta["reason"]


class NonSeekable(io.RawIOBase):
    """An upload stream that can only be read forward (size unknown upfront)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


# --- Size -------------------------------------------------------------------------------


def test_file_over_the_upload_limit_is_refused_with_the_limit():
    data = siecle_xml([student(ID_NATIONAL=str(i)) for i in range(50)])

    result = read(data, limits=ReaderLimits(max_upload_bytes=1000))

    assert only_error(result).to_dict() == {
        "code": PAYLOAD_TOO_LARGE,
        "meta": {"limit": 1000, "size": len(data)},
    }


def test_stream_of_unknown_size_is_stopped_at_the_upload_limit():
    data = siecle_xml([student(ID_NATIONAL=str(i)) for i in range(50)])

    result = read_siecle(NonSeekable(data), uai=UAI, limits=ReaderLimits(max_upload_bytes=1000))

    assert only_error(result).to_dict() == {"code": PAYLOAD_TOO_LARGE, "meta": {"limit": 1000}}


def test_no_upload_limit_reads_any_size():
    data = siecle_xml([student(ID_NATIONAL=str(i)) for i in range(50)])

    result = read(data, limits=ReaderLimits(max_upload_bytes=None))

    assert len(result.learners) == 50


def test_stream_of_unknown_size_is_read():
    result = read_siecle(NonSeekable(siecle_xml()), uai=UAI, today=TODAY)

    assert result.is_valid


def test_reads_from_the_current_position():
    upload = io.BytesIO(b"ignored" + siecle_xml())
    upload.seek(7)

    assert read_siecle(upload, uai=UAI).is_valid


# --- Zip --------------------------------------------------------------------------------


def test_zip_with_one_xml_is_read():
    result = read(zipped(("ElevesSansAdresses.xml", siecle_xml())))

    assert result.is_valid
    assert len(result.learners) == 1


def test_zip_is_recognised_by_its_content_whatever_its_name():
    upload = io.BytesIO(zipped(("export.XML", siecle_xml())))
    upload.name = "ElevesSansAdresses.xml"

    assert read_siecle(upload, uai=UAI).is_valid


def test_zip_entries_of_macos_and_hidden_files_are_ignored():
    data = zipped(
        ("__MACOSX/._ElevesSansAdresses.xml", b"\x00\x05\x16\x07 resource fork"),
        (".hidden.xml", b"not xml"),
        ("dossier/.cache/x.xml", b"not xml"),
        ("LISEZMOI.txt", b"not an xml entry"),
        ("export/ElevesSansAdresses.xml", siecle_xml()),
    )

    assert read(data).is_valid


def test_zip_with_two_xml_is_invalid():
    data = zipped(("a.xml", siecle_xml()), ("b.xml", siecle_xml()))

    result = read(data)

    assert invalid_reason(result) == "ZIP_XML_COUNT"
    assert result.errors[0].meta["count"] == 2


def test_zip_without_xml_is_invalid():
    for data in (zipped(("a.txt", b"x")), zipped(), zipped(("__MACOSX/._a.xml", b"x"))):
        result = read(data)
        assert invalid_reason(result) == "ZIP_XML_COUNT"
        assert result.errors[0].meta["count"] == 0


def test_damaged_zip_is_invalid():
    data = zipped(("a.xml", siecle_xml([student(ID_NATIONAL=str(i)) for i in range(30)])))

    assert invalid_reason(read(data[: len(data) // 2])) == "ZIP_CORRUPT"
    corrupted = bytearray(data)
    corrupted[60:70] = b"\x00" * 10  # inside the deflated data: CRC or zlib error
    assert invalid_reason(read(bytes(corrupted))) == "ZIP_CORRUPT"


def test_encrypted_zip_entry_is_invalid():
    data = bytearray(zipped(("a.xml", siecle_xml())))
    # Set the "encrypted" flag in the central directory entry.
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1

    assert invalid_reason(read(bytes(data))) == "ZIP_ENCRYPTED"


def test_zip_bomb_is_refused_before_inflating_it():
    bomb = b"<BEE_ELEVES>" + b" " * (50 * 1024 * 1024)
    data = zipped(("ElevesSansAdresses.xml", bomb))
    assert len(data) < 100_000

    result = read(data)

    assert invalid_reason(result) == "ZIP_TOO_LARGE"
    assert result.errors[0].meta == {
        "reason": "ZIP_TOO_LARGE",
        "limit": 200 * 1024 * 1024,
        "max_ratio": 100,
    }


def test_zip_inflating_past_the_size_limit_is_refused():
    buffer = io.BytesIO()
    write_siecle_zip(buffer, students=100)
    limits = ReaderLimits(max_inflated_bytes=100_000)

    assert invalid_reason(read(buffer.getvalue(), limits=limits)) == "ZIP_TOO_LARGE"
    assert read(buffer.getvalue()).is_valid


def test_inflating_stops_as_soon_as_the_cap_is_passed_whatever_the_header_says():
    entry = io.BytesIO(b"x" * 10_000_000)
    reader = _ZipEntryReader(entry, cap=100_000, size=10, meta={})

    with pytest.raises(Fatal) as caught:
        while reader.read(65536):
            pass

    assert caught.value.error.meta["reason"] == "ZIP_TOO_LARGE"
    assert entry.tell() <= 100_000 + 65536


def test_zip_of_a_non_seekable_upload_is_read():
    data = zipped(("ElevesSansAdresses.xml", siecle_xml()))

    assert read_siecle(NonSeekable(data), uai=UAI).is_valid


# --- Not XML, broken XML ------------------------------------------------------------------


def test_gzip_is_refused():
    assert invalid_reason(read(gzip.compress(siecle_xml()))) == "GZIP"


def test_gzip_inside_a_zip_is_refused():
    data = zipped(("ElevesSansAdresses.xml", gzip.compress(siecle_xml())))

    assert invalid_reason(read(data)) == "GZIP"


def test_empty_file_is_invalid():
    assert invalid_reason(read(b"")) == "EMPTY_FILE"


@pytest.mark.parametrize(
    "data",
    [
        b"   \n\t ",
        b"ID_NATIONAL;NOM;PRENOM\n1234567890A;DUPONT;Lea\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"{}",
    ],
)
def test_non_xml_content_is_invalid(data):
    assert invalid_reason(read(data)) == "NOT_XML"


def test_truncated_file_is_invalid_with_the_line_where_it_stops():
    data = siecle_xml([student(ID_NATIONAL=str(i)) for i in range(5)])
    truncated = data[: data.index(b"<STRUCTURES>") + 40]

    result = read(truncated)

    assert invalid_reason(result) == "MALFORMED"
    assert result.errors[0].meta["line"] >= 12


def test_malformed_xml_is_invalid():
    data = siecle_xml().replace(b"</PRENOM>", b"</PRENOMS>")

    assert invalid_reason(read(data)) == "MALFORMED"


def test_xml_that_is_not_a_siecle_export_is_invalid():
    assert invalid_reason(read(b"<?xml version='1.0'?><html><body/></html>")) == "NOT_SIECLE"
    assert invalid_reason(read(b"<ROOT><ELEVES><ELEVE/></ELEVES></ROOT>")) == "NOT_SIECLE"


# --- DOCTYPE and entities ------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-42")
    return path


def xxe_document(secret_file) -> bytes:
    prolog = (
        f'<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file://{secret_file}">\n'
        f'<!ENTITY % remote SYSTEM "file://{secret_file}"> %remote;]>\n'
    )
    text = siecle_text([student(NOM_DE_FAMILLE="&xxe;")], prolog=prolog)
    return text.replace("&amp;xxe;", "&xxe;").encode("utf-8")


def test_external_entity_is_refused_and_nothing_is_read_from_disk(secret_file):
    result = read(xxe_document(secret_file))

    assert invalid_reason(result) == "DOCTYPE"
    assert "TOP-SECRET" not in repr(result)


class RecordingResolver(etree.Resolver):
    """Sees every external resource libxml2 tries to load through lxml."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def resolve(self, url, public_id, context):
        self.urls.append(url)


def test_parser_itself_loads_no_entity_even_if_the_doctype_got_through(secret_file, monkeypatch):
    # Defence in depth: with the prolog check disabled, libxml2 still loads nothing.
    monkeypatch.setattr(siecle_source, "_check_prolog", lambda text: text.find("<BEE_ELEVES"))
    recording = RecordingResolver()
    real_parser = etree.XMLPullParser

    def spied_parser(*args, **kwargs):
        parser = real_parser(*args, **kwargs)
        parser.resolvers.add(recording)
        return parser

    monkeypatch.setattr(etree, "XMLPullParser", spied_parser)
    prolog = f'<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
    text = siecle_text([student(NOM_DE_FAMILLE="&xxe;")], prolog=prolog)

    result = read(text.replace("&amp;xxe;", "&xxe;").encode())

    assert recording.urls == []
    assert "TOP-SECRET" not in repr(result)
    assert [error.code for error in result.errors] == ["LAST_NAME_REQUIRED"]


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE BEE_ELEVES [{entities}]>\n"
    text = siecle_text([student(NOM_DE_FAMILLE="&lol9;")], prolog=prolog)

    result = read(text.replace("&amp;lol9;", "&lol9;").encode("utf-8"))

    assert invalid_reason(result) == "DOCTYPE"


@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE BEE_ELEVES>\n",
        '<!DOCTYPE BEE_ELEVES SYSTEM "http://example.com/bee.dtd">\n',
        "<!-- export SIECLE -->\n<?xml-stylesheet href='x.xsl'?>\n<!DOCTYPE BEE_ELEVES []>\n",
        "<!ENTITY x 'y'>\n",
    ],
)
def test_any_doctype_or_declaration_in_the_prolog_is_refused(prolog):
    assert invalid_reason(read(siecle_text([student()], prolog=prolog).encode())) == "DOCTYPE"


def test_comments_and_processing_instructions_before_the_root_are_accepted():
    prolog = "<!-- export <!DOCTYPE in a comment> -->\n<?xml-stylesheet href='x.xsl'?>\n"

    assert read(siecle_text([student()], prolog=prolog).encode()).is_valid


def test_undeclared_entity_in_the_body_is_invalid():
    text = siecle_text([student(NOM_DE_FAMILLE="&xxe;")]).replace("&amp;xxe;", "&xxe;")

    assert invalid_reason(read(text.encode())) == "MALFORMED"


# --- Lines and progress ---------------------------------------------------------------------


def test_lines_are_right_past_line_65535():
    upload = io.BytesIO()
    write_siecle(upload, students=1400, seed=3)
    lines = upload.getvalue().split(b"\n")
    upload.seek(0)

    result = read_siecle(upload, uai=UAI)

    assert len(lines) > 70_000
    assert result.learners[-1].line > 65535
    assert all(lines[x.line - 1].lstrip().startswith(b"<ELEVE ") for x in result.learners)


def test_progress_is_reported_in_bytes_up_to_the_total():
    upload = io.BytesIO()
    write_siecle(upload, students=1000)
    size = upload.tell()
    upload.seek(0)
    calls = []

    read_siecle(upload, uai=UAI, progress=lambda done, total: calls.append((done, total)))

    assert len(calls) >= 2
    assert calls[-1] == (size, size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_wrong_argument_types_are_programmer_errors():
    with pytest.raises(TypeError):
        read_siecle(b"<xml/>", uai=UAI)
    with pytest.raises(TypeError):
        read_siecle(io.BytesIO(b""), uai=None)
