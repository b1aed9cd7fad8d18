// Runs one import in a process of its own, so its peak memory is the import's alone:
// `node --import tsx bench/import-child.ts DATABASE_URL MEDIA_DIR FILE` prints one JSON line.
import { createServices } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { importSite } from '../src/features/importer/import.service.ts';

const [url, mediaDir, file] = process.argv.slice(2) as [string, string, string];
const services = await createServices(loadConfig({ DATABASE_URL: url, MEDIA_DIR: mediaDir, LOG_LEVEL: 'silent' }));
try {
  const started = performance.now();
  const report = await importSite(services, file);
  const seconds = (performance.now() - started) / 1000;
  // maxRSS is in kilobytes.
  console.log(JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, counts: report.counts }));
} finally {
  await services.close();
}
