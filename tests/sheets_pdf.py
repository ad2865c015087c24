"""Reading sheet PDFs back in tests: text through poppler's pdftotext, pages through pdftoppm."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

BIDI_MARKS = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# what ends a run of words: punctuation, digits, Latin inside right-to-left text (letters and their
# combining marks, e.g. Arabic tanwin, belong to the words)
NOT_WORD = re.compile(r"[^\w\s]|[0-9\u0660-\u0669\u06f0-\u06f9_]")
MARKS = re.compile("[\u064b-\u065f\u0670]")  # Arabic vowel marks: pdftotext sets them apart
# one character range per script family, and the catalogues written in it
SCRIPTS = {
    "arabic": ("\u0600", "\u06ff"),
    "cyrillic": ("\u0400", "\u04ff"),
    "ethiopic": ("\u1200", "\u137f"),
    "latin": ("A", "z"),
}
SCRIPT_OF = {
    "ar": "arabic",
    "fa": "arabic",
    "prs": "arabic",
    "ps": "arabic",
    "uk": "cyrillic",
    "ru": "cyrillic",
}
SCRIPT_OF["ti"] = "ethiopic"
# Latin catalogues with letters beyond ASCII that a lost font or encoding would drop
DIACRITICS = {"tr": "ş", "kmr": "ê", "fr": "é", "de": "ü"}


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order, bidi controls removed, white space folded to single spaces."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(MARKS.sub("", BIDI_MARKS.sub("", out.stdout.decode("utf-8"))).split())


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's text lines (bidi controls removed, stripped)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return [BIDI_MARKS.sub("", line).strip() for line in out.stdout.decode("utf-8").splitlines()]


def words(message: str) -> list[str]:
    """The words of a message (three letters or more, placeholders left out), as :func:`pdf_text`
    gives them: pdftotext rebuilds right-to-left lines run by run, so punctuation and whole runs may move
    within a line; each word keeps the order of its letters as written (logical order), which is what a
    reader and a search need, and a mirrored word would not match."""
    plain = MARKS.sub("", re.sub(r"\{\w+\}", " ", message.replace("\u200c", "")))
    return [w for w in NOT_WORD.split(plain) for w in w.split() if len(w) >= 3]


def count_in(text: str, script: str) -> int:
    low, high = SCRIPTS[script]
    return sum(1 for ch in text if low <= ch <= high)


def first_page_png(pdf: bytes, dpi: int = 40) -> bytes:
    """The first page as a grey PNG at low resolution."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sheet.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-gray",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
        return (Path(tmp) / "page.png").read_bytes()
