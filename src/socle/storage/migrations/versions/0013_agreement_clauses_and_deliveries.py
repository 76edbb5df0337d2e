"""agreement clauses, partners' obligations and their deliveries

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hosting", sa.Text(), nullable=True))

    op.create_table(
        "agreement_obligations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("schema_id", sa.String(length=36), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_obligations_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_agreement_obligations_dataset_id_datasets"),
        ),
        sa.ForeignKeyConstraint(
            ["schema_id"],
            ["schemas.id"],
            name=op.f("fk_agreement_obligations_schema_id_schemas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_obligations")),
    )
    with op.batch_alter_table("agreement_obligations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_obligations_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_obligations_dataset_id"), ["dataset_id"], unique=False
        )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("obligation_id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.String(length=36), nullable=False),
        sa.Column("delivered_by", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["agreement_obligations.id"],
            name=op.f("fk_deliveries_obligation_id_agreement_obligations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_deliveries_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_deliveries_version_id_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliveries_obligation_id"), ["obligation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_obligation_id"))
    op.drop_table("deliveries")
    with op.batch_alter_table("agreement_obligations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_obligations_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_obligations_agreement_id"))
    op.drop_table("agreement_obligations")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("hosting")
        batch_op.drop_column("legal_basis")
        batch_op.drop_column("purpose")
