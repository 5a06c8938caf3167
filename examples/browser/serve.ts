/**
 * Serves the built browser example (`index.html`, `main.js`) on 127.0.0.1,
 * nothing else: `deno task build:browser --serve 8000` builds and serves it;
 * the Chromium test serves it on a free port.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";

/**
 * A running server of the example page.
 *
 * @example
 * ```ts ignore
 * const site: ServedPage = await serveBrowserExample("dist/browser");
 * ```
 */
export interface ServedPage {
  /** The page's URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** The server. */
  server: Server;
}

/**
 * Serves the files of `dir` (flat names only) on 127.0.0.1.
 *
 * @param dir The folder `buildBrowserExample()` wrote.
 * @param port The port; default 0 (a free one).
 * @returns The URL and the server; `server.close()` stops it.
 *
 * @example
 * ```ts ignore
 * const { url, server } = await serveBrowserExample("dist/browser", 8000);
 * ```
 */
export function serveBrowserExample(dir: string, port = 0): Promise<ServedPage> {
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const file = path === "/" ? "index.html" : path.slice(1);
    if (!/^[\w.-]+$/.test(file) || !existsSync(join(dir, file))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(join(dir, file)));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    });
  });
}
