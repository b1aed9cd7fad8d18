// What the bench's clients (autocannon in load-generator.ts, wrk in writes.lua) share about the readers they stand in for.

/** How long each simulated reader took to write their comment: well over the minimum the site accepts. */
export const WRITING_TIME_MS = 60_000;
