"""`huodong check_originality ESSAY --against DIR`: 查重 of one file against a folder of files.

Works on files only, without the database, so an essay can be checked before it is uploaded or
on a machine without the application's data.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huodong.originality.engine import Report, check_texts
from huodong.originality.engine.files import READABLE_SUFFIXES, UnreadableFile, read_text_file

# Long runs are shown by their two ends, enough to find them in the essay.
EXCERPT_CHARS = 60


class Command(BaseCommand):
    help = (
        "Check a .txt/.docx essay against every .txt/.docx file in a folder (查重); "
        "prints the copy ratio (复制比) and the shared passages. Uses no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("essay", type=Path)
        parser.add_argument(
            "--against",
            type=Path,
            required=True,
            help="Folder of .txt/.docx sources (its subfolders are not read).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, essay: Path, against: Path, json: bool, **options):
        if not against.is_dir():
            raise CommandError(f"{against}: not a folder")
        if not essay.is_file():
            raise CommandError(f"{essay}: no such file")
        essay_text = _read(essay)
        sources = [(path.name, path.name, _read(path)) for path in _source_files(against, essay)]
        report = check_texts(essay_text, sources)
        if json:
            self.stdout.write(_dumps(report.to_json()))
        else:
            self._write_summary(report, essay_text, len(sources))

    def _write_summary(self, report: Report, essay_text: str, checked: int) -> None:
        write = self.stdout.write
        write(f"Checked against {checked} file(s); {report.length} characters compared.")
        write(f"复制比 (copy ratio):              {report.ratio:.1%}")
        write(f"去除引用 (without quotations):    {report.ratio_without_quotes:.1%}")
        largest = report.largest_source
        if largest is None:
            write("No passage of 13 or more characters is shared with any file.")
            return
        write(f"Largest source: {largest.name} ({largest.ratio:.1%})")
        for source in report.sources:
            write("")
            write(f"{source.name}: {source.ratio:.1%}, {len(source.runs)} passage(s)")
            for run in source.runs:
                excerpt = _excerpt(essay_text[run.text_start : run.text_end])
                write(f"  [{run.text_start}:{run.text_end}] {run.length} chars: {excerpt}")


def _read(path: Path) -> str:
    try:
        return read_text_file(path)
    except UnreadableFile as exc:
        raise CommandError(str(exc)) from exc


def _source_files(folder: Path, essay: Path) -> list[Path]:
    essay_resolved = essay.resolve()
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in READABLE_SUFFIXES
        # Word's lock file beside an open document ("~$文章.docx") is not a document.
        and not path.name.startswith("~$")
        and path.resolve() != essay_resolved
    )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    half = EXCERPT_CHARS // 2
    return f"{flat[:half]}…{flat[-half:]}"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
