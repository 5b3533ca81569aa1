/** Where a cached build of Asterisk lives ($GAG_ASTERISK_CACHE, default ~/.cache/gag/asterisk-23.4.1). */
export function asteriskCacheDir(): string;
/** The Asterisk source tarball, or undefined. */
export function asteriskTarball(): string | undefined;
/** The prefix of a usable Asterisk ($GAG_ASTERISK_PREFIX, else a finished cached build), or undefined. Builds nothing. */
export function findAsterisk(): string | undefined;
/** A usable Asterisk prefix, building one from the tarball when possible; otherwise `why` says what is missing. */
export function ensureAsterisk(): { prefix: string; why?: undefined } | { prefix?: undefined; why: string };
