// Shared by every admin page: the frame (session, CSRF token, layout context) and the reply.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { AppDeps } from '../../deps.ts';
import type { AdminFrame } from '../../views/admin-layout.tsx';
import { renderPage } from '../../views/html.ts';

/** What every admin page needs for its frame. */
export type AdminFrameDeps = Pick<AppDeps, 'staffCsrf' | 'layout'>;

export function adminFrame(deps: AdminFrameDeps, request: FastifyRequest): AdminFrame {
  const session = request.staff!;
  return { session, csrf: deps.staffCsrf.token(session), context: deps.layout() };
}

export function sendAdminPage(reply: FastifyReply, page: VNode): FastifyReply {
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderPage(page));
}
