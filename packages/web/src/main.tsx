import './first-view-styles.js';
import { createRoot } from 'react-dom/client';
import { Root } from './root.js';
import { createClients, createHttpTransport } from './api/transport.js';

createRoot(document.getElementById('root')!).render(<Root clients={createClients(createHttpTransport())} />);
