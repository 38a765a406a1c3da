"""Reader-neutral document model: what every format reader hands to the plan parser."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    # Cell texts row by row; a vertically merged cell repeats its text in every row it spans,
    # and a cell holding several paragraphs keeps them on separate lines.
    rows: list[list[str]]


Block = Paragraph | Table


@dataclass
class RawDocument:
    blocks: list[Block]
    # Problems a reader met but could work around; they end up in ParsedPlan.warnings.
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def plain_text(self) -> str:
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend("\t".join(c.replace("\n", " ") for c in row) for row in block.rows)
        return "\n".join(lines)
