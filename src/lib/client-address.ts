// One client, one address: what limits and hashes count. An IPv4 client reached over IPv6
// (`::ffff:192.0.2.9`) is that IPv4 address, and an IPv6 client is its /64, the block one
// household or one machine is normally given (it can pick any address inside it at will).
import { isIPv4, isIPv6 } from 'node:net';

/** `::ffff:192.0.2.9` (or its hex form `::ffff:c000:209`) as `192.0.2.9`; any other address unchanged. */
export function unmapIPv4(ip: string): string {
  const mapped = /^::ffff:(?:0:)?(.+)$/i.exec(ip)?.[1];
  if (mapped === undefined) return ip;
  if (isIPv4(mapped)) return mapped;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(mapped);
  if (!hex) return ip;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The eight 16-bit groups of an IPv6 address (without a zone), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  const address = ip.replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  let text = address;
  // A trailing dotted IPv4 part is the last two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/** What limits and address hashes count for this client: its IPv4 address, or its IPv6 /64 (`2001:db8:0:1::/64`). */
export function addressKey(ip: string): string {
  const unmapped = unmapIPv4(ip);
  if (isIPv4(unmapped)) return unmapped;
  const groups = ipv6Groups(unmapped);
  if (!groups) return unmapped;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

const requestKeys = new WeakMap<object, string>();

/**
 * addressKey of a request's client, worked out once per request: the rate limit and the address
 * hash both ask, and behind a trusted proxy each reading of `request.ip` parses the forwarding
 * header again.
 */
export function requestAddressKey(request: { readonly ip: string }): string {
  let key = requestKeys.get(request);
  if (key === undefined) {
    key = addressKey(request.ip);
    requestKeys.set(request, key);
  }
  return key;
}
