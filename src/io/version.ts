// The library version written into every saved model (a test keeps it equal to package.json's).
export const LEPTON_VERSION = '0.1.0';
/** The lepton format version this code writes and the highest it reads. */
export const FORMAT_VERSION = 1;
