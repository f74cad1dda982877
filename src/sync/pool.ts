// At most `limit` tasks in flight. Results are handed to `onResult` as they
// arrive (so work is recorded while the rest is still in flight). After the
// first failure no new task starts; the ones in flight are waited for (their
// results still recorded), then the failure is thrown: an interrupted run
// keeps everything it finished.

export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>, onResult: (r: R, item: T, index: number) => void): Promise<void> {
  let next = 0;
  let failure: { e: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      let r: R;
      try {
        r = await task(items[i]!, i);
      } catch (e) {
        failure ??= { e };
        return;
      }
      try {
        onResult(r, items[i]!, i);
      } catch (e) {
        failure ??= { e };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.e;
}
