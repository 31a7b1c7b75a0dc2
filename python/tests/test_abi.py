"""The C ABI itself: bad requests are answered with structured errors (never a crash), the
header compiles and links, and concurrent calls from many threads give the sequential answers."""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import COUNTS, EXAMPLE, REPO

import fairmem
from fairmem import _native


def respond(raw: bytes | None) -> dict:
    library = _native._load()
    pointer = library.fairmem_request(raw)
    try:
        return json.loads(ctypes.string_at(pointer))
    finally:
        library.fairmem_free(pointer)


def error_of(raw: bytes | None) -> dict:
    response = respond(raw)
    assert response["ok"] is False and response["exit_code"] == 2, response
    assert response["error"]["code"] == "bad_input"
    return response["error"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (None, "request"),
        (b"", "request"),
        (b"{not json", "request"),
        (b"[1, 2]", "request"),
        (b'{"command": 3}', "command"),
        (b'{"command": "frobnicate"}', "command"),
        (b'{"command": "analyze", "extra": 1}', "extra"),
        (b'{"command": "analyze", "arguments": [1]}', "arguments"),
        (b'{"command": "analyze", "arguments": {"tolerance": "abc"}}', "tolerance"),
        (b'{"command": "analyze", "arguments": {"tolerance": 2}}', "tolerance"),
        (b'{"command": "analyze", "arguments": {"frontier_points": {"a": 1}}}', "frontier_points"),
        (b'{"command": "analyze", "arguments": {"no_such_option": true}}', "no_such_option"),
        (b'{"command": "analyze", "arguments": {"json": false}}', "json"),
        (b'{"command": "analyze", "arguments": {"--tolerance": 1}}', "tolerance"),
        (b'{"command": "analyze", "arguments": {"metric": ["sp", null]}}', "metric[1]"),
        (b'{"command": "feasible"}', "input"),
        (b'{"command": "feasible", "input": 5}', "input"),
        (b'{"command": "feasible", "input": "{\\"groups\\": 1}"}', "groups"),
        (b'{"command": "feasible", "input": {"groups": ["a","b"], "classes": ["0","1"], "population": [[0.5, NaN], [0.25, 0.25]]}}', "request"),
        (b'{"command": "stats", "arguments": {"label": "y", "prediction": "p", "group": "g"}, "input": "y,p\\n1,0\\n"}', "g"),
    ],
)
def test_bad_requests_name_the_field(raw, field):
    assert error_of(raw)["field"] == field


def test_nan_in_statistics_names_its_path():
    stats = dict(EXAMPLE, population=[[0.3, float("nan")], [0.35, 0.25]])
    with pytest.raises(fairmem.BadInputError) as caught:
        fairmem.feasible(stats)
    assert caught.value.field == "request" and "population[0][1]" in caught.value.message


def test_deep_nesting_and_huge_requests_are_refused():
    assert error_of(b"[" * 100_000 + b"]" * 100_000)["field"] == "request"
    huge = b'{"command": "analyze", "input": "' + b"x" * (256 << 20) + b'"}'
    assert "limit" in error_of(huge)["message"]


def test_huge_but_valid_input_is_answered():
    groups = [f"g{a}" for a in range(300)]
    stats = {"groups": groups, "classes": ["0", "1"], "counts": [[[5 + a % 7, 3], [2, 9 + a % 5]] for a in range(300)]}
    answers = fairmem.feasible(stats, metric="eopp")
    assert answers[0].witness.shape == (300, 2)


def test_check_keeps_the_infeasible_answer():
    with pytest.raises(fairmem.InfeasibleError) as caught:
        fairmem.feasible(EXAMPLE, metric="sp", check=True)
    assert caught.value.exit_code == 1 and caught.value.result[0].feasible is False
    assert caught.value.result[0].certificate["verified"] is True


def test_concurrent_requests_equal_sequential_ones():
    requests = [({"metric": m, "tolerance": t}, s) for m in ("sp", "eopp", "eodds") for t in (0, 0.01, 0.05) for s in (EXAMPLE, COUNTS)]
    sequential = [fairmem.request("bounds", args, stats) for args, stats in requests]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            concurrent = list(pool.map(lambda r: fairmem.request("bounds", *r), requests))
            assert concurrent == sequential


def test_header_compiles_links_and_runs(tmp_path):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler")
    program = tmp_path / "probe.c"
    program.write_text(
        """
        #include <stdio.h>
        #include <string.h>
        #include "fairmem.h"
        int main(void) {
          if (fairmem_abi_version() != FAIRMEM_ABI_VERSION) return 10;
          char *ok = fairmem_request("{\\"command\\": \\"feasible\\", \\"arguments\\": {\\"metric\\": \\"eopp\\"},"
            " \\"input\\": {\\"groups\\": [\\"a\\", \\"b\\"], \\"classes\\": [\\"0\\", \\"1\\"],"
            " \\"counts\\": [[[5, 1], [2, 4]], [[6, 2], [1, 7]]]}}");
          char *bad = fairmem_request(NULL);
          int status = (ok && strstr(ok, "\\"ok\\":true") && bad && strstr(bad, "\\"field\\":\\"request\\"")) ? 0 : 11;
          printf("%s\\n", fairmem_version());
          fairmem_free(ok);
          fairmem_free(bad);
          fairmem_free(NULL);
          return status;
        }
        """
    )
    library = Path(fairmem.library_path())
    executable = tmp_path / "probe"
    subprocess.run(
        [compiler, "-std=c11", "-Wall", "-Werror", f"-I{REPO / 'include'}", str(program), str(library),
         f"-Wl,-rpath,{library.parent}", "-o", str(executable)],
        check=True,
    )
    run = subprocess.run([str(executable)], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("fairmem ")
