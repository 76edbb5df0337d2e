"""The demo territory: a fictional agglomeration of real communes of the Ain, the files its
services deliver (in the formats they really arrive in, flaws included) and their catalog
metadata."""

from socle.demo.manifest import DemoDataset, demo_datasets, write_demo_files
from socle.demo.territory import DemoOrganization, demo_organization

__all__ = [
    "DemoDataset",
    "DemoOrganization",
    "demo_datasets",
    "demo_organization",
    "write_demo_files",
]
