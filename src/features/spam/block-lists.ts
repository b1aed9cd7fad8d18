// Block lists kept by moderators (settings blockedEmails, blockedIps, blockedWords). A comment
// that matches any entry is spam. Entries that cannot be understood are skipped, not fatal:
// one typo in a list must not stop every comment.
import { BlockList, isIP } from 'node:net';

export interface BlockLists {
  /** "someone@example.com" (exact), or "@example.com" / "example.com" (that domain and its subdomains). */
  emails: readonly string[];
  /** "203.0.113.7", "203.0.113.0/24", "2001:db8::/32". */
  ips: readonly string[];
  /** Words or phrases, matched case-insensitively as whole words. */
  words: readonly string[];
}

export interface BlockListHit {
  list: 'email' | 'ip' | 'word';
  /** The entry that matched, as the moderator wrote it. */
  entry: string;
}

export interface BlockListSubject {
  email: string;
  /** The request's address at post time, never stored; null when the comment did not come from a request. */
  ip: string | null;
  /** Everything the author wrote: body, name, website. */
  texts: readonly string[];
}

export function findBlockListHit(lists: BlockLists, subject: BlockListSubject): BlockListHit | null {
  const email = lists.emails.find((entry) => emailMatches(entry, subject.email));
  if (email !== undefined) return { list: 'email', entry: email };
  const ip = subject.ip === null ? undefined : lists.ips.find((entry) => ipMatches(entry, subject.ip!));
  if (ip !== undefined) return { list: 'ip', entry: ip };
  const word = lists.words.find((entry) => subject.texts.some((text) => containsWord(text, entry)));
  if (word !== undefined) return { list: 'word', entry: word };
  return null;
}

export function emailMatches(entry: string, email: string): boolean {
  const rule = entry.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  if (rule === '' || rule === '@') return false;
  if (rule.startsWith('@') || !rule.includes('@')) {
    const domain = rule.replace(/^@/, '');
    const addressDomain = address.slice(address.lastIndexOf('@') + 1);
    return addressDomain === domain || addressDomain.endsWith(`.${domain}`);
  }
  return address === rule;
}

export function ipMatches(entry: string, ip: string): boolean {
  const address = unmapIpv4(ip.trim());
  const family = isIP(address);
  if (family === 0) return false;
  const [base = '', prefix, ...rest] = entry.trim().split('/');
  const ruleAddress = unmapIpv4(base);
  const ruleFamily = isIP(ruleAddress);
  if (ruleFamily === 0 || rest.length > 0) return false;
  const type = ruleFamily === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  try {
    if (prefix === undefined) list.addAddress(ruleAddress, type);
    else if (/^\d{1,3}$/.test(prefix)) list.addSubnet(ruleAddress, Number(prefix), type);
    else return false;
  } catch {
    return false; // a prefix too long for the family
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** "::ffff:203.0.113.7" (how a dual-stack socket reports an IPv4 client) → "203.0.113.7". */
function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

export function containsWord(text: string, entry: string): boolean {
  const phrase = entry.trim();
  if (phrase === '') return false;
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  // Letters and digits on either side mean the entry is part of a longer word ("class" is not "ass").
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
}
