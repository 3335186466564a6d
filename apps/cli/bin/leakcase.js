#!/usr/bin/env node
// Entry point for `npx leakcase`: runs the compiled CLI (built by `npm run build`, or on first use).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..', '..', '..');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('leakcase: building the CLI once (npm run build)...\n');
  execSync('npm run build', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
require(main);
