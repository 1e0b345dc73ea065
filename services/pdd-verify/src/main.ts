import { runMain } from '@backoffice/kit';
import { pddVerifyService } from './service.js';
import { runWorker, WORKER_COMMANDS, type WorkerCommand } from './worker.js';

// `node dist/main.js` (or `start`): web API + scheduler; `migrate`, `outbox:redrive` as every service;
// `once`, `monitor`, `verify`: the seed's run modes (see worker.ts)
const command = process.argv[2];
if (command && command in WORKER_COMMANDS) {
  try {
    await runWorker(command as WorkerCommand);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
} else {
  await runMain(pddVerifyService);
}
