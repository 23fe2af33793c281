"""Fleet mode: Argo CD ApplicationSets, cluster Secrets, and their expansion back into per-cluster Applications."""
