"""The benchmark runs (small) and reports both figures and the ratio."""

from __future__ import annotations

from benchmarks import bench_validate


def test_bench_reports_engine_baseline_and_ratio(monkeypatch) -> None:
    monkeypatch.setattr(bench_validate, "SAMPLE", 5)
    lines: dict[str, str] = {}
    bench_validate.run(lines.__setitem__, bench_validate.generated(10))
    assert set(lines) == {
        "validate: documents",
        "validate: gitops-gen engine",
        "validate: kubernetes_validate.validate() per doc",
        "validate: ratio",
    }
    assert lines["validate: documents"].startswith("80 ")


def test_bench_reports_path_mode_on_the_bundle_fixtures() -> None:
    lines: dict[str, str] = {}
    bench_validate.path_mode(lines.__setitem__, copies=1)
    assert set(lines) == {
        "validate: path mode, bundle fixtures (--strict --crd-dir)",
        "validate: path mode, bundle fixtures (--crd-dir)",
        "validate: path mode, kubernetes_validate.validate() per doc",
        "validate: path mode ratio (strict / default)",
    }
    assert lines["validate: path mode, bundle fixtures (--strict --crd-dir)"].startswith("23 docs")
