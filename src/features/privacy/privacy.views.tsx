// /privacy: ask for a link by e-mail; behind the link, download or erase. Plain forms.
import { Layout, type LayoutContext } from '../../views/layout.tsx';
import { formatDateTime, plural } from '../../views/html.ts';
import type { ErasureSummary } from './privacy.service.ts';

const noindex = <meta name="robots" content="noindex" />;

export function PrivacyRequestPage(props: {
  context: LayoutContext;
  email: string;
  error?: string;
  sent: boolean;
  mailEnabled: boolean;
}) {
  return (
    <Layout
      meta={{
        title: 'Your data',
        path: '/privacy',
        description: 'See or erase what this site stores about your e-mail address.',
      }}
      context={props.context}
    >
      <section class="privacy-page">
        <h1>Your data</h1>
        <p>
          When you comment, we store your name, e-mail address, website and comment, and for a while a keyed hash of
          your network address and your browser's name (to fight spam). Ask for a link below, and you can download all
          of it as a file, or erase it.
        </p>
        {props.sent ? (
          <p class="notice" role="status">
            If we store anything about that address, we have sent it a link. It works once, for 24 hours. Check your
            mailbox (and its spam folder).
          </p>
        ) : null}
        {props.mailEnabled ? (
          <form method="post" action="/privacy" novalidate>
            <p class="field">
              <label for="privacy-email">Your e-mail address</label>
              <input
                id="privacy-email"
                name="email"
                type="email"
                autocomplete="email"
                maxLength={254}
                required
                value={props.email}
                {...(props.error ? { 'aria-invalid': true, 'aria-describedby': 'privacy-email-error' } : {})}
              />
              {props.error ? (
                <span class="field-error" id="privacy-email-error">
                  {props.error}
                </span>
              ) : null}
            </p>
            <p class="form-actions">
              <button type="submit">Send me a link</button>
            </p>
          </form>
        ) : (
          <p class="notice">
            This site does not send e-mail at the moment, so it cannot send you a link. Write to its editors instead.
          </p>
        )}
      </section>
    </Layout>
  );
}

export function PrivacyManagePage(props: {
  context: LayoutContext;
  token: string;
  email: string;
  expiresAt: string;
  comments: number;
  subscriptions: number;
}) {
  const base = `/privacy/${props.token}`;
  return (
    <Layout meta={{ title: 'Your data', path: '', head: noindex }} context={props.context}>
      <section class="privacy-page">
        <h1>Your data</h1>
        <p>
          Stored about {props.email}: {plural(props.comments, 'comment', 'comments')} and{' '}
          {plural(props.subscriptions, 'reply notification', 'reply notifications')}. This page works until{' '}
          <time dateTime={props.expiresAt}>{formatDateTime(props.expiresAt)}</time>, or until you erase.
        </p>
        <h2>Download</h2>
        <form method="post" action={`${base}/export`}>
          <p>
            Everything above, as a JSON file: your comments with links to their articles, and your reply notifications.
          </p>
          <button type="submit">Download my data</button>
        </form>
        <h2>Erase</h2>
        <form method="post" action={`${base}/erase`}>
          <p>
            Your comments are deleted. A comment others have replied to stays as “[removed]”, without your name,
            address, website or text, so that the conversation keeps its shape. Your reply notifications stop. This
            cannot be undone.
          </p>
          <button type="submit">Erase my data</button>
        </form>
      </section>
    </Layout>
  );
}

export function ErasedPage({ context, summary }: { context: LayoutContext; summary: ErasureSummary }) {
  return (
    <Layout meta={{ title: 'Erased', path: '', head: noindex }} context={context}>
      <section class="privacy-page">
        <h1>Erased</h1>
        <p role="status">
          {plural(summary.deleted, 'comment', 'comments')} deleted, {plural(summary.blanked, 'comment', 'comments')}{' '}
          kept as “[removed]” because others replied, and{' '}
          {plural(summary.subscriptions, 'reply notification', 'reply notifications')} stopped. Nothing more is stored
          about your address.
        </p>
        <p>
          <a href="/">Go to the front page</a>
        </p>
      </section>
    </Layout>
  );
}
