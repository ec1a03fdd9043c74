"""What leaves the playground: a run as a PyTorch script, as CSV or as JSON."""
