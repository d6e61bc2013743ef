// Shared zod pieces of the REST schemas.
import { z } from 'zod';

export const ErrorBody = z.object({ message: z.string(), details: z.string().optional() });
export const ShortIdParams = z.object({ shortId: z.string().min(1).max(64) });
export const TaskStarted = z.object({ taskId: z.string(), status: z.literal('started') });
export const Message = z.object({ message: z.string() });
export const Success = z.object({ success: z.boolean() });
export const CompressionMode = z.enum(['auto', 'max', 'off']);
export const Timestamp = z.number().int().describe('epoch milliseconds');
