"""Data quality: Table Schema validation with French custom checks, reports, and schemas."""
