"""The demo territory: a fictional agglomeration of real communes and its datasets."""

from socle.demo.catalog import DemoDataset, demo_datasets, write_demo_files
from socle.demo.territory import DemoOrganization, demo_organization

__all__ = [
    "DemoDataset",
    "DemoOrganization",
    "demo_datasets",
    "demo_organization",
    "write_demo_files",
]
