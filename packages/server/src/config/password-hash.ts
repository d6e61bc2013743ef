// The stored password format is part of Backrest's config (users[].passwordBcrypt): config validates it, auth verifies it.

/** The bcrypt string of a stored value: Backrest's base64 form, or a raw "$2..." hash. */
export function decodeStoredHash(stored: string): string | undefined {
  if (stored.startsWith('$2')) return stored;
  const decoded = Buffer.from(stored, 'base64').toString('utf8');
  return decoded.startsWith('$2') ? decoded : undefined;
}
