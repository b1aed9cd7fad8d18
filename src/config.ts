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
  /** PUBLIC_URL was set: publicUrl is the site's address, not a guess from HOST and PORT. */
  readonly publicUrlGiven: boolean;
  readonly trustProxy: TrustProxy;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Secure cookies need HTTPS; on by default when PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  /** Per-address limit on state-changing requests (ratings, comments). */
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
  /**
   * REQUEST_TIMEOUT_MS: a request (headers and body) must have arrived within this, or it is answered 408 and closed.
   */
  readonly requestTimeoutMs: number;
  /**
   * MAX_CONNECTIONS_PER_ADDRESS: open connections one client address (IPv4, IPv6 /64) may hold; trusted proxies are
   * exempt; 0 turns it off.
   */
  readonly maxConnectionsPerAddress: number;
  /** MAX_EVENT_STREAMS_PER_ADDRESS: live-update streams one client address may hold open at once. */
  readonly maxEventStreamsPerAddress: number;
  /** Where uploaded images are stored: MEDIA_DIR, or `media/` beside the SQLite file. */
  readonly mediaDir: string;
  /** EDGE_PURGE_URLS: the edge caches (Varnish) to purge on every change; empty when there are none. */
  readonly edgePurgeUrls: readonly string[];
  /** URLs per sitemap file: the protocol's 50,000 (not an environment variable; tests lower it). */
  readonly sitemapUrlLimit: number;
  /**
   * EMBED_ORIGINS: origins (scheme://host[:port]) whose pages may show the embed; admins may add more in the settings.
   */
  readonly embedOrigins: readonly string[];
  /** WEBHOOK_ALLOWED_HOSTS: hosts webhooks may reach even on private, loopback or link-local addresses. */
  readonly webhookAllowedHosts: readonly string[];
  /**
   * How webhooks are retried (about a day of attempts) and how long a receiver may take (not environment variables;
   * tests shorten them).
   */
  readonly webhookDelivery: {
    readonly maxAttempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly timeoutMs: number;
  };
  /** SMTP_URL: where mail is handed over; undefined: e-mail is off. */
  readonly smtp: SmtpTarget | undefined;
  /** MAIL_FROM: the sender of every mail; without a name, the site's title is used. */
  readonly mailFrom: { readonly address: string; readonly name: string | undefined };
  /** How the outbox retries (not environment variables; tests shorten them). */
  readonly outboxTiming: {
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly pollMs: number;
    readonly maxAttempts: number;
  };
  /** How often the digests and the retention sweep run (not an environment variable; tests shorten it). */
  readonly maintenanceIntervalMs: number;
}

/** A parsed SMTP_URL. `tls`: 'required' refuses a server without STARTTLS, 'none' never starts it. */
export interface SmtpTarget {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (smtps://). */
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly tls: 'required' | 'opportunistic' | 'none';
  /** false accepts any certificate (a relay on the same machine with a self-signed one). */
  readonly verifyCertificate: boolean;
}

/** Where the data lives: a SQLite file (or `:memory:`), or a PostgreSQL connection URL. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

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
    publicUrlGiven: (env.PUBLIC_URL ?? '').trim() !== '',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel,
    secureCookies: publicUrl.startsWith('https:'),
    rateLimit: {
      max: parsePositiveInt('RATE_LIMIT_POSTS_PER_MINUTE', env.RATE_LIMIT_POSTS_PER_MINUTE, 30),
      timeWindow: 60_000,
    },
    requestTimeoutMs: parsePositiveInt('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 30_000),
    maxConnectionsPerAddress: parseWholeNumber('MAX_CONNECTIONS_PER_ADDRESS', env.MAX_CONNECTIONS_PER_ADDRESS, 256),
    maxEventStreamsPerAddress: parsePositiveInt('MAX_EVENT_STREAMS_PER_ADDRESS', env.MAX_EVENT_STREAMS_PER_ADDRESS, 16),
    mediaDir: env.MEDIA_DIR?.trim() || defaultMediaDir(database),
    edgePurgeUrls: parseEdgePurgeUrls(env.EDGE_PURGE_URLS),
    sitemapUrlLimit: 50_000,
    embedOrigins: parseOrigins('EMBED_ORIGINS', env.EMBED_ORIGINS),
    webhookAllowedHosts: parseHosts('WEBHOOK_ALLOWED_HOSTS', env.WEBHOOK_ALLOWED_HOSTS),
    // 30 s, 1, 2, 4 … minutes, then every 6 hours: the 14th and last attempt comes about a day after the event.
    webhookDelivery: { maxAttempts: 14, baseDelayMs: 30_000, maxDelayMs: 6 * 3_600_000, timeoutMs: 10_000 },
    smtp: parseSmtpUrl(env.SMTP_URL),
    mailFrom: parseMailFrom(env.MAIL_FROM, publicUrl),
    outboxTiming: { baseDelayMs: 30_000, maxDelayMs: 6 * 3_600_000, pollMs: 5_000, maxAttempts: 10 },
    maintenanceIntervalMs: 60_000,
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
      throw new ConfigError(
        variable,
        `"${redact(url)}" is not a valid URL; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
      );
    }
    if (parsed.hostname === '' || parsed.pathname.length <= 1) {
      throw new ConfigError(
        variable,
        `"${redact(url)}" needs a host and a database name: postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
      );
    }
    return { kind: 'postgres', url };
  }
  throw new ConfigError(variable, `"${redact(url)}" is not a sqlite:PATH or postgres://… URL`);
}

function parseReadDatabaseUrl(value: string | undefined, primary: DatabaseTarget): DatabaseTarget | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const target = parseDatabaseUrl(value.trim(), 'DATABASE_READ_URL');
  if (target.kind !== 'postgres')
    throw new ConfigError('DATABASE_READ_URL', 'a read replica must be a postgres:// URL');
  if (primary.kind !== 'postgres')
    throw new ConfigError('DATABASE_READ_URL', 'a read replica needs DATABASE_URL to be PostgreSQL too');
  return target;
}

/** The data folder is the SQLite file's folder; an in-memory or PostgreSQL database keeps media in ./data. */
function defaultMediaDir(database: DatabaseTarget): string {
  return join(database.kind === 'sqlite' && database.path !== ':memory:' ? dirname(database.path) : './data', 'media');
}

function parseEdgePurgeUrls(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((part) => {
    const url = part.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new ConfigError(
        'EDGE_PURGE_URLS',
        `"${url}" is not an http:// or https:// URL (a comma-separated list of cache addresses, e.g. ` +
          `http://127.0.0.1:6081)`,
      );
    }
    return parsed.origin + parsed.pathname;
  });
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
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!isTrustedProxyEntry(entry)) {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an IP address, CIDR range, hop count or "loopback"`);
    }
  }
  return entries;
}

/** A comma-separated list of host names or IP addresses (no scheme, no port). */
function parseHosts(variable: string, value: string | undefined): string[] {
  const hosts = (value ?? '')
    .split(',')
    .map((s) =>
      s
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, ''),
    )
    .filter(Boolean);
  for (const host of hosts) {
    if (isIP(host) === 0 && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      throw new ConfigError(
        variable,
        `"${host}" is not a host name or IP address (write hooks.internal or 10.0.0.5, without scheme or port)`,
      );
    }
  }
  return [...new Set(hosts)];
}

/** A comma-separated list of origins, each written back as the URL standard spells it. */
function parseOrigins(variable: string, value: string | undefined): string[] {
  const origins: string[] = [];
  for (const entry of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const origin = parseOrigin(entry);
    if (origin === null)
      throw new ConfigError(
        variable,
        `"${entry}" is not an origin such as https://example.org (scheme, host and port only)`,
      );
    origins.push(origin);
  }
  return [...new Set(origins)];
}

/**
 * `https://Example.org:443/` → `https://example.org`; null unless it is an http(s) origin with no path, query or
 * credentials.
 */
export function parseOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return null;
  if (!/^[a-z]+:\/\/[^/?#]+\/?$/i.test(text)) return null;
  return url.origin;
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

function parseSmtpUrl(value: string | undefined): SmtpTarget | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return undefined;
  const example = 'smtp://user:password@mail.example.org:587 or smtps://…:465';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('SMTP_URL', `"${redact(v)}" is not a URL such as ${example}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError('SMTP_URL', `must start with smtp:// or smtps://, as in ${example}`);
  if (url.hostname === '') throw new ConfigError('SMTP_URL', `"${redact(v)}" needs a host, as in ${example}`);
  const secure = url.protocol === 'smtps:';
  let tls: SmtpTarget['tls'] = 'opportunistic';
  let verifyCertificate = true;
  for (const [key, raw] of url.searchParams) {
    if (key === 'tls' && (raw === 'required' || raw === 'opportunistic' || raw === 'none')) tls = raw;
    else if (key === 'verify' && (raw === 'true' || raw === 'false')) verifyCertificate = raw === 'true';
    else
      throw new ConfigError(
        'SMTP_URL',
        `unknown option "${key}=${raw}"; use tls=required|opportunistic|none or verify=true|false`,
      );
  }
  if (secure && tls === 'none') throw new ConfigError('SMTP_URL', 'smtps:// always uses TLS; tls=none contradicts it');
  return Object.freeze({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 25) : Number(url.port),
    secure,
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    tls,
    verifyCertificate,
  });
}

const MAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

/** "news@example.org" or "The Daily <news@example.org>"; by default noreply@ PUBLIC_URL's host. */
function parseMailFrom(value: string | undefined, publicUrl: string): Config['mailFrom'] {
  const v = value?.trim() ?? '';
  if (v === '') {
    const host = new URL(publicUrl).hostname;
    return { address: `noreply@${host.includes('.') ? host : `${host}.localdomain`}`, name: undefined };
  }
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(v);
  const address = (named ? named[2]! : v).trim();
  const name = named ? named[1]!.trim().replace(/^"(.*)"$/, '$1') || undefined : undefined;
  if (!MAIL_ADDRESS.test(address))
    throw new ConfigError(
      'MAIL_FROM',
      `"${v}" is not an address such as news@example.org or "The Daily <news@example.org>"`,
    );
  return Object.freeze({ address, name });
}

/** Hides credentials when a URL is echoed back in an error or a log line. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
