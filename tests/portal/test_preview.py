"""Header links write field names the query language can read back."""

from __future__ import annotations

from socle.portal.preview import columns, field_reference


def test_field_references() -> None:
    assert field_reference("commune") == "commune"
    assert field_reference("date heure") == "`date heure`"
    assert field_reference("2024") == "`2024`"
    assert field_reference("desc") == "`desc`"  # a keyword
    assert field_reference("a`b") is None  # cannot be written: not sortable


def test_sort_cycle() -> None:
    fields = [{"name": "commune", "type": "string"}, {"name": "nb vélos", "type": "integer"}]
    unsorted = columns(fields, None)
    assert [(c.sort, c.next_order_by) for c in unsorted] == [
        (None, "commune"),
        (None, "`nb vélos`"),
    ]
    ascending = columns(fields, "`nb vélos`")
    assert (ascending[1].sort, ascending[1].next_order_by) == ("ascending", "`nb vélos` desc")
    descending = columns(fields, "commune desc")
    assert (descending[0].sort, descending[0].next_order_by) == ("descending", "commune")
