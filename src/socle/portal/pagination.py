"""Which page links a DSFR pagination shows: a few around the current page, the ends, gaps.

Listing every page would put hundreds of links in front of keyboard and screen-reader users.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    links: tuple[int | None, ...]  # page numbers; None is a gap shown as « … »

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def paginate(page: int, pages: int, around: int = 2) -> Pagination:
    """Page links for ``page`` among ``pages``: first, last, and ``around`` on each side."""
    pages = max(pages, 1)
    page = min(max(page, 1), pages)
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(number - 1 if number - (links[-1] or 0) == 2 else None)
        links.append(number)
    return Pagination(page, pages, tuple(links))
