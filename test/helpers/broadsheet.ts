// Shared helpers for the HTTP tests: the sample article, row counts, and reading pages and errors.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../src/app.ts';
import { importFile } from '../../src/features/importer/import.service.ts';
import { textOf, type Client } from './test-app.ts';

/** A scraped article that ships in the repository (the README's example too): 85 % from 3 ratings. */
export const SAMPLE_FILE = fileURLToPath(new URL('../../examples/scraped-article.txt', import.meta.url));
export const SAMPLE_TITLE =
  'Harbour Town Keeps Its Night Ferry After a Year-Long Trial Despite Noise Complaints: Council';
export const SAMPLE_SLUG = 'harbour-town-keeps-its-night-ferry-after-a-year-long-trial-despite-noise';
export const SAMPLE_PATH = `/articles/${SAMPLE_SLUG}`;

/**
 * The scraped seed beside the repository (../shared/seed, as on CI): an extra check of a real
 * scraped page where it is there. `seedSkip` is the reason to skip those checks elsewhere.
 */
export const SEED_FILE = fileURLToPath(new URL('../../../shared/seed/000_5912ab74b97d98b5.txt', import.meta.url));
export const SEED_TITLE = 'Biden Tells Netanyahu To Refrain From Offensive Attacks After Iran Strikes: Report';
export const SEED_SLUG = 'biden-tells-netanyahu-to-refrain-from-offensive-attacks-after-iran-strikes';
export const seedSkip: string | false = existsSync(SEED_FILE)
  ? false
  : `the scraped seed is not beside the repository (${SEED_FILE})`;

/** Imports the sample article (or another scraped file) the way `broadsheet import` does and returns the article. */
export async function importSample(services: Services, file = SAMPLE_FILE, slug = SAMPLE_SLUG) {
  const result = await importFile(services, file);
  const article = await services.articles.getPublished(slug);
  return { ...result, article };
}

/**
 * The newest comment's id: the comment form's redirect leads to the form (`?posted=…#respond`),
 * not to the comment, so a test that posted it finds it here.
 */
export async function lastCommentId(services: Services): Promise<number> {
  const row = await services.db
    .selectFrom('comments')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Collapses every run of whitespace (NBSP included) to one space. */
export function normaliseSpace(text: string): string {
  return text.replace(/[\s\u00A0\u202F]+/g, ' ').trim();
}

/** A scraped file's paragraphs read straight from it (not through the importer). */
export function scrapedParagraphs(file = SAMPLE_FILE): string[] {
  const lines = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').split('\n');
  const reviews = lines.findIndex((line) => line.trim() === 'Reviews');
  return lines
    .slice(1, reviews)
    .join('\n')
    .split(/\n[ \t\u00A0]*\n/)
    .map(normaliseSpace)
    .filter(Boolean);
}

export async function countRows(services: Services, table: 'comments' | 'ratings' | 'articles'): Promise<number> {
  const row = await services.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Row counts of everything a reader can write. */
export async function writtenRows(services: Services): Promise<{ comments: number; ratings: number }> {
  return { comments: await countRows(services, 'comments'), ratings: await countRows(services, 'ratings') };
}

/** Asserts a JSON error answer `{ error, message }` and returns its body. */
export async function expectJsonError(
  response: Response,
  status: number,
  code?: string,
): Promise<{ error: string; message: string; fields?: Record<string, string> }> {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${text.slice(0, 300)}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'error body is JSON');
  const body = JSON.parse(text) as { error: string; message: string; fields?: Record<string, string> };
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0, 'the error has a message for people');
  if (code !== undefined) assert.equal(body.error, code, `error code (message: ${body.message})`);
  return body;
}

/** The HTML of the first element opened by `openTag` (matched up to its balanced closing tag). */
export function elementHtml(html: string, openTag: RegExp): string {
  const start = html.search(openTag);
  assert.ok(start >= 0, `no element matching ${openTag}`);
  const name = /^<([a-z0-9-]+)/i.exec(html.slice(start))![1]!;
  const tags = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  tags.lastIndex = start;
  let depth = 0;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  throw new Error(`unclosed <${name}>`);
}

/** Visible text of each paragraph of the article body. */
export function articleBodyParagraphs(html: string): string[] {
  const body = elementHtml(html, /<div class="article-body"/);
  return [...body.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => normaliseSpace(textOf(m[1]!)));
}

/** Visible text of the Reviews widget. */
export function ratingWidgetText(html: string): string {
  return textOf(elementHtml(html, /<section id="rating"/));
}

/** Ids of the comments shown on a page, in document order. */
export function commentIdsOnPage(html: string): number[] {
  return [...html.matchAll(/<li id="comment-(\d+)"/g)].map((m) => Number(m[1]));
}

/** The text inside the comment form's textarea. */
export function commentTextarea(html: string): string {
  return /<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '';
}

/** The value attribute of a named input in the page. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? (/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '') : undefined;
}

export async function postJson(client: Client, path: string, json: unknown): Promise<Response> {
  return client.request(path, { method: 'POST', json });
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * What a browser would submit from the page's comment form as it stands: every input's value
 * (hidden ones included) and the textarea's text. Tests then fill in what the reader types.
 */
export function commentFormFields(html: string): Record<string, string> {
  const form = elementHtml(html, /<form class="comment-form"/);
  const fields: Record<string, string> = {};
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (!name) continue;
    const type = /\stype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    fields[name] = decodeEntities(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const [, name, text] of form.matchAll(/<textarea\b[^>]*\sname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[name!] = decodeEntities(text!);
  return fields;
}

/** A reader opens the article page and submits its comment form (no JavaScript). */
export async function submitCommentForm(
  client: Client,
  articlePagePath: string,
  typed: Record<string, string>,
): Promise<Response> {
  const { html } = await client.page(articlePagePath);
  const action = /<form class="comment-form"[^>]*\saction="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the page has a comment form');
  return client.request(decodeEntities(action), { method: 'POST', form: { ...commentFormFields(html), ...typed } });
}

/**
 * A reader's browser posting a comment as JSON, the way the site's own pages do: it first loads
 * the article page and sends the comment form's token (if the page has one) in its header.
 */
export async function postCommentJson(
  client: Client,
  article: { id: number; slug: string },
  input: unknown,
): Promise<Response> {
  const { html } = await client.page(`/articles/${article.slug}`);
  const token = commentFormFields(html).formToken;
  return client.request(`/api/v1/articles/${article.id}/comments`, {
    method: 'POST',
    json: input,
    headers: token ? { 'broadsheet-form-token': token } : {},
  });
}
