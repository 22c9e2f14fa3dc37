"""Backup and restore of the whole database: `imvo backup FILE` makes a consistent copy
of a live database, `imvo restore FILE` puts it into an empty one, and both compare a
row count and a checksum per table (see `rows.py` for the checksum's definition)."""

from .archive import BackupError, archive_tables, create_backup, read_manifest
from .restore import restore

__all__ = ["BackupError", "archive_tables", "create_backup", "read_manifest", "restore"]
