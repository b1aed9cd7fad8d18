// Where pino's lines go. A terminal gets one short line per entry for the person watching it; a
// pipe or file (systemd, Docker, a log collector) gets pino's JSON unchanged. A few lines of our
// own instead of pino-pretty, which would bring a dozen packages into production for a terminal.
import pino, { type DestinationStream } from 'pino';

const LEVELS: Record<number, { name: string; colour: number }> = {
  10: { name: 'TRACE', colour: 90 },
  20: { name: 'DEBUG', colour: 90 },
  30: { name: 'INFO', colour: 32 },
  40: { name: 'WARN', colour: 33 },
  50: { name: 'ERROR', colour: 31 },
  60: { name: 'FATAL', colour: 35 },
};
/** Fields every line has, or that say nothing to the person at the terminal. */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'v', 'err']);

function paint(text: string, code: number, colour: boolean): string {
  return colour ? `\u001b[${code}m${text}\u001b[39m` : text;
}

function shownValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value && typeof value === 'object' && 'method' in value && 'url' in value)
    return `"${String(value.method)} ${String(value.url)}"`;
  return JSON.stringify(value) ?? String(value);
}

/**
 * One pino JSON line as a person reads it: `12:04:05.678 INFO  message key=value`, then an
 * error's stack indented below. A line that is not pino's JSON is passed through.
 */
export function formatLogLine(line: string, { colour = false } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!entry || typeof entry !== 'object' || typeof entry.level !== 'number') return line;
  const level = LEVELS[entry.level] ?? { name: String(entry.level), colour: 39 };
  const time = typeof entry.time === 'number' ? new Date(entry.time) : new Date();
  const clock = `${time.toTimeString().slice(0, 8)}.${String(time.getMilliseconds()).padStart(3, '0')}`;
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN_ELSEWHERE.has(key))
    .map(([key, value]) => `${paint(key, 90, colour)}=${shownValue(value)}`);
  const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
  const message = [typeof entry.msg === 'string' ? entry.msg : '', ...fields].filter(Boolean).join(' ');
  let text = `${paint(clock, 90, colour)} ${paint(level.name.padEnd(5), level.colour, colour)} ${message}`;
  if (err) text += `\n    ${(err.stack ?? `${err.type ?? 'Error'}: ${err.message ?? ''}`).replace(/\n/g, '\n    ')}`;
  return `${text}\n`;
}

/** A pino destination that writes readable lines to the stream (colour when it supports it). */
export function readableLog(out: DestinationStream, { colour = false } = {}): DestinationStream {
  return { write: (line: string) => out.write(formatLogLine(line, { colour })) };
}

/**
 * The destination for a log on file descriptor 1 (stdout) or 2 (stderr): readable lines on a
 * terminal, JSON otherwise.
 */
export function logDestination(fd: 1 | 2): DestinationStream {
  const out = pino.destination(fd);
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!stream.isTTY) return out;
  return readableLog(out, { colour: stream.hasColors?.() ?? false });
}
