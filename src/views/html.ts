// Server rendering helpers. Preact escapes every string it renders; raw HTML enters only
// through dangerouslySetInnerHTML with content that was sanitised when it was stored.
//
// Dates and times are shown in the site's time zone (a setting). A render is synchronous, so
// the zone is set for its duration and the formatters below read it: views need not pass it
// down. A page takes it from its layout context (`context` or `frame.context` props).
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { systemTimeZone, zoneAbbreviation, zoneFormatter } from '../lib/time-zone.ts';

let renderZone = systemTimeZone();

function inZone<T>(zone: string | undefined, render: () => T): T {
  if (!zone) return render();
  const outer = renderZone;
  renderZone = zone;
  try {
    return render();
  } finally {
    renderZone = outer;
  }
}

/** The part of a page's layout context (views/layout.tsx) that gives its time zone. */
type ZonedContext = { settings: { timeZone: string } };

function zoneOfPage(page: VNode): string | undefined {
  const props = page.props as { context?: ZonedContext; frame?: { context?: ZonedContext } };
  return (props.context ?? props.frame?.context)?.settings.timeZone;
}

/** A whole document; times in `timeZone`, by default its layout context's. */
export function renderPage(page: VNode, timeZone = zoneOfPage(page)): string {
  return inZone(timeZone, () => '<!doctype html>' + renderToString(page));
}

/** Part of a page; its times in `timeZone` (the site's). */
export function renderFragment(node: VNode, timeZone?: string): string {
  return inZone(timeZone, () => renderToString(node));
}

/** "4 December 2026", the day in the site's zone. */
export function formatDate(iso: string, zone = renderZone): string {
  return zoneFormatter(zone, 'en-GB', { dateStyle: 'long' }).format(new Date(iso));
}

/** "4 Dec 2026, 09:30 EST": a time of day names its zone. */
export function formatDateTime(iso: string, zone = renderZone): string {
  const time = new Date(iso);
  return (
    `${zoneFormatter(zone, 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(time)} ` +
    `${zoneAbbreviation(zone, time)}`
  );
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
