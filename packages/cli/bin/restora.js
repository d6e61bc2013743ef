#!/usr/bin/env node
// Committed launcher so npm can link the bin before the first build; the code is in dist/.
await import('../dist/main.js');
