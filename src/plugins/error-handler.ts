// One error handler: catalogue errors keep their status and message; framework errors are
// translated into catalogue codes; anything else is a 500 whose details go only to the log.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/postgres.ts';
import { AppError, errorBody, type FieldErrors } from '../errors.ts';

export type HtmlErrorRenderer = (request: FastifyRequest, error: AppError) => string;

const FRAMEWORK_CODES: Record<string, AppError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  // @fastify/multipart (uploads in the admin area)
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields: FieldErrors = {};
    for (const issue of error.validation) {
      const missing = (issue.params as { missingProperty?: string }).missingProperty;
      const field = missing ?? (issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext || 'request');
      fields[field] ??= missing ? 'This field is required.' : describe(issue.message);
    }
    const where = error.validationContext === 'body' ? '' : ` in the ${error.validationContext === 'querystring' ? 'query string' : 'URL'}`;
    return new AppError('validation_failed', `Some fields${where} need attention: ${Object.keys(fields).join(', ')}.`, fields);
  }
  if (error.statusCode === 429) return new AppError('rate_limited');
  const code = error.code ? FRAMEWORK_CODES[error.code] : undefined;
  if (code === 'bad_request' && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new AppError('bad_request', 'The request body is not valid JSON.');
  if (code) return new AppError(code);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new AppError('bad_request', error.message);
  // The database restarting or dropping a connection: nothing was acknowledged, try again (503).
  if (isDatabaseUnavailable(error)) return new AppError('unavailable');
  return new AppError('internal');
}

function describe(message: string | undefined): string {
  if (!message) return 'This value is not valid.';
  return message.charAt(0).toUpperCase() + message.slice(1) + '.';
}

export function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && request.url !== '/healthz' && request.url !== '/readyz';
}

export const errorHandlerPlugin = fp(
  async (app, { renderHtml, redirect }: { renderHtml: HtmlErrorRenderer; redirect?: (url: string) => Promise<string | undefined> }) => {
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: appError.code, status: appError.status }, appError.message);
      reply.status(appError.status);
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(renderHtml(request, appError));
      return reply.send(errorBody(appError));
    });
    app.setNotFoundHandler(async (request, reply) => {
      // An old address (an imported site's permalink) answers 301 to where it lives now.
      const moved = redirect && (request.method === 'GET' || request.method === 'HEAD') ? await redirect(request.url) : undefined;
      if (moved) return reply.redirect(moved, 301);
      const error = new AppError('not_found');
      reply.status(404);
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(renderHtml(request, error));
      return reply.send(errorBody(error));
    });
  },
  { name: 'error-handler' },
);
