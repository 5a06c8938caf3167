/**
 * Everything the CLI writes: data on stdout (text or `--json`), messages on
 * stderr (so stdout stays pipeable), colours only on a terminal and never
 * with `NO_COLOR`, and a last line of defence that replaces every known
 * secret with `***` before anything is written.
 *
 * @module
 */
import { redactSecrets } from "../redact.ts";

/**
 * Somewhere to write text: `process.stdout`, `process.stderr`, or a test buffer.
 *
 * @example
 * ```ts
 * import type { Sink } from "./output.ts";
 * const lines: string[] = [];
 * const sink: Sink = { write: (text) => { lines.push(text); return true; }, isTTY: false };
 * ```
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
}

/**
 * Options of an {@linkcode Output}.
 *
 * @example
 * ```ts
 * import type { OutputOptions } from "./output.ts";
 * const options: OutputOptions = { json: true, quiet: false, verbose: false, noColor: true };
 * ```
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
  /** Where data goes. Default `process.stdout`. */
  stdout?: Sink;
  /** Where messages go. Default `process.stderr`. */
  stderr?: Sink;
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
  /** Whether stderr gets colours. */
  readonly colour: boolean;
  /** Colours for stderr. */
  readonly style: Style;
  /** Colours for stdout. */
  readonly dataStyle: Style;
  /** Where data goes. */
  readonly stdout: Sink;
  /** Where messages go. */
  readonly stderr: Sink;
  readonly #secrets = new Set<string>();

  /**
   * Creates the writer.
   *
   * @param options JSON, quiet, verbose, colours and sinks.
   */
  constructor(options: OutputOptions = {}) {
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    this.verbose = options.verbose ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const colour = (sink: Sink) => !options.noColor && sink.isTTY === true;
    this.colour = colour(this.stderr);
    this.style = Output.#style(this.colour);
    this.dataStyle = Output.#style(colour(this.stdout));
  }

  static #style(on: boolean): Style {
    return {
      bold: _paint(on, 1, 22),
      dim: _paint(on, 2, 22),
      red: _paint(on, 31, 39),
      green: _paint(on, 32, 39),
      yellow: _paint(on, 33, 39),
      cyan: _paint(on, 36, 39),
    };
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
   * Prints a command's data on stdout: `value` as JSON with `--json`, else `text()`.
   *
   * @param value The data, for `--json`.
   * @param text Renders the data for people.
   */
  data(value: unknown, text: () => string): void {
    const rendered = this.json ? JSON.stringify(value, null, 2) : text();
    if (rendered === "") return;
    this.stdout.write(this.redact(rendered.endsWith("\n") ? rendered : rendered + "\n"));
  }

  /**
   * Prints a secret on stdout on purpose (`plextv token`, `keys export`): the
   * one place secrets are not redacted.
   *
   * @param text The text, a line or more.
   */
  secret(text: string): void {
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
