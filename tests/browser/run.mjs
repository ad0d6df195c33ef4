#!/usr/bin/env node
// Entry point for the browser tests: `node tests/browser/run.mjs` (scripts/test-all.sh, CI) or
// `npm test` in tests/browser. Runs every *.test.mjs here with node's own test runner, one file
// at a time, and prints TAP, whose closing lines ("# pass N", "# fail N") CI reads.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2); // optional: names of test files to run
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => join(here, f));
if (files.length === 0) {
  console.error('run.mjs: no *.test.mjs files matched');
  process.exit(1);
}
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...files], {
  cwd: here,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
