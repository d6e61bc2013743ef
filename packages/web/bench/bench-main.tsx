import '@mantine/core/styles.css';
import { createRoot } from 'react-dom/client';
import { createClients } from '../src/api/transport.js';
import { Root } from '../src/root.js';
import PlanView from '../src/views/plan-view.js';
import { fakeConfig } from './fake-data.js';
import { createFakeTransport } from './fake-transport.js';
import { NaiveOperationList } from './naive-list.js';

// ?mode=virtual|naive renders the plan view alone and reports time-to-rows; ?mode=app runs the whole UI
// against the fake backend (used for screenshots).
const params = new URLSearchParams(location.search);
const mode = params.get('mode') ?? 'virtual';
// paged: newest page first (what the app does); all: whole history before the first paint.
const paged = params.get('paged') === '1';
const opCount = Number(params.get('ops') ?? 10_000);
const clients = createClients(createFakeTransport(opCount));
const config = fakeConfig();
const plan = config.plans[0]!;

declare global {
  interface Window {
    benchResult?: { mode: string; ms: number; rows: number; domNodes: number };
  }
}

function waitForRows(t0: number): void {
  const check = () => {
    const rows = document.querySelectorAll('[data-op-row]').length;
    if (rows === 0) return requestAnimationFrame(check);
    // Two frames later the rows have been painted.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        window.benchResult = {
          mode,
          ms: performance.now() - t0,
          rows,
          domNodes: document.getElementsByTagName('*').length,
        };
      }),
    );
  };
  requestAnimationFrame(check);
}

const root = createRoot(document.getElementById('root')!);
if (mode === 'app') {
  root.render(<Root clients={clients} />);
} else {
  // The clock starts when the view mounts: fake-data generation above is the "server's" work.
  const t0 = performance.now();
  root.render(
    <Root clients={clients}>
      <div style={{ padding: 16 }}>
        <PlanView
          config={config}
          plan={plan}
          pageSize={paged ? undefined : 0}
          List={mode === 'naive' ? NaiveOperationList : undefined}
        />
      </div>
    </Root>,
  );
  waitForRows(t0);
}
