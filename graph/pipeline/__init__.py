"""The two passes over a corpus (read and resolve, then map), in worker processes when it pays."""
