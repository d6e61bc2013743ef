import { Code, Loader, ScrollArea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useClients } from '../api/clients-context.js';
import { errorMessage } from '../lib/format.js';

const MAX_CHARS = 512 * 1024;

/** Streams a task log via GetLogs; the server keeps the stream open while the task runs, so it follows live. */
export function LogView({ logref, hideWhenEmpty = false }: { logref: string; hideWhenEmpty?: boolean }) {
  const { backrest } = useClients();
  const [text, setText] = useState('');
  const [done, setDone] = useState(false);
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    const dec = new TextDecoder();
    void (async () => {
      try {
        for await (const chunk of backrest.getLogs({ ref: logref }, { signal: ctrl.signal })) {
          const s = dec.decode(chunk.value, { stream: true });
          setText((t) => (t + s).slice(-MAX_CHARS));
        }
      } catch (err) {
        if (!ctrl.signal.aborted) setText((t) => `${t}\n[log stream error: ${errorMessage(err)}]`);
      }
      setDone(true);
    })();
    return () => ctrl.abort();
  }, [backrest, logref]);
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [text]);
  // A backup's row already shows its summary and warnings: an empty log adds nothing.
  if (done && !text && hideWhenEmpty) return null;
  return (
    <ScrollArea.Autosize mah={300} viewportRef={viewport} type="auto">
      <Code block aria-label="Operation log" style={{ whiteSpace: 'pre-wrap' }}>
        {text || (done ? 'No log output.' : '')}
        {!done && <Loader size="xs" aria-label="Following log" ml="xs" />}
      </Code>
    </ScrollArea.Autosize>
  );
}
