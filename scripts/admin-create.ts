// npm run admin:create -- --username NAME [--name "Full Name"] [--password "…"] [--db FILE]
// Creates an admin in the database (migrating it first): the first admin of an empty production database, or a way
// back in. Without --password a temporary one is printed once; either way it must be changed at first sign-in.
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/src/db/client';
import { migrateToLatest } from '../server/src/db/migrator';
import { createAdminFromCli } from '../server/src/domains/admin/first-admin';
import { DomainError } from '../server/src/errors';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    db: { type: 'string', default: process.env.VALORE_DB ?? 'data/valore.sqlite' },
  },
});
if (!values.username) {
  console.error('Usage: npm run admin:create -- --username NAME [--name "Full Name"] [--password "…"] [--db FILE]');
  process.exit(2);
}
const database = openDatabase(values.db);
try {
  await migrateToLatest(database.db);
  const made = await createAdminFromCli(
    database.db,
    { username: values.username, displayName: values.name ?? values.username, password: values.password },
    new Date(),
  );
  console.log(`Admin "${values.username}" created (id ${made.id}) in ${values.db}.`);
  if (made.temporaryPassword) {
    console.log(`Temporary password (shown only now): ${made.temporaryPassword}`);
  }
  console.log('The password must be changed at the first sign-in.');
} catch (error) {
  if (error instanceof DomainError) {
    const fields = error.fields ? Object.entries(error.fields).map(([f, m]) => `  ${f}: ${m.join(', ')}`) : [];
    console.error([`Not created: ${error.message}`, ...fields].join('\n'));
    process.exitCode = 1;
  } else throw error;
} finally {
  await database.close();
}
