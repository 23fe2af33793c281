"""Writing to disk: the atomic swap of rendered/, the no-op cache, and `init`'s new repository."""
