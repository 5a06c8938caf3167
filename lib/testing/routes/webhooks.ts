/**
 * Webhook routes: `GET /api/v2/user/webhooks` and `POST` with form
 * `urls[]` repeated (or `urls=` empty to clear), which replaces the
 * account's list, as python-plexapi sends it. XML by default, JSON when
 * `Accept` asks for it.
 *
 * @module
 */
import { webhooksXml } from "../payloads/discover.ts";
import { HttpFailure, jsonReply, type Reply, xmlReply } from "../respond.ts";
import { bodyFields, formValues, requireToken, type Route, route, type RouteContext } from "../route.ts";

function reply(ctx: RouteContext, urls: string[]): Reply {
  return ctx.wantsJson ? jsonReply(200, urls.map((url) => ({ url }))) : xmlReply(200, webhooksXml(urls));
}

async function list(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return reply(ctx, ctx.state.webhooks.of(user.id));
}

function urlsOf(ctx: RouteContext): string[] {
  const fields = bodyFields(ctx);
  const json = fields["urls[]"] ?? fields.urls;
  const values = Array.isArray(json) ? json : formValues(ctx, "urls[]");
  const urls = values.filter((value) => value !== "");
  for (const url of urls) {
    if (typeof url !== "string" || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new HttpFailure(400, undefined, "Each webhook must be an http or https URL");
    }
  }
  return urls as string[];
}

async function set(ctx: RouteContext): Promise<Reply> {
  const { user } = await requireToken(ctx);
  return reply(ctx, ctx.state.webhooks.set(user.id, urlsOf(ctx)));
}

/** The webhook routes. */
export const webhookRoutes: Route[] = [
  route("GET", "/api/v2/user/webhooks", list),
  route("POST", "/api/v2/user/webhooks", set),
];
