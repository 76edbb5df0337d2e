"""daily usage counters per dataset: page views, downloads, API calls

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=30), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_usage_counts_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset_id", "day", "kind", "detail", name=op.f("pk_usage_counts")
        ),
    )
    with op.batch_alter_table("usage_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_counts_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_counts_day"))
    op.drop_table("usage_counts")
