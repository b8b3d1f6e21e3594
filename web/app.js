// The front door's sample page: signs in with cookie sessions, lists articles, uploads
// an avatar, publishes, and shows realtime events as they arrive. No framework, no
// build step: the browser talks to /rest/ (PostgREST), /storage/ and /realtime on this
// origin. The access and refresh tokens are HttpOnly cookies this script never sees;
// every state-changing request carries X-CSRF-Token, read from the __Host-csrf cookie.

const REST = "/rest";
const PUBLISHING = "publishing";
const $ = (selector) => document.querySelector(selector);

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

function cookie(name) {
  for (const part of document.cookie.split("; ")) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return null;
}

// One place builds every request: profiles, JSON bodies, the anti-CSRF header.
async function call(method, path, { body, profile, headers = {} } = {}) {
  const h = { ...headers };
  if (profile) {
    h["Accept-Profile"] = profile;
    if (method !== "GET") h["Content-Profile"] = profile;
  }
  if (!["GET", "HEAD", "OPTIONS"].includes(method)) {
    const csrf = cookie("__Host-csrf");
    if (csrf) h["X-CSRF-Token"] = csrf;
  }
  if (body !== undefined && !(body instanceof Blob)) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers: h, body, credentials: "same-origin" });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function say(message) {
  $("#status").textContent = message;
}

// --- who is signed in -------------------------------------------------------------------

let me = null;

async function whoAmI() {
  try {
    me = await call("GET", `${REST}/rpc/me`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    me = null;
  }
  render();
}

function render() {
  const signedIn = me && me.id;
  $("#who").textContent = signedIn ? `Signed in as ${me.email}` : "Not signed in.";
  $("#who").dataset.user = signedIn ? me.id : "";
  $("#profile").hidden = !signedIn;
  $("#write").hidden = !signedIn;
  $("#logout").hidden = !signedIn;
  for (const part of $("#login-form").querySelectorAll("label, button[type=submit]")) {
    part.hidden = Boolean(signedIn);
  }
}

async function login(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await call("POST", `${REST}/rpc/login`, {
      body: { email: form.get("email"), password: form.get("password") },
      headers: { "X-Session": "cookie" },
    });
    say("");
    await whoAmI();
    await loadAvatar();
    connect();
  } catch (error) {
    say(`Sign-in failed: ${error.message}`);
  }
}

async function logout() {
  await call("POST", `${REST}/rpc/logout`);
  me = null;
  render();
  connect();
}

// --- articles ----------------------------------------------------------------------------

async function loadArticles() {
  const rows = await call(
    "GET",
    `${REST}/article_cards?select=id,slug,title,published_at,author&order=published_at.desc.nullslast,id.desc&limit=20`,
    { profile: PUBLISHING },
  );
  const list = $("#articles");
  list.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement("li");
      item.textContent = row.title;
      item.dataset.slug = row.slug;
      return item;
    }),
  );
}

async function publish(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const [article] = await call("POST", `${REST}/articles`, {
      profile: PUBLISHING,
      headers: { Prefer: "return=representation" },
      body: { title: form.get("title"), content: form.get("content") },
    });
    await call("POST", `${REST}/rpc/publish_article`, {
      profile: PUBLISHING,
      body: { article_id: article.id },
    });
    event.target.reset();
    say(`Published “${article.title}”.`);
  } catch (error) {
    say(`Publishing failed: ${error.message}`);
  }
}

// --- avatar (storage) --------------------------------------------------------------------

const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

async function uploadAvatar(event) {
  event.preventDefault();
  const file = new FormData(event.target).get("file");
  const extension = EXTENSIONS[file.type] || "png";
  try {
    const object = await call(
      "POST",
      `/storage/object/avatars/${me.id}/avatar-${Date.now()}.${extension}`,
      { body: file },
    );
    await call("PATCH", `${REST}/profiles?user_id=eq.${me.id}`, {
      profile: PUBLISHING,
      body: { avatar_url: object.url },
    });
    showAvatar(object.url);
    say("Avatar uploaded.");
  } catch (error) {
    say(`Upload failed: ${error.message}`);
  }
}

async function loadAvatar() {
  if (!me || !me.id) return;
  const [profile] = await call("GET", `${REST}/profiles?select=avatar_url&user_id=eq.${me.id}`, {
    profile: PUBLISHING,
  });
  if (profile && profile.avatar_url) showAvatar(profile.avatar_url);
}

function showAvatar(url) {
  const img = $("#avatar");
  img.src = new URL(url, location.href).pathname;
  img.hidden = false;
}

// --- realtime ----------------------------------------------------------------------------

let socket = null;

// The upgrade carries the session cookie (a browser cannot set headers on a WebSocket);
// the gateway asks SQL who that is, and checks the page's Origin.
function connect() {
  if (socket) socket.close();
  const ws = new WebSocket(`wss://${location.host}/realtime`);
  socket = ws;
  ws.addEventListener("open", () => {
    ws.send(JSON.stringify({ op: "subscribe", topic: "publishing:articles" }));
  });
  ws.addEventListener("message", (message) => {
    const frame = JSON.parse(message.data);
    if (frame.op === "subscribed") {
      $("#realtime-state").textContent = "live";
    } else if (frame.op === "event" && frame.type === "article.published") {
      const item = document.createElement("li");
      item.textContent = frame.data.record.title;
      item.dataset.eventId = frame.id;
      $("#live").prepend(item);
      loadArticles().catch((error) => say(error.message));
    } else if (frame.op === "error") {
      say(`Realtime: ${frame.message}`);
    }
  });
  ws.addEventListener("close", () => {
    if (socket === ws) $("#realtime-state").textContent = "disconnected";
  });
}

// --- start -------------------------------------------------------------------------------

$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", () => logout().catch((error) => say(error.message)));
$("#publish-form").addEventListener("submit", publish);
$("#avatar-form").addEventListener("submit", uploadAvatar);

await whoAmI();
await Promise.all([loadArticles(), loadAvatar()]);
connect();
