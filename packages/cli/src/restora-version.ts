// Restora's version, as `restora --version`, `restora version` and `restora rest-server --version` print it.
export const RESTORA_VERSION = '0.1.0';
