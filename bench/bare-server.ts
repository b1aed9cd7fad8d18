// The baseline: a bare node:http server answering every request with one captured response,
// from memory. It runs in its own process, as Broadsheet has its own, so that each server gets
// one event loop to itself and the comparison measures the application, not the seating plan.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuMs, serveCalls } from './rpc.ts';

export interface CapturedResponse {
  status: number;
  contentType: string;
  /** The body, base64 (IPC carries JSON). */
  bodyBase64: string;
  /** Content-Encoding, when the body was captured compressed. */
  contentEncoding?: string;
  /** Every other header line the captured response carried (not Date or Connection, which node writes), to send the same bytes. */
  headers?: [string, string][];
}

let server: Server | undefined;

function listen(response: CapturedResponse): Promise<{ url: string }> {
  const body = Buffer.from(response.bodyBase64, 'base64');
  const headers: Record<string, string> = {
    'content-type': response.contentType,
    'content-length': String(body.length),
  };
  if (response.contentEncoding) headers['content-encoding'] = response.contentEncoding;
  for (const [name, value] of response.headers ?? []) headers[name] ??= value;
  server = createServer((_request, reply) => {
    reply.writeHead(response.status, headers);
    reply.end(body);
  });
  // Same keep-alive behaviour as Fastify's default, so idle gaps between runs do not close sockets.
  server.keepAliveTimeout = 72_000;
  return new Promise((resolve) => {
    server!.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}` }),
    );
  });
}

serveCalls({ listen, cpuMs });
