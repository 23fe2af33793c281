"""One module per command: each parses nothing, calls the core, formats, and returns an ExitCode."""
