// The outbox's 'mail' channel: hands a message to the SMTP server of SMTP_URL (nodemailer).
import nodemailer from 'nodemailer';
import type { Config, SmtpTarget } from '../../config.ts';
import type { Deliverer } from '../outbox/outbox-sender.ts';

/** What the outbox holds for a mail: already written, so a retry sends exactly the same message. */
export interface MailPayload {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers: List-Id, List-Unsubscribe, Auto-Submitted… */
  headers: Record<string, string>;
}

/** The Message-ID of an outbox message: the same on every attempt, so a copy can be recognised. */
export function messageIdFor(outboxId: number, createdAt: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'localhost';
  return `<${outboxId}.${Date.parse(createdAt).toString(36)}.outbox@${domain}>`;
}

export function createMailDeliverer(deps: {
  smtp: SmtpTarget;
  mailFrom: Config['mailFrom'];
  siteTitle: () => string;
}): { deliver: Deliverer; close(): void } {
  const { smtp, mailFrom } = deps;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.tls === 'required',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    tls: { rejectUnauthorized: smtp.verifyCertificate },
    // Well under the outbox's lease, so a hanging server is a failed attempt, never a lost lease.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async deliver(message) {
      const mail = message.payload as MailPayload;
      await transport.sendMail({
        from: { name: mailFrom.name ?? deps.siteTitle(), address: mailFrom.address },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdFor(message.id, message.createdAt, mailFrom.address),
        date: new Date(message.createdAt),
        headers: mail.headers,
      });
    },
    close: () => transport.close(),
  };
}
