"""The blueprint layer: format v1's field specs, loading with positions, resolving into the typed
model and one plan per cluster.  Everything downstream consumes what this layer returns."""
