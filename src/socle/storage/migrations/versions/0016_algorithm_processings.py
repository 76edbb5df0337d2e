"""algorithm register entries cite processing activities of the RGPD register

Revision ID: 0016
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "algorithm_processings",
        sa.Column("algorithm_id", sa.String(length=36), nullable=False),
        sa.Column("processing_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_algorithm_processings_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["processing_id"],
            ["processing_activities.id"],
            name=op.f("fk_algorithm_processings_processing_id_processing_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "algorithm_id", "processing_id", name=op.f("pk_algorithm_processings")
        ),
    )
    op.create_index(
        op.f("ix_algorithm_processings_processing_id"),
        "algorithm_processings",
        ["processing_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_algorithm_processings_processing_id"), table_name="algorithm_processings"
    )
    op.drop_table("algorithm_processings")
