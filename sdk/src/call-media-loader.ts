/**
 * Loads {@link ./call-media.js} (a dynamic import). The drop-in bundle's build replaces this
 * module with one that imports the separately built file next to `gag-phone.js`
 * (web-components/build/lazy-call-media.ts), so keep it to this one export. `<gag-phone>` imports
 * it as `@gag/sdk/call-media` (its audio panel's device lists); not for apps.
 * @packageDocumentation
 * @internal
 */

/** The module {@link loadCallMedia} resolves to. */
export type CallMedia = typeof import('./call-media.js');

/** Load the call's audio and quality code. */
export const loadCallMedia = (): Promise<CallMedia> => import('./call-media.js');
