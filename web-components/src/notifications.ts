/**
 * Desktop notifications of incoming calls while the CRM tab is hidden (Notification API). The
 * permission is asked only from a click (the phone's "Notify me of calls" button): browsers
 * ignore or penalise prompts without a user gesture.
 * @packageDocumentation
 */

/** Whether the phone should offer to turn notifications on: the API exists and nobody decided yet. */
export const canAskToNotify = (): boolean => typeof Notification !== 'undefined' && Notification.permission === 'default';

/** Ask for the permission; call it from a click. Resolves whether notifications may be shown now. */
export async function askToNotify(): Promise<boolean> {
  return (await Notification.requestPermission()) === 'granted';
}

/** What a notification says, and what its click does. */
export interface CallNotice {
  readonly title: string;
  readonly body: string;
  /** The call's id: one notification per call, replaced rather than stacked. */
  readonly tag: string;
  /** After the tab is focused (e.g. move the focus to Answer). */
  readonly onClick: () => void;
}

/**
 * Show `notice` if the page is hidden and notifications are allowed. Its click brings the tab to
 * the front (`window.focus()`), closes it and runs `onClick`. Returns the function that closes it
 * (when the call stops ringing), or undefined when nothing was shown.
 * @example const close = notifyIfHidden({ title: 'Incoming call', body: '0312345678', tag: call.id, onClick: focusAnswer });
 */
export function notifyIfHidden(notice: CallNotice): (() => void) | undefined {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return undefined;
  let n: Notification;
  try {
    n = new Notification(notice.title, { body: notice.body, tag: notice.tag, requireInteraction: true });
  } catch {
    return undefined; // Chrome on Android shows notifications only from a service worker: the call rings on screen
  }
  n.onclick = () => {
    window.focus();
    n.close();
    notice.onClick();
  };
  return () => n.close();
}
