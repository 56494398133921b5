#!/usr/bin/env node
// The command-line twin of the action; the bundle lives in dist/cli (built by `npm run build`).
require('../dist/cli/index.js').runCli()
