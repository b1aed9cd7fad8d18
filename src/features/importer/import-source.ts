// An import file as a stream of bytes: read from disk in chunks, gunzipped when it is gzip (by its
// first bytes, not its name), never held whole in memory. Progress is counted in bytes of the
// file on disk, so a bar can show how far through the file the import is.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { ImportError } from './import-report.ts';

/** A gzip file may not expand beyond this many times its size (plus a margin): a gzip bomb stops here. */
export const MAX_GZIP_RATIO = 100;
const GZIP_MARGIN = 64 * 1024 * 1024;

export interface ImportSource {
  file: string;
  /** Size on disk. */
  size: number;
  gzip: boolean;
  /** The first bytes of the content (decompressed), as text: enough to tell the format. */
  head: string;
  /** The content from the start, decompressed; `onBytes` gets the file bytes read so far. */
  chunks(onBytes?: (read: number) => void): AsyncIterable<Buffer>;
}

const HEAD_BYTES = 64 * 1024;

export async function openSource(file: string): Promise<ImportSource> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = info.size;
  } catch (error) {
    throw new ImportError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size === 0) throw new ImportError(`${file}: the file is empty`);
  const magic = Buffer.alloc(2);
  const handle = await open(file, 'r');
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  const source: ImportSource = {
    file,
    size,
    gzip,
    head: '',
    chunks: (onBytes) => readChunks(file, size, gzip, onBytes),
  };
  source.head = await readHead(source);
  return source;
}

async function readHead(source: ImportSource): Promise<string> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= HEAD_BYTES) break;
  }
  // A partial multi-byte character at the cut shows as U+FFFD: harmless for telling the format.
  return Buffer.concat(parts).subarray(0, HEAD_BYTES).toString('utf8');
}

async function* readChunks(
  file: string,
  size: number,
  gzip: boolean,
  onBytes?: (read: number) => void,
): AsyncIterable<Buffer> {
  const raw = createReadStream(file, { highWaterMark: 256 * 1024 });
  let read = 0;
  raw.on('data', (chunk) => {
    read += chunk.length;
    onBytes?.(read);
  });
  if (!gzip) {
    try {
      yield* raw as AsyncIterable<Buffer>;
    } finally {
      raw.destroy();
    }
    return;
  }
  const limit = size * MAX_GZIP_RATIO + GZIP_MARGIN;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > limit)
        throw new ImportError(
          `${file}: the compressed file expands to more than ${MAX_GZIP_RATIO} times its size; refused as a ` +
            `likely gzip bomb`,
        );
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code === 'ERR_ZLIB')
      throw new ImportError(`${file}: the gzip data is damaged or cut short (${(error as Error).message})`);
    throw error;
  } finally {
    raw.unpipe(gunzip);
    raw.destroy();
    gunzip.destroy();
  }
}
