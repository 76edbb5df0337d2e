"""algorithm transparency register: entries, their datasets and revisions

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "algorithms",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("decision_role", sa.Text(), nullable=False),
        sa.Column("automation", sa.String(length=20), nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("decisions_per_year", sa.Integer(), nullable=True),
        sa.Column("decision_scope", sa.String(length=20), nullable=True),
        sa.Column("public_concerned", sa.Text(), nullable=False),
        sa.Column("data_processed", sa.Text(), nullable=False),
        sa.Column("data_sources", sa.Text(), nullable=False),
        sa.Column("collection_mode", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=True),
        sa.Column("operations", sa.Text(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("source_code_url", sa.String(length=500), nullable=True),
        sa.Column("documentation_url", sa.String(length=500), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_algorithms_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_algorithms")),
        sa.UniqueConstraint("slug", name=op.f("uq_algorithms_slug")),
    )
    op.create_index(
        op.f("ix_algorithms_organization_id"), "algorithms", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_algorithms_status"), "algorithms", ["status"], unique=False)
    op.create_table(
        "algorithm_datasets",
        sa.Column("algorithm_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_algorithm_datasets_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_algorithm_datasets_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("algorithm_id", "dataset_id", name=op.f("pk_algorithm_datasets")),
    )
    op.create_table(
        "algorithm_revisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("algorithm_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["algorithm_id"],
            ["algorithms.id"],
            name=op.f("fk_algorithm_revisions_algorithm_id_algorithms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_algorithm_revisions")),
        sa.UniqueConstraint("algorithm_id", "number", name="uq_algorithm_revisions_number"),
    )
    op.create_index(
        op.f("ix_algorithm_revisions_algorithm_id"),
        "algorithm_revisions",
        ["algorithm_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("algorithm_revisions")
    op.drop_table("algorithm_datasets")
    op.drop_table("algorithms")
