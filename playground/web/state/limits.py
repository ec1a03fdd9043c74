"""Caps on the work one request may ask for (documented in the README).

The settings schema (settings.py) uses them as its fields' ranges; validation (validate.py)
and the page's controls read them from there.
"""

from __future__ import annotations

MAX_RACERS = 12
MAX_STEPS = 5000
MIN_STEPS = 1
MAX_BATCH = 100_000
MAX_NOISE = 1e4
MAX_SEED = 2**31 - 1
MAX_FAN = 50  # seeds per racer in a fan (0: no fan)
FAN_SEEDS = 20  # the fan the control suggests
LR_RANGE = (1e-8, 1e3)
