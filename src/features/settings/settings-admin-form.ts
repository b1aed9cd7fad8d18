// The settings form: one description per Settings key (the compiler insists every key has one,
// so a new setting cannot be forgotten here), and the parser that turns the posted strings into
// typed values or a message per field. Nothing is saved unless every field is valid.
import { isIP } from 'node:net';
import { parseOrigin } from '../../config.ts';
import type { FieldErrors } from '../../errors.ts';
import { canonicalTimeZone } from '../../lib/time-zone.ts';
import type { Settings } from './settings.service.ts';

/** 'Block lists' are edited by moderators on their own page (/admin/blocking), not with the site settings. */
type Group = 'Site' | 'Comments' | 'Ratings' | 'Blocking' | 'Block lists' | 'Images';

export type FieldSpec =
  | { kind: 'text' | 'textarea'; group: Group; label: string; hint?: string; maxLength: number; required: boolean }
  | { kind: 'int'; group: Group; label: string; hint?: string; min: number; max: number }
  | { kind: 'choice'; group: Group; label: string; hint?: string; options: readonly { value: string; label: string }[] }
  | { kind: 'zone'; group: Group; label: string; hint?: string }
  | {
      kind: 'list';
      group: Group;
      label: string;
      hint?: string;
      maxItems: number;
      item: (line: string) => string | undefined;
    }
  /** Uploaded on its own form (site-images.routes.tsx), never through the settings form. */
  | { kind: 'image'; group: 'Images'; label: string; hint?: string };

export const GROUPS: readonly Group[] = ['Site', 'Comments', 'Ratings', 'Blocking'];

const EMAIL_RULE = /^(?:[^\s@]+@|@)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/i;

function isIpRule(line: string): boolean {
  const [base = '', prefix, ...rest] = line.split('/');
  const family = isIP(base);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export const SETTINGS_FIELDS = {
  siteTitle: { kind: 'text', group: 'Site', label: 'Site title', maxLength: 100, required: true },
  siteDescription: {
    kind: 'textarea',
    group: 'Site',
    label: 'Site description',
    hint: 'Shown under the title and to search engines.',
    maxLength: 300,
    required: false,
  },
  timeZone: {
    kind: 'zone',
    group: 'Site',
    label: 'Time zone',
    hint:
      'Dates and times are shown in it, and articles are scheduled in it: a name such as Europe/London or ' +
      'America/New_York.',
  },
  embedOrigins: {
    kind: 'list',
    group: 'Site',
    label: 'Embed origins',
    hint:
      'One per line, such as https://example.org: sites whose pages may show comments and ratings with ' +
      '/embed.js (besides EMBED_ORIGINS).',
    maxItems: 100,
    item: (line: string) =>
      parseOrigin(line) !== null ? undefined : 'enter an origin such as https://example.org (no path).',
  },
  commentPolicy: {
    kind: 'choice',
    group: 'Comments',
    label: 'Comment policy',
    options: [
      { value: 'hold-first-time', label: 'Hold a first-time commenter until one of their comments is approved' },
      { value: 'hold-all', label: 'Hold every comment for review' },
      { value: 'publish', label: 'Publish comments at once' },
    ],
  },
  commentsCloseAfterDays: {
    kind: 'int',
    group: 'Comments',
    label: 'Close comments after (days)',
    hint: 'Days after an article is published; 0 keeps comments open.',
    min: 0,
    max: 36_500,
  },
  commentEditMinutes: {
    kind: 'int',
    group: 'Comments',
    label: 'Editing window (minutes)',
    hint: 'How long after posting a reader may edit their comment; 0 turns editing off.',
    min: 0,
    max: 1440,
  },
  commentsPerPage: {
    kind: 'int',
    group: 'Comments',
    label: 'Threads per comment page',
    hint: 'Top-level comments (each with its replies) on one page.',
    min: 5,
    max: 200,
  },
  commentOrder: {
    kind: 'choice',
    group: 'Comments',
    label: 'Comment order',
    hint: 'Readers can switch with a link on the page.',
    options: [
      { value: 'oldest', label: 'Oldest first' },
      { value: 'newest', label: 'Newest first' },
    ],
  },
  replyDepth: {
    kind: 'int',
    group: 'Comments',
    label: 'Reply depth',
    hint: '1 allows no replies; 4 allows three levels of replies.',
    min: 1,
    max: 10,
  },
  ratingScale: {
    kind: 'choice',
    group: 'Ratings',
    label: 'Rating scale',
    hint: 'How readers enter a rating; scores are always stored and shown in percent.',
    options: [
      { value: 'stars', label: 'Five stars' },
      { value: 'percent', label: 'Percent (0–100)' },
    ],
  },
  ratingCapPerDay: {
    kind: 'int',
    group: 'Ratings',
    label: 'Ratings per address per article per day',
    hint: 'Stops one machine from stuffing the count.',
    min: 1,
    max: 100_000,
  },
  personalDataRetentionDays: {
    kind: 'int',
    group: 'Blocking',
    label: 'Days to keep address hashes and browser names',
    hint:
      'Comments and ratings keep them this long for spam checks and rating limits; then they are deleted. ' +
      'Ratings keep counting.',
    min: 1,
    max: 3650,
  },
  maxLinks: {
    kind: 'int',
    group: 'Blocking',
    label: 'Most links in a comment',
    hint: 'A comment with more links than this is held for a moderator.',
    min: 0,
    max: 100,
  },
  minFormSeconds: {
    kind: 'int',
    group: 'Blocking',
    label: 'Least seconds to write a comment',
    hint: 'A comment posted faster than this after the form was shown came from a script, and is spam.',
    min: 0,
    max: 600,
  },
  blockedEmails: {
    kind: 'list',
    group: 'Block lists',
    label: 'Blocked e-mail addresses',
    hint: 'One per line: someone@example.com, or @example.com for a whole domain. Their comments are spam.',
    maxItems: 10_000,
    item: (line: string) =>
      EMAIL_RULE.test(line)
        ? undefined
        : 'enter an address such as someone@example.com, or a domain such as @example.com.',
  },
  blockedIps: {
    kind: 'list',
    group: 'Blocking',
    label: 'Blocked client addresses',
    hint: 'One per line: 203.0.113.7, or a range such as 203.0.113.0/24 or 2001:db8::/32. Their comments are spam.',
    maxItems: 10_000,
    item: (line: string) =>
      isIpRule(line) ? undefined : 'enter an IP address such as 203.0.113.7, or a range such as 203.0.113.0/24.',
  },
  blockedWords: {
    kind: 'list',
    group: 'Block lists',
    label: 'Blocked words and phrases',
    hint: 'One per line, matched as whole words in any case. Comments containing them are spam.',
    maxItems: 10_000,
    item: (line: string) => (line.length > 100 ? 'keep each entry under 100 characters.' : undefined),
  },
  siteLogo: {
    kind: 'image',
    group: 'Images',
    label: 'Site logo',
    hint:
      'Shown in the header in place of the title (which stays its text alternative), and given to search ' +
      'engines as the publisher’s logo. A wide wordmark on a transparent background works best.',
  },
  siteIcon: {
    kind: 'image',
    group: 'Images',
    label: 'Favicon',
    hint:
      'The small square icon of browser tabs and bookmarks. Without one, the logo is used, fitted into a ' +
      'square; without a logo, the built-in icon.',
  },
  shareImage: {
    kind: 'image',
    group: 'Images',
    label: 'Default share image',
    hint:
      'The picture shown when a page without a featured image is shared (Open Graph, search results). About ' +
      '1200 × 630 pixels.',
  },
} as const satisfies Record<keyof Settings, FieldSpec>;

export type SettingsKey = keyof typeof SETTINGS_FIELDS;

/** Form values as strings, the way the form shows them (lists one item per line). */
export function toFormValues(settings: Settings): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of Object.keys(SETTINGS_FIELDS) as SettingsKey[]) {
    const value = settings[key] as unknown;
    values[key] = Array.isArray(value) ? value.join('\n') : String(value);
  }
  return values;
}

/**
 * Parses every field; `changes` holds only the values that differ from `current`. A field not sent at all keeps its
 * value.
 */
export function parseSettingsForm(
  body: Record<string, unknown>,
  current: Settings,
): { values: Record<string, string>; errors: FieldErrors; changes: Partial<Settings> } {
  const values: Record<string, string> = {};
  const errors: FieldErrors = {};
  const parsed: Record<string, unknown> = {};
  const unchanged = toFormValues(current);
  for (const [key, field] of Object.entries(SETTINGS_FIELDS) as [SettingsKey, FieldSpec][]) {
    if (field.kind === 'image') continue;
    const raw = typeof body[key] === 'string' ? (body[key] as string).replace(/\r\n?/g, '\n') : unchanged[key]!;
    values[key] = raw;
    const result = parseField(field, raw);
    if ('error' in result) errors[key] = result.error;
    else parsed[key] = result.value;
  }
  const changes: Record<string, unknown> = {};
  if (Object.keys(errors).length === 0) {
    for (const [key, value] of Object.entries(parsed))
      if (JSON.stringify(value) !== JSON.stringify(current[key as SettingsKey])) changes[key] = value;
  }
  return { values, errors, changes: changes as Partial<Settings> };
}

function parseField(field: FieldSpec, raw: string): { value: unknown } | { error: string } {
  switch (field.kind) {
    case 'text':
    case 'textarea': {
      const value = field.kind === 'text' ? raw.replace(/\s+/g, ' ').trim() : raw.trim();
      if (field.required && !value) return { error: `Enter a ${field.label.toLowerCase()}.` };
      if (value.length > field.maxLength)
        return { error: `Keep it under ${field.maxLength} characters; this has ${value.length}.` };
      return { value };
    }
    case 'int': {
      const value = raw.trim();
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || n < field.min || n > field.max) {
        return {
          error: `Enter a whole number from ${field.min.toLocaleString('en')} to ${field.max.toLocaleString('en')}.`,
        };
      }
      return { value: n };
    }
    case 'choice':
      return field.options.some((o) => o.value === raw)
        ? { value: raw }
        : { error: `Choose one of: ${field.options.map((o) => o.label).join('; ')}.` };
    case 'image':
      return { error: 'Images are uploaded on their own forms.' };
    case 'zone': {
      const zone = canonicalTimeZone(raw.trim());
      return zone
        ? { value: zone }
        : { error: 'Enter a time zone name such as Europe/London, America/New_York or UTC.' };
    }
    case 'list': {
      const items = [
        ...new Set(
          raw
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        ),
      ];
      if (items.length > field.maxItems)
        return {
          error:
            `At most ${field.maxItems.toLocaleString('en')} entries; this has ` +
            `${items.length.toLocaleString('en')}.`,
        };
      for (const item of items) {
        const problem = field.item(item);
        if (problem) return { error: `“${item.length > 60 ? `${item.slice(0, 59)}…` : item}”: ${problem}` };
      }
      return { value: items };
    }
  }
}
