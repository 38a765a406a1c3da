"""Read a plain-text plan (UTF-8, UTF-16 or GB18030) into the reader-neutral block model.

Tables arrive in one of two shapes:

* one cell per line, each cell line starting with a tab, as text extractors such as Tika
  write them; a cell's further paragraphs follow on lines without the tab, and a vertically
  merged cell repeats (or drops) its text;
* tab-separated rows, one row per line, as people type or paste them. A row merged across
  the table (a phase heading) arrives as a line without tabs between rows, and a cell with
  line breaks copied from a spreadsheet arrives quoted over several lines.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from .blocks import Block, Paragraph, RawDocument, Table
from .errors import PlanImportError
from .textutil import clean_line, snippet

# Extractor artefacts that carry no text of the document.
_ARTEFACT = re.compile(r"^\s*\[(?:bookmark|image|link): [^\]]*\]\s*$")
_CONTINUATION_LOOKAHEAD = 6
_CONTINUATION_MAX_LEN = 30


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanImportError(
        _("The text file could not be decoded; save it as UTF-8 or GB18030 text."),
        code="encoding",
    )


def read_text(data: bytes) -> RawDocument:
    text = decode_text(data)
    if any(ord(ch) < 32 and ch not in "\t\n\r\f\v" for ch in text[:4096]):
        raise PlanImportError(
            _("The file is neither a Word (.docx) document nor a text file."), code="unknown"
        )
    lines = [line for line in re.split(r"\r\n|\r|\n|\f|\v", text) if not _ARTEFACT.match(line)]
    return _TextParser(lines).parse()


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _is_tsv_row(line: str) -> bool:
    # Count tabs before stripping: an empty first cell (a merged 阶段 or 序号) starts the
    # line with a tab, and stripping it would shift every column.
    return line.count("\t") >= 2 and bool(line.strip())


# A line between two rows of a pasted table that is short enough to be a merged row.
_MAX_MERGED_ROW = 40


class _TextParser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0
        self.blocks: list[Block] = []
        self.warnings: list[str] = []

    def parse(self) -> RawDocument:
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if _is_cell_line(line) and self._next_is_cell_line():
                self.blocks.append(self._cell_table())
            elif _is_tsv_row(line):
                self.blocks.append(self._tsv_table())
            else:
                if cleaned := clean_line(line):
                    self.blocks.append(Paragraph(cleaned))
                self.pos += 1
        return RawDocument(blocks=self.blocks, warnings=self.warnings)

    def _next_is_cell_line(self) -> bool:
        nxt = self.pos + 1
        return nxt < len(self.lines) and _is_cell_line(self.lines[nxt])

    def _next_nonblank(self, start: int) -> int | None:
        return next((i for i in range(start, len(self.lines)) if self.lines[i].strip()), None)

    def _tsv_table(self) -> Table:
        rows: list[list[str]] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if _is_tsv_row(line):
                self.pos += 1
                # An open quote means the cell goes on over the next lines.
                while line.count('"') % 2 == 1 and self.pos < len(self.lines):
                    line += "\n" + self.lines[self.pos]
                    self.pos += 1
                rows.append(_tsv_cells(line))
                continue
            nxt = self._next_nonblank(self.pos + 1)
            short = len(line.strip()) <= _MAX_MERGED_ROW and "\t" not in line.strip()
            if nxt is not None and _is_tsv_row(self.lines[nxt]) and short:
                if line.strip():
                    rows.append([clean_line(line)])  # a row merged across the table
                self.pos += 1
                continue
            break
        width = max(len(r) for r in rows)
        return Table(rows=[r + [""] * (width - len(r)) for r in rows])

    def _next_cell_line_within(self, start: int) -> bool:
        """Whether `start` begins a few short lines that lead to the table's next cell."""
        for i in range(start, min(start + _CONTINUATION_LOOKAHEAD, len(self.lines))):
            line = self.lines[i]
            if _is_cell_line(line):
                return True
            if line.strip() and (line[0].isspace() or len(line.strip()) > _CONTINUATION_MAX_LEN):
                return False
        return False

    def _collect_cells(self) -> list[list[str]]:
        cells: list[list[str]] = []
        width_guess = self._header_run_length()
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if _is_cell_line(line):
                cells.append([clean_line(line)] if clean_line(line) else [])
                self.pos += 1
                continue
            if not line.strip():
                self.pos += 1
                continue
            row_complete = len(cells) % width_guess == 0
            # After a complete row, a line belongs to the table only if more cells follow soon;
            # otherwise it is the first paragraph after the table (e.g. the 印发 footer).
            if row_complete and not self._next_cell_line_within(self.pos):
                break
            cells[-1].append(clean_line(line))
            self.pos += 1
        return cells

    def _header_run_length(self) -> int:
        count = 0
        for line in self.lines[self.pos :]:
            if not _is_cell_line(line):
                break
            count += 1
        return max(count, 1)

    def _cell_table(self) -> Table:
        start_line = self.lines[self.pos]
        header_width = self._header_run_length()
        cells = ["\n".join(parts) for parts in self._collect_cells()]
        width = _row_stride(cells) or header_width
        # Rows are a fixed number of cells; the first complete row is the header.
        offset = _row_offset(cells, width)
        if offset:
            self.warnings.append(
                _("Text before the table's header row was ignored: %(text)s")
                % {"text": snippet(" ".join(cells[:offset]))}
            )
            cells = cells[offset:]
        rows = [cells[i : i + width] for i in range(0, len(cells), width)]
        if rows and len(rows[-1]) < width:
            self.warnings.append(
                _("The last table row is incomplete: %(text)s")
                % {"text": snippet(" | ".join(rows[-1]) or start_line)}
            )
            rows[-1] += [""] * (width - len(rows[-1]))
        return Table(rows=rows)


def _tsv_cells(line: str) -> list[str]:
    line = line.rstrip("\r\n")
    if "\n" in line:
        cells = next(csv.reader(io.StringIO(line), delimiter="\t"), [])
    else:
        cells = line.split("\t")
    return ["\n".join(filter(None, (clean_line(part) for part in c.split("\n")))) for c in cells]


def _row_stride(cells: list[str]) -> int | None:
    """Cells per row, measured between the sequence numbers 1, 2 (and 3) of the first column."""
    try:
        first = cells.index("1")
        second = cells.index("2", first + 1)
    except ValueError:
        return None
    stride = second - first
    third = second + stride
    if stride < 2 or (third < len(cells) and cells[third] not in {"3", ""}):
        return None
    return stride


def _row_offset(cells: list[str], width: int) -> int:
    """Index of the header row's first cell: one row above the row numbered 1, if any."""
    try:
        first = cells.index("1")
    except ValueError:
        return 0
    return max(first - width, 0)
