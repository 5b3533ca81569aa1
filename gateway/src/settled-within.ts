/**
 * A bounded wait on something that may never settle: shutdown waiting on peers' closing
 * handshakes, a click-to-call waiting on Redis to share its dial.
 * @packageDocumentation
 */

/**
 * Resolves once `value` (a promise or not) settles, fulfilled or rejected, or after `ms`,
 * whichever is first; never rejects.
 * @example await settledWithin(Promise.all(closed), 1_000); // then cut whoever is left
 */
export async function settledWithin(value: unknown, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.resolve(value).then(() => undefined, () => undefined), late]);
  clearTimeout(timer);
}
