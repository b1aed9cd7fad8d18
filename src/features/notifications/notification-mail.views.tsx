// The mails readers and moderators receive: a plain-text part and an HTML part each, with the
// headers that tell mail software what they are (machine-sent: Auto-Submitted; a list:
// List-Id; one-click unsubscribe: List-Unsubscribe and List-Unsubscribe-Post, RFC 8058).
import type { ComponentChildren } from 'preact';
import { renderFragment } from '../../views/html.ts';
import type { MailPayload } from '../mail/mail-deliverer.ts';

export interface MailSite {
  title: string;
  publicUrl: string;
}

function listId(site: MailSite, list: string): string {
  const host = new URL(site.publicUrl).hostname;
  const domain = host.includes('.') ? host : `${host}.localdomain`;
  return `${site.title.replace(/[<>"\r\n]/g, '')} ${list} <${list}.${domain}>`;
}

function html(title: string, body: ComponentChildren): string {
  // renderFragment takes a node: the fragments make one of text.
  // biome-ignore lint/complexity/noUselessFragments: see above
  const titleHtml = renderFragment(<>{title}</>);
  // biome-ignore lint/complexity/noUselessFragments: see above
  const bodyHtml = renderFragment(<>{body}</>);
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${titleHtml}</title></head><body>${bodyHtml}</body></html>`
  );
}

/** A machine-sent mail: its text part (lines), its HTML body, and any headers beyond Auto-Submitted. */
export function mail(
  to: string,
  subject: string,
  text: string[],
  body: ComponentChildren,
  headers: Record<string, string> = {},
): MailPayload {
  return {
    to,
    subject,
    text: text.join('\n'),
    html: html(subject, body),
    headers: { 'Auto-Submitted': 'auto-generated', ...headers },
  };
}

export function confirmationMail(site: MailSite, to: string, confirmUrl: string): MailPayload {
  const subject = `Confirm reply notifications from ${site.title}`;
  const text = [
    `Someone, probably you, asked ${site.title} to e-mail this address when someone replies to their comment.`,
    '',
    'To confirm, open this link and press the button:',
    confirmUrl,
    '',
    'If it was not you, ignore this mail: nothing more will be sent to you.',
  ];
  return mail(
    to,
    subject,
    text,
    <>
      <p>Someone, probably you, asked {site.title} to e-mail this address when someone replies to their comment.</p>
      <p>
        <a href={confirmUrl}>Confirm reply notifications</a>
      </p>
      <p>If it was not you, ignore this mail: nothing more will be sent to you.</p>
    </>,
  );
}

export function replyMail(
  site: MailSite,
  to: string,
  reply: { authorName: string; bodyText: string; url: string; articleTitle: string },
  unsubscribeUrl: string,
): MailPayload {
  const subject = `${reply.authorName} replied to your comment on "${reply.articleTitle}"`;
  const text = [
    `${reply.authorName} replied to your comment on "${reply.articleTitle}":`,
    '',
    ...reply.bodyText.split('\n').map((line) => `> ${line}`),
    '',
    `Read it and answer: ${reply.url}`,
    '',
    `You receive this because you asked to be told of replies. Stop these mails: ${unsubscribeUrl}`,
  ];
  return mail(
    to,
    subject,
    text,
    <>
      <p>
        {reply.authorName} replied to your comment on “{reply.articleTitle}”:
      </p>
      <blockquote>
        {reply.bodyText.split('\n').map((line) => (
          <>
            {line}
            <br />
          </>
        ))}
      </blockquote>
      <p>
        <a href={reply.url}>Read it and answer</a>
      </p>
      <p>
        <small>
          You receive this because you asked to be told of replies. <a href={unsubscribeUrl}>Stop these mails</a>.
        </small>
      </p>
    </>,
    {
      'List-Id': listId(site, 'replies'),
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  );
}

export function heldDigestMail(
  site: MailSite,
  to: string,
  digest: {
    count: number;
    queueUrl: string;
    accountUrl: string;
    samples: { authorName: string; articleTitle: string; excerpt: string }[];
  },
): MailPayload {
  const subject = `${digest.count} comment${digest.count === 1 ? '' : 's'} held for moderation on ${site.title}`;
  const text = [
    `${subject}:`,
    '',
    ...digest.samples.map((s) => `- ${s.authorName} on "${s.articleTitle}": ${s.excerpt}`),
    ...(digest.count > digest.samples.length ? [`- and ${digest.count - digest.samples.length} more`] : []),
    '',
    `The queue: ${digest.queueUrl}`,
    '',
    `Change how often you receive this: ${digest.accountUrl}`,
  ];
  return mail(
    to,
    subject,
    text,
    <>
      <p>{subject}:</p>
      <ul>
        {digest.samples.map((s) => (
          <li>
            {s.authorName} on “{s.articleTitle}”: {s.excerpt}
          </li>
        ))}
        {digest.count > digest.samples.length ? <li>and {digest.count - digest.samples.length} more</li> : null}
      </ul>
      <p>
        <a href={digest.queueUrl}>Open the moderation queue</a>
      </p>
      <p>
        <small>
          <a href={digest.accountUrl}>Change how often you receive this</a>
        </small>
      </p>
    </>,
    { 'List-Id': listId(site, 'moderation') },
  );
}

export function privacyLinkMail(site: MailSite, to: string, url: string): MailPayload {
  const subject = `Your data on ${site.title}`;
  const text = [
    `Someone, probably you, asked to see or erase what ${site.title} stores about this address.`,
    '',
    'This link works once, for 24 hours:',
    url,
    '',
    'If it was not you, ignore this mail; nothing changes.',
  ];
  return mail(
    to,
    subject,
    text,
    <>
      <p>Someone, probably you, asked to see or erase what {site.title} stores about this address.</p>
      <p>
        <a href={url}>See or erase your data</a> (this link works once, for 24 hours)
      </p>
      <p>If it was not you, ignore this mail; nothing changes.</p>
    </>,
  );
}
