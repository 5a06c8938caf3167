/**
 * The protocol layer of plextv: every plex.tv exchange as a pair — a
 * `*Request` function that sends it through the one request helper, and a
 * `process*Response` function that checks a response (recorded or live) and
 * returns typed, validated data — plus the parsers and the helper itself.
 * Import only what you use; each piece is independent, so bundles stay small.
 *
 * `Config` (from `@plexkit/plextv`) satisfies every `context` parameter.
 *
 * @example Check a recorded response without a network
 * ```ts
 * import assert from "node:assert/strict";
 * import { processUserResponse } from "@plexkit/plextv/protocol";
 *
 * assert.throws(
 *   () =>
 *     processUserResponse({
 *       status: 401,
 *       headers: new Headers(),
 *       url: "https://plex.tv/api/v2/user",
 *       body: '{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}',
 *     }),
 *   { code: "unauthorized" },
 * );
 * ```
 *
 * @module
 */
export { readJson, send } from "./lib/http/send.ts";
export { checkOk, errorFromResponse, parseErrorBody } from "./lib/http/error_body.ts";
export { parseRetryAfter } from "./lib/http/retry_after.ts";
export { processSignInResponse, signInRequest } from "./lib/flows/credentials.ts";
export {
  createPinRequest,
  pinUrl,
  processPinResponse,
  processValidatePinResponse,
  validatePinRequest,
} from "./lib/flows/pin.ts";
export {
  nonceRequest,
  processNonceResponse,
  processTokenResponse,
  processUploadResponse,
  signDeviceJwt,
  tokenRequest,
  uploadRequest,
} from "./lib/flows/jwt.ts";
export { processPlexKeysResponse } from "./lib/flows/verify.ts";
export { parseAccount, processUserResponse, userRequest } from "./lib/endpoints/account.ts";
export { parseAccountXml } from "./lib/endpoints/account_xml.ts";
export {
  isMediaServer,
  parseRegisteredDevices,
  processRegisteredDevicesResponse,
  registeredDevicesRequest,
} from "./lib/endpoints/registered_device.ts";
export {
  parseResources,
  parseResourcesXml,
  processResourcesResponse,
  resourcesRequest,
} from "./lib/endpoints/resource.ts";
export {
  parsePlexTvDevices,
  plexTvDevicesRequest,
  processPlexTvDevicesResponse,
} from "./lib/endpoints/plex_tv_device.ts";
export {
  homeUsersRequest,
  parseHome,
  processHomeUsersResponse,
  processSwitchHomeUserResponse,
  switchHomeUserRequest,
} from "./lib/endpoints/home_user.ts";
export { claimTokenRequest, processClaimTokenResponse } from "./lib/endpoints/claim_token.ts";
export {
  parseSharedUsers,
  processSharedUsersResponse,
  sharedUsersRequest,
} from "./lib/endpoints/shared_user.ts";
export { invitesRequest, parseInvites, processInvitesResponse } from "./lib/endpoints/invite.ts";
export {
  pingRequest,
  processEmptyResponse,
  removeDeviceRequest,
  signOutRequest,
} from "./lib/endpoints/upkeep.ts";
export { linkPinRequest, processLinkPinResponse } from "./lib/endpoints/pin_link.ts";
export {
  friendsRequest,
  parseFriends,
  processFriendsResponse,
  processRemoveFriendResponse,
  removeFriendRequest,
} from "./lib/endpoints/friend.ts";
export {
  parseSharedServers,
  processSharedServersResponse,
  sharedServersRequest,
} from "./lib/endpoints/server_share.ts";
export {
  parseWebhooks,
  processSetWebhooksResponse,
  processWebhooksResponse,
  setWebhooksRequest,
  webhooksRequest,
} from "./lib/endpoints/webhook.ts";
export { geoipRequest, parseGeoLocation, processGeoipResponse } from "./lib/endpoints/geoip.ts";
export { parseWatchlist, processWatchlistResponse, watchlistRequest } from "./lib/endpoints/watchlist.ts";
export { rankConnections } from "./lib/servers/connect.ts";
export { probe } from "./lib/servers/probe.ts";

export type {
  CallOptions,
  HttpSettings,
  PlexRequest,
  PlexResponse,
  RequestContext,
  RetryPolicy,
} from "./lib/http/types.ts";
export type { BaseUrls, Host, Hosts, RequestChecks } from "./lib/http/checked_hosts.ts";
export type { PinContext } from "./lib/flows/pin.ts";
export type { JwtContext } from "./lib/flows/jwt.ts";
export type { ProbeOptions, ProbeResult } from "./lib/servers/probe.ts";
export type { WatchlistPage } from "./lib/endpoints/watchlist.ts";
