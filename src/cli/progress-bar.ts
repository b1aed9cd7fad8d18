// A progress bar on stderr. On a terminal it redraws one line in place (at most ~10 times a
// second); otherwise (a log file, CI) it prints a line when each step finishes, so logs stay short.
import type { WriteStream } from 'node:tty';

export interface ProgressBar {
  /** Shows `done` of `total` for the step called `label`. */
  update(label: string, done: number, total: number): void;
  /** Ends the step: its final line stays. */
  finish(label: string, done: number, total: number): void;
}

const WIDTH = 30;
const fmt = (n: number) => n.toLocaleString('en');

export function createProgressBar(stream: NodeJS.WriteStream | WriteStream = process.stderr): ProgressBar {
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  const line = (label: string, done: number, total: number) => {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(fraction * WIDTH);
    return (
      `${label.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ` +
      `${String(Math.floor(fraction * 100)).padStart(3)}%  ${fmt(done)}/${fmt(total)}`
    );
  };
  return {
    update(label, done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      stream.write(`\r${line(label, done, total)}\x1b[K`);
    },
    finish(label, done, total) {
      stream.write(tty ? `\r${line(label, done, total)}\x1b[K\n` : `${line(label, done, total)}\n`);
    },
  };
}
