/**
 * `plextv devices`: the devices registered to the account.
 *
 * @module
 */
import type { CommandModule } from "../command_module.ts";
import { EXIT } from "../exit.ts";
import { publicJson, shortDate } from "../public_json.ts";
import { table } from "../table.ts";

/**
 * The `devices` command's help and what it runs.
 */
const command: CommandModule = {
  examples: [["plextv devices", "the account's devices; this one is marked"], [
    "plextv devices --json",
    "as JSON, with thisDevice",
  ]],
  description: [
    "The account's Authorized Devices (plex.tv/devices.xml); their tokens are never shown.",
    'This device is marked "(this device)", and "thisDevice": true with --json.',
  ].join("\n"),
  async run(f) {
    const { client, config } = await f.signedIn();
    const list = await client.registeredDevices({ signal: f.signal });
    const { bold } = f.out.dataStyle;
    const json = list.map((d) => ({
      ...publicJson(d) as object,
      thisDevice: d.clientIdentifier === config.clientId,
    }));
    f.out.data(json, () =>
      list.length === 0 ? "No devices" : table(
        ["NAME", "PRODUCT", "PLATFORM", "LAST SEEN", "ID", "CLIENT ID"],
        list.map((d) => [
          d.name,
          [d.product, d.productVersion].filter(Boolean).join(" "),
          d.platform,
          d.lastSeenAt ? shortDate(d.lastSeenAt) : undefined,
          String(d.id),
          d.clientIdentifier === config.clientId ? `${d.clientIdentifier} (this device)` : d.clientIdentifier,
        ]),
        bold,
      ));
    return EXIT.ok;
  },
};

export default command;
