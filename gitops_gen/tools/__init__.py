"""The external programs and stores gitops-gen drives: git revisions (gitpython) and kustomize."""
