// Starts the real app on a real database and a real port, for HTTP tests.
// The engine comes from TEST_DATABASE: `sqlite` (the default; a file in a temporary folder) or
// `postgres` (a fresh schema in TEST_DATABASE_URL's database, dropped again on close), so that
// the same suite runs on both and no two tests ever share state.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp, createServices, type Services } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { connect, migrateToLatest, type Db } from '../../src/db/database.ts';
import type { Settings } from '../../src/features/settings/settings.service.ts';

export type TestEngine = 'sqlite' | 'postgres';
export const TEST_ENGINE: TestEngine = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
/** The PostgreSQL database the test schemas are made in. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** A DATABASE_URL for it: `sqlite:…/test.db`, or the PostgreSQL URL with the schema as search_path. */
  url: string;
  /** A temporary folder for files that go with it (the SQLite file, uploaded media). */
  dir: string;
  /** Deletes it: the folder, and the schema with everything in it. */
  drop(): Promise<void>;
}

let admin: pg.Pool | undefined;
/** One small pool per test process to create and drop schemas; it lets the process exit when idle. */
function adminPool(): pg.Pool {
  admin ??= new pg.Pool({
    connectionString: TEST_POSTGRES_URL,
    max: 2,
    allowExitOnIdle: true,
    idleTimeoutMillis: 1000,
  });
  return admin;
}

/** PostgreSQL's URL with `search_path` set to one schema (pg reads `options` from the URL). */
export function postgresUrlWithSchema(schema: string, base = TEST_POSTGRES_URL): string {
  return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A fresh, empty database of the engine under test. */
export async function createTestDatabase(engine: TestEngine = TEST_ENGINE): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-test-'));
  if (engine === 'sqlite') {
    return {
      url: `sqlite:${join(dir, 'test.db')}`,
      dir,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(8).toString('hex')}`;
  try {
    await adminPool().query(`create schema ${schema}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `TEST_DATABASE=postgres, but PostgreSQL at ${TEST_POSTGRES_URL} cannot be used: ${(error as Error).message}`,
    );
  }
  return {
    url: postgresUrlWithSchema(schema),
    dir,
    async drop() {
      await adminPool().query(`drop schema if exists ${schema} cascade`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated database for repository tests, without the app: `db` and a `close` that drops it. */
export async function openTestDb(): Promise<{ db: Db; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = connect(loadConfig({ DATABASE_URL: database.url }).database, { poolSize: 2 });
  await migrateToLatest(db);
  return {
    db,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

export interface TestApp {
  url: string;
  services: Services;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    settings?: Partial<Settings>;
    config?: Partial<Config>;
    env?: Record<string, string>;
    /** Serve this database (which the caller then drops) instead of a fresh one. */
    database?: TestDatabase;
  } = {},
): Promise<TestApp> {
  const owned = options.database === undefined;
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig(
    {
      DATABASE_URL: database.url,
      MEDIA_DIR: join(database.dir, 'media'),
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: 'silent',
      PORT: '0',
      RATE_LIMIT_POSTS_PER_MINUTE: '10000',
      ...options.env,
    },
    options.config,
  );
  const services = await createServices(config).catch(async (error: unknown) => {
    if (owned) await database.drop();
    throw error;
  });
  // Tests post forms as soon as they load them: no minimum time on the form unless a test sets one.
  await services.settings.update({ minFormSeconds: 0, ...options.settings });
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    async close() {
      // An event stream a test aborted can leave its socket half-open, and Fastify would wait
      // for it until the keep-alive timeout (72 s): the tests are over, so drop every connection.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await services.close();
      if (owned) await database.drop();
    },
  };
}

/**
 * A browser-like client: keeps cookies (each sent only under its Path), says its requests come
 * from the site's own pages (`Sec-Fetch-Site: same-origin`, as browsers do), does not follow
 * redirects.
 */
export class Client {
  /** name → path → value */
  private cookies = new Map<string, Map<string, string>>();
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The cookies a request to `path` carries, as a Cookie header value ('' for none). */
  cookieHeader(path: string): string {
    const pathname = new URL(path, this.base).pathname;
    const pairs: string[] = [];
    for (const [name, byPath] of this.cookies) {
      for (const [cookiePath, value] of byPath) if (pathMatches(pathname, cookiePath)) pairs.push(`${name}=${value}`);
    }
    return pairs.join('; ');
  }

  async request(
    path: string,
    init: RequestInit & { json?: unknown; form?: Record<string, string> } = {},
  ): Promise<Response> {
    // A header given as '' is left out (an older browser that sends no Sec-Fetch-Site, say).
    const given = { 'sec-fetch-site': 'same-origin', ...this.headers, ...(init.headers as Record<string, string>) };
    const headers = new Headers(Object.entries(given).filter(([, value]) => value !== ''));
    const cookie = this.cookieHeader(path);
    if (cookie) headers.set('cookie', cookie);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(this.base + path, { ...init, headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const cookiePath =
        attributes
          .map((a) => a.trim())
          .find((a) => /^path=/i.test(a))
          ?.slice(5) || '/';
      const byPath = this.cookies.get(name) ?? new Map<string, string>();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) byPath.delete(cookiePath);
      else byPath.set(cookiePath, pair!.slice(eq + 1));
      this.cookies.set(name, byPath);
    }
    return response;
  }

  async page(path: string): Promise<{ status: number; html: string; csrf: string }> {
    const response = await this.request(path);
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    return { status: response.status, html, csrf };
  }
}

/** RFC 6265 path-match: the cookie's path is the request path or a prefix of it ending at a "/". */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

/** Visible text of an HTML fragment, roughly as a reader sees it. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
