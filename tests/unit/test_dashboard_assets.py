"""The dashboard's stylesheet and templates keep their own rules: one spacing scale, and no icon missing from the sprite."""

from __future__ import annotations

import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "entrypoints" / "http" / "dashboard"
SPACING = re.compile(r"^\s*((?:margin|padding)(?:-[a-z-]+)?|gap|row-gap|column-gap)\s*:\s*([^;]+);", re.M)
# A step of the scale (maybe negated), nothing, a hairline, or auto.
ALLOWED = re.compile(r"var\(--space-[0-7]\)|calc\(-1 \* var\(--space-[0-7]\)\)|0|1px|auto")


def test_every_margin_padding_and_gap_is_a_step_of_the_spacing_scale() -> None:
    css = (DASHBOARD / "static" / "dashboard.css").read_text()
    off_scale = [
        f"{prop}: {value}"
        for prop, value in SPACING.findall(css)
        if not all(ALLOWED.fullmatch(token) for token in re.findall(r"calc\([^)]*\)\)?|\S+", value))
    ]
    assert off_scale == []


def test_every_icon_a_template_uses_is_in_the_sprite() -> None:
    templates = DASHBOARD / "templates"
    sprite = set(re.findall(r'<symbol id="i-([a-z-]+)"', (templates / "icons.svg.j2").read_text()))
    used: set[str] = set()
    for template in templates.glob("*.j2"):
        text = template.read_text()
        used |= set(re.findall(r"""\bicon\(\s*["']([a-z-]+)["']""", text))
        for call in re.findall(r"(?<!macro )empty_state\(([^)]*)\)", text):  # its icon, and its action's (the 5th argument)
            strings = re.findall(r'"([^"]*)"', call)
            used |= {strings[0]} | ({strings[4]} if len(strings) > 4 else set())
    used |= set(re.findall(r'\("[^"]*", "[^"]*", "([a-z-]+)"\)', (templates / "layout.html.j2").read_text()))  # the nav
    assert used, "no icon found: the pattern above no longer matches the templates"
    assert used - sprite == set()
