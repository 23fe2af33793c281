"""YAML in and out: the one reader (PyYAML events, kubectl's scalar rules, positions), the emitter,
and round-trip edits (ruamel.yaml, for promote)."""
