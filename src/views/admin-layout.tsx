// The admin area's frame: the same stylesheet as the site, a navigation that shows each role
// what it may use, and the logout button.
import type { ComponentChildren } from 'preact';
import { ADMITS, type Access } from '../plugins/access.ts';
import type { StaffSession } from '../features/staff/staff.service.ts';
import type { LayoutContext } from './layout.tsx';

export interface AdminFrame {
  session: StaffSession;
  csrf: string;
  context: LayoutContext;
}

const NAV: { href: string; label: string; access: Exclude<Access, 'public'> }[] = [
  { href: '/admin', label: 'Dashboard', access: 'staff' },
  { href: '/admin/articles', label: 'Articles', access: 'author' },
  { href: '/admin/comments', label: 'Comments', access: 'moderator' },
  { href: '/admin/bans', label: 'Bans', access: 'moderator' },
  { href: '/admin/blocking', label: 'Block lists', access: 'moderator' },
  { href: '/admin/settings', label: 'Settings', access: 'admin' },
  { href: '/admin/tools', label: 'Import/export', access: 'admin' },
  { href: '/admin/users', label: 'Staff', access: 'admin' },
  { href: '/admin/audit', label: 'Audit log', access: 'admin' },
  { href: '/admin/outbox', label: 'Outbox', access: 'admin' },
  { href: '/admin/webhooks', label: 'Webhooks', access: 'admin' },
];

/** The admin pages' <head>: kept out of search engines, same stylesheet as the site. */
function AdminHead({ title, stylesheet, scripts }: { title: string; stylesheet: string; scripts?: string[] }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      <link rel="stylesheet" href={stylesheet} />
      {scripts?.map((src) => (
        <script src={src} defer />
      ))}
    </head>
  );
}

export function AdminLayout({
  frame,
  title,
  active,
  children,
  scripts,
}: {
  frame: AdminFrame;
  title: string;
  active: string;
  children: ComponentChildren;
  scripts?: string[];
}) {
  const { session, csrf, context } = frame;
  return (
    <html lang="en">
      <AdminHead
        title={`${title} — ${context.settings.siteTitle} admin`}
        stylesheet={context.stylesheet}
        scripts={scripts}
      />
      <body class="admin">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header admin-header">
          <div class="wrap wide">
            <a class="site-title" href="/admin">
              {context.settings.siteTitle} <span class="admin-badge">admin</span>
            </a>
            <nav aria-label="Admin">
              <ul class="admin-nav">
                {NAV.filter((item) => ADMITS[item.access].includes(session.user.role)).map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === active ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/">View site</a>
                </li>
              </ul>
            </nav>
            <form method="post" action="/admin/logout" class="logout-form">
              <input type="hidden" name="_csrf" value={csrf} />
              <span class="whoami">
                {session.user.displayName} ({session.user.role}) ·{' '}
                <a
                  href="/admin/account/password"
                  aria-current={active === '/admin/account/password' ? 'page' : undefined}
                >
                  Password
                </a>
                {ADMITS.moderator.includes(session.user.role) ? (
                  <>
                    {' '}
                    ·{' '}
                    <a
                      href="/admin/account/notifications"
                      aria-current={active === '/admin/account/notifications' ? 'page' : undefined}
                    >
                      E-mail
                    </a>
                  </>
                ) : null}
              </span>{' '}
              <button type="submit" class="link-button">
                Log out
              </button>
            </form>
          </div>
        </header>
        <main id="main" class="wrap wide" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A page outside the signed-in frame (login), sharing the admin look. */
export function AdminBareLayout({
  title,
  context,
  children,
}: {
  title: string;
  context: LayoutContext;
  children: ComponentChildren;
}) {
  return (
    <html lang="en">
      <AdminHead title={`${title} — ${context.settings.siteTitle}`} stylesheet={context.stylesheet} />
      <body class="admin">
        <main id="main" class="wrap narrow" tabIndex={-1}>
          <p class="site-title">{context.settings.siteTitle}</p>
          {children}
        </main>
      </body>
    </html>
  );
}
