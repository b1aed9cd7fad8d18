// A body made once and sent many times (lib/compressed-body.ts): whatever encoding a client gets,
// it decodes to the same bytes, and a page joined from cached parts is compressed part by part.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliDecompressSync, crc32, gunzipSync } from 'node:zlib';
import { CompressedBody, encodedFor } from '../src/lib/compressed-body.ts';

const paragraph = (n: number) =>
  `<p class="comment">Comment ${n}: good to see the library coming back. My children used it every week.</p>\n`;
const page = (count: number) => Array.from({ length: count }, (_, i) => paragraph(i)).join('');
const pieces = (score: number) => [
  Buffer.from(`<!doctype html><title>Library</title>${page(40)}`),
  Buffer.from(`<p class="score">${score} % User Score</p>`),
  Buffer.from(page(60)),
  Buffer.from(''),
  Buffer.from('</html>'),
];

describe('a compressed body', () => {
  it('decodes to the same bytes in every encoding, joined from pieces or made whole', () => {
    const bodies = [
      new CompressedBody(pieces(85)),
      new CompressedBody(Buffer.concat(pieces(85))),
      // A changing body's small pieces go stored, not compressed.
      new CompressedBody(pieces(85), { changing: true }),
    ];
    for (const body of bodies) {
      const plain = Buffer.concat(pieces(85));
      assert.deepEqual(body.plain, plain);
      assert.deepEqual(gunzipSync(body.gzip), plain);
      assert.deepEqual(brotliDecompressSync(body.br), plain);
      assert.ok(body.gzip.length < plain.length / 5, `gzip ${body.gzip.length} of ${plain.length}`);
    }
  });

  it('carries the CRC-32 of the whole, joined from its pieces’ however many and however long', () => {
    let seed = 7;
    const size = () => (seed = (seed * 48_271) % 2_147_483_647) % 20_000;
    for (let round = 0; round < 40; round++) {
      const parts = Array.from({ length: 1 + (round % 30) }, () => Buffer.alloc(size(), `piece ${round} `));
      const whole = Buffer.concat(parts);
      const gzip = new CompressedBody(parts, { changing: round % 2 === 0 }).gzip;
      assert.equal(gzip.readUInt32LE(gzip.length - 8), crc32(whole));
      assert.deepEqual(gunzipSync(gzip), whole);
    }
  });

  it('has an ETag that follows the content, not the buffers holding it', () => {
    assert.equal(new CompressedBody(pieces(85)).etag, new CompressedBody(pieces(85)).etag);
    assert.notEqual(new CompressedBody(pieces(85)).etag, new CompressedBody(pieces(86)).etag);
  });

  it('compresses again only the pieces that changed', () => {
    const [head, , thread, , tail] = pieces(0);
    const first = new CompressedBody([head!, Buffer.from('<p>85 %</p>'), thread!, tail!]);
    const second = new CompressedBody([head!, Buffer.from('<p>86 %</p>'), thread!, tail!]);
    const joined = second.gzip;
    assert.deepEqual(gunzipSync(joined), second.plain);
    // The unchanged pieces' compressed streams are the very bytes the first body's gzip holds.
    const shared = first.gzip.subarray(10, 10 + 40);
    assert.ok(joined.includes(shared));
  });

  it('sends a changing page as gzip until it has stood, then as brotli', async () => {
    const body = new CompressedBody(pieces(85), { changing: true });
    const young = encodedFor(body, 'gzip, deflate, br');
    assert.equal(young.encoding, 'gzip');
    assert.equal(young.lasting, false);
    assert.equal(encodedFor(body, 'br').encoding, 'br', 'a client that takes only brotli gets brotli');
    assert.equal(encodedFor(new CompressedBody(pieces(85)), 'gzip, br').encoding, 'br', 'a settled page: brotli');
    assert.equal(encodedFor(body, 'br;q=0, gzip').encoding, 'gzip');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(encodedFor(body, 'gzip, deflate, br').encoding, 'br');
    assert.equal(encodedFor(body, 'identity').encoding, undefined);
  });
});
