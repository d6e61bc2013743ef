import { createHash, timingSafeEqual } from 'node:crypto';
import { apr1 } from './apr1.js';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a password against one htpasswd hash: bcrypt ($2a$/$2b$/$2y$), {SHA} or $apr1$. */
export async function verifyHash(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith('$2a$') || hash.startsWith('$2b$') || hash.startsWith('$2y$')) {
    try {
      const bcrypt = (await import('bcryptjs')).default; // loaded by the first bcrypt check, not at start
      return await bcrypt.compare(password, hash);
    } catch {
      return false;
    }
  }
  if (hash.startsWith('{SHA}')) {
    const digest = createHash('sha1').update(password, 'utf8').digest('base64');
    return safeEqual(digest, hash.slice(5));
  }
  if (hash.startsWith('$apr1$')) {
    const salt = hash.slice(6).split('$')[0] ?? '';
    return safeEqual(apr1(password, salt), hash);
  }
  return false; // crypt(3), $5$/$6$ and plaintext are refused, as in rest-server
}
