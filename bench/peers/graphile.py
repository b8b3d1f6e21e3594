"""The PostGraphile 5 peer: the reads as GraphQL POSTs, what a frontend sends.

The server is ``bench/peers/postgraphile/server.mjs`` with ``graphile.config.mjs`` (amber
preset over the ``publishing`` schema, row-level security as for PostgREST's callers),
run by Node from ``.tools/peers/postgraphile`` where ``make bench-peers`` installed
PostGraphile from the lock file. See docs/benchmarks.md, "The PostGraphile peer".
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from typing import Any

from bench.peers import READS, ROOT, TOOLS, WRITE, Context, Fixtures, Request, Server, wait_http

log = logging.getLogger(__name__)

NAME = "postgraphile"
SOURCE = ROOT / "bench" / "peers" / "postgraphile"
INSTALLED = TOOLS / "postgraphile"
PATH = "/graphql"

# The articles' own fields on the article page: every column but the search vector
# (PostgREST's select=*; `search` is not a GraphQL field, see graphile.config.mjs).
ARTICLE_FIELDS = """rowId title slug excerpt content coverImageUrl readingMinutes status
    featured publishAt publishedAt authorId categoryId viewCount likeCount commentCount
    version deletedAt createdAt updatedAt"""
EMBEDS = """author: profileByAuthorId { username displayName }
    category: categoryByCategoryId { name slug }
    tags: articleTagsByArticleId { nodes { tag: tagByTagId { name slug } } }"""

QUERIES: dict[str, str] = {
    "list": f"""query ArticleList {{
  allArticles(first: 20, orderBy: [PUBLISHED_AT_NULLS_LAST_DESC, ROW_ID_DESC]) {{
    nodes {{
      rowId slug title excerpt publishedAt readingMinutes
      {EMBEDS}
    }}
  }}
}}""",
    "article": f"""query ArticlePage($slug: String!) {{
  articleBySlug(slug: $slug) {{
    {ARTICLE_FIELDS}
    {EMBEDS}
    comments: commentsByArticleId(
      condition: {{status: "approved"}}, orderBy: [CREATED_AT_ASC, ROW_ID_ASC]
    ) {{
      nodes {{ rowId parentId depth body createdAt }}
    }}
  }}
}}""",
    "search": """query Search($q: String!) {
  searchArticles(q: $q) {
    nodes {
      id slug title excerpt publishedAt readingMinutes author category tags
      rank titleHighlight snippet match suggestedQ
    }
  }
}""",
    "drafts": """query MyDrafts($authorId: UUID!) {
  allArticles(
    first: 20
    condition: {authorId: $authorId, status: "draft", deletedAt: null}
    orderBy: [UPDATED_AT_DESC, ROW_ID_DESC]
  ) {
    nodes { rowId slug title excerpt status createdAt updatedAt }
  }
}""",
    WRITE: """mutation PostComment($articleId: BigInt!, $body: String!) {
  createComment(input: {comment: {articleId: $articleId, body: $body}}) {
    comment { rowId articleId parentId depth body status createdAt }
  }
}""",
}
COMMENT_BODY = "Thanks, this was useful: a comment posted by bench.peers."


def start(ctx: Context) -> Server:
    """``node server.mjs`` on 127.0.0.1:ctx.port; returns once the schema is built."""
    if not (INSTALLED / "node_modules" / "postgraphile").is_dir():
        raise SystemExit(f"PostGraphile is not installed in {INSTALLED}: run `make bench-peers`")
    for script in SOURCE.glob("*.mjs"):  # the config and server as checked in, every start
        shutil.copy2(script, INSTALLED / script.name)
    node = shutil.which("node") or "/usr/bin/node"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "NODE_ENV": "production",
        "DATABASE_URL": ctx.authenticator_url,
        "JWT_SECRET": ctx.jwt_secret,
        "PORT": str(ctx.port),
    }
    ctx.log_dir.mkdir(parents=True, exist_ok=True)
    logfile = ctx.log_dir / "postgraphile.log"
    log.info("starting PostGraphile on 127.0.0.1:%d (log %s)", ctx.port, logfile)
    with logfile.open("ab") as out:
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=INSTALLED,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{ctx.port}"
    wait_http(url + PATH, timeout_s=120, proc=process)
    return Server(name="PostGraphile 5", url=url, process=process)


def request(read: str, fx: Fixtures) -> Request:
    """The GraphQL POST a frontend sends for ``read`` (one of READS, or WRITE)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    variables: dict[str, Any]
    if read == "list":
        query, variables = QUERIES["list"], {}
    elif read == "article":
        query, variables = QUERIES["article"], {"slug": fx.slug}
    elif read in ("search_common", "search_rare"):
        q = fx.common if read == "search_common" else fx.rare
        query, variables = QUERIES["search"], {"q": q}
    elif read == "drafts":
        query, variables = QUERIES["drafts"], {"authorId": fx.author_id}
        headers["Authorization"] = f"Bearer {fx.author_token}"
    elif read == WRITE:
        query = QUERIES[WRITE]
        variables = {"articleId": str(fx.article_id), "body": COMMENT_BODY}
        headers["Authorization"] = f"Bearer {fx.reader_token}"
    else:
        raise ValueError(f"unknown read {read!r}; expected one of {READS} or {WRITE!r}")
    body = json.dumps({"query": query, "variables": variables}, separators=(",", ":"))
    return Request("POST", PATH, headers, body)


def ids(read: str, body: bytes) -> list[object]:
    """The ids in the answer, in order (GraphQL's BigInt comes as a string: made int)."""
    answer = json.loads(body)
    if answer.get("errors"):
        raise ValueError(f"PostGraphile answered {read} with errors: {answer['errors']}")
    data = answer["data"]
    if read in ("list", "drafts"):
        return [int(node["rowId"]) for node in data["allArticles"]["nodes"]]
    if read == "article":
        article = data["articleBySlug"]
        if article is None:
            return []
        comments = article["comments"]["nodes"]
        return [int(article["rowId"]), *(int(c["rowId"]) for c in comments)]
    if read in ("search_common", "search_rare"):
        return [int(node["id"]) for node in data["searchArticles"]["nodes"]]
    if read == WRITE:
        return []
    raise ValueError(f"unknown read {read!r}")
