/**
 * The PIN screen's QR code scans: what `drawQr` prints (with and without
 * colours) is read back into modules and decoded by an independent decoder
 * (jsQR) to the very link, for the short PIN link and for the auth app link
 * with its parameters.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { qrLink } from "../../lib/cli/pin_screen.ts";
import { drawQr } from "../../lib/cli/qr.ts";
import { decodeTerminalQr } from "../_helpers/cli.ts";

const LINKS = [
  "https://plex.tv/link/?pin=7RQZ",
  qrLink(
    "https://app.plex.tv/auth#?clientID=0d6e7f2a-5c1b-4c2e-9a57-1f2d3c4b5a69&code=abcdefghijklmnopqrstuvwxy" +
      "&context%5Bdevice%5D%5Bproduct%5D=plextv&context%5Bdevice%5D%5Bplatform%5D=Linux",
  ),
];

describe("the PIN screen's QR code", () => {
  for (const link of LINKS) {
    for (const colour of [false, true]) {
      it(`decodes to ${link.slice(0, 40)}... (${colour ? "colours" : "no colours"})`, () => {
        const lines = drawQr(link, colour);
        assert.equal(decodeTerminalQr(lines), link);
      });
    }
  }

  it("does not decode once damaged, so the check can fail", () => {
    const lines = drawQr(LINKS[0], false);
    const damaged = lines.map((line, i) => (i >= 2 && i < 8 ? " ".repeat(line.length) : line));
    assert.notEqual(decodeTerminalQr(damaged), LINKS[0]);
  });
});
