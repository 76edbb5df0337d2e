from __future__ import annotations

import csv
import io

from socle.core.csvexport import spreadsheet_csv


def test_cells_never_run_as_formulas_and_excel_reads_the_bom() -> None:
    rows = [["=1+1", "+33 1", "-2", "@SUM", "\tx", None, 3, "ok"]]
    data = b"".join(spreadsheet_csv(["a", "b"], rows))
    assert data.startswith(b"\xef\xbb\xbfa;b\r\n")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[1] == ["'=1+1", "'+33 1", "'-2", "'@SUM", "'\tx", "", "3", "ok"]


def test_rows_come_in_chunks_of_the_batch() -> None:
    chunks = list(spreadsheet_csv(["n"], ([n] for n in range(5)), batch=2))
    assert chunks[1:] == [b"0\r\n1\r\n", b"2\r\n3\r\n", b"4\r\n"]
    assert list(spreadsheet_csv(["n"], [], batch=2)) == ["\ufeffn\r\n".encode()]
