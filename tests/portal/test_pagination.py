"""Page links stay few whatever the number of pages."""

from __future__ import annotations

from socle.portal.pagination import paginate


def test_few_pages_are_all_listed() -> None:
    assert paginate(1, 1).links == (1,)
    assert paginate(2, 4).links == (1, 2, 3, 4)


def test_many_pages_show_ends_neighbours_and_gaps() -> None:
    assert paginate(1, 100).links == (1, 2, 3, None, 100)
    assert paginate(50, 100).links == (1, None, 48, 49, 50, 51, 52, None, 100)
    assert paginate(100, 100).links == (1, None, 98, 99, 100)


def test_a_gap_of_one_page_shows_that_page() -> None:
    assert paginate(5, 10).links == (1, 2, 3, 4, 5, 6, 7, None, 10)


def test_previous_and_next() -> None:
    assert paginate(1, 3).previous is None
    assert paginate(1, 3).next == 2
    assert paginate(3, 3).next is None
    assert paginate(7, 0).page == 1  # an empty result still has one page
