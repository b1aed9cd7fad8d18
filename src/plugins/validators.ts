// Schema validation, with one addition: a number taken from a query string or a URL must be
// finite. Ajv's coercion turns "Infinity" and "1e400" into Infinity, which passes `maximum`
// and would reach the database as a LIMIT or an OFFSET.
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type Validator = ((data: unknown) => unknown) & { errors?: unknown };

/** The first path (`limit`, `items/0`) holding a non-finite number, or undefined. */
function nonFinitePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinitePath(item, path ? `${path}/${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function finiteOnly(validate: Validator): Validator {
  const wrapped: Validator = (data) => {
    const result = validate(data);
    if (result !== true) {
      wrapped.errors = validate.errors;
      return result;
    }
    const path = nonFinitePath(data, '');
    if (path === undefined) return true;
    wrapped.errors = [
      { keyword: 'type', instancePath: `/${path}`, schemaPath: '#', params: {}, message: 'must be a finite number' },
    ];
    return false;
  };
  return wrapped;
}

/**
 * The validator compiler for a scope: Fastify's defaults (coercing query strings and URL parts),
 * or, with `exactBodies`, bodies taken as sent (no turning null or true into a number).
 */
export function validatorCompiler({ exactBodies }: { exactBodies: boolean }): FastifySchemaCompiler<unknown> {
  const compilers = AjvCompiler();
  const coercing = compilers({}, { customOptions: {} });
  const exact = compilers({}, { customOptions: { coerceTypes: false } });
  return (route) =>
    finiteOnly(
      lazily(() => (exactBodies && route.httpPart === 'body' ? exact : coercing)(route) as Validator),
    ) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/**
 * A validator compiled on its first use. Compiling every route's schemas took a fifth of the
 * server's start (Ajv generates and evaluates code for each); a route's first request pays for
 * its own instead. The schemas are the code's, not input, and every route's tests run them.
 */
function lazily(compile: () => Validator): Validator {
  let validate: Validator | undefined;
  const wrapped: Validator = (data) => {
    validate ??= compile();
    const result = validate(data);
    wrapped.errors = validate.errors;
    return result;
  };
  return wrapped;
}
