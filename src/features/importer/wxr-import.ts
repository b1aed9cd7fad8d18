// WordPress (WXR) import. Two passes over the file, both streamed:
// 1. check: the whole file must be well-formed XML and a WXR (wp:wxr_version) before anything is
//    written; counts items and comments (for the progress bar) and notes each attachment's file
//    (a post's featured image may come before or after its attachment).
// 2. import: a worker thread (wxr-worker.ts) reads the file again and turns each <item> into rows,
//    which this thread writes in batches, each batch in one transaction, so no article is ever
//    half-imported and a large file commits as it goes.
import { Worker } from 'node:worker_threads';
import { heapGrowthBrake } from '../../lib/heap-growth.ts';
import { getOrCreateSecret } from '../settings/settings.service.ts';
import { createReport, ImportError, mergeReport, type ImportReport } from './import-report.ts';
import type { ImportSource } from './import-source.ts';
import type { ImportDeps, ImportFormat, ImportOptions } from './import-format.ts';
import { readXml } from './xml-stream.ts';
import { clean, WXR_PREFIXES } from './wxr-parser.ts';
import type { WxrWorkerInput, WxrWorkerMessage } from './wxr-worker.ts';
import { createWxrWriter } from './wxr-writer.ts';
import * as repo from './import.repository.ts';

const SUPPORTED_VERSIONS = /^1\.[0-2]$/;

export const wxrFormat: ImportFormat = {
  name: 'WordPress (WXR)',
  detect: (source) =>
    /<rss\b/.test(source.head) && (/wordpress\.org\/export\//.test(source.head) || /<wp:wxr_version/.test(source.head)),
  run: importWxr,
};

interface Survey {
  version: string;
  items: number;
  comments: number;
  /** Attachment post id → its file under wp-content/uploads (or its URL's path). */
  attachments: Map<string, string>;
}

/** Pass 1: well-formed, a WXR, and what the import will need to know up front. */
async function survey(source: ImportSource, options: ImportOptions): Promise<Survey> {
  const result: Survey = { version: '', items: 0, comments: 0, attachments: new Map() };
  let item: { id: string; type: string; file: string; url: string } | null = null;
  const endItem = () => {
    if (item?.type === 'attachment' && item.id) result.attachments.set(item.id, item.file || uploadsPathOf(item.url));
  };
  await readXml(source, {
    prefixes: WXR_PREFIXES,
    collect: new Set(['wp:wxr_version', 'wp:post_id', 'wp:post_type', 'wp:attachment_url', 'wp:postmeta']),
    opens: new Set(['item', 'wp:comment']),
    onOpen(name) {
      if (name === 'item') {
        endItem();
        item = { id: '', type: '', file: '', url: '' };
        result.items++;
      } else if (name === 'wp:comment') result.comments++;
    },
    onElement(element) {
      if (element.name === 'wp:wxr_version') result.version ||= clean(element.text);
      else if (!item) return;
      else if (element.name === 'wp:post_id') item.id = clean(element.text);
      else if (element.name === 'wp:post_type') item.type = clean(element.text);
      else if (element.name === 'wp:attachment_url') item.url = clean(element.text);
      else if (
        element.name === 'wp:postmeta' &&
        clean(element.children.find((c) => c.name === 'wp:meta_key')?.text ?? '') === '_wp_attached_file'
      ) {
        item.file = clean(element.children.find((c) => c.name === 'wp:meta_value')?.text ?? '');
      }
    },
    onBytes: (read) => options.onProgress?.('checking', read, source.size),
  });
  endItem();
  options.onProgress?.('checking', source.size, source.size, true);
  if (!result.version)
    throw new ImportError(
      `${source.file}: a WordPress RSS file without wp:wxr_version is not an export WordPress can make; ` +
        `export it again from Tools → Export`,
    );
  if (!SUPPORTED_VERSIONS.test(result.version))
    throw new ImportError(`${source.file}: WXR version ${result.version} is not supported (1.0, 1.1 and 1.2 are)`);
  return result;
}

/**
 * Where an attachment's file sits under wp-content/uploads, from its URL: after `/uploads/`
 * (`https://example.com/wp-content/uploads/2013/01/a.jpg` → `2013/01/a.jpg`), or WordPress.com's
 * whole path (`https://site.files.wordpress.com/2013/01/a.jpg` → `2013/01/a.jpg`).
 */
export function uploadsPathOf(url: string): string {
  try {
    const path = decodeURIComponent(new URL(url).pathname);
    const at = path.indexOf('/uploads/');
    return at === -1 ? path.replace(/^\/+/, '') : path.slice(at + '/uploads/'.length);
  } catch {
    return '';
  }
}

// The worker that reads and converts (wxr-worker.ts): compiled beside the CLI in dist/, or run
// from the sources through tsx, which a worker's own options cannot load before its first module.
// Its young generation is kept small, since that is memory it holds whether used or not: the two
// threads together stay within the import's memory budget (bench/import-site.ts).
declare const BROADSHEET_BUILT: boolean | undefined;
const WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 8 };

function startWorker(input: WxrWorkerInput): Worker {
  const options = { workerData: input, resourceLimits: WORKER_LIMITS };
  if (typeof BROADSHEET_BUILT !== 'undefined') return new Worker(new URL('./wxr-worker.js', import.meta.url), options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./wxr-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
    ...options,
    eval: true,
  });
}

/** The worker's messages, in order, ending with its last; an error when it fails or stops early. */
async function* messagesOf(worker: Worker): AsyncGenerator<WxrWorkerMessage> {
  const queue: WxrWorkerMessage[] = [];
  let ended: Error | null = null;
  let wake: (() => void) | undefined;
  worker.on('message', (message: WxrWorkerMessage) => {
    queue.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    ended ??= error;
    wake?.();
  });
  worker.on('exit', (code) => {
    ended ??= new Error(`the import's reader stopped (exit code ${code})`);
    wake?.();
  });
  for (;;) {
    const message = queue.shift();
    if (message) {
      yield message;
      if (message.type !== 'batch') return;
    } else if (ended) throw ended;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function importWxr(services: ImportDeps, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const found = await survey(source, options);
  const restore = await repo.tuneForImport(services.db, services.config.database.kind);
  try {
    return await importItems(services, source, options, found);
  } finally {
    await restore();
  }
}

/** Pass 2: the worker reads and converts each batch of posts; this thread writes them in order. */
async function importItems(
  services: ImportDeps,
  source: ImportSource,
  options: ImportOptions,
  found: Survey,
): Promise<ImportReport> {
  const report = createReport(source.file, `${wxrFormat.name} ${found.version}`);
  const writer = await createWxrWriter(services, { report, uploadsDir: options.uploadsDir });
  const worker = startWorker({
    file: source.file,
    attachments: found.attachments,
    ipKey: await getOrCreateSecret(services.db, 'reader'),
  });
  const total = found.comments + found.items;
  const brake = heapGrowthBrake();
  try {
    for await (const message of messagesOf(worker)) {
      if (message.type === 'failed')
        throw message.refused ? new ImportError(message.message) : new Error(message.message);
      if (message.type === 'done') break;
      mergeReport(report, message.report);
      await writer.write(message.posts);
      worker.postMessage('written');
      brake();
      options.onProgress?.('importing', message.comments + message.items, total);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
    throw new ImportError(
      `${source.file}: an item is too large to read in ${WORKER_LIMITS.maxOldGenerationSizeMb} MB of memory; ` +
        `the items before it were imported`,
    );
  } finally {
    await worker.terminate();
  }
  options.onProgress?.('importing', total, total, true);
  return report;
}
