/**
 * Everything the CLI writes: data on stdout (text or `--json`), messages on
 * stderr (so stdout stays pipeable), colours only on a terminal and never
 * with `NO_COLOR`, and a last line of defence that replaces every known
 * secret with `***` before anything is written.
 *
 * The process's own streams are touched only when needed (see
 * {@linkcode processSink}): whether they are terminals is asked only when a
 * colour or the JSON layout depends on it.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import { ANYWHERE_LENGTH, redactSecrets } from "../redact/secrets.ts";

/**
 * Somewhere to write text: `process.stdout`, `process.stderr`, or a test buffer.
 */
export interface Sink {
  /** Writes text. */
  write(text: string): unknown;
  /** Whether it is a terminal. */
  isTTY?: boolean;
  /** The terminal's width, when it is one. */
  columns?: number;
  /** The terminal's height, when it is one. */
  rows?: number;
  /** Waits until everything written has left the process (before it exits). */
  flush?(): Promise<void>;
}

/** Bun's native file writer, for stdout (`Bun.write(Bun.stdout, text)`). */
interface BunWriter {
  write(destination: unknown, text: string): Promise<number>;
  stdout: unknown;
}

/**
 * A sink on the process's stdout (1) or stderr (2). On Bun, stdout is
 * written natively (`Bun.write`; Bun's stream machinery costs more than the
 * rest of `plextv --version`), on Deno whole lines through `console.log` (and
 * `console.error`),
 * everything else through the `process.stdout`/`process.stderr` stream,
 * created on first use; `isTTY`, `columns` and `rows` are read only when
 * asked. A write to stdout that fails (a full disk, a closed descriptor) is
 * kept, not thrown: `flush()` rejects with it, so the command ends with an
 * error instead of a success that lost its output. A reader that stopped
 * reading (a broken pipe, `| head -c 5`) is not a failure, nor is stderr's.
 *
 * @param fd 1 or 2.
 * @returns The sink.
 */
export function processSink(fd: 1 | 2): Sink {
  const stream = () => fd === 1 ? process.stdout : process.stderr;
  const bun = fd === 1 ? (globalThis as { Bun?: BunWriter }).Bun : undefined;
  // Deno's console throws where a write fails (caught here); its process streams fail later, uncaught.
  const lines = "Deno" in globalThis;
  let streamed = false;
  let written: Promise<unknown> | undefined;
  let failure: unknown;
  // Only data counts: a message that cannot reach stderr does not undo what the command did.
  const failed = (err: unknown) => {
    if (fd === 1 && err && !isBrokenPipe(err)) failure ??= err;
  };
  return {
    write(text: string) {
      try {
        if (bun) {
          // In order: each write starts when the one before has ended.
          written = (written ?? Promise.resolve()).then(() => bun.write(bun.stdout, text)).catch(failed);
        } else if (lines && text.endsWith("\n")) {
          (fd === 1 ? console.log : console.error)("%s", text.slice(0, -1));
        } else {
          if (!streamed) stream().on("error", failed);
          streamed = true;
          stream().write(text, failed);
        }
      } catch (err) {
        failed(err);
      }
      return true;
    },
    get isTTY() {
      return stream().isTTY === true;
    },
    get columns() {
      return stream().columns;
    },
    get rows() {
      return stream().rows;
    },
    async flush() {
      await written;
      if (streamed) await new Promise<void>((resolve) => stream().write("", () => resolve()));
      if (failure !== undefined) throw failure;
    },
  };
}

/** Whether a write failed because the reader went away (EPIPE; Deno's `BrokenPipe`). */
function isBrokenPipe(err: unknown): boolean {
  const { code, name } = err as { code?: unknown; name?: unknown };
  return code === "EPIPE" || name === "BrokenPipe";
}

/**
 * The line that reports output that could not be written, for stderr.
 *
 * @param err What the write failed with.
 * @returns The message, with its newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFailureLine } from "./output.ts";
 * const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
 * assert.equal(writeFailureLine(full), "error: The output could not be written to stdout: ENOSPC: no space left on device, write\n");
 * ```
 */
export function writeFailureLine(err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  return `error: The output could not be written to stdout: ${reason.replace(/[.\s]+$/, "")}\n`;
}

/**
 * Options of an {@linkcode Output}.
 */
export interface OutputOptions {
  /** Print data as JSON. */
  json?: boolean;
  /** Print no progress or success messages (errors still show). */
  quiet?: boolean;
  /** Print requests and error details on stderr. */
  verbose?: boolean;
  /** Never use colours (`NO_COLOR`). */
  noColor?: boolean;
  /** A terminal that takes no escape sequences (`TERM=dumb`): no colours, nothing redrawn in place. */
  dumb?: boolean;
  /** Where data goes. Default: the process's stdout ({@linkcode processSink}). */
  stdout?: Sink;
  /** Where messages go. Default: the process's stderr. */
  stderr?: Sink;
  /** Secrets known from the start (`PLEX_TOKEN`, ...): replaced with `***` wherever they would be written. */
  secrets?: readonly (string | undefined)[];
}

type Paint = (text: string) => string;

/**
 * Colour helpers; each is the identity when colours are off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * const out = new Output({ noColor: true });
 * assert.equal(out.style.bold("x"), "x");
 * ```
 */
export interface Style {
  /** Bold. */
  bold: Paint;
  /** Dim. */
  dim: Paint;
  /** Red. */
  red: Paint;
  /** Green. */
  green: Paint;
  /** Yellow. */
  yellow: Paint;
  /** Cyan. */
  cyan: Paint;
}

function _paint(enabled: boolean, open: number, close: number): Paint {
  return enabled ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
}

/**
 * The CLI's writer. Data goes to stdout, everything else to stderr; known
 * secrets are replaced with `***` on both, except where a command prints a
 * secret on purpose ({@linkcode Output.secret}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * const written: string[] = [];
 * const sink = { write: (text: string) => written.push(text) };
 * const out = new Output({ stdout: sink, stderr: sink, noColor: true });
 * out.addSecret("hunter22");
 * out.info("password hunter22 accepted");
 * assert.equal(written[0], "password *** accepted\n");
 * ```
 */
export class Output {
  /** Print data as JSON. */
  readonly json: boolean;
  /** No progress messages. */
  readonly quiet: boolean;
  /** Details on stderr. */
  readonly verbose: boolean;
  /** Where data goes. */
  readonly stdout: Sink;
  /** Where messages go. */
  readonly stderr: Sink;
  readonly #secrets = new Set<string>();
  readonly #noColor: boolean;
  readonly #dumb: boolean;
  #style?: Style;
  #dataStyle?: Style;

  /**
   * Creates the writer.
   *
   * @param options JSON, quiet, verbose, colours and sinks.
   */
  constructor(options: OutputOptions = {}) {
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    this.verbose = options.verbose ?? false;
    this.#dumb = options.dumb ?? false;
    this.#noColor = (options.noColor ?? false) || this.#dumb;
    this.stdout = options.stdout ?? processSink(1);
    this.stderr = options.stderr ?? processSink(2);
    for (const secret of options.secrets ?? []) this.addSecret(secret);
  }

  /** Whether stderr is a terminal where a line can be redrawn in place (a spinner): not `TERM=dumb`. */
  get redraws(): boolean {
    return !this.#dumb && this.stderr.isTTY === true;
  }

  /** Whether stderr gets colours (a terminal, and no `NO_COLOR`). */
  get colour(): boolean {
    return !this.#noColor && this.stderr.isTTY === true;
  }

  /** Colours for stderr. */
  get style(): Style {
    this.#style ??= Output.#styles(this.colour);
    return this.#style;
  }

  /** Colours for stdout. */
  get dataStyle(): Style {
    this.#dataStyle ??= Output.#styles(!this.#noColor && this.stdout.isTTY === true);
    return this.#dataStyle;
  }

  static #styles(on: boolean): Style {
    return {
      bold: _paint(on, 1, 22),
      dim: _paint(on, 2, 22),
      red: _paint(on, 31, 39),
      green: _paint(on, 32, 39),
      yellow: _paint(on, 33, 39),
      cyan: _paint(on, 36, 39),
    };
  }

  /** A logger on stderr: debug and info only with `--verbose`, warnings always. */
  get logger(): Logger {
    return {
      debug: (message) => this.debug(message),
      info: (message) => this.debug(message),
      warn: (message) => this.warn(message),
      error: (message) => this.warn(message),
    };
  }

  /**
   * Waits until everything written to stdout and stderr has left the process.
   *
   * @returns When flushed.
   */
  async flush(): Promise<void> {
    await Promise.all([this.stdout.flush?.(), this.stderr.flush?.()]);
  }

  /**
   * Remembers a secret: it is replaced with `***` wherever it would be written.
   *
   * @param secret The secret (ignored when shorter than 4 characters).
   */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  /**
   * Replaces every known secret in `text` with `***`.
   *
   * @param text Any text.
   * @returns The text, safe to print.
   */
  redact(text: string): string {
    return this.#secrets.size ? redactSecrets(text, this.#secrets) : text;
  }

  /**
   * Data as JSON, by the one rule of every command: indented on a terminal,
   * one line when piped (for `jq`, logs and `read`).
   *
   * @param value The data.
   * @param replacer Changes each field on the way (as `JSON.stringify`'s).
   * @returns The JSON text, without a trailing newline.
   */
  jsonText(value: unknown, replacer?: (key: string, field: unknown) => unknown): string {
    const indent = this.stdout.isTTY ? 2 : undefined;
    return replacer ? JSON.stringify(value, replacer, indent) : JSON.stringify(value, null, indent);
  }

  /**
   * Prints a command's data on stdout: `value` as JSON with `--json`, else `text()`. Known tokens and
   * keys are hidden: in JSON inside string values only, so the document stays valid JSON. A short
   * secret is not looked for in data: there it would be a word of plex.tv's (a passphrase `admin` in
   * `Home: admin`), and `***` in its place would show the passphrase to whoever reads the output.
   *
   * @param value The data, for `--json`.
   * @param text Renders the data for people.
   */
  data(value: unknown, text: () => string): void {
    // Tokens and keys only (see above), picked once for every string of the data.
    const long = [...this.#secrets].filter((secret) => secret.length >= ANYWHERE_LENGTH);
    const hide = (text: string) => long.length ? redactSecrets(text, long) : text;
    const rendered = this.json
      ? this.jsonText(value, (_key, field) => typeof field === "string" ? hide(field) : field)
      : hide(text());
    if (rendered === "") return;
    this.stdout.write(rendered.endsWith("\n") ? rendered : rendered + "\n");
  }

  /**
   * Prints a secret on stdout on purpose (`plextv token`, `keys export`): the
   * one place secrets are not redacted. An object is printed as JSON, by the
   * same rule as {@linkcode Output.data}.
   *
   * @param value The text (a line or more), or data for JSON.
   */
  secret(value: string | object): void {
    const text = typeof value === "string" ? value : this.jsonText(value);
    this.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * A progress or success message on stderr (not with `--quiet`).
   *
   * @param message The message.
   */
  info(message: string): void {
    if (!this.quiet) this.stderr.write(this.redact(message) + "\n");
  }

  /**
   * A success line on stderr with a green check mark (not with `--quiet`).
   *
   * @param message The message.
   */
  success(message: string): void {
    this.info(`${this.style.green("✓")} ${message}`);
  }

  /**
   * A warning on stderr (shown even with `--quiet`).
   *
   * @param message The message.
   */
  warn(message: string): void {
    this.stderr.write(this.redact(`${this.style.yellow("warning:")} ${message}`) + "\n");
  }

  /**
   * A detail on stderr, only with `--verbose`.
   *
   * @param message The message.
   */
  debug(message: string): void {
    if (this.verbose) this.stderr.write(this.redact(this.style.dim(message)) + "\n");
  }

  /**
   * Raw text on stderr (the PIN screen, prompts), redacted.
   *
   * @param text The text.
   */
  raw(text: string): void {
    this.stderr.write(this.redact(text));
  }
}
