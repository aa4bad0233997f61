// Preloaded (node --require) into a process under test: at exit it prints which of the heavy
// packages were loaded, so a test can tell that startup failed before importing them.
const Module = require('node:module');

const HEAVY = /node_modules\/(discord\.js|better-sqlite3|pg|prom-client|vega)\//;
process.on('exit', () => {
  const found = new Set();
  for (const file of Object.keys(Module._cache)) {
    const m = HEAVY.exec(file);
    if (m) found.add(m[1]);
  }
  process.stderr.write(`loaded packages: ${JSON.stringify([...found].sort())}\n`);
});
