"""Regenerate book/_extra/favicon.ico, the 16×16 icon browsers request from the site root.

The redirect page Jupyter Book writes at the root has no <link rel="icon">, so browsers ask for /favicon.ico; without
it the browser console shows a 404. Same pattern as book/_static/favicon.svg. Usage: python scripts/make_favicon.py
"""

from pathlib import Path

from PIL import Image

LIGHT, DARK = (0xF2, 0xEF, 0xE6), (0x1F, 0x3A, 0x5F)
PATTERN = ["1010", "0101", "1100", "0111"]  # rows of 4×4-pixel cells, 1 = dark (spin up)


def main() -> None:
    im = Image.new("RGB", (16, 16), LIGHT)
    for r, row in enumerate(PATTERN):
        for c, cell in enumerate(row):
            if cell == "1":
                im.paste(DARK, (4 * c, 4 * r, 4 * c + 4, 4 * r + 4))
    im.save(Path(__file__).resolve().parents[1] / "book" / "_extra" / "favicon.ico", sizes=[(16, 16)])


if __name__ == "__main__":
    main()
