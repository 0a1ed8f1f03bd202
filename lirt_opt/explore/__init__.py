"""The explorer: ``lirt-opt serve``, a local web app where the regional table tries
what-ifs on a proposal (server.py: HTTP; session.py: history and solves; whatif.py:
what-ifs as a scenario overlay; view.py: a result as the page's data; tiles.py: the
schematic map; static/: the page, its script and style, all shipped in the package)."""
