// Shared zod pieces of the REST schemas.
import { z } from 'zod';
// the bounded fields also describe what services store, so they live with the services (no upward import)
export { CompressionMode, line, text, Timestamp } from '../../../services/zerobyte/zod-fields.js';

export const ErrorBody = z.object({ message: z.string(), details: z.string().optional() });
export const ShortIdParams = z.object({ shortId: z.string().min(1).max(64) });
export const TaskStarted = z.object({ taskId: z.string(), status: z.literal('started') });
export const Message = z.object({ message: z.string() });
export const Success = z.object({ success: z.boolean() });
