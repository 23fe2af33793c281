"""``report``: the evidence pack -- inventory, access, capacity and cost, policy posture, change log and
drift history, derived offline from Git as one reproducible set of files (docs/adr/0022-evidence-report.md).

``sections``, ``posture`` and ``drift`` are pure builders over the resolved model, the rendered objects,
validation findings and drift reports; ``changelog`` reads Git; ``run`` puts them together and writes
``--out``; ``formats`` holds one module per output format.
"""
