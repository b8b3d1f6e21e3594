"""``db/net-schema.sql``: a fresh deploy of the plan gives exactly the committed net_schema.

A change of the plan that alters the schema must come with the regenerated snapshot
(``inv db.snapshot``), so a reviewer reads the schema's diff beside the migration.
"""

from __future__ import annotations

import psycopg
import pytest

from ops import net_schema, sqitch


def test_a_fresh_deploy_of_the_plan_gives_the_committed_net_schema(empty_db: str) -> None:
    sqitch.deploy(empty_db, echo=False)
    deployed = net_schema.dump(empty_db)
    committed = net_schema.SNAPSHOT_FILE.read_text() if net_schema.SNAPSHOT_FILE.exists() else ""
    if deployed != committed:
        pytest.fail(
            f"db/net-schema.sql is not what the plan deploys: {net_schema.REGENERATE_HINT}\n"
            + net_schema.diff(committed, deployed),
            pytrace=False,
        )
    assert "CREATE TABLE publishing_private.article_views (" in deployed, "the parent is in"
    assert "PARTITION OF publishing_private.article_views" not in deployed, (
        "the monthly partitions depend on the deploy date: left out"
    )
    assert "sqitch.changes" not in deployed, "the Sqitch registry is left out"

    # A schema change shows in the diff, as a reviewer would read it.
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("comment on table publishing.tags is 'Changed by hand.'")
    changed = net_schema.diff(committed, net_schema.dump(empty_db))
    assert "+COMMENT ON TABLE publishing.tags IS 'Changed by hand.';" in changed
    lines = [line for line in changed.splitlines()[2:] if line[:1] in "+-"]
    assert len(lines) == 2, f"one line out, one in: {lines}"


def test_normalising_drops_what_differs_between_two_dumps_of_one_schema() -> None:
    raw = "\n".join(
        [
            "--",
            "-- PostgreSQL database dump",
            "--",
            "",
            "\\restrict AbC123",
            "-- Dumped from database version 15.20",
            "-- Dumped by pg_dump version 15.20",
            "",
            "SET statement_timeout = 0;",
            "SELECT pg_catalog.set_config('search_path', '', false);",
            "",
            "--",
            "-- Name: api; Type: SCHEMA; Schema: -; Owner: -",
            "--",
            "",
            "CREATE SCHEMA api;   ",
            "",
            "",
            "",
            "--",
            "-- PostgreSQL database dump complete",
            "--",
            "",
            "\\unrestrict AbC123",
            "",
        ]
    )
    assert net_schema.normalise(raw) == net_schema.HEADER + (
        "\n--\n-- Name: api; Type: SCHEMA; Schema: -; Owner: -\n--\n\nCREATE SCHEMA api;\n"
    )


def test_a_policy_lists_its_roles_in_one_order_whatever_their_oids() -> None:
    """pg_dump prints a policy's roles in their OIDs' order, which a revert that
    recreates the roles changes: the snapshot sorts them."""
    policy = 'CREATE POLICY "p" ON events.topics FOR SELECT TO {} USING (true);'
    one = policy.format("platform_jobs, anon, authenticated")
    other = policy.format("anon, authenticated, platform_jobs")
    assert net_schema.normalise(one) == net_schema.normalise(other)
    assert "TO anon, authenticated, platform_jobs USING" in net_schema.normalise(one)
    lone = 'CREATE POLICY "q" ON a.b FOR INSERT TO authenticated WITH CHECK (true);'
    assert lone in net_schema.normalise(lone)
