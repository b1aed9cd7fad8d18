// What one client may hold open, and how a connection ends when its request is refused early.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from '../lib/client-address.ts';

/**
 * After answering a request whose body is still arriving (a 413, a 408), keep reading and
 * discarding it for a while before closing, as nginx's lingering close does: closing a socket
 * with unread data makes the kernel send a reset, and the client then loses the answer it was
 * sent. At most this many bytes or milliseconds, then the connection is cut.
 */
export const LINGER = { bytes: 16 * 1024 * 1024, ms: 5_000 } as const;

/** Ends the socket once what was written has gone, then drains what the client still sends, within LINGER. */
export function lingeringClose(socket: Socket): void {
  if (socket.destroyed) return;
  let drained = 0;
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, LINGER.ms).unref();
  socket.once('close', () => clearTimeout(timer));
  socket.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER.bytes) cut();
  });
  // The client closing its side ends it (sockets are not left half-open).
  socket.once('end', cut);
  socket.end();
  socket.resume();
}

/** Makes the server's "close after this response" a lingering close for this socket. */
export function lingerOnClose(socket: Socket): void {
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => lingeringClose(socket);
}

/**
 * Caps open connections per client address (IPv4, or IPv6 /64): a client opening more is cut at
 * once. Connections from trusted proxies are not capped (every reader comes through them; the
 * proxy limits its own clients, see docs/DEPLOY.md). 0 turns the cap off.
 */
export function capConnections(
  server: Server,
  { max, isProxy }: { max: number; isProxy: (address: string) => boolean },
): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || isProxy(address)) return;
    const key = addressKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
