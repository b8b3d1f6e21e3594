"""The legacy Django blog app (app label ``blog``), kept as a test fixture: see models.py."""
