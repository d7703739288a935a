/** Zpanel's release version; a unit test keeps it equal to the root package.json. */
export const ZPANEL_VERSION = '0.1.0';
