/**
 * Loads {@link ./call-panels.js}. The drop-in bundle's build replaces this module
 * (web-components/build/lazy-modules.ts) with one that imports the separately built file next to
 * `gag-phone.js`, so keep it to this one export.
 * @packageDocumentation
 */

/** The module {@link loadCallPanels} resolves to. */
export type CallPanels = typeof import('./call-panels.js');

/** Load the keypad and the audio panel. */
export const loadCallPanels = (): Promise<CallPanels> => import('./call-panels.js');
