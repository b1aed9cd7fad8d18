// The mail a staff member receives when they (or someone typing their address) ask to reset their password.
import type { MailPayload } from '../mail/mail-deliverer.ts';
import { mail, type MailSite } from '../notifications/notification-mail.views.tsx';

export function passwordResetMail(site: MailSite, to: string, resetUrl: string, minutes: number): MailPayload {
  const subject = `Reset your password for ${site.title}`;
  const text = [
    `Someone, probably you, asked to reset the password of this address's staff account on ${site.title}.`,
    '',
    `To choose a new password, open this link within ${minutes} minutes (it works once):`,
    resetUrl,
    '',
    'If it was not you, ignore this mail: your password stays as it is.',
  ];
  return mail(
    to,
    subject,
    text,
    <>
      <p>Someone, probably you, asked to reset the password of this address’s staff account on {site.title}.</p>
      <p>
        <a href={resetUrl}>Choose a new password</a> (the link works once, within {minutes} minutes).
      </p>
      <p>If it was not you, ignore this mail: your password stays as it is.</p>
    </>,
  );
}
