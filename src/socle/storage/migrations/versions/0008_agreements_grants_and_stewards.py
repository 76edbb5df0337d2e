"""agreements, grants, dataset stewards and personal data

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=36), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_agreements_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organizations.id"],
            name=op.f("fk_agreements_partner_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("slug", name=op.f("uq_agreements_slug")),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreements_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreements_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "agreement_datasets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("rows", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_datasets_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_agreement_datasets_dataset_id_datasets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_datasets")),
        sa.UniqueConstraint("agreement_id", "dataset_id", name="uq_agreement_datasets_pair"),
    )
    with op.batch_alter_table("agreement_datasets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_datasets_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_datasets_dataset_id"), ["dataset_id"], unique=False
        )

    op.create_table(
        "grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.Column("rows", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name=op.f("fk_grants_dataset_id_datasets")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_grants_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grants_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_grants_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_grants_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("personal_data", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("steward_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_datasets_steward_id_users"), "users", ["steward_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("datasets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_datasets_steward_id_users"), type_="foreignkey")
        batch_op.drop_column("steward_id")
        batch_op.drop_column("personal_data")

    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_grants_organization_id"))
        batch_op.drop_index(batch_op.f("ix_grants_dataset_id"))

    op.drop_table("grants")
    with op.batch_alter_table("agreement_datasets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_datasets_dataset_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_datasets_agreement_id"))

    op.drop_table("agreement_datasets")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_partner_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_organization_id"))

    op.drop_table("agreements")
