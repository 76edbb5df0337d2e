"""RGPD register of processing activities (Art. 30), their DPIAs and linked datasets

Revision ID: 0009
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processing_activities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.Column("service", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=300), nullable=False),
        sa.Column("contact_email", sa.String(length=300), nullable=False),
        sa.Column("joint_controllers", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("sub_purposes", sa.JSON(), nullable=False),
        sa.Column("legal_basis", sa.String(length=30), nullable=True),
        sa.Column("legal_basis_detail", sa.Text(), nullable=False),
        sa.Column("data_subjects", sa.JSON(), nullable=False),
        sa.Column("data_categories", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("processors", sa.JSON(), nullable=False),
        sa.Column("transfers", sa.JSON(), nullable=False),
        sa.Column("security_measures", sa.JSON(), nullable=False),
        sa.Column("dpia_criteria", sa.JSON(), nullable=False),
        sa.Column("dpia_cnil_types", sa.JSON(), nullable=False),
        sa.Column("dpia_status", sa.String(length=20), nullable=False),
        sa.Column("dpia_opinion", sa.Text(), nullable=False),
        sa.Column("dpia_opinion_date", sa.Date(), nullable=True),
        sa.Column("dpia_action_plan", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_processing_activities_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_activities")),
        sa.UniqueConstraint("slug", name=op.f("uq_processing_activities_slug")),
    )
    op.create_index(
        op.f("ix_processing_activities_organization_id"),
        "processing_activities",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "processing_registers",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("controller_name", sa.String(length=300), nullable=False),
        sa.Column("controller_address", sa.Text(), nullable=False),
        sa.Column("controller_email", sa.String(length=300), nullable=False),
        sa.Column("controller_phone", sa.String(length=50), nullable=False),
        sa.Column("dpo_name", sa.String(length=300), nullable=False),
        sa.Column("dpo_address", sa.Text(), nullable=False),
        sa.Column("dpo_email", sa.String(length=300), nullable=False),
        sa.Column("dpo_phone", sa.String(length=50), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_processing_registers_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_processing_registers")),
    )
    op.create_table(
        "processing_datasets",
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["processing_activities.id"],
            name=op.f("fk_processing_datasets_activity_id_processing_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_processing_datasets_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", "dataset_id", name=op.f("pk_processing_datasets")),
    )


def downgrade() -> None:
    op.drop_table("processing_datasets")
    op.drop_table("processing_registers")
    op.drop_table("processing_activities")
