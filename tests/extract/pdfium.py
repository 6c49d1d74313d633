"""Prints the text of every page of a PDF as PDFium (Chrome's PDF engine,
through pypdfium2) extracts it, pages separated by form feeds, as
pdftotext does. A test helper: tests/extract.rs runs it."""

import sys

import pypdfium2

pdf = pypdfium2.PdfDocument(sys.argv[1])
pages = []
for page in pdf:
    text = page.get_textpage()
    pages.append(text.get_text_range())
sys.stdout.write("\f".join(pages) + "\f")
