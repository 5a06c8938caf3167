/**
 * The discover host's watchlist, served from the emulator's one origin:
 * `GET /library/sections/watchlist/{all|available|released}` (JSON
 * MediaContainer with `Metadata[]`). discover.provider.plex.tv is today's
 * host; metadata.provider.plex.tv (what plexjs 0.39.0 and python-plexapi 4.16
 * call) answers the same path here.
 *
 * @module
 */
import { watchlistJson } from "../payloads/discover.ts";
import { jsonReply, notFound, type Reply } from "../respond.ts";
import { requireToken, type Route, route, type RouteContext } from "../route.ts";

async function watchlist(ctx: RouteContext): Promise<Reply> {
  await requireToken(ctx);
  const filter = ctx.params[0]!;
  if (!["all", "available", "released"].includes(filter)) throw notFound();
  return jsonReply(200, watchlistJson(filter, ctx.query));
}

/** The discover routes. */
export const discoverRoutes: Route[] = [
  route("GET", "/library/sections/watchlist/:filter", watchlist, { jsonOnly: true }),
];
