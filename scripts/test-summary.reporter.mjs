// A node:test reporter for `npm test`'s closing summary: it keeps one JSON object with the
// runner's counts (tests, pass, fail…) and each failed test (file, suite › test, first line of
// its error) in the file named by TEST_SUMMARY_FILE, whatever reporter the person reads
// meanwhile. It writes synchronously at each change: --test-force-exit ends the runner without
// waiting for a reporter's stream.
import { writeFileSync } from 'node:fs';

function firstLine(error) {
  const cause = error?.cause ?? error;
  const text = String(cause?.message ?? cause ?? '').trim();
  return text.split('\n')[0].slice(0, 300);
}

export default async function* summary(source) {
  const file = process.env.TEST_SUMMARY_FILE;
  // Counted here as results arrive; the runner's own closing counts replace them when they come.
  const counts = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  const failures = [];
  const open = new Map(); // file → names of the tests running at each nesting level
  const save = () => file && writeFileSync(file, JSON.stringify({ counts, failures }));
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      const stack = open.get(data.file) ?? [];
      stack.length = data.nesting;
      stack.push(data.name);
      open.set(data.file, stack);
    } else if ((type === 'test:pass' || type === 'test:fail') && data.details?.type !== 'suite') {
      counts.tests++;
      if (data.skip) counts.skipped++;
      else if (data.todo) counts.todo++;
      else if (type === 'test:pass') counts.pass++;
      else if (data.details?.error?.failureType === 'cancelledByParent') counts.cancelled++;
      else counts.fail++;
      if (type === 'test:fail') {
        const path = [...(open.get(data.file) ?? []).slice(0, data.nesting), data.name];
        failures.push({ file: data.file ?? '', test: path.join(' › '), error: firstLine(data.details?.error) });
      }
      save();
    } else if (type === 'test:diagnostic' && data.nesting === 0) {
      const count = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(data.message);
      if (count) {
        counts[count[1]] = Number(count[2]);
        save();
      }
    }
  }
  yield ''; // nothing for the reporter's own destination
}
