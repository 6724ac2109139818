#!/usr/bin/env node
// The installed command: everything (fast --version, closed pipes, signals, exit codes) is in src/cli/bin.ts.
import '../dist/cli/bin.js';
