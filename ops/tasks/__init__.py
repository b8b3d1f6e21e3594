"""Invoke tasks, one collection per concern; ``tasks.py`` at the root exposes `namespace`."""

from __future__ import annotations

from invoke.collection import Collection

from ops.tasks import backup, db, docs, imports, jobs, module, monitor, stack, test, users

namespace = Collection(stack.up, stack.down, stack.status, stack.logs, test.run_tests)
namespace.add_collection(Collection.from_module(backup))
namespace.add_collection(Collection.from_module(db))
namespace.add_collection(Collection.from_module(docs))
namespace.add_collection(Collection.from_module(imports, name="import"))
namespace.add_collection(Collection.from_module(jobs))
namespace.add_collection(Collection.from_module(module))
namespace.add_collection(Collection.from_module(monitor))
namespace.add_collection(Collection.from_module(users))
namespace.configure({"run": {"echo": False}})
