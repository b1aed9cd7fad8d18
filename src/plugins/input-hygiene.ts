// Bad bytes stop at the door. A control character in an address's path is no page (404); in a
// query string or a form or JSON body it is removed (tab and line breaks are kept in bodies), so
// no engine is handed a NUL and both store the same text.
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { hasControls, stripAllControls, stripControls } from '../lib/control-chars.ts';

/** Cleans every string in plain objects and arrays, in place; other values (uploads, buffers) are left alone. */
function clean(value: unknown, strip: (text: string) => string): unknown {
  if (typeof value === 'string') return strip(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = clean(value[i], strip);
    return value;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = clean(record[key], strip);
  }
  return value;
}

export const inputHygienePlugin = fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      const params = request.params as Record<string, unknown> | undefined;
      if (params)
        for (const value of Object.values(params))
          if (typeof value === 'string' && hasControls(value)) throw new AppError('not_found');
      if (request.query) clean(request.query, stripAllControls);
      if (request.body) clean(request.body, stripControls);
    });
  },
  { name: 'input-hygiene' },
);
