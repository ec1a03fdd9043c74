"""The real-network bridge: the playground's optimizer records train a small conv net on
scikit-learn's 8×8 digits (NumPy, float64, exact backprop), and the network's loss landscape
is sliced in 2-D with the runs' paths projected onto the slice.

Modules: :mod:`.data` (the fixed split), :mod:`.model` (the network), :mod:`.train` (training
with the records), :mod:`.presets` (seed / tuned hyperparameters), :mod:`.showdown` (the
table), :mod:`.landscape` (directions, slice, projections).
"""
