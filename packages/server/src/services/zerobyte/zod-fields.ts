// Bounded zod fields shared by the Zerobyte services' stored shapes and the REST schemas (which re-export them).
import { z } from 'zod';
import { MAX_LINE, MAX_TEXT } from '../../config/validate-sizes.js';

/** A one-line input (name, path, URL, host...): at most 4 KiB, no NUL (config/validate-sizes.ts). */
export const line = () =>
  z
    .string()
    .max(MAX_LINE)
    .regex(/^[^\0]*$/, 'must not contain a NUL character');
/** Multi-line input (keys, certificates, JSON credentials): at most 64 KiB, no NUL. */
export const text = () =>
  z
    .string()
    .max(MAX_TEXT)
    .regex(/^[^\0]*$/, 'must not contain a NUL character');

export const CompressionMode = z.enum(['auto', 'max', 'off']);
export const Timestamp = z.number().int().describe('epoch milliseconds');
