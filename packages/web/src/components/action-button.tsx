import { Button } from '@mantine/core';
import type { ButtonProps } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../lib/format.js';

/** A button running an async action, with a spinner while pending and the error reported to the caller. */
export function ActionButton({
  action,
  onError,
  onDone,
  children,
  ...props
}: ButtonProps & {
  action: () => Promise<unknown>;
  onError: (msg: string) => void;
  onDone?: () => void;
  children: React.ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      {...props}
      loading={busy}
      onClick={() => {
        setBusy(true);
        action()
          .then(() => onDone?.())
          .catch((e: unknown) => onError(errorMessage(e)))
          .finally(() => setBusy(false));
      }}
    >
      {children}
    </Button>
  );
}
