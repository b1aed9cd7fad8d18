// The only module that reads process.env. Everything else receives a frozen Config.
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';

export type TrustProxy = false | true | number | string[];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Parsed form of databaseUrl. */
  readonly database: DatabaseTarget;
  /** DATABASE_READ_URL: a PostgreSQL replica for public page reads; undefined sends them to the primary. */
  readonly readDatabase: DatabaseTarget | undefined;
  /** Connections each PostgreSQL pool may open (DATABASE_POOL_SIZE); SQLite uses one. */
  readonly databasePoolSize: number;
  readonly redisUrl: string | undefined;
  /** REDIS_PREFIX: put before every Redis key and channel, so several sites can share one Redis. */
  readonly redisPrefix: string;
  /** METRICS_TOKEN: a bearer token for /metrics; without it only local requests may read them. */
  readonly metricsToken: string | undefined;
  readonly publicUrl: string;
  readonly trustProxy: TrustProxy;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Secure cookies need HTTPS; on by default when PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  /** Per-address limit on state-changing requests (ratings, comments). */
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
  /** REQUEST_TIMEOUT_MS: a request (headers and body) must have arrived within this, or it is answered 408 and closed. */
  readonly requestTimeoutMs: number;
  /** MAX_CONNECTIONS_PER_ADDRESS: open connections one client address (IPv4, IPv6 /64) may hold; trusted proxies are exempt; 0 turns it off. */
  readonly maxConnectionsPerAddress: number;
  /** MAX_EVENT_STREAMS_PER_ADDRESS: live-update streams one client address may hold open at once. */
  readonly maxEventStreamsPerAddress: number;
  /** Where uploaded images are stored: MEDIA_DIR, or `media/` beside the SQLite file. */
  readonly mediaDir: string;
  /** URLs per sitemap file: the protocol's 50,000 (not an environment variable; tests lower it). */
  readonly sitemapUrlLimit: number;
}

/** Where the data lives: a SQLite file (or `:memory:`), or a PostgreSQL connection URL. */
export type DatabaseTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = parsePort(env.PORT);
  const host = env.HOST?.trim() || '127.0.0.1';
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:./data/broadsheet.db';
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, host, port);
  const logLevel = parseLogLevel(env.LOG_LEVEL);
  const database = parseDatabaseUrl(databaseUrl);
  const config: Config = {
    port,
    host,
    databaseUrl,
    database,
    readDatabase: parseReadDatabaseUrl(env.DATABASE_READ_URL, database),
    databasePoolSize: parsePositiveInt('DATABASE_POOL_SIZE', env.DATABASE_POOL_SIZE, 10),
    redisUrl: parseRedisUrl(env.REDIS_URL),
    redisPrefix: env.REDIS_PREFIX?.trim() || 'broadsheet:',
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    publicUrl,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel,
    secureCookies: publicUrl.startsWith('https:'),
    rateLimit: { max: parsePositiveInt('RATE_LIMIT_POSTS_PER_MINUTE', env.RATE_LIMIT_POSTS_PER_MINUTE, 30), timeWindow: 60_000 },
    requestTimeoutMs: parsePositiveInt('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000),
    maxConnectionsPerAddress: parseWholeNumber('MAX_CONNECTIONS_PER_ADDRESS', env.MAX_CONNECTIONS_PER_ADDRESS, 256),
    maxEventStreamsPerAddress: parsePositiveInt('MAX_EVENT_STREAMS_PER_ADDRESS', env.MAX_EVENT_STREAMS_PER_ADDRESS, 16),
    mediaDir: env.MEDIA_DIR?.trim() || defaultMediaDir(database),
    sitemapUrlLimit: 50_000,
    ...overrides,
  };
  return Object.freeze(config);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `"${value}" is not a port number (0–65535)`);
  }
  return port;
}

export function parseDatabaseUrl(url: string, variable = 'DATABASE_URL'): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError(variable, 'sqlite: needs a file path, e.g. sqlite:./data/broadsheet.db');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(variable, `"${redact(url)}" is not a valid URL; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
    }
    if (parsed.hostname === '' || parsed.pathname.length <= 1) {
      throw new ConfigError(variable, `"${redact(url)}" needs a host and a database name: postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
    }
    return { kind: 'postgres', url };
  }
  throw new ConfigError(variable, `"${redact(url)}" is not a sqlite:PATH or postgres://… URL`);
}

function parseReadDatabaseUrl(value: string | undefined, primary: DatabaseTarget): DatabaseTarget | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const target = parseDatabaseUrl(value.trim(), 'DATABASE_READ_URL');
  if (target.kind !== 'postgres') throw new ConfigError('DATABASE_READ_URL', 'a read replica must be a postgres:// URL');
  if (primary.kind !== 'postgres') throw new ConfigError('DATABASE_READ_URL', 'a read replica needs DATABASE_URL to be PostgreSQL too');
  return target;
}

/** The data folder is the SQLite file's folder; an in-memory or PostgreSQL database keeps media in ./data. */
function defaultMediaDir(database: DatabaseTarget): string {
  return join(database.kind === 'sqlite' && database.path !== ':memory:' ? dirname(database.path) : './data', 'media');
}

function parseRedisUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^rediss?:\/\//.test(value)) throw new ConfigError('REDIS_URL', `"${redact(value)}" is not a redis:// URL`);
  return value;
}

function parsePublicUrl(value: string | undefined, host: string, port: number): string {
  if (value === undefined || value.trim() === '') {
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    return `http://${shownHost}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('PUBLIC_URL', `"${value}" is not an absolute URL such as https://news.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', 'must start with http:// or https://');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * Whose forwarding headers to believe. Empty: nobody's (the socket address is the client).
 * A number: that many proxy hops. Otherwise a comma-separated list of addresses or CIDR ranges.
 */
function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!isTrustedProxyEntry(entry)) {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an IP address, CIDR range, hop count or "loopback"`);
    }
  }
  return entries;
}

function parsePositiveInt(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(variable, `"${value}" is not a positive whole number`);
  return n;
}

function parseWholeNumber(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(variable, `"${value}" is not a whole number (0 or more)`);
  return n;
}

function isTrustedProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

function parseLogLevel(value: string | undefined): Config['logLevel'] {
  const v = value?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) {
    throw new ConfigError('LOG_LEVEL', `"${v}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return v as Config['logLevel'];
}

/** Hides credentials when a URL is echoed back in an error or a log line. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
