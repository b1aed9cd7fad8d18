// A GET that keeps the response's bytes as sent, for tests of compressed bodies.
import { request } from 'node:http';

/** A GET through node:http, which (unlike fetch) leaves the body as it came: compressed bytes. */
export function rawGet(
  url: string,
  acceptEncoding: string,
): Promise<{ status: number; type: string; encoding: string | undefined; etag: string | undefined; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          encoding: res.headers['content-encoding'],
          etag: res.headers.etag,
          bytes: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
