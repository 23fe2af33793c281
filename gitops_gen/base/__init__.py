"""The leaves every layer may use: errors and exit codes, guarded input reading, Kubernetes names,
kinds, quantities and versions, rendered objects as values, the ownership contract, colour."""
