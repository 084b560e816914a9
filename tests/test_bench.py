"""``machine-eyes bench``'s HOG table: every stage measured, the headline pair in turns."""

from __future__ import annotations

import json

import pytest

from demo import bench

pytest.importorskip("skimage.feature")


def test_hog_table_times_the_headline_pair_in_turns(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--frames", "3", "--size", "96x64", "--only", "hog", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["hog"]
    rows = {row["stage"]: row for row in report["rows"]}
    assert list(rows) == ["gradients", "histograms", "dominant directions",
                          "histograms + directions", "arrows drawn", bench.COMBINED,
                          "hog_panel arrows", bench.SKIMAGE]
    # One turn per scikit-image frame, all of our frames in each turn.
    assert rows[bench.SKIMAGE]["frames"] == 3
    assert rows[bench.COMBINED]["frames"] == 3 * 3
    assert rows["gradients"]["frames"] == 3
    head = report["summary"]
    assert head["speedup"] == pytest.approx(
        rows[bench.SKIMAGE]["median_ms"] / rows[bench.COMBINED]["median_ms"])
    assert all(row["min_ms"] > 0 and row["median_ms"] >= row["min_ms"] for row in rows.values())
