/**
 * Long loops on the event loop let go of it: `await pause()` between items returns at once
 * until `turnMs` of the turn have passed, then waits one turn (setImmediate), so webhooks and
 * timers run between slices. For loops over what members and outsiders can multiply (comments,
 * records, tree paths), where one synchronous pass held every webhook for seconds.
 */
export const TURN_MS = 20;

export function turnKeeper(turnMs = TURN_MS): () => Promise<void> {
  let turnStart = performance.now();
  return async () => {
    if (performance.now() - turnStart < turnMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    turnStart = performance.now();
  };
}
