#!/usr/bin/env node
// Runs the compiled CLI from dist/ (made by `npm install` or `npm run build`), refusing a build
// older than the sources, which would run other code than the one in src/.
import { existsSync, readdirSync, statSync } from 'node:fs';

const src = new URL('../src/', import.meta.url);
const built = new URL('../dist/BUILD', import.meta.url);
if (!existsSync(built)) {
  console.error("broadsheet: the compiled program (dist/) is missing. Run 'npm run build' (npm install runs it too).");
  process.exit(1);
}
const builtAt = statSync(built).mtimeMs;
const changed = readdirSync(src, { recursive: true }).find(
  (file) => statSync(new URL(String(file), src)).mtimeMs > builtAt,
);
if (changed !== undefined) {
  console.error(`broadsheet: src/${changed} changed after the last build. Run 'npm run build'.`);
  process.exit(1);
}
await import('../dist/cli.js');
