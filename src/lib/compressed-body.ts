// A response body made once and sent many times: its ETag and its brotli and gzip forms are
// computed once (each on first demand), not per request, so a cached page costs a copy whatever
// the reader's browser accepts. Responses made per request are compressed by @fastify/compress
// instead (app.ts), which leaves a body that already has a Content-Encoding alone.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Below this, compression saves less than the headers it adds. */
const MIN_COMPRESSED_BYTES = 1024;
// Quality 5 compresses a 60 KB page in about half a millisecond, within a few per cent of 11
// (which takes fifty times as long), and it is paid once per change of the page. A page that
// changes every moment (a story being rated and discussed) is made again after each change,
// often by the very next read: quality 2 takes about a quarter of that for some 18 % more bytes
// (5.8 KB instead of 4.9 KB for a 60 KB page), still a tenth of the plain page.
const BROTLI_QUALITY = { settled: 5, changing: 2 };

export interface CompressionOptions {
  /** The body replaces one made moments ago and may soon be replaced in turn: compress it quickly. */
  changing?: boolean;
}

export class CompressedBody {
  readonly etag: string;
  private brotli: Buffer | undefined;
  private gzipped: Buffer | undefined;
  private readonly brotliQuality: number;

  constructor(
    readonly plain: Buffer,
    { changing = false }: CompressionOptions = {},
  ) {
    this.etag = `"${createHash('sha1').update(plain).digest('base64url')}"`;
    this.brotliQuality = changing ? BROTLI_QUALITY.changing : BROTLI_QUALITY.settled;
  }

  get br(): Buffer {
    this.brotli ??= brotliCompressSync(this.plain, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: this.brotliQuality,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: this.plain.length,
      },
    });
    return this.brotli;
  }

  get gzip(): Buffer {
    this.gzipped ??= gzipSync(this.plain, { level: 6 });
    return this.gzipped;
  }
}

/** The encoding to send: brotli, then gzip, when the request accepts it (q=0 refuses). */
export function acceptedEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  let gzip = false;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (name === 'br') return 'br';
    if (name === 'gzip' || name === '*') gzip = true;
  }
  return gzip ? 'gzip' : undefined;
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

/** The bytes to send for this Accept-Encoding, and their encoding (none for a small body). */
export function encodedFor(
  body: CompressedBody,
  acceptEncoding: string | undefined,
): { encoding?: 'br' | 'gzip'; bytes: Buffer } {
  const encoding = body.plain.length >= MIN_COMPRESSED_BYTES ? acceptedEncoding(acceptEncoding) : undefined;
  return { encoding, bytes: encoding === 'br' ? body.br : encoding === 'gzip' ? body.gzip : body.plain };
}
