#!/usr/bin/env node
// The local CLI (`npm run syndicate -- ...`, `npm start`). See functions/cli/main.ts.
import { main } from '../functions/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
