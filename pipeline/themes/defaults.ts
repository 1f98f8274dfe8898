// Defaults the `pubcom themes` flags show. No imports, so printing help never loads the codebook checker.

/** The codebook shipped for the seed's domain. */
export const DEFAULT_CODEBOOK = 'models/themes/cybersecurity.json';
