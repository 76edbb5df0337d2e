"""retention: datasets' retention rule, purged versions and their tombstones

Revision ID: 0010
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention", sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "version_purges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_expired", sa.BigInteger(), nullable=False),
        sa.Column("bytes_freed", sa.BigInteger(), nullable=False),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_version_purges_dataset_id_datasets")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_version_purges_version_id_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_purges")),
        sa.UniqueConstraint("version_id", name=op.f("uq_version_purges_version_id")),
    )
    with op.batch_alter_table("version_purges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_version_purges_dataset_id"), ["dataset_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("version_purges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_version_purges_dataset_id"))
    op.drop_table("version_purges")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_column("retention")
