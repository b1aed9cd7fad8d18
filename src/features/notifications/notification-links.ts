// Links in mail: `<id>.<signature>`, an HMAC over the purpose and the id with a server secret.
// They carry no address, and they do not expire (an unsubscribe link must work for years).
import { hmac, safeEqual } from '../../lib/crypto.ts';

export type LinkPurpose = 'confirm' | 'unsubscribe';

export function signLink(key: string, purpose: LinkPurpose, id: number): string {
  return `${id}.${hmac(key, 'mail-link', purpose, String(id)).slice(0, 32)}`;
}

/** The id a link was signed for, or undefined when it was changed, cut short or made up. */
export function verifyLink(key: string, purpose: LinkPurpose, token: string): number | undefined {
  const match = /^([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return undefined;
  const id = Number(match[1]);
  return safeEqual(signLink(key, purpose, id), token) ? id : undefined;
}
