"""The version of lirt-opt, written into every result (``summary.json``) and report."""

__version__ = "0.1.0"
