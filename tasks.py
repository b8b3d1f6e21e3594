"""Invoke looks for tasks.py at the root; the tasks live in ops/tasks/ (`inv --list`)."""

from ops.tasks import namespace as namespace
