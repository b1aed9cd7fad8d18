// A response body made once and sent many times: its ETag and its brotli and gzip forms are
// computed once (each on first demand), not per request, so a cached page costs a copy whatever
// the reader's browser accepts. Responses made per request are compressed by @fastify/compress
// instead (app.ts), which leaves a body that already has a Content-Encoding alone.
//
// A body may be given as pieces (a page joined from separately cached parts, views/slots.tsx).
// Each piece is then deflated once, on its own, and kept for as long as the piece is: the gzip
// form of a page rebuilt after a rating is the unchanged parts' deflate streams joined around
// the changed parts' (a few kilobytes compressed again), not the whole page compressed anew.
import { createHash, hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, constants, crc32, deflateRawSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Below this, compression saves less than the headers it adds. */
const MIN_COMPRESSED_BYTES = 1024;
// Quality 5 compresses a 60 KB page in about half a millisecond, within a few per cent of 11
// (which takes fifty times as long), and it is paid once per change of the page. A page that
// changes every moment (a story being rated and discussed) is sent as gzip joined from its parts
// until it has stood for BROTLI_AFTER_MS; a client that takes only brotli gets quality 2, about
// a quarter of the time of 5 for some 18 % more bytes (5.8 KB instead of 4.9 KB for 60 KB).
const BROTLI_QUALITY = { settled: 5, changing: 2 };
/** How long a changing page stands before it is worth compressing with brotli. */
const BROTLI_AFTER_MS = 1000;
const GZIP_LEVEL = 6;
/** Pieces this small go stored in a changing body's gzip (see gzipOf). */
const STORED_BELOW = 4096;

// A gzip member (RFC 1952): header (no name, no time, Unix), a raw deflate stream, CRC-32 and
// length. Each piece's stream ends with a sync flush (byte-aligned, not final) and refers only to
// its own bytes, so the streams join in any order; an empty final block ends the whole.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
const FINAL_EMPTY_BLOCK = Buffer.from([3, 0]);
const deflated = new WeakMap<Buffer, Buffer>();
const digests = new WeakMap<Buffer, Buffer>();

// CRC-32 of a whole joined from its pieces' CRCs, as zlib's crc32_combine does: each piece's CRC
// and its length's operator (x^(8·length) modulo the CRC polynomial) are made once per piece, so
// a page made again after a rating computes the CRC of its new parts only, not of all its bytes.
const CRC_POLYNOMIAL = 0xedb88320;
/** a·b modulo the CRC polynomial (bit-reflected, as CRC-32 is). */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) {
      product ^= b;
      if ((a & (bit - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ CRC_POLYNOMIAL : b >>> 1;
  }
  return product >>> 0;
}
/** x^(2^n) modulo the polynomial, n = 0…31. */
const X2N = Array.from({ length: 32 }, (): number => 0);
X2N[0] = 0x40000000; // x^1
for (let n = 1; n < 32; n++) X2N[n] = multiplyModP(X2N[n - 1]!, X2N[n - 1]!);
/** The operator that appends `length` bytes' worth of zeros to a CRC: x^(8·length) modulo the polynomial. */
function zerosOperator(length: number): number {
  let operator = 0x80000000; // x^0
  for (let n = 3; length > 0; length = Math.floor(length / 2), n++)
    if (length % 2 === 1) operator = multiplyModP(X2N[n % 32]!, operator);
  return operator;
}
const pieceCrcs = new WeakMap<Buffer, { crc: number; operator: number }>();

/** The CRC-32 of the pieces joined, from each piece's CRC (made once per piece). */
function crcOf(pieces: readonly Buffer[]): number {
  let crc = 0;
  for (const piece of pieces) {
    let known = pieceCrcs.get(piece);
    if (known === undefined) {
      known = { crc: crc32(piece), operator: zerosOperator(piece.length) };
      pieceCrcs.set(piece, known);
    }
    crc = (multiplyModP(known.operator, crc) ^ known.crc) >>> 0;
  }
  return crc;
}

function deflatedPiece(piece: Buffer): Buffer {
  let stream = deflated.get(piece);
  if (stream === undefined) {
    // A window no larger than the piece compresses it the same, and zlib sets up the default
    // one (32 KB, with its hash tables) in more time than a few kilobytes take to compress.
    const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(piece.length + 262))));
    stream = deflateRawSync(piece, {
      level: GZIP_LEVEL,
      windowBits,
      memLevel: Math.min(8, windowBits - 7),
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    deflated.set(piece, stream);
  }
  return stream;
}

/** A piece as a stored (uncompressed) deflate block: a header byte at a byte boundary, LEN, NLEN, the bytes. */
function storedPiece(piece: Buffer): Buffer[] {
  const header = Buffer.from([
    0,
    piece.length & 0xff,
    piece.length >> 8,
    ~piece.length & 0xff,
    (~piece.length >> 8) & 0xff,
  ]);
  return [header, piece];
}

/**
 * The pieces as one gzip member; the whole is never joined (its CRC-32 is joined from the pieces').
 * `storeSmall`: pieces under STORED_BELOW go stored, not compressed. A page made again after each
 * rating changes only such pieces (the Reviews widget, the structured data), and setting zlib up
 * for each took more time than the rest of the rebuild: they add a kilobyte or two to a gzip body
 * that is replaced by brotli once it stands.
 */
function gzipOf(pieces: readonly Buffer[], storeSmall: boolean): Buffer {
  let length = 0;
  const parts: Buffer[] = [GZIP_HEADER];
  for (const piece of pieces) {
    length += piece.length;
    if (storeSmall && piece.length < STORED_BELOW && !deflated.has(piece)) parts.push(...storedPiece(piece));
    else parts.push(deflatedPiece(piece));
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crcOf(pieces), 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  parts.push(FINAL_EMPTY_BLOCK, trailer);
  return Buffer.concat(parts);
}

const sha1 = (bytes: Buffer) => hash('sha1', bytes, 'buffer');

/** The ETag of these bytes: of their digest, or (pieces) of the pieces' digests, each made once. */
function etagOf(pieces: readonly Buffer[]): string {
  if (pieces.length === 1) return `"${sha1(pieces[0]!).toString('base64url')}"`;
  const combined = createHash('sha1');
  for (const piece of pieces) {
    let digest = digests.get(piece);
    if (digest === undefined) {
      digest = sha1(piece);
      digests.set(piece, digest);
    }
    combined.update(digest);
  }
  return `"${combined.digest('base64url')}"`;
}

export interface CompressionOptions {
  /** The body replaces one made moments ago and may soon be replaced in turn: compress it quickly (see above). */
  changing?: boolean;
}

export class CompressedBody {
  readonly etag: string;
  /** The plain body's size in bytes. */
  readonly length: number;
  private readonly pieces: readonly Buffer[];
  private joined: Buffer | undefined;
  private brotli: Buffer | undefined;
  private gzipped: Buffer | undefined;
  private readonly changing: boolean;
  private readonly madeAt: number;

  /** `body` as one buffer, or as pieces kept apart (see above) that are never changed. */
  constructor(body: Buffer | readonly Buffer[], { changing = false }: CompressionOptions = {}) {
    this.pieces = Buffer.isBuffer(body) ? [body] : body.filter((piece) => piece.length > 0);
    if (Buffer.isBuffer(body)) this.joined = body;
    this.length = this.pieces.reduce((sum, piece) => sum + piece.length, 0);
    this.etag = etagOf(this.pieces);
    this.changing = changing;
    this.madeAt = changing ? performance.now() : 0;
  }

  get plain(): Buffer {
    this.joined ??= Buffer.concat(this.pieces);
    return this.joined;
  }

  /** Whether brotli is worth making: made already, or the body has stood long enough (see above). */
  get brotliDue(): boolean {
    return this.brotli !== undefined || !this.changing || performance.now() - this.madeAt >= BROTLI_AFTER_MS;
  }

  get br(): Buffer {
    this.brotli ??= brotliCompressSync(this.plain, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: this.brotliDue ? BROTLI_QUALITY.settled : BROTLI_QUALITY.changing,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: this.length,
      },
    });
    return this.brotli;
  }

  get gzip(): Buffer {
    this.gzipped ??= gzipOf(this.pieces, this.changing);
    return this.gzipped;
  }
}

/** The encodings a request accepts of those we send (q=0 refuses). */
export function acceptedEncodings(acceptEncoding: string | undefined): { br: boolean; gzip: boolean } {
  const accepted = { br: false, gzip: false };
  if (!acceptEncoding) return accepted;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (name === 'br') accepted.br = true;
    else if (name === 'gzip') accepted.gzip = true;
    else if (name === '*') accepted.br = accepted.gzip = true;
  }
  return accepted;
}

/** Whether the client's copy (If-None-Match) is this body. */
export function isCurrent(request: FastifyRequest, etag: string): boolean {
  return matchesEtag(request.headers['if-none-match'], etag);
}

/** Whether an If-None-Match header names this ETag (or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch?.split(',').some((tag) => ['*', etag].includes(tag.trim().replace(/^W\//, ''))) === true;
}

/**
 * Sends the body (with its ETag and `Vary: Accept-Encoding`) in the best encoding the client
 * accepts, or 304 when its copy is current. The caller sets Content-Type and Cache-Control.
 */
export function sendCompressed(request: FastifyRequest, reply: FastifyReply, body: CompressedBody): FastifyReply {
  reply.header('etag', body.etag).header('vary', 'Accept-Encoding');
  if (isCurrent(request, body.etag)) return reply.code(304).send();
  const { encoding, bytes } = encodedFor(body, request.headers['accept-encoding']);
  if (encoding === undefined) return reply.send(bytes);
  return reply.header('content-encoding', encoding).send(bytes);
}

/**
 * The bytes to send for this Accept-Encoding, and their encoding (none for a small body): brotli
 * when accepted, but gzip while a changing body is young. `lasting` is false when a later request
 * with the same header may get another encoding (the body settling), so the answer is not kept.
 */
export function encodedFor(
  body: CompressedBody,
  acceptEncoding: string | undefined,
): { encoding?: 'br' | 'gzip'; bytes: Buffer; lasting: boolean } {
  if (body.length < MIN_COMPRESSED_BYTES) return { bytes: body.plain, lasting: true };
  const accepted = acceptedEncodings(acceptEncoding);
  if (accepted.br && (!accepted.gzip || body.brotliDue)) return { encoding: 'br', bytes: body.br, lasting: true };
  if (accepted.gzip) return { encoding: 'gzip', bytes: body.gzip, lasting: !accepted.br };
  return { bytes: body.plain, lasting: true };
}
