"""Monitoring: realised places against task and proposal, and the forecast by the deadline.

``realised`` reads and checks ``realised.csv``; ``progress`` computes the tables the
``monitor`` command prints and writes (monitor.csv, monitor.json).
"""
