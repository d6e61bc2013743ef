// Child process for the crash test: opens the oplog, records an in-progress backup, then waits to be killed.
import { OperationStatus } from '@restora/proto';
import { SqliteOpLog } from '../sqlite-store.js';
import { backupOp } from '../test-ops.js';

const log = SqliteOpLog.open({ file: process.argv[2]! });
const [op] = log.add(
  backupOp({ status: OperationStatus.STATUS_INPROGRESS, repoId: 'crashed-repo', endMs: 0 }),
);
process.stdout.write(`ready ${op!.id}\n`);
setInterval(() => {}, 1000);
