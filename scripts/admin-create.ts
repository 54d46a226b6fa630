// npm run admin:create -- --username NAME [--name "Full Name"] [--password "…"] [--db FILE or postgres://…]
// npm run admin:create -- --local-passwords on   (the way back in when the identity provider is down and an admin had
//                                                 switched local passwords off)
// Creates an admin in the database (migrating it first): the first admin of an empty production database, or a way
// back in. Without --password a temporary one is printed once; either way it must be changed at first sign-in.
import { parseArgs } from 'node:util';
import { defaultTarget, openStore } from '../server/src/db/store';
import { createAdminFromCli } from '../server/src/domains/admin/first-admin';
import { setLocalPasswords } from '../server/src/domains/admin/settings.service';
import { DomainError } from '../server/src/errors';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    db: { type: 'string', default: defaultTarget() },
    'local-passwords': { type: 'string' },
  },
});
if (values['local-passwords'] !== undefined) {
  if (!['on', 'off'].includes(values['local-passwords'])) {
    console.error('--local-passwords is on or off');
    process.exit(2);
  }
  const database = openStore(values.db);
  await database.migrate();
  await database.db
    .transaction()
    .execute((trx) => setLocalPasswords(trx, values['local-passwords'] === 'on', null, new Date().toISOString()));
  await database.close();
  console.log(`Local passwords switched ${values['local-passwords']} in ${database.name}.`);
  process.exit(0);
}
if (!values.username) {
  console.error('Usage: npm run admin:create -- --username NAME [--name "Full Name"] [--password "…"] [--db FILE]');
  process.exit(2);
}
const database = openStore(values.db);
try {
  await database.migrate();
  const made = await createAdminFromCli(
    database.db,
    { username: values.username, displayName: values.name ?? values.username, password: values.password },
    new Date(),
  );
  console.log(`Admin "${values.username}" created (id ${made.id}) in ${database.name}.`);
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
