// Shared zod pieces of the REST schemas.
import { z } from 'zod';
import { MAX_LINE, MAX_TEXT } from '../../../config/validate-sizes.js';

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

export const ErrorBody = z.object({ message: z.string(), details: z.string().optional() });
export const ShortIdParams = z.object({ shortId: z.string().min(1).max(64) });
export const TaskStarted = z.object({ taskId: z.string(), status: z.literal('started') });
export const Message = z.object({ message: z.string() });
export const Success = z.object({ success: z.boolean() });
export const CompressionMode = z.enum(['auto', 'max', 'off']);
export const Timestamp = z.number().int().describe('epoch milliseconds');
