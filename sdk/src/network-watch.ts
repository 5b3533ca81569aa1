/**
 * The browser's idea of the network (`navigator.onLine` and the window's `online`/`offline`
 * events), for the reconnect loop: no attempts while offline, one at once when back.
 * @packageDocumentation
 */

/** Whether the browser believes it has a network (true where it cannot tell, e.g. Node). */
export function networkOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

/**
 * Call `onChange(true)` on the window's `online` event and `onChange(false)` on `offline`.
 * Returns the function that removes both listeners (a no-op outside a browser window).
 * @example
 * const unwatch = watchNetwork((online) => (online ? retryNow() : pause()));
 * @internal
 */
export function watchNetwork(onChange: (online: boolean) => void): () => void {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => undefined;
  const online = (): void => onChange(true);
  const offline = (): void => onChange(false);
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
  };
}
