import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

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

export function hmac(key: string, ...parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('\0')).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
