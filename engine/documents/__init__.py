"""Printable documents: HTML and CSS laid out as PDF by a real layout engine (WeasyPrint on Pango)."""
