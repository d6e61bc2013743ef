import { storeContract } from '../../test/store-contract.js';
import { MemoryStore } from './memory-store.js';

storeContract('MemoryStore', {
  make: ({ capacity }) => new MemoryStore(capacity ? { capacity } : {}),
  simulatesFullDevice: true,
});
