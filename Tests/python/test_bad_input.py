"""Bad input to the CLI: exit code 2 and a message on stderr that names the offending field.

Each case starts from a valid statistics object and breaks one thing and feeds it to
`fairmem bounds - --metric sp --json` (one object on standard input; message on stderr).
`fairmem sweep` reports a bad line as an {"line", "id", "error"} object on stdout and exits 2 at
the end of the stream (Docs/cli.md); that path is tested separately. A zero-mass cell is the one
case that is NOT an error: exit 0, the cell's rates are left out, and a note says so.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import reference_lp as ref
from conftest import describe

VALID = {
    "id": "valid",
    "groups": ["female", "male"],
    "classes": ["<=50K", ">50K"],
    "population": [[0.30, 0.10], [0.35, 0.25]],
    "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
}


def mutated(path, value, base=VALID):
    obj = copy.deepcopy(base)
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


def assert_usage_error(proc, *needles):
    assert proc.returncode == 2, "expected exit code 2\n" + describe(proc)
    err = proc.stderr.lower()
    assert err.strip(), "expected a message on stderr\n" + describe(proc)
    assert any(n.lower() in err for n in needles), f"stderr should mention one of {needles}\n" + describe(proc)


def run_bounds_text(fairmem, text, *args):
    fairmem.require("bounds")
    return fairmem.run(["bounds", "-", "--metric", "sp", "--json", *args], stdin=text)


def run_bounds(fairmem, obj, *args):
    return run_bounds_text(fairmem, json.dumps(obj) + "\n", *args)


def test_valid_instance_is_accepted(fairmem):
    proc = run_bounds(fairmem, VALID)
    assert proc.returncode == 0, describe(proc)
    assert json.loads(proc.stdout)["metric"] == "sp"


# (test id, broken object, words of which stderr must contain one)
CASES = [
    ("population_above_one", mutated(["population", 0, 0], 1.3), ("population",)),
    ("population_negative", mutated(["population", 1, 1], -0.05), ("population",)),
    ("population_not_summing_to_one", mutated(["population", 1, 1], 0.5), ("population",)),
    ("confusion_entry_above_one", mutated(["confusion", 0, 0], [1.2, -0.2]), ("confusion",)),
    ("confusion_row_not_summing_to_one", mutated(["confusion", 1, 0], [0.7, 0.2]), ("confusion",)),
    ("population_string_nan", mutated(["population", 0, 1], "NaN"), ("population",)),
    ("confusion_string_inf", mutated(["confusion", 0, 1, 0], "inf"), ("confusion",)),
    ("population_shape_mismatch_groups", mutated(["population"], [[0.3, 0.1], [0.35, 0.25], [0.0, 0.0]]), ("population", "shape", "groups")),
    ("population_shape_mismatch_classes", mutated(["population", 0], [0.3, 0.05, 0.05]), ("population", "shape", "classes")),
    ("confusion_shape_mismatch", mutated(["confusion", 1, 1], [0.2, 0.5, 0.3]), ("confusion", "shape")),
    (
        "fewer_than_two_groups",
        {"groups": ["all"], "classes": ["0", "1"], "population": [[0.4, 0.6]], "confusion": [[[0.9, 0.1], [0.2, 0.8]]]},
        ("group",),
    ),
    (
        "fewer_than_two_classes",
        {"groups": ["a", "b"], "classes": ["only"], "population": [[0.4], [0.6]], "confusion": [[[1.0]], [[1.0]]]},
        ("class",),
    ),
    ("empty_group", mutated(["population"], [[0.5, 0.5], [0.0, 0.0]]), ("male", "group", "population", "empty")),
    (
        "unmemorized_prediction_row_not_summing",
        mutated(["unmemorized_prediction"], [[0.6, 0.3], [0.5, 0.5]]),
        ("unmemorized_prediction",),
    ),
    (
        "counts_negative",
        {"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[5, 1], [2, 3]], [[4, -1], [1, 6]]]},
        ("counts",),
    ),
    (
        "counts_not_integer",
        {"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[5, 1.5], [2, 3]], [[4, 1], [1, 6]]]},
        ("counts",),
    ),
    ("missing_population_and_counts", {k: v for k, v in VALID.items() if k != "population"}, ("population", "counts")),
]


@pytest.mark.parametrize("obj,needles", [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_cli_rejects_bad_statistics(fairmem, obj, needles):
    assert_usage_error(run_bounds(fairmem, obj), *needles)


def _replace_number(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


# NaN and Infinity are not JSON (RFC 8259): the CLI rejects them, and its reader names the JSON path
# of the value (population[1][0]) just as validation does for 1e999.


@pytest.mark.parametrize(
    "token,needles",
    [
        pytest.param("NaN", ("population[1][0]",), id="json_token_NaN"),
        pytest.param("Infinity", ("population[1][0]",), id="json_token_Infinity"),
        pytest.param("-Infinity", ("population[1][0]",), id="json_token_minus_Infinity"),
        pytest.param("1e999", ("population[1][0]",), id="json_number_1e999"),
    ],
)
def test_cli_rejects_non_finite_json_numbers(fairmem, token, needles):
    text = _replace_number(json.dumps(VALID), "0.35", token) + "\n"
    proc = run_bounds_text(fairmem, text)
    assert proc.returncode == 2 and proc.stderr.strip(), describe(proc)
    assert_usage_error(proc, *needles)


@pytest.mark.parametrize(
    "text",
    ['{"groups": ["a", "b"], "classes": [\n', '{"groups": ["a" "b"]}\n', "not json at all\n", "[1, 2, 3]\n"],
    ids=["truncated", "missing_comma", "not_json", "array_not_object"],
)
def test_cli_rejects_malformed_json(fairmem, text):
    assert_usage_error(run_bounds_text(fairmem, text), "json", "line", "object", "parse", "malformed", "invalid")


def test_cli_rejects_unknown_favorable_class(fairmem):
    assert_usage_error(run_bounds(fairmem, VALID, "--favorable", "no-such-class"), "favorable", "no-such-class")


def test_cli_sweep_unknown_favorable_class_is_usage_error(fairmem):
    fairmem.require("sweep")
    proc = fairmem.run(["sweep", "--metric", "sp", "--favorable", "no-such-class"], stdin=json.dumps(VALID) + "\n")
    assert proc.returncode == 2, describe(proc)
    assert "no-such-class" in proc.stdout + proc.stderr or "favorable" in (proc.stdout + proc.stderr).lower(), describe(proc)


def test_cli_sweep_bad_line_reports_error_object_and_exits_2(fairmem):
    """A bad line in the middle of a sweep: an error object naming the field and the line, the
    other lines still answered in order, exit code 2 at the end."""
    fairmem.require("sweep")
    lines = [VALID, mutated(["population", 0, 0], 1.3), mutated(["id"], "third")]
    text = "".join(json.dumps(o) + "\n" for o in lines) + "{not json\n"
    proc = fairmem.run(["sweep", "--metric", "sp"], stdin=text)
    assert proc.returncode == 2, describe(proc)
    out = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(out) == 4, describe(proc)
    assert out[0].get("id") == "valid" and "error" not in out[0]
    assert out[1].get("line") == 2 and "population" in out[1].get("error", ""), out[1]
    assert out[2].get("id") == "third" and "error" not in out[2]
    assert out[3].get("line") == 4 and out[3].get("error"), out[3]


def test_cli_zero_mass_cell_is_not_an_error(fairmem):
    """p[male][>50K] = 0: EOpp on >50K involves one group only and is dropped; exit 0 with a note."""
    fairmem.require("bounds")
    obj = mutated(["population"], [[0.30, 0.20], [0.50, 0.0]])
    proc = fairmem.run(["bounds", "-", "--metric", "eopp", "--json"], stdin=json.dumps(obj) + "\n")
    assert proc.returncode == 0, describe(proc)
    out = json.loads(proc.stdout)
    want = ref.mass_bounds(ref.parse_instance(obj), "eopp")
    assert out["feasible"] is True
    # Only class <=50K constrains: F = (0.1, 0.2), male memorizes 0.5 * 0.1 / 0.2 = 0.25.
    assert out["min_mass"] == pytest.approx(want.min_mass, abs=1e-9) == pytest.approx(0.25, abs=1e-9)
    assert out["max_mass"] == pytest.approx(want.max_mass, abs=1e-9)
    text = (proc.stderr + json.dumps(out.get("notes", out.get("note", "")))).lower()
    assert any(w in text for w in ("zero-mass", "zero mass", "excluded", "empty cell", "no mass")), (
        "expected a note about the zero-mass cell on stderr or in the output\n" + describe(proc)
    )


# ---------------------------------------------------------------------------------------------
# `fairmem stats` on malformed CSV.
# ---------------------------------------------------------------------------------------------

GOOD_CSV = "label,prediction,group\n1,1,a\n0,1,a\n1,0,b\n0,0,b\n1,1,b\n0,0,a\n"


def run_stats(fairmem, tmp_path, text, *extra):
    fairmem.require("stats")
    path = tmp_path / "data.csv"
    path.write_text(text)
    args = ["stats", str(path), "--label", "label", "--prediction", "prediction", "--group", "group", "--favorable", "1", "--json", *extra]
    return fairmem.run(args)


def test_stats_valid_csv_is_accepted(fairmem, tmp_path):
    proc = run_stats(fairmem, tmp_path, GOOD_CSV)
    assert proc.returncode == 0, describe(proc)
    json.loads(proc.stdout)


@pytest.mark.parametrize(
    "text,needles",
    [
        ("label,prediction\n1,1\n0,0\n", ("group",)),
        ("label,prediction,group\n1,1,a\n0,1\n1,0,b\n", ("line 3", "row", "field", "column")),
        ("label,prediction,group\n", ("empty", "no rows", "no data", "row", "record")),
        ("", ("empty", "header", "no rows", "no data", "record")),
        ('label,prediction,group\n1,1,"a\n0,0,b\n', ("quote", "line", "row")),
        ("label,prediction,group\n1,1,a\n0,0,a\n", ("group", "two", "2")),
    ],
    ids=["missing_group_column", "ragged_row", "header_only", "empty_file", "unterminated_quote", "single_group"],
)
def test_stats_rejects_malformed_csv(fairmem, tmp_path, text, needles):
    assert_usage_error(run_stats(fairmem, tmp_path, text), *needles)


def test_stats_rejects_unknown_favorable_label(fairmem, tmp_path):
    fairmem.require("stats")
    path = tmp_path / "data.csv"
    path.write_text(GOOD_CSV)
    proc = fairmem.run(["stats", str(path), "--label", "label", "--prediction", "prediction", "--group", "group", "--favorable", "7", "--json"])
    assert_usage_error(proc, "favorable", "7")


def test_stats_rejects_missing_file(fairmem, tmp_path):
    fairmem.require("stats")
    proc = fairmem.run(["stats", str(tmp_path / "nope.csv"), "--label", "label", "--prediction", "prediction", "--group", "group", "--json"])
    assert_usage_error(proc, "nope.csv", "no such file", "not found", "cannot open")
