// C0 control characters (and DEL) from outside: PostgreSQL refuses NUL in text, SQLite stores
// it, and a terminal obeys escape sequences. Removed on the way in so both engines store the same.

/** Every C0 control and DEL except tab, line feed and carriage return. */
const CONTROLS_BUT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Every C0 control and DEL. */
const CONTROLS = /[\u0000-\u001F\u007F]/g;
const ANY_CONTROL = /[\u0000-\u001F\u007F]/;

/** Removes control characters, keeping tab and line breaks (for texts such as a comment's body). */
export function stripControls(text: string): string {
  return text.replace(CONTROLS_BUT_WHITESPACE, '');
}

/** Removes every control character, line breaks too (for one-line values: names, addresses, URLs). */
export function stripAllControls(text: string): string {
  return text.replace(CONTROLS, '');
}

export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/**
 * Reader text fit for a terminal: C0 (but tab and line feed), DEL and C1 controls, and the
 * bidirectional overrides that reorder a line, written out as `\x1B` or `\u202E`.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).toUpperCase()}`
      : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
}
