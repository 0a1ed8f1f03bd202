"""Benchmarks of lirt-opt: a registry of named benchmarks, the baseline, the HiGHS floor.

Run ``make bench`` (quick pass, every benchmark once, results verified) or
``make bench-full`` (the timing suite). See benchmarks/README.md.
"""
