"""Change review: what a change does to each cluster, between two Git revisions (``gitops-gen diff``).

``review`` reads both revisions (``gitrev``), loads and renders each in memory,
``clusters`` compares what Argo CD would apply per cluster (Applications and the
effective objects each owns), ``risks`` names what deserves a second look,
``findings`` sets the validation of both renders side by side, and ``formats``
turns the resulting ``ChangeReport`` into text, Markdown, JSON or HTML.
"""
