"""`vss-dash briefing --format pptx|press`: straight from the data layer, no browser."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from pptx import Presentation

from vss_dash import briefing, cli


def test_pptx_from_the_command_line(tmp_path: Path, capsys) -> None:
    code = cli.main(["briefing", "--quarter", "2026-Q3", "--lang", "en", "--public",
                     "--format", "pptx", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "vss_briefing_2026-Q3_en_public_demo.pptx"
    prs = Presentation(path)
    assert len(prs.slides) == len(briefing.slides(public=True))
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text for s in prs.slides)


def test_press_release_from_the_command_line(tmp_path: Path, capsys) -> None:
    code = cli.main(["briefing", "--quarter", "2024-Q3", "--format", "press",
                     "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    md, docx = (Path(line) for line in capsys.readouterr().out.split())
    assert md.name == "vss_press_2024-Q3_vi_demo.md"
    assert "19,02 triệu người [số liệu công bố]" in md.read_text(encoding="utf-8")
    assert Document(docx).paragraphs[0].text == md.read_text(encoding="utf-8").splitlines()[0][2:]
