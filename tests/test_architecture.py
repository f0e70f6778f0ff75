"""docs/architecture.md stays true: every file its recipes name exists, and it is on the site."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"

#: files a recipe asks a newcomer to create (named by way of example)
TO_CREATE = {"bayesreg/priors/r2d2.py", "bayesreg/datafits/student_t.py"}


def test_every_named_file_exists():
    text = PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:bayesreg|tests)/[\w/]+\.py)`", text))
    assert len(named) > 20
    missing = sorted(p for p in named - TO_CREATE if "<name>" not in p and not (ROOT / p).is_file())
    assert not missing, missing


def test_page_is_in_the_site_navigation():
    assert "architecture.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
