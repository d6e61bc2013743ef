// bcrypt password hashes in Backrest's stored form: standard base64 of the bcrypt string ("$2a$10$...").
import bcrypt from 'bcryptjs';
import { decodeStoredHash } from '../config/password-hash.js';

export { decodeStoredHash };

const COST = 10;

/** Backrest's HashPassword output: base64(bcrypt(password)). */
export async function hashPassword(password: string): Promise<string> {
  const hash = await bcrypt.hash(password, COST);
  return Buffer.from(hash, 'utf8').toString('base64');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const hash = decodeStoredHash(stored);
  if (!hash) return false;
  return bcrypt.compare(password, hash);
}
