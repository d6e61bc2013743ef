// bcrypt password hashes in Backrest's stored form: standard base64 of the bcrypt string ("$2a$10$...").
import bcrypt from 'bcryptjs';

const COST = 10;

/** Backrest's HashPassword output: base64(bcrypt(password)). */
export async function hashPassword(password: string): Promise<string> {
  const hash = await bcrypt.hash(password, COST);
  return Buffer.from(hash, 'utf8').toString('base64');
}

/** The bcrypt string of a stored value: Backrest's base64 form, or a raw "$2..." hash. */
export function decodeStoredHash(stored: string): string | undefined {
  if (stored.startsWith('$2')) return stored;
  const decoded = Buffer.from(stored, 'base64').toString('utf8');
  return decoded.startsWith('$2') ? decoded : undefined;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const hash = decodeStoredHash(stored);
  if (!hash) return false;
  return bcrypt.compare(password, hash);
}
