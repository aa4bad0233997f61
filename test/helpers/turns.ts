/**
 * Runs `work` and counts the event-loop turns other work got while it was pending (setImmediate
 * callbacks that ran before it settled). Work that holds the event loop for its whole run allows
 * none; work that yields, or runs on another thread, allows some.
 */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: T }> {
  let pending = true;
  let turns = 0;
  const spin = (): void => {
    if (!pending) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    const result = await work();
    return { turns, result };
  } finally {
    pending = false;
  }
}
