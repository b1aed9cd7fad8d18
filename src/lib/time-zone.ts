// The site's time zone: validating IANA names, and converting between exact instants (ISO, UTC)
// and the wall-clock times people read and type in that zone. Intl formatters are costly to
// build, so each zone's are made once and kept.

/** The machine's zone, the site's default. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone's canonical IANA name, or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const cache = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone and options, built on first use. */
export function zoneFormatter(zone: string, locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${locale}|${JSON.stringify(options)}`;
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    cache.set(key, formatter);
  }
  return formatter;
}

const WALL = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
} as const;

/** The wall-clock reading in `zone` at `time`, as the milliseconds of that reading taken as UTC. */
function wallMs(zone: string, time: number): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(zone, 'en-US', WALL).formatToParts(time))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

/** The short name of the zone at that instant: "EST", "CEST", "UTC", or "GMT+5:30" where there is none. */
export function zoneAbbreviation(zone: string, time: Date | number): string {
  return (
    zoneFormatter(zone, 'en-US', { timeZoneName: 'short' })
      .formatToParts(time)
      .find((p) => p.type === 'timeZoneName')?.value ?? zone
  );
}

/** `YYYY-MM-DDTHH:MM`, the value of a datetime-local input, for an instant shown in `zone`. */
export function toWallClock(iso: string, zone: string): string {
  return new Date(wallMs(zone, Date.parse(iso))).toISOString().slice(0, 16);
}

export type WallClockResult = { instant: Date; ambiguous: boolean } | { nonexistent: true };

/**
 * The instant a wall-clock reading (year … minute, as numbers) names in `zone`. A reading the
 * clocks skip when they go forward does not exist; one they pass twice when they go back names
 * the earlier instant (`ambiguous`). The zone's offsets a day either side are the only
 * candidates, since no zone changes its offset twice in a day.
 */
export function fromWallClock(
  wall: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): WallClockResult {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsets = new Set(
    [naive - 86_400_000, naive, naive + 86_400_000].map((t) => wallMs(zone, t) - Math.floor(t / 1000) * 1000),
  );
  const matches = [...offsets]
    .map((offset) => naive - offset)
    .filter((t) => wallMs(zone, t) === naive)
    .sort((a, b) => a - b);
  if (matches.length === 0) return { nonexistent: true };
  return { instant: new Date(matches[0]!), ambiguous: matches.length > 1 };
}
