import { createHmac, createSecretKey, randomFillSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createCache } from './cache.ts';

// Tokens are cut from a pool of random bytes refilled 4 KB at a time: asking the CSPRNG for 18
// bytes per reader cookie or form token cost more than the rest of making either. Each byte is
// handed out once. (node's randomUUID keeps a similar cache.)
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

export function randomToken(bytes = 18): string {
  if (bytes > POOL_SIZE) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const token = pool.toString('base64url', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return token;
}

// Each secret as a key object, made once: from a string, every HMAC converted the key again.
const keyObjects = createCache<string, KeyObject>({ maxEntries: 64 });

export function hmac(key: string, ...parts: string[]): string {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = createSecretKey(Buffer.from(key, 'utf8'));
    keyObjects.set(key, keyObject);
  }
  return createHmac('sha256', keyObject).update(parts.join('\0')).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
