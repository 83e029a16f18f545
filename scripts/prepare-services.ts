import { ensureFerretDb } from '../backend/src/services/ferretdb-build';
import { which } from '../backend/src/services/child-process';
import { ensureDebianPackage } from '../backend/src/services/system-packages';
import { ensureSchemathesis } from '../backend/src/services/schemathesis-install';

/**
 * Installs or builds what the tests and `npm start` need, ahead of time:
 * redis-server (apt), FerretDB (unless mongod is installed or MONGO_URL is set),
 * schemathesis for the API contract test (a Python virtualenv under .cache/venv),
 * and chromium for the browser tests when --browser is given.
 */
const log = (m: string) => console.log(`[prepare] ${m}`);
ensureDebianPackage('redis-server', 'redis-server', log);
if (!process.env.MONGO_URL && !which('mongod')) ensureFerretDb(log);
ensureSchemathesis(log);
if (process.argv.includes('--browser')) ensureDebianPackage('chromium', 'chromium', log);
log('services ready');
