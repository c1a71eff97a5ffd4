// `npm run test:browser` (or `node web/tests/run.mjs`): runs every *.test.mjs here with
// Node's test runner, one file at a time, and exits with its status. ctest runs the same files
// with `node --test web/tests/`. Needs SLOTD_BIN (the slotd binary with the built web assets).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(here, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
