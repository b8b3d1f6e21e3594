// Our PostgREST runs `auth.check_request()` (its db-pre-request hook) at the
// start of every request's transaction, after the role switch: a token without
// `exp`/`sid`, or whose session was revoked (logout, password change, refresh
// token reuse), is refused with a 401 even though its signature is valid. What
// a request may see depends on it (a revoked author must not read their drafts),
// so this peer runs the same check, in the same transaction as its first query.
//
// PostGraphile has no pre-request hook; this wraps the pg service's
// `withPgClient`. For a request with a token (`request.jwt.claims` set) the first
// `withPgClient` call checks inside its transaction, after the settings; any
// further call of the same request (same pgSettings object) waits for that
// check instead of repeating it: once per request, as PostgREST does.
// Anonymous requests skip it: for them the function returns at once and
// decides nothing (PostgREST still pays its round trip; that cost is its own).
// A named statement: prepared once per connection, as PostgREST prepares its call.
const CHECK = { text: "select auth.check_request()", name: "auth_check_request" };

export function withSessionCheck(service) {
  const { adaptor } = service;
  return {
    ...service,
    adaptor: {
      ...adaptor,
      async createWithPgClient(settings, variant) {
        const inner = await adaptor.createWithPgClient(settings, variant);
        if (variant === "SUPERUSER") return inner;
        const checks = new WeakMap(); // a request's pgSettings -> its check
        const withPgClient = (pgSettings, callback) => {
          if (!pgSettings?.["request.jwt.claims"]) return inner(pgSettings, callback);
          const done = checks.get(pgSettings);
          if (done) return done.then(() => inner(pgSettings, callback));
          const { promise, resolve, reject } = Promise.withResolvers();
          promise.catch(() => {}); // the first call reports the failure
          checks.set(pgSettings, promise);
          return inner(pgSettings, async (client) => {
            await client.query(CHECK);
            resolve();
            return callback(client);
          }).catch((e) => {
            reject(e);
            throw e;
          });
        };
        withPgClient.release = inner.release;
        return withPgClient;
      },
    },
  };
}
