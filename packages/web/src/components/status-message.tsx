import { Alert } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../lib/format.js';

export type StatusMsg = { color: string; text: string };

/** A status line under a form's actions: `run` says `ok` in green on success, the error in red on failure. */
export function useStatusMessage(after?: () => Promise<unknown>) {
  const [msg, setMsg] = useState<StatusMsg | null>(null);
  const run = async (f: () => Promise<unknown>, ok: string) => {
    try {
      await f();
      setMsg({ color: 'green', text: ok });
    } catch (err) {
      setMsg({ color: 'red', text: errorMessage(err) });
    }
    await after?.();
  };
  return { msg, setMsg, run };
}

export function StatusAlert({ msg }: { msg: StatusMsg | null }) {
  if (!msg) return null;
  return (
    <Alert color={msg.color} role="status">
      {msg.text}
    </Alert>
  );
}
