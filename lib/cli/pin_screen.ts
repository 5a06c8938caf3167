/**
 * The PIN screen, on stderr: the code, the link, a QR code of the link, and a
 * spinner with the time left until the PIN expires. On a non-terminal stderr
 * (logs, CI) only the code, the link and one waiting line are printed.
 *
 * @module
 */
import type { Pin } from "../flows/pin.ts";
import type { Output } from "./output.ts";
import { fitToWidth } from "./wrap.ts";

const _FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Formats seconds as `m:ss` (or `h:mm:ss`).
 *
 * @param seconds Seconds, rounded down; negative counts as 0.
 * @returns The duration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clock } from "./pin_screen.ts";
 * assert.ok(clock(899) === "14:59" && clock(3_725) === "1:02:05");
 * ```
 */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/**
 * The link a QR code holds: the same link, without the optional device
 * details of an auth app URL (they make the code too large for a terminal).
 *
 * @param url The link shown to the user.
 * @returns The link for the QR code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qrLink } from "./pin_screen.ts";
 * const long = "https://app.plex.tv/auth#?clientID=c1&code=abc&context%5Bdevice%5D%5Bproduct%5D=plextv&context%5Bdevice%5D%5Bplatform%5D=Linux";
 * assert.equal(qrLink(long), "https://app.plex.tv/auth#?clientID=c1&code=abc&context%5Bdevice%5D%5Bproduct%5D=plextv");
 * ```
 */
export function qrLink(url: string): string {
  const at = url.indexOf("#?");
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 2));
  const kept = new URLSearchParams();
  for (const [name, value] of params) {
    if (["clientID", "code", "forwardUrl", "context[device][product]"].includes(name)) {
      kept.append(name, value);
    }
  }
  return `${url.slice(0, at)}#?${kept.toString()}`;
}

/**
 * Shows a PIN to the user and a spinner while waiting for approval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { PinScreen } from "./pin_screen.ts";
 * const written: string[] = [];
 * const out = new Output({ stderr: { write: (text: string) => written.push(text) }, noColor: true });
 * const screen = new PinScreen(out);
 * const plexNow = new Date(Date.now() - 7_200_000); // plex.tv's clock, two hours behind this machine's
 * const expiresAt = new Date(plexNow.getTime() + 900_000);
 * await screen.show({ id: 1, code: "7RQZ", expiresIn: 900, createdAt: plexNow, expiresAt, authToken: null }, "https://plex.tv/link/?pin=7RQZ");
 * screen.stop("approved");
 * assert.ok(written.join("").includes("7RQZ"));
 * assert.ok(written.join("").includes("the code expires in 15 min"), "counted from expiresIn");
 * ```
 */
export class PinScreen {
  readonly #out: Output;
  #timer?: ReturnType<typeof setInterval>;
  #expiresAt = 0;
  #frame = 0;
  #live = false;
  /** How many columns the spinner line last written takes. */
  #width = 0;
  #shown = false;

  /**
   * Creates the screen.
   *
   * @param out Where to draw (its stderr).
   */
  constructor(out: Output) {
    this.#out = out;
  }

  /**
   * Draws the code, link and QR code, and starts the spinner.
   *
   * @param pin The PIN.
   * @param url The link to open.
   * @returns When drawn (the QR encoder is loaded on first use).
   */
  async show(pin: Pin, url: string): Promise<void> {
    const out = this.#out;
    this.#shown = true;
    const { bold, cyan, dim } = out.style;
    const terminal = out.stderr.isTTY === true;
    const strong = pin.code.length > 8;
    // Counted from now on this machine's clock, as the polling is: expiresAt is on plex.tv's clock.
    this.#expiresAt = Date.now() + pin.expiresIn * 1000;
    // Fitted to the terminal before it is styled, so that the terminal does not break it inside a word.
    const title = "Sign in to plex.tv";
    const intro = fitToWidth(
      `${title}: open the link ${terminal ? "(or scan the QR code) " : ""}` +
        (strong ? "and approve this device" : "and enter the code"),
      terminal ? out.stderr.columns : undefined,
    );
    out.raw(
      `\n${bold(title)}${intro.slice(title.length)}\n\n` +
        `  ${dim("Link")}  ${cyan(url)}\n` +
        `  ${dim("Code")}  ${bold(pin.code)}\n\n`,
    );
    if (terminal) {
      const { drawQr } = await import("./qr.ts");
      const lines = drawQr(qrLink(url), out.colour);
      // deno-lint-ignore no-control-regex
      const width = [...lines[0].replace(/\x1b\[[0-9;]*m/g, "")].length;
      const columns = out.stderr.columns ?? 80;
      const rows = out.stderr.rows ?? 24;
      if (width + 2 <= columns && lines.length + 10 <= rows) {
        out.raw(lines.map((line) => `  ${line}\n`).join("") + "\n");
      } else {
        out.raw(dim(`  (make the terminal at least ${width + 2}×${lines.length + 10} to see a QR code)\n\n`));
      }
    }
    if (out.redraws) {
      this.#live = true;
      out.raw("\x1b[?25l");
      this.#tick();
      this.#timer = setInterval(() => this.#tick(), 100);
    } else {
      const minutes = Math.max(1, Math.round((this.#expiresAt - Date.now()) / 60_000));
      out.raw(`Waiting for approval (the code expires in ${minutes} min)...\n`);
    }
  }

  #tick(): void {
    const left = clock((this.#expiresAt - Date.now()) / 1000);
    const frame = _FRAMES[this.#frame++ % _FRAMES.length]!;
    const { cyan, dim } = this.#out.style;
    // The longest form that fits the terminal as it is now (it may have been resized): a line that
    // wraps would not be rewritten in place, and each frame would add a line.
    const room = (this.#out.stderr.columns ?? 80) - 1;
    const [lead, rest] = [
      ["Waiting for approval", `· ${left} left · Ctrl-C to cancel`],
      ["Waiting for approval", `· ${left} left`],
      ["Waiting", left],
      ["", left],
    ].find(([lead, rest]) => `${frame} ${lead} ${rest}`.length <= room) ?? ["", ""];
    const line = `${cyan(frame)}${lead ? ` ${lead}` : ""}${rest ? ` ${dim(rest)}` : ""}`;
    this.#out.raw(`${this.#rewind()}${line}`);
    this.#width = [frame, lead, rest].filter(Boolean).join(" ").length;
  }

  /**
   * Back to the start of the spinner line, cleared to the end of the screen. A terminal made narrower
   * than the last line reflows it onto more rows: the cursor goes up to its first row first.
   */
  #rewind(): string {
    const columns = this.#out.stderr.columns ?? 80;
    const up = this.#width > columns ? Math.ceil(this.#width / columns) - 1 : 0;
    return `${up ? `\x1b[${up}A` : ""}\r\x1b[J`;
  }

  /**
   * Stops the spinner and says how it ended.
   *
   * @param outcome `approved`, `cancelled` or `failed`.
   */
  stop(outcome: "approved" | "cancelled" | "failed"): void {
    if (!this.#shown) return;
    this.#shown = false;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const { green, red } = this.#out.style;
    const line = outcome === "approved"
      ? `${green("✓")} Approved`
      : outcome === "failed"
      ? `${red("✗")} Not approved`
      : "";
    if (this.#live) {
      this.#out.raw(`${this.#rewind()}${line}${line ? "\n" : ""}\x1b[?25h`);
      this.#live = false;
    } else if (outcome === "approved") {
      this.#out.info(line);
    }
  }
}
