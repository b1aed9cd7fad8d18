// The server's own periodic work: moderators' digests, the personal-data retention sweep, and
// folding rating and comment deltas a crash left unfolded (article-counters.ts).
// Every instance runs it; both jobs are safe to run at once on several (conditional updates).
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { CounterFolder } from '../articles/article-counters.ts';
import type { DigestService } from '../notifications/digest.service.ts';
import { sweepPersonalData } from '../privacy/retention.ts';
import type { SettingsService } from '../settings/settings.service.ts';

export interface Maintenance {
  start(): void;
  stop(): Promise<void>;
  /** One round of every job. */
  runOnce(now?: Date): Promise<void>;
}

export function createMaintenance(deps: {
  db: Db;
  settings: SettingsService;
  digests: DigestService;
  counters?: CounterFolder;
  log: Logger;
  intervalMs: number;
}): Maintenance {
  const { db, settings, digests, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  async function runOnce(now = new Date()): Promise<void> {
    await digests.run(now);
    await deps.counters?.foldAll();
    const swept = await sweepPersonalData(db, { days: settings.get().personalDataRetentionDays, now });
    if (swept.comments + swept.ratings + swept.mails > 0)
      log.info({ swept }, 'deleted personal data past its retention time');
  }

  const tick = () => {
    round = runOnce()
      .catch((err: unknown) => log.warn({ err }, 'maintenance round failed'))
      .finally(() => {
        round = undefined;
      });
  };

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(() => {
        if (!round) tick();
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await round;
    },
    runOnce,
  };
}
