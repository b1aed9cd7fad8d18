// A site that sends mail to a real SMTP server, with an article to comment on: what the mail
// tests (reply notifications, privacy) start from.
import assert from 'node:assert/strict';
import { createArticle } from './factories.ts';
import { lastCommentId, submitCommentForm } from './broadsheet.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from './smtp.ts';
import { startTestApp, type Client, type TestApp } from './test-app.ts';

export interface MailSite {
  smtp: TestSmtpServer;
  app: TestApp;
  article: Awaited<ReturnType<typeof createArticle>>;
  /** Sends what is due and returns the mails that arrived meanwhile. */
  deliver(): Promise<ReceivedMail[]>;
  /** Posts the comment form as a browser does; returns the new comment's id. */
  postForm(client: Client, fields: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

export async function startMailSite(articleTitle: string): Promise<MailSite> {
  const smtp = await startSmtpServer();
  const app = await startTestApp({
    env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://news.example.org' },
    settings: { commentPolicy: 'publish' },
  });
  const article = await createArticle(app.services, { title: articleTitle });
  return {
    smtp,
    app,
    article,
    async deliver() {
      const before = smtp.received.length;
      await app.services.outbox.runOnce();
      return smtp.received.slice(before);
    },
    async postForm(client, fields) {
      const response = await submitCommentForm(client, `/articles/${article.slug}`, fields as Record<string, string>);
      assert.equal(response.status, 303, await response.text());
      return lastCommentId(app.services);
    },
    async close() {
      await app.close();
      await smtp.close();
    },
  };
}
