// The import's second pass over a WordPress export, in a worker thread: it reads the file, turns
// each <item> into the rows it will be written as (wxr-prepare.ts) and hands them over a batch at
// a time to the thread that writes (wxr-import.ts). Reading and converting the next batch runs on
// one core while the last one is written on another. At most one batch waits unwritten, so
// memory stays flat however large the file.
import { parentPort, workerData } from 'node:worker_threads';
import { nowIso } from '../../lib/text.ts';
import { count, createReport, ImportError, note, type ImportReport } from './import-report.ts';
import { openSource } from './import-source.ts';
import { readXml, type XmlElement } from './xml-stream.ts';
import { clean, readAuthor, readPost, siteKey, WXR_PREFIXES, type WxrPost } from './wxr-parser.ts';
import { createPreparer, type PrepareContext, type PreparedPost } from './wxr-prepare.ts';

export interface WxrWorkerInput extends PrepareContext {
  file: string;
}

export type WxrWorkerMessage =
  /** `report` holds what preparing the batch counted and noted; `items` and `comments` were read so far. */
  | { type: 'batch'; posts: PreparedPost[]; report: ImportReport; items: number; comments: number }
  | { type: 'done' }
  /** `refused`: an ImportError, a one-line reason for the person importing. */
  | { type: 'failed'; message: string; refused: boolean };

// Each batch is written in one transaction: large ones, since each commit writes every index page it
// touched (docs/ARCHITECTURE.md, Importing sites).
const BATCH_POSTS = 200;
const BATCH_COMMENTS = 4000;
/** Batches sent and not yet written: one being written, one ready for when it is done. */
const MAX_AHEAD = 1;

async function readPosts(input: WxrWorkerInput, port: NonNullable<typeof parentPort>): Promise<void> {
  const prepare = createPreparer(input);
  const authors = new Map<string, string>();
  let site = '';
  let channelTitle = '';
  // A file with no address of its site (hand-made ones) is known by its channel's title.
  const siteOf = () => site || `untitled:${channelTitle.toLowerCase().replace(/\s+/g, '-').slice(0, 100)}`;
  let batch: WxrPost[] = [];
  let batchComments = 0;
  let report = createReport(input.file, '');
  let items = 0;
  let comments = 0;
  // The writer acknowledges each batch written: reading waits while it is MAX_AHEAD behind.
  let sent = 0;
  let written = 0;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    written++;
    wake?.();
  });
  const flush = async () => {
    const now = nowIso();
    const posts: PreparedPost[] = [];
    for (const post of batch) {
      const prepared = prepare(post, authors, siteOf(), now, report);
      if (prepared) posts.push(prepared);
    }
    port.postMessage({ type: 'batch', posts, report, items, comments } satisfies WxrWorkerMessage);
    batch = [];
    batchComments = 0;
    report = createReport(input.file, '');
    sent++;
    while (sent - written > MAX_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
  };
  await readXml(await openSource(input.file), {
    prefixes: WXR_PREFIXES,
    collect: new Set(['item', 'wp:author', 'wp:base_blog_url', 'wp:base_site_url', 'link', 'title']),
    async onElement(element: XmlElement) {
      if (element.name === 'wp:author') {
        const author = readAuthor(element);
        if (author.login) authors.set(author.login, author.displayName);
        return;
      }
      if (element.name === 'title') {
        channelTitle ||= clean(element.text);
        return;
      }
      if (element.name !== 'item') {
        // The blog's own address (base_blog_url) names the site best; the channel's link otherwise.
        const key = siteKey(clean(element.text));
        if (key && (element.name === 'wp:base_blog_url' || !site)) site = key;
        return;
      }
      items++;
      let post: WxrPost;
      try {
        post = readPost(element);
      } catch (error) {
        count(report, 'skipped.invalid');
        note(report, `item ${items}`, `could not be read (${(error as Error).message})`);
        return;
      }
      comments += post.comments.length;
      batch.push(post);
      batchComments += post.comments.length;
      if (batch.length >= BATCH_POSTS || batchComments >= BATCH_COMMENTS) await flush();
    },
  });
  if (batch.length > 0 || Object.keys(report.counts).length > 0) await flush();
}

if (parentPort) {
  const port = parentPort;
  readPosts(workerData as WxrWorkerInput, port).then(
    () => port.postMessage({ type: 'done' } satisfies WxrWorkerMessage),
    (error: Error) =>
      port.postMessage({
        type: 'failed',
        message: error.message,
        refused: error instanceof ImportError,
      } satisfies WxrWorkerMessage),
  );
}
