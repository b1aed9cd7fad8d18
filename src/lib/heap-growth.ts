// A brake on heap growth for long batch jobs (an import writing hundreds of batches). Each batch's
// rows live across the awaits of its write, so V8 promotes them to the old generation, where they
// die; V8 collects that generation only when it reaches a limit set by the machine's memory, far
// above what the job needs. A full collection once the heap has grown by `step` since the last
// one keeps the job's memory flat, at the cost of a few milliseconds each time. `gc` is reached the
// way Jest's --logHeapUsage does: exposed at run time and taken from a fresh context.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

function collector(): () => void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  return gc;
}

/** Returns a check to call between batches: it collects when the heap has grown by `stepMb` since the last collection. */
export function heapGrowthBrake(stepMb = 16): () => void {
  const step = stepMb * 1024 * 1024;
  let floor = getHeapStatistics().used_heap_size;
  return () => {
    if (getHeapStatistics().used_heap_size - floor < step) return;
    collector()();
    floor = getHeapStatistics().used_heap_size;
  };
}
