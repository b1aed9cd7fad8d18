// Which addresses a webhook may reach. Private, loopback, link-local (cloud metadata at
// 169.254.169.254), shared and reserved ranges are refused unless the host is listed in
// WEBHOOK_ALLOWED_HOSTS: otherwise anyone with an admin account could make the server call its
// own network. The check runs on the address actually connected to, after DNS (a `lookup` on the
// request), so a name that resolves to 127.0.0.1 is refused like 127.0.0.1 itself.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** Why an address may not be called, or null when it may. An IPv4-mapped IPv6 address is judged as IPv4. */
export function refusedAddress(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip);
  if (family === 0) return `${address} is not an IP address`;
  return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6')
    ? `${address} is a private, loopback, link-local or reserved address`
    : null;
}

/** Host names (and addresses) that may be reached even on such addresses: WEBHOOK_ALLOWED_HOSTS. */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowedHosts.includes(host);
}

/** A `lookup` for http.request that refuses what refusedAddress refuses, for hosts not allowed. */
export function guardedLookup(allowedHosts: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const list = addresses;
      if (!hostAllowed(hostname, allowedHosts)) {
        for (const entry of list) {
          const problem = refusedAddress(entry.address);
          if (problem)
            return callback(
              Object.assign(new Error(`refused: ${hostname} resolves to ${problem}`), { code: 'EWEBHOOKADDRESS' }),
              '',
              0,
            );
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Checks a URL before any request: http(s), no credentials, and a literal address only when allowed. */
export function webhookUrlProblem(raw: string, allowedHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter an http:// or https:// URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Enter an http:// or https:// URL.';
  if (url.username || url.password)
    return 'Leave user names and passwords out of the URL; the signature proves who sent the request.';
  if (raw.length > 2000) return 'The URL is too long (at most 2,000 characters).';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (hostAllowed(host, allowedHosts)) return null;
  if (host === 'localhost' || host.endsWith('.localhost'))
    return 'localhost is this server itself; list it in WEBHOOK_ALLOWED_HOSTS to allow it.';
  if (isIP(host) !== 0) {
    const problem = refusedAddress(host);
    if (problem) return `${problem}; list the host in WEBHOOK_ALLOWED_HOSTS to allow it.`;
  }
  return null;
}
