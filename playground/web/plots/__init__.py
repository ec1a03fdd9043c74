"""Pure figure building for every view: terrain geometry (terrain.py), the wire encoding to the
browser (wire.py), shared styling (style.py), the landscape figures (landscape.py) and the
charts (charts.py). Plain dicts in, plain dicts out: no Dash, no callbacks."""
