"""The sufficiency dossier (issue 12): per-pool results and the document for people.

``pools.py``: when some pools close and others are short, the proposal of the closing
pools (verified on its own) and the shortfall of the short ones. ``document.py``: the
dossier as HTML with a print style; ``pdf.py``: the same HTML printed to PDF.
"""
