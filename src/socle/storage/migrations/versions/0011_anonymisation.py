"""anonymisation runs (lineage of anonymised datasets)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anonymisation_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("source_dataset_id", sa.String(length=36), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("output_dataset_id", sa.String(length=36), nullable=False),
        sa.Column("output_version_id", sa.String(length=36), nullable=False),
        sa.Column("recipe", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("publishable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_dataset_id"],
            ["datasets.id"],
            name=op.f("fk_anonymisation_runs_source_dataset_id_datasets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["output_dataset_id"],
            ["datasets.id"],
            name=op.f("fk_anonymisation_runs_output_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["output_version_id"],
            ["versions.id"],
            name=op.f("fk_anonymisation_runs_output_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymisation_runs")),
        sa.UniqueConstraint(
            "output_version_id", name=op.f("uq_anonymisation_runs_output_version_id")
        ),
    )
    op.create_index(
        op.f("ix_anonymisation_runs_source_dataset_id"),
        "anonymisation_runs",
        ["source_dataset_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_anonymisation_runs_output_dataset_id"),
        "anonymisation_runs",
        ["output_dataset_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_anonymisation_runs_output_dataset_id"), table_name="anonymisation_runs")
    op.drop_index(op.f("ix_anonymisation_runs_source_dataset_id"), table_name="anonymisation_runs")
    op.drop_table("anonymisation_runs")
