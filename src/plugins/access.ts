// Every route must say who may call it; a route that does not is refused at start.
// Staff routes get their session checked, their role checked, and — for anything but
// GET/HEAD — their CSRF token checked, here, so that no handler can forget.
import type { FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { hmac, safeEqual } from '../lib/crypto.ts';
import type { StaffService, StaffSession } from '../features/staff/staff.service.ts';
import type { Role } from '../features/staff/staff.table.ts';

export type Access = 'public' | 'staff' | 'author' | 'editor' | 'moderator' | 'admin';

/** Which roles each access level admits. */
export const ADMITS: Record<Exclude<Access, 'public'>, readonly Role[]> = {
  staff: ['admin', 'editor', 'author', 'moderator'],
  author: ['admin', 'editor', 'author'],
  editor: ['admin', 'editor'],
  moderator: ['admin', 'editor', 'moderator'],
  admin: ['admin'],
};

export const STAFF_COOKIE = 'bs_staff';
/** Where a staff member who must choose a new password is sent, and the routes they may still use. */
export const PASSWORD_PATH = '/admin/account/password';
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set([PASSWORD_PATH, '/admin/logout']);

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    staff: StaffSession | null;
  }
}

export interface StaffCsrf {
  token(session: StaffSession): string;
}

export function createStaffCsrf(secret: string): StaffCsrf {
  return { token: (session) => hmac(secret, 'staff-csrf', session.idHash) };
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

export const accessPlugin = fp(
  async (app, { staff, csrf }: { staff: StaffService; csrf: StaffCsrf }) => {
    app.decorateRequest('staff', null);

    const authenticate =
      (access: Exclude<Access, 'public'>): onRequestHookHandler =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const token = request.cookies[STAFF_COOKIE];
        request.staff = token ? await staff.session(token) : null;
        if (!request.staff) {
          if (isApi(request) || request.method !== 'GET') throw new AppError('unauthenticated');
          return reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
        }
        const path = request.url.split('?')[0]!;
        if (request.staff.user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(path)) {
          if (isApi(request) || request.method !== 'GET')
            throw new AppError('forbidden', 'Choose a new password first.');
          return reply.redirect(PASSWORD_PATH, 303);
        }
        if (!ADMITS[access].includes(request.staff.user.role)) throw new AppError('forbidden');
      };

    const checkCsrf: preHandlerHookHandler = async (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const sent = request.headers['x-csrf-token'] ?? body?._csrf;
      if (typeof sent !== 'string' || !safeEqual(sent, csrf.token(request.staff!))) throw new AppError('csrf_invalid');
    };

    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (!access)
        throw new Error(`Route ${route.method} ${route.url} does not declare who may call it (config.access)`);
      if (access === 'public') return;
      route.onRequest = [...toArray(route.onRequest), authenticate(access)];
      const methods = toArray(route.method);
      if (methods.some((m) => m !== 'GET' && m !== 'HEAD'))
        route.preHandler = [checkCsrf, ...toArray(route.preHandler)];
    });
  },
  { name: 'access', dependencies: ['@fastify/cookie'] },
);

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
