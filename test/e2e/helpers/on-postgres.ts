// Set-up of the e2e-postgres run (vitest.postgres.config.ts): the servers of these files must be on PostgreSQL — a
// run that quietly fell back to SQLite files would pass without testing what it names.
import { TEST_ENGINE } from '../../helpers/server';

if (TEST_ENGINE !== 'postgres') throw new Error(`e2e-postgres: the test servers run on ${TEST_ENGINE}, not PostgreSQL`);
