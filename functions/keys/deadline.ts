/**
 * Runs an abortable operation under a deadline: resolves `"timeout"` as soon
 * as it passes (and aborts the operation), whatever the operation does then.
 * The edge function's time budget rests on this bound (README "Cold start").
 */
export async function withinDeadline<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T | "timeout"> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), deadline]);
  } catch (error) {
    if (controller.signal.aborted) return "timeout";
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
