/**
 * Response bodies as streams, for the faults that are about bodies: a huge
 * body produced as it is read (never held in memory), a body cut off by a
 * connection reset, and any body that stops with the request's abort signal,
 * like a network fetch's.
 *
 * @module
 */

const CHUNK = 64 * 1024;

/**
 * A stream of `bytes` bytes of JSON-looking text (`{"data":"aaaa…`), made as it is read.
 *
 * @param bytes The total size.
 * @returns The stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hugeBody } from "./body_streams.ts";
 * assert.equal((await new Response(hugeBody(100_000)).arrayBuffer()).byteLength, 100_000);
 * ```
 */
export function hugeBody(bytes: number): ReadableStream<Uint8Array> {
  const prefix = new TextEncoder().encode('{"data":"');
  const filler = new Uint8Array(CHUNK).fill(0x61);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) {
        controller.close();
        return;
      }
      const piece = sent === 0 ? new Uint8Array([...prefix, ...filler.subarray(prefix.length)]) : filler;
      const part = piece.slice(0, Math.min(piece.length, bytes - sent));
      sent += part.length;
      controller.enqueue(part);
    },
  }, { highWaterMark: 0 });
}

/** The error a body read gets when the emulator resets the connection. */
export class ConnectionReset extends TypeError {
  /** Creates the error. */
  constructor() {
    super("The plex.tv emulator reset the connection (an injected fault)");
    this.name = "TypeError";
  }
}

/**
 * A stream that delivers the first `cut` bytes of a body and then fails, as a
 * body read does when the connection is reset.
 *
 * @param body The whole body.
 * @param cut How many bytes arrive.
 * @returns The stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resetBody } from "./body_streams.ts";
 * await assert.rejects(new Response(resetBody(new Uint8Array(10), 4)).arrayBuffer(), TypeError);
 * ```
 */
export function resetBody(body: Uint8Array, cut: number): ReadableStream<Uint8Array> {
  let delivered = false;
  return new ReadableStream({
    pull(controller) {
      if (!delivered && cut > 0) {
        delivered = true;
        controller.enqueue(body.slice(0, cut));
        return;
      }
      controller.error(new ConnectionReset());
    },
  }, { highWaterMark: 0 });
}

/**
 * A copy of a body stream that fails with the signal's reason once the
 * signal aborts before the body is read to the end.
 *
 * @param body The body.
 * @param signal The request's signal.
 * @returns The guarded stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortableBody, hugeBody } from "./body_streams.ts";
 * const controller = new AbortController();
 * const body = abortableBody(hugeBody(1 << 20), controller.signal);
 * controller.abort();
 * await assert.rejects(new Response(body).arrayBuffer());
 * ```
 */
export function abortableBody(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(controller) {
      if (signal.aborted) {
        await reader.cancel(signal.reason).catch(() => {});
        controller.error(signal.reason);
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
