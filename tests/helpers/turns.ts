/**
 * Counts turns of the event loop: an immediate that re-queues itself runs once in each turn that code under test
 * gives back (core/turns.ts). `count` is live, so code that runs inside a turn can read which one it is in.
 */
export interface TurnCounter {
  readonly count: number;
  stop(): void;
}

export function countTurns(): TurnCounter {
  let count = 0;
  let running = true;
  const tick = () => {
    count++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop() {
      running = false;
    },
  };
}
