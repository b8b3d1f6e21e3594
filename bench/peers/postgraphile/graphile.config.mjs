// PostGraphile 5 over the platform's `publishing` schema: the peer bench.peers
// measures our PostgREST against (docs/benchmarks.md, "The PostGraphile peer").
//
// Set up as for production: the amber preset, no GraphiQL, no explain, no watch
// mode, responses stringified by grafast (outputDataAsString), and row-level
// security applied exactly as PostgREST applies it: the pool logs in as our
// `authenticator` and every request's transaction switches to `anon` or to the
// token's role, with the verified claims in `request.jwt.claims`.
//
// Environment: DATABASE_URL (authenticator's URL), JWT_SECRET (HS256, the
// platform's), PORT, and optionally PGPOOL_MAX (default 10, PostgREST's pool).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { addPgTableOrderBy, jsonPgSmartTags, orderByAscDesc } from "postgraphile/utils";
import { defaultMaskError } from "postgraphile/grafserv";
import { GraphQLError } from "postgraphile/graphql";
import jwt from "jsonwebtoken";

import { withSessionCheck } from "./session_check.mjs";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`graphile.config.mjs: ${name} is not set`);
  return value;
};

const jwtSecret = env("JWT_SECRET");

// What PostgREST checks before a request runs: signature (HS256 with our
// secret), `exp` and `nbf` (jsonwebtoken's defaults); a bad token is a 401.
function verifiedClaims(authorization) {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthorized("the Authorization header is not a Bearer token");
  try {
    return jwt.verify(match[1], jwtSecret, { algorithms: ["HS256"] });
  } catch (e) {
    throw unauthorized(e.message);
  }
}

function unauthorized(message) {
  return Object.assign(new Error(`invalid token: ${message}`), { statusCode: 401 });
}

// Where the platform's schema needs telling, in PostGraphile's own terms (smart
// tags), not in our SQL:
//  * articles.search is the 1.7 KB tsvector behind full-text search: never a
//    field (as PostgREST's callers never ask for it);
//  * PgIndexBehaviorsPlugin offers filters and orders only on columns some
//    non-partial index holds. articles.status and articles.updated_at (drafts:
//    an author's, newest updated first) are in the partial index
//    articles_status_idx, comments.created_at (a thread, oldest first) in the
//    partial comments_article_thread_idx: the queries use those indexes, so
//    allow them. articles.deleted_at too: an author's desk leaves deleted
//    articles out (deletedAt: null is IS NULL), which is what lets the drafts
//    query use the partial index articles_author_desk_idx (... where
//    deleted_at is null), as ours does.
const SmartTagsPlugin = jsonPgSmartTags({
  version: 1,
  config: {
    attribute: {
      "publishing.articles.search": { tags: { behavior: ["-select", "-filterBy", "-orderBy"] } },
      "publishing.articles.status": { tags: { behavior: ["+filterBy"] } },
      "publishing.articles.updated_at": { tags: { behavior: ["+orderBy"] } },
      "publishing.articles.deleted_at": { tags: { behavior: ["+filterBy"] } },
      "publishing.comments.created_at": { tags: { behavior: ["+orderBy"] } },
    },
  },
});

// The newest first, as the list's index articles_by_published_idx is built
// (published_at desc nulls last, id desc): PUBLISHED_AT_DESC means NULLS FIRST,
// PostgreSQL's default, which that index cannot serve (measured: a sequential
// scan and a sort of every visible row); the schema-wide pgOrderByNullsLast
// would turn ROW_ID_DESC into `id desc nulls last`, which the index does not
// match either (an incremental sort). So one more order, nulls last:
// orderBy: [PUBLISHED_AT_NULLS_LAST_DESC, ROW_ID_DESC].
const PublishedOrderPlugin = addPgTableOrderBy(
  { schemaName: "publishing", tableName: "articles" },
  () => orderByAscDesc("PUBLISHED_AT_NULLS_LAST", "published_at", { nulls: "last" }),
);

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [SmartTagsPlugin, PublishedOrderPlugin],
  pgServices: [
    withSessionCheck(
      makePgService({
        connectionString: env("DATABASE_URL"),
        schemas: ["publishing"],
        poolConfig: { max: Number(process.env.PGPOOL_MAX ?? 10) },
        // LISTEN/NOTIFY for subscriptions and watch mode: neither is used
        pubsub: false,
      }),
    ),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
    outputDataAsString: true,
    maskError,
  },
  grafast: {
    explain: false,
    context(requestContext) {
      const authorization = requestContext.http?.getHeader("authorization");
      const headers = originHeaders(requestContext);
      if (!authorization) {
        return { pgSettings: { role: "anon", ...headers } };
      }
      const claims = verifiedClaims(authorization);
      return {
        pgSettings: {
          role: claims.role ?? "anon",
          "request.jwt.claims": JSON.stringify(claims),
          ...headers,
        },
      };
    },
  },
};

// The two request headers our SQL reads (publishing.comments' origin capture:
// user-agent and x-forwarded-for, into the moderation row), in PostgREST's
// `request.headers` setting, so that a comment posted here records the same.
function originHeaders(requestContext) {
  const http = requestContext.http;
  const picked = {};
  for (const name of ["user-agent", "x-forwarded-for"]) {
    const value = http?.getHeader(name);
    if (value) picked[name] = value;
  }
  return Object.keys(picked).length ? { "request.headers": JSON.stringify(picked) } : {};
}

// Our SQL's API errors (platform.raise_error: SQLSTATE PGRST, a {code, message,
// details, hint} body and the HTTP status in the detail) are written for
// clients, and PostgREST shows them as they are: show them too (e.g. a revoked
// session's auth.session_revoked). Anything else stays masked, as grafserv does.
function maskError(error) {
  const original = error.originalError;
  if (original?.code !== "PGRST") return defaultMaskError(error);
  let body;
  let status;
  try {
    body = JSON.parse(original.message);
    status = JSON.parse(original.detail).status;
  } catch {
    return defaultMaskError(error);
  }
  return new GraphQLError(body.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: original,
    extensions: { code: body.code, status, details: body.details, hint: body.hint },
  });
}

export default preset;
