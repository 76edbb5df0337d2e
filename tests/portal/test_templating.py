"""The templates' helpers that do not depend on the language."""

from __future__ import annotations

from socle.portal.templating import query_string


def test_query_string_changes_and_removes() -> None:
    params = {"q": "vélo", "theme": "TRAN", "page": 3}
    assert query_string(params, page=None) == "q=v%C3%A9lo&theme=TRAN"
    assert query_string(params, theme=None, page=1) == "q=v%C3%A9lo&page=1"
