// Start the PostGraphile peer: `node server.mjs` (NODE_ENV=production), with
// DATABASE_URL, JWT_SECRET and PORT set (graphile.config.mjs reads them).
//
// PostGraphile 5 wants Node 22; this machine has Node 20, which lacks only
// Promise.withResolvers (ES2024) among what PostGraphile uses: polyfill it before
// anything of PostGraphile loads (hence the dynamic imports below).
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { createServer } = await import("node:http");
const { readFile } = await import("node:fs/promises");
const { postgraphile } = await import("postgraphile");
const { grafserv } = await import("postgraphile/grafserv/node");
const { default: preset } = await import("./graphile.config.mjs");

const pgl = postgraphile(preset);
// Build the schema once, before listening: the first request finds it ready.
await pgl.getSchemaResult();
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);

const { host, port } = preset.grafserv;
const { version } = JSON.parse(
  await readFile(new URL("node_modules/postgraphile/package.json", import.meta.url)),
);
server.listen(port, host, () => {
  console.log(`PostGraphile ${version} on Node ${process.version}: http://${host}:${port}/graphql`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}
