"""The benchmark's arithmetic: percentiles, the result file, its table and the comparison."""

import json
import math

import pytest

from bench import stats
from bench.runner import main


def test_percentiles_are_by_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert stats.percentile(values, 50) == 50
    assert stats.percentile(values, 95) == 95
    assert stats.percentile(values, 99) == 99
    assert stats.percentile(values, 100) == 100
    assert stats.percentile([7.0], 99) == 7.0
    assert stats.percentile([3, 1, 2], 50) == 2  # sorted first


def test_a_percentile_of_nothing_is_not_a_number():
    assert math.isnan(stats.percentile([], 50))
    with pytest.raises(ValueError):
        stats.percentile([1], 0)


def test_a_summary_has_exactly_the_result_keys():
    summary = stats.summarise([10.0, 20.0, 30.0, 40.0], errors=1)
    assert summary == {"p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 40.0, "count": 4, "errors": 1}
    assert tuple(summary) == stats.SUMMARY_KEYS
    assert stats.summarise([], 0)["p50_ms"] is None


def test_the_result_separates_the_floor_from_the_pages():
    result = stats.build_result(
        {"floor": [5.0, 5.0], "incident_list": [10.0, 20.0], "alerts": [15.0]},
        {"alerts": 1},
        seconds=2.0,
        dataset={"incidents_incident": 20000},
        extra={"size": "school"},
    )
    assert set(result["floor"]) == set(stats.SUMMARY_KEYS)
    assert set(result["pages"]) == {"incident_list", "alerts"}
    assert result["pages"]["alerts"]["errors"] == 1
    assert result["rps"] == 2.5  # 5 requests in 2 s, the floor's included
    assert result["dataset"] == {"incidents_incident": 20000}
    assert result["p50_to_floor"] == {"incident_list": 2.0, "alerts": 3.0}
    assert result["size"] == "school"
    json.dumps(result)  # all of it can be written


def test_the_table_shows_each_request_type_with_its_ratio_to_the_floor():
    result = stats.build_result(
        {"floor": [4.0], "incident_page": [12.0]}, {}, seconds=1.0, dataset={"pupils_pupil": 1500}
    )
    table = stats.result_table(result)
    lines = table.splitlines()
    assert lines[0].split() == [
        "request",
        "count",
        "p50",
        "ms",
        "p95",
        "ms",
        "p99",
        "ms",
        "errors",
        "p50/floor",
    ]
    assert lines[2].split() == ["floor", "1", "4.0", "4.0", "4.0", "0", "1.0"]
    assert lines[3].split() == ["incident_page", "1", "12.0", "12.0", "12.0", "0", "3.0"]
    assert "requests per second: 2.0" in table
    assert "pupils_pupil 1,500" in table


def test_compare_gives_the_second_run_as_a_ratio_of_the_first():
    a = stats.build_result({"floor": [10.0], "alerts": [20.0]}, {}, seconds=1, dataset={})
    b = stats.build_result(
        {"floor": [5.0], "alerts": [30.0], "new_page": [8.0]}, {}, seconds=1, dataset={}
    )
    table = stats.compare_table(a, b, names=("before", "after"))
    rows = {line.split()[0]: line.split() for line in table.splitlines()[2:] if line.strip()}
    assert rows["floor"][:4] == ["floor", "10.0", "5.0", "0.5"]
    assert rows["alerts"][:4] == ["alerts", "20.0", "30.0", "1.5"]
    assert rows["new_page"][:4] == ["new_page", "-", "8.0", "-"]
    assert "before p50" in table and "after p95" in table


def test_make_bench_compare_reads_two_files(tmp_path, capsys):
    for name, ms in (("a", 10.0), ("b", 20.0)):
        result = stats.build_result({"floor": [ms]}, {}, seconds=1, dataset={})
        (tmp_path / f"{name}.json").write_text(json.dumps(result))
    assert main(["--compare", f"{tmp_path / 'a.json'},{tmp_path / 'b.json'}"]) == 0
    assert "floor" in capsys.readouterr().out


def test_compare_says_what_is_wrong_with_its_files(tmp_path, capsys):
    assert main(["--compare", str(tmp_path / "only-one.json")]) == 2
    assert "two result files" in capsys.readouterr().err
    assert main(["--compare", f"{tmp_path / 'x.json'},{tmp_path / 'y.json'}"]) == 2
    assert "Cannot read the result" in capsys.readouterr().err
