"""The simulation core: surfaces, optimizers and their blocks, schedules, and the runner.

Knows nothing of the batch stack, the exports, the command line or the web.
"""
