import { finished, PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { DomainError, InputError, UnavailableError } from '../errors/domain-error';

/**
 * The slowest upload body read (like Apache mod_reqtimeout's MinRate): in every `windowSeconds`
 * while the server is waiting for bytes, at least `minBytesPerSecond` × `windowSeconds` of them
 * (and at least one) must arrive, else the upload is cut (BAD_USER_INPUT) and stages nothing.
 * Time the server itself makes the client wait (backpressure) does not count.
 */
export interface UploadPace {
  windowSeconds: number;
  minBytesPerSecond: number;
}

/** How an upload is read: the largest file accepted, in bytes, the field named in its errors, and the slowest pace accepted. */
export interface UploadOptions {
  /** The largest file: the whole body when it is not multipart, else the file part's bytes. */
  maxBytes: number;
  /** The multipart file part to take, and the `field` of the errors about it. */
  field: string;
  pace: UploadPace;
}

/**
 * At most `max` uploads at once of the routes that share a gate, in this process: an upload that
 * holds a database connection while its body arrives (a claimant sheet is staged as it is read)
 * must not take the whole pool. `enter` takes a slot or refuses at once with UnavailableError
 * (HTTP 503, Retry-After `retryAfterSeconds`); the function it returns gives the slot back (once).
 */
export class UploadGate {
  private active = 0;

  constructor(
    readonly max: number,
    readonly retryAfterSeconds: number,
  ) {}

  enter(): () => void {
    if (this.active >= this.max) {
      throw new UnavailableError(`too many uploads in progress (at most ${this.max} at once): try again in ${this.retryAfterSeconds} s`, this.retryAfterSeconds);
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}

/** Room for the multipart framing and small fields around the file part: the file part itself is held to `maxBytes`. */
const MULTIPART_OVERHEAD = 64 * 1024;

const tooLarge = (maxBytes: number) => new InputError('body', `exceeds the limit of ${maxBytes} bytes`, { maxBytes });

/** Passes bytes through, failing with BAD_USER_INPUT (`body`, naming the file limit `reported`) after `maxBytes` of them. */
function byteLimit(maxBytes: number, reported: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? tooLarge(reported) : null, chunk);
    },
  });
}

/** Any failure of an upload as the InputError the client gets: stream and parser errors name `field`. */
function uploadError(error: Error | null | undefined, field: string): DomainError {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: string } | null | undefined)?.code;
  if (!error || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return new InputError(field, 'upload was interrupted');
  // busboy's messages name the defect ("Unexpected end of form", "Malformed part header"), never the content.
  return new InputError(field, `is not a well-formed multipart/form-data body (${error.message})`);
}

/**
 * The bytes of an uploaded file as one stream, never buffered whole: the request body itself, or
 * for multipart/form-data the one file part named `options.field` (other fields are skipped).
 *
 * The one place where a request body's streams (the request, the size limit, busboy and its part
 * streams) report errors: every failure destroys the returned stream with a BAD_USER_INPUT
 * InputError: the client gone, a truncated or malformed body, no file part, another file part,
 * more than `maxBytes` in the file (a multipart body may be up to 64 KiB larger, for its framing
 * and fields). It ends only once the whole request was read and well-formed, so a
 * consumer that commits when it ends never commits a truncated or ambiguous upload. On failure the
 * rest of the request is discarded unread, so the refusal can still be answered. When the consumer
 * destroys the stream (it refused the content), reading stops the same way.
 *
 * The error is also kept on the stream (`readableErrored`): a consumer may attach its pipeline
 * after an await and still get it, and none is ever emitted without a listener.
 *
 * Throws InputError at once for a Content-Length over `maxBytes` (`body`) or a multipart type
 * without a boundary (`content-type`).
 */
export function uploadStream(req: Request, { maxBytes, field, pace }: UploadOptions): Readable {
  const multipart = Boolean(req.is('multipart/form-data'));
  const bodyMax = multipart ? maxBytes + MULTIPART_OVERHEAD : maxBytes;
  if (Number(req.headers['content-length'] ?? 0) > bodyMax) throw tooLarge(maxBytes);
  let parser: busboy.Busboy | undefined;
  if (multipart) {
    try {
      parser = busboy({ headers: req.headers });
    } catch (error) {
      throw new InputError('content-type', `is not a usable multipart/form-data type (${(error as Error).message})`);
    }
  }
  const out = new PassThrough();
  // Kept in out.readableErrored for a consumer that attaches later (see above).
  out.on('error', () => undefined);
  const limit = byteLimit(bodyMax, maxBytes);
  const fail = (error?: Error | null) => {
    req.unpipe(limit);
    req.resume();
    limit.destroy();
    if (!out.destroyed) out.destroy(uploadError(error, field));
  };
  finished(req, (error) => error && fail(error));
  out.on('close', () => out.readableEnded || fail());
  watchPace(req, pace, () => fail(new InputError(field, `arrived too slowly (less than ${pace.minBytesPerSecond} bytes per second over ${pace.windowSeconds} s): upload cut`)));
  req.pipe(limit);

  if (!parser) {
    limit.on('error', fail);
    limit.pipe(out);
    return out;
  }
  let file: Readable | undefined;
  parser.on('file', (name, stream) => {
    // busboy destroys a part's stream when the body breaks off inside it.
    stream.on('error', fail);
    if (name !== field || file) return fail(new InputError(field, `must be the only file part (multipart field "${field}")`));
    file = stream;
    let seen = 0;
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) fail(tooLarge(maxBytes));
    });
    stream.pipe(out, { end: false });
  });
  // busboy finishes only after every file part ended, so all of the file is in `out` by then.
  pipeline(limit, parser, (error) => {
    if (error) fail(error);
    else if (!file) fail(new InputError(field, `is missing (multipart field "${field}")`));
    else out.end();
  });
  return out;
}

/** Calls `cut` when a request body arrives slower than `pace` (see UploadPace); stops watching once the body ended or failed. */
function watchPace(req: Request, pace: UploadPace, cut: () => void): void {
  const least = Math.max(1, pace.minBytesPerSecond * pace.windowSeconds);
  let received = 0;
  const count = (chunk: Buffer) => (received += chunk.length);
  const timer = setInterval(() => {
    // Paused: the server is not reading (backpressure from the consumer), so the client is not to blame.
    if (req.readableFlowing !== false && received < least) {
      stop();
      cut();
    }
    received = 0;
  }, pace.windowSeconds * 1000);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    req.off('data', count);
  };
  req.on('data', count);
  finished(req, stop);
}

/** A whole request body in memory (at most `maxBytes`, no slower than `pace`), with uploadStream's errors (field `body`). */
export async function readBody(req: Request, maxBytes: number, pace: UploadPace): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of uploadStream(req, { maxBytes, field: 'body', pace })) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
