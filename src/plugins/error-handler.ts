// One error handler: catalogue errors keep their status and message; framework errors are
// translated into catalogue codes; anything else is a 500 whose details go only to the log.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/postgres.ts';
import { AppError, errorBody, type FieldErrors } from '../errors.ts';
import { lingerOnClose, lingeringClose } from './connections.ts';

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
      const field =
        missing ?? (issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext || 'request');
      fields[field] ??= missing ? 'This field is required.' : describe(issue.message);
    }
    const where =
      error.validationContext === 'body'
        ? ''
        : ` in the ${error.validationContext === 'querystring' ? 'query string' : 'URL'}`;
    return new AppError(
      'validation_failed',
      `Some fields${where} need attention: ${Object.keys(fields).join(', ')}.`,
      fields,
    );
  }
  if (error.statusCode === 429) return new AppError('rate_limited');
  const code = error.code ? FRAMEWORK_CODES[error.code] : undefined;
  if (code === 'bad_request' && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new AppError('bad_request', 'The request body is not valid JSON.');
  if (code) return new AppError(code);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return new AppError('bad_request', error.message);
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

/**
 * Answers with an error, as every layer must: the catalogue's `{ error, message }` for the API, our
 * HTML error page otherwise, and the security headers in both (an error may come before the hook
 * that sets them has run).
 */
export function createErrorResponder({
  renderHtml,
  headers,
}: {
  renderHtml: HtmlErrorRenderer;
  headers: Record<string, string>;
}) {
  return (request: FastifyRequest, reply: FastifyReply, appError: AppError) => {
    reply.status(appError.status).headers(headers);
    // Refused before its body arrived (413, 408…): the connection is closed after this answer,
    // draining what the client still sends, so that it reads the answer instead of a reset.
    if (!request.raw.complete && request.raw.socket) {
      reply.header('connection', 'close');
      lingerOnClose(request.raw.socket);
    }
    if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(renderHtml(request, appError));
    return reply.type('application/json; charset=utf-8').send(errorBody(appError));
  };
}

/**
 * Fastify's router answers some addresses itself (`frameworkErrors`): one that does not decode
 * (`%ff%fe`) is a bad request, and a part longer than any slug can be is nothing here.
 */
export function frameworkError(error: FastifyError): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('not_found');
  if (error.code === 'FST_ERR_BAD_URL') return new AppError('bad_request', 'That address is not valid.');
  return new AppError('bad_request');
}

export const errorHandlerPlugin = fp(
  async (
    app,
    options: {
      renderHtml: HtmlErrorRenderer;
      headers: Record<string, string>;
      redirect?: (url: string) => Promise<string | undefined>;
    },
  ) => {
    const respond = createErrorResponder(options);
    const { redirect } = options;
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: appError.code, status: appError.status }, appError.message);
      return respond(request, reply, appError);
    });
    app.setNotFoundHandler(async (request, reply) => {
      // An old address (an imported site's permalink) answers 301 to where it lives now.
      const moved =
        redirect && (request.method === 'GET' || request.method === 'HEAD') ? await redirect(request.url) : undefined;
      if (moved) return reply.redirect(moved, 301);
      return respond(request, reply, new AppError('not_found'));
    });
  },
  { name: 'error-handler' },
);

/**
 * A request Node could not parse (bad syntax, headers too large, the request timing out before
 * its headers came): answered on the socket itself, in the same shape and with the same headers.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
  headers: Record<string, string>,
): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const appError =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new AppError('request_timeout')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('headers_too_large')
        : new AppError('bad_request');
  const body = JSON.stringify(errorBody(appError));
  const lines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n${lines}\r\n${body}`,
  );
  lingeringClose(socket as Socket);
}
