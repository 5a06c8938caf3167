/**
 * Every route of the emulator, in the order they are matched.
 *
 * @module
 */
import type { Route } from "../route.ts";
import { accountRoutes } from "./account.ts";
import { authAppRoutes } from "./auth_app.ts";
import { deviceRoutes } from "./devices.ts";
import { discoverRoutes } from "./discover.ts";
import { friendRoutes } from "./friends.ts";
import { geoRoutes } from "./geo.ts";
import { homeRoutes } from "./home.ts";
import { jwtRoutes } from "./jwt.ts";
import { pinRoutes } from "./pins.ts";
import { signinRoutes } from "./signin.ts";
import { webhookRoutes } from "./webhooks.ts";

/** The routes. */
export const ROUTES: readonly Route[] = [
  ...signinRoutes,
  ...pinRoutes,
  ...jwtRoutes,
  ...accountRoutes,
  ...deviceRoutes,
  ...homeRoutes,
  ...friendRoutes,
  ...webhookRoutes,
  ...geoRoutes,
  ...discoverRoutes,
  ...authAppRoutes,
];
