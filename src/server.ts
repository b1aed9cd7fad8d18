// Process entry for `broadsheet serve`: build, listen, and close cleanly on SIGTERM/SIGINT.
import type { AddressInfo } from 'node:net';
import { buildApp, createServices, type Services } from './app.ts';
import type { Config } from './config.ts';
import { seedDemoContent } from './features/demo/demo.service.ts';

/**
 * The one line that tells the operator where the site and the admin are and, while no admin
 * exists, the set-up link that creates the first one.
 */
async function startLine(services: Services, address: AddressInfo | string | null): Promise<string> {
  // PORT=0 asks for any free port: show the one given.
  const site =
    typeof address === 'object' && address
      ? services.config.publicUrl.replace(/:0$/, `:${address.port}`)
      : services.config.publicUrl;
  const token = await services.staffLinks.createSetupLink();
  return token
    ? `Broadsheet is serving ${site} (admin: ${site}/admin). No administrator yet: create the first at ` +
        `${site}/admin/setup/${token} (the link works once)`
    : `Broadsheet is serving ${site} (admin: ${site}/admin)`;
}

/** How long a shutdown waits for in-flight requests (keep systemd's TimeoutStopSec above it). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

export async function serve(config: Config, { demo }: { demo: boolean }): Promise<void> {
  const services = await createServices(config);
  const app = await buildApp(services);
  if (demo) {
    const added = await seedDemoContent(services);
    if (added > 0) app.log.info(`added ${added} demo articles to the empty database`);
  }
  let closing = false;
  // In order: stop accepting and end the live streams (app.close), let in-flight requests finish
  // (cut off after SHUTDOWN_TIMEOUT_MS), then send what is pending to Redis and close the pools.
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing in-flight requests`);
    const cutOff = setTimeout(() => {
      app.log.warn(`requests still running after ${SHUTDOWN_TIMEOUT_MS} ms: closing their connections`);
      app.server.closeAllConnections();
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // A connection whose last request finishes during the close stays open for keep-alive
    // (seconds), holding the close up: close each one as soon as it is idle.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100).unref();
    try {
      await app.close();
      clearInterval(sweep);
      clearTimeout(cutOff);
      await services.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  // Mail and webhooks queued before a restart (or by the CLI) go out now.
  services.outbox.start();
  services.maintenance.start();
  app.log.info(await startLine(services, app.server.address()));
}
