// WordPress (WXR) import. Two passes over the file, both streamed:
// 1. check: the whole file must be well-formed XML and a WXR (wp:wxr_version) before anything is
//    written; counts items and comments (for the progress bar) and notes each attachment's file
//    (a post's featured image may come before or after its attachment).
// 2. import: each <item> is turned into rows and written in batches, each batch in one
//    transaction, so no article is ever half-imported and a large file commits as it goes.
import type { Services } from '../../app.ts';
import { count, createReport, ImportError, note, type ImportReport } from './import-report.ts';
import type { ImportSource } from './import-source.ts';
import type { ImportFormat, ImportOptions } from './import.service.ts';
import { readXml, type XmlElement } from './xml-stream.ts';
import { clean, readAuthor, readPost, WXR_PREFIXES, type WxrPost } from './wxr.parser.ts';
import { createWxrWriter } from './wxr.writer.ts';
import * as repo from './import.repository.ts';

const SUPPORTED_VERSIONS = /^1\.[0-2]$/;

export const wxrFormat: ImportFormat = {
  name: 'WordPress (WXR)',
  detect: (source) => /<rss\b/.test(source.head) && (/wordpress\.org\/export\//.test(source.head) || /<wp:wxr_version/.test(source.head)),
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
      else if (element.name === 'wp:postmeta' && clean(element.children.find((c) => c.name === 'wp:meta_key')?.text ?? '') === '_wp_attached_file') {
        item.file = clean(element.children.find((c) => c.name === 'wp:meta_value')?.text ?? '');
      }
    },
    onBytes: (read) => options.onProgress?.('checking', read, source.size),
  });
  endItem();
  options.onProgress?.('checking', source.size, source.size, true);
  if (!result.version) throw new ImportError(`${source.file}: a WordPress RSS file without wp:wxr_version is not an export WordPress can make; export it again from Tools → Export`);
  if (!SUPPORTED_VERSIONS.test(result.version)) throw new ImportError(`${source.file}: WXR version ${result.version} is not supported (1.0, 1.1 and 1.2 are)`);
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

/** The site the export came from, as part of every import key: `example.com/blog`. */
export function siteKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host.replace(/^www\./, '')}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return '';
  }
}

const BATCH_POSTS = 100;
const BATCH_COMMENTS = 2000;

async function importWxr(services: Services, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const found = await survey(source, options);
  const restore = await repo.tuneForImport(services.db, services.config.database.kind);
  try {
    return await importItems(services, source, options, found);
  } finally {
    await restore();
  }
}

async function importItems(services: Services, source: ImportSource, options: ImportOptions, found: Survey): Promise<ImportReport> {
  const report = createReport(source.file, `${wxrFormat.name} ${found.version}`);
  const authors = new Map<string, string>();
  let site = '';
  let channelTitle = '';
  // A file with no address of its site (hand-made ones) is known by its channel's title.
  const siteOf = () => site || `untitled:${channelTitle.toLowerCase().replace(/\s+/g, '-').slice(0, 100)}`;
  const writer = await createWxrWriter(services, { report, attachments: found.attachments, uploadsDir: options.uploadsDir, site: siteOf });
  let batch: WxrPost[] = [];
  let batchComments = 0;
  let itemsDone = 0;
  let commentsDone = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const posts = batch;
    batch = [];
    batchComments = 0;
    await writer.write(posts, authors);
    options.onProgress?.('importing', commentsDone + itemsDone, found.comments + found.items);
  };
  await readXml(source, {
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
      itemsDone++;
      let post: WxrPost;
      try {
        post = readPost(element);
      } catch (error) {
        count(report, 'skipped.invalid');
        note(report, `item ${itemsDone}`, `could not be read (${(error as Error).message})`);
        return;
      }
      commentsDone += post.comments.length;
      batch.push(post);
      batchComments += post.comments.length;
      if (batch.length >= BATCH_POSTS || batchComments >= BATCH_COMMENTS) await flush();
    },
  });
  await flush();
  options.onProgress?.('importing', found.comments + found.items, found.comments + found.items, true);
  return report;
}

