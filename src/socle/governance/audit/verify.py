"""Checking the chain: every entry's seal, every link, no gap, and the head at the end.

Verification starts from the purge anchor (the seal of the last entry removed by retention)
and walks the entries in order, recomputing each seal. It names what is wrong: an edited
entry (its seal no longer matches), deleted entries (a gap in the numbers), a broken link,
a truncated tail (the head announces more than the table holds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from socle.governance.audit.chain import HEAD_ID, seal
from socle.storage.db import Database
from socle.storage.tables import AuditEntry, AuditHead

BATCH = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the log, at entry ``seq`` (None: the head)."""

    kind: str  # modified | missing | broken-link | before-anchor | truncated | head
    seq: int | None
    message: str


@dataclass
class Verification:
    checked: int = 0
    anchor_seq: int = 0
    last_seq: int = 0
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Database) -> Verification:
    """Recompute the whole chain; the report lists every problem found."""
    with db.session() as session:
        head = session.get_one(AuditHead, HEAD_ID)
        report = Verification(
            anchor_seq=head.anchor_seq, last_seq=head.last_seq, head_hash=head.last_hash
        )
        expected_seq, expected_prev = head.anchor_seq + 1, head.anchor_hash
        rows = session.scalars(
            select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=BATCH)
        )
        for entry in rows:
            report.checked += 1
            if entry.seq <= head.anchor_seq:
                report.problems.append(
                    Problem(
                        "before-anchor",
                        entry.seq,
                        f"entrée n° {entry.seq} antérieure à la dernière purge "
                        f"(n° {head.anchor_seq}) : ajoutée après coup",
                    )
                )
                continue
            if entry.seq > expected_seq:
                report.problems.append(_gap(expected_seq, entry.seq - 1))
            elif entry.prev_hash != expected_prev:
                report.problems.append(
                    Problem(
                        "broken-link",
                        entry.seq,
                        f"entrée n° {entry.seq} : son lien vers l'entrée précédente "
                        "ne correspond pas (entrée modifiée ou déplacée)",
                    )
                )
            if seal(entry) != entry.hash:
                report.problems.append(
                    Problem(
                        "modified",
                        entry.seq,
                        f"entrée n° {entry.seq} modifiée : son sceau ne correspond plus "
                        "à son contenu",
                    )
                )
            expected_seq, expected_prev = entry.seq + 1, entry.hash
        last = expected_seq - 1
        if last < head.last_seq:
            report.problems.append(
                Problem(
                    "truncated",
                    None,
                    f"fin du journal supprimée : la dernière entrée est la n° {last}, "
                    f"la tête en annonce {head.last_seq}",
                )
            )
        elif last > head.last_seq:
            report.problems.append(
                Problem(
                    "head",
                    None,
                    f"entrées ajoutées hors du journal : la tête s'arrête à la n° "
                    f"{head.last_seq}, la table va jusqu'à la n° {last}",
                )
            )
        elif expected_prev != head.last_hash:
            report.problems.append(
                Problem(
                    "head",
                    None,
                    f"la dernière entrée (n° {last}) ne correspond pas au sceau de la tête : "
                    "remplacée",
                )
            )
    return report


def _gap(first: int, last: int) -> Problem:
    what = (
        f"entrée n° {first} manquante"
        if first == last
        else (f"entrées n° {first} à {last} manquantes")
    )
    return Problem("missing", first, f"{what} : supprimée(s) du journal")
