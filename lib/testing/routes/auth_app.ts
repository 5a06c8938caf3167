/**
 * The emulator's stand-ins for the Plex auth app: `/auth` (strong PINs:
 * `/auth#?clientID=..&code=..&context%5Bdevice%5D%5Bproduct%5D=..&forwardUrl=..`)
 * and `/link` (4-character codes), both approving through the emulator-only
 * `POST /__emulator/pins/approve` (JSON or form: `code`, `username`). The
 * real way, `PUT /api/v2/pins/link` as a signed-in account, is in `pins.ts`.
 *
 * @module
 */
import { HttpFailure, jsonReply, type Reply } from "../respond.ts";
import { bodyFields, type Route, route, type RouteContext } from "../route.ts";
import { escapeXml } from "../xml_text.ts";

const STYLE =
  "body{font-family:sans-serif;max-width:28rem;margin:3rem auto}input,button{font-size:1rem;margin:.3rem 0}";

const APPROVE_SCRIPT = `
async function approve(code, username) {
  const res = await fetch("/__emulator/pins/approve", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code, username }),
  });
  const status = document.getElementById("status");
  status.textContent = res.ok ? "Approved" : "Not approved: " + (await res.text());
  return res.ok;
}`;

function page(title: string, body: string, script: string): Reply {
  return {
    status: 200,
    body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>
<body>
${body}
<p id="status" role="status"></p>
<script>${APPROVE_SCRIPT}
${script}</script>
</body></html>
`,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  };
}

function authPage(ctx: RouteContext): Reply {
  const user = escapeXml(ctx.state.accounts.users.default.username);
  return page(
    "Plex (emulated): sign in",
    `<h1>Approve sign-in</h1>
<p>Product: <strong id="product"></strong></p>
<p>Code: <code id="code"></code></p>
<label>Username <input id="username" value="${user}"></label><br>
<button id="approve">Approve</button>`,
    `const params = new URLSearchParams(location.hash.replace(/^#\\??/, ""));
document.getElementById("product").textContent = params.get("context[device][product]") || "";
document.getElementById("code").textContent = params.get("code") || "";
document.getElementById("approve").addEventListener("click", async () => {
  const ok = await approve(params.get("code"), document.getElementById("username").value);
  const forward = params.get("forwardUrl");
  if (ok && forward) location.href = forward;
});`,
  );
}

function linkPage(ctx: RouteContext): Reply {
  const user = escapeXml(ctx.state.accounts.users.default.username);
  return page(
    "Plex (emulated): link a device",
    `<h1>Link a device</h1>
<label>Code <input id="code" maxlength="4" autocomplete="off"></label><br>
<label>Username <input id="username" value="${user}"></label><br>
<button id="approve">Approve</button>`,
    `const code = document.getElementById("code");
code.value = new URLSearchParams(location.search).get("pin") || "";
document.getElementById("approve").addEventListener("click", () =>
  approve(code.value.trim(), document.getElementById("username").value));`,
  );
}

function approveEndpoint(ctx: RouteContext): Reply {
  const fields = bodyFields(ctx);
  const code = String(fields.code ?? "");
  const username = String(fields.username || ctx.state.accounts.users.default.username);
  const user = ctx.state.accounts.find(username);
  if (!user) throw new HttpFailure(404, undefined, "No such user");
  const pin = ctx.state.findPin(code);
  if (!pin || code === "") throw new HttpFailure(404, 1020, "Code not found or expired");
  ctx.state.approvePin(pin, user);
  return jsonReply(200, { approved: true, id: pin.id, username: user.username });
}

/** The auth app pages and the emulator-only approval endpoint. */
export const authAppRoutes: Route[] = [
  route("GET", "/auth", authPage, { anyAccept: true }),
  route("GET", "/auth/", authPage, { anyAccept: true }),
  route("GET", "/link", linkPage, { anyAccept: true }),
  route("GET", "/link/", linkPage, { anyAccept: true }),
  route("POST", "/__emulator/pins/approve", approveEndpoint, { anyAccept: true }),
];
