"""`check_originality`: an essay file against a folder of files, no database."""

from __future__ import annotations

import io
import json

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huodong.originality.engine.files import MAX_FILE_BYTES, UnreadableFile, read_text_file

COPIED = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸"  # 20 characters
OWN = "子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒"  # 20 characters


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_originality", *args, stdout=out)
    return out.getvalue()


def write_docx(path, paragraphs: list[str]) -> None:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))


@pytest.fixture
def folder(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "甲.txt").write_text("日月盈昃，" + COPIED + "。辰宿列张", encoding="utf-8")
    (sources / "乙.txt").write_text("寒来暑往秋收冬藏闰余成岁律吕调阳", encoding="gb18030")
    (sources / "notes.md").write_text(COPIED + OWN, encoding="utf-8")  # not a .txt/.docx
    nested = sources / "nested"
    nested.mkdir()
    (nested / "deep.txt").write_text(OWN, encoding="utf-8")  # subfolders are not read
    return sources


def test_json_report(tmp_path, folder):
    essay = tmp_path / "essay.txt"
    essay.write_text(COPIED + "，" + OWN, encoding="utf-8")
    data = json.loads(run(str(essay), "--against", str(folder), "--json"))
    assert data == {
        "ratio": 0.5,
        "ratio_without_quotes": 0.5,
        "largest_source": {"name": "甲.txt", "ratio": 0.5},
        "sources": [
            {
                "name": "甲.txt",
                "ratio": 0.5,
                "runs": [{"start": 0, "end": 20, "source_start": 5, "source_end": 25}],
            }
        ],
    }


def test_json_keeps_chinese_unescaped(tmp_path, folder):
    essay = tmp_path / "essay.txt"
    essay.write_text(COPIED, encoding="utf-8")
    assert "甲.txt" in run(str(essay), "--against", str(folder), "--json")


def test_readable_report(tmp_path, folder):
    essay = tmp_path / "essay.txt"
    essay.write_text("“" + COPIED + "”" + OWN, encoding="utf-8")
    output = run(str(essay), "--against", str(folder))
    assert "Checked against 2 file(s)" in output
    assert "50.0%" in output
    assert "without quotations):    0.0%" in output
    assert "Largest source: 甲.txt (50.0%)" in output
    assert f"[1:21] 20 chars: {COPIED}" in output


def test_nothing_shared(tmp_path, folder):
    essay = tmp_path / "essay.txt"
    essay.write_text(OWN, encoding="utf-8")
    output = run(str(essay), "--against", str(folder))
    assert "0.0%" in output
    assert "No passage of 13 or more characters" in output
    data = json.loads(run(str(essay), "--against", str(folder), "--json"))
    assert data["largest_source"] is None
    assert data["sources"] == []


def test_the_essay_inside_the_folder_is_not_its_own_source(folder):
    essay = folder / "甲.txt"
    data = json.loads(run(str(essay), "--against", str(folder), "--json"))
    assert data["ratio"] == 0.0


def test_docx_essay_and_source(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    write_docx(sources / "source.docx", ["标题", "前文" + COPIED])
    essay = tmp_path / "essay.docx"
    write_docx(essay, [COPIED[:10], COPIED[10:] + OWN])
    data = json.loads(run(str(essay), "--against", str(sources), "--json"))
    assert data["largest_source"] == {"name": "source.docx", "ratio": 0.5}
    # The paragraphs are joined by a newline, which is where offsets count it.
    assert data["sources"][0]["runs"] == [
        {"start": 0, "end": 21, "source_start": 5, "source_end": 25}
    ]


def test_errors_are_command_errors(tmp_path, folder):
    essay = tmp_path / "essay.txt"
    essay.write_text(COPIED, encoding="utf-8")
    with pytest.raises(CommandError, match="not a folder"):
        run(str(essay), "--against", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.txt"), "--against", str(folder))
    pdf = tmp_path / "essay.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"essay\.pdf: only \.txt and \.docx"):
        run(str(pdf), "--against", str(folder))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match=r"broken\.docx"):
        run(str(essay), "--against", str(folder))


def test_against_is_required(tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text(COPIED, encoding="utf-8")
    with pytest.raises(CommandError, match="--against"):
        run(str(essay))


# --- read_text_file ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_text("学习贯彻，ＡＢＣ", encoding=encoding)
    assert read_text_file(path) == "学习贯彻，ＡＢＣ"


def test_docx_paragraphs_and_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一段")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(0, 1).text = "乙"
    document.add_paragraph("第二段")
    path = tmp_path / "a.DOCX"
    document.save(str(path))
    assert read_text_file(path) == "第一段\n甲\n乙\n第二段"


def test_refusals(tmp_path):
    with pytest.raises(UnreadableFile, match=r"only \.txt and \.docx"):
        read_text_file(tmp_path / "a.doc")
    with pytest.raises(UnreadableFile, match=r"missing\.txt"):
        read_text_file(tmp_path / "missing.txt")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(UnreadableFile, match="too large"):
        read_text_file(big)
    spreadsheet = tmp_path / "sheet.docx"
    spreadsheet.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    with pytest.raises(UnreadableFile, match=r"sheet\.docx"):
        read_text_file(spreadsheet)
    assert issubclass(UnreadableFile, ValueError)


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + " " * (60 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match=r"bomb\.docx"):
        read_text_file(path)
