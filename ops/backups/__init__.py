"""Backups and recovery: logical dumps (pg_dump), physical backups and WAL (pgBackRest).

Every backup is verified after it is taken (restored into a scratch database or
cluster, every table's rows and checksum compared with the source, pg_amcheck run) and
described by a JSON manifest next to it; only a verified backup counts as good.
"""
