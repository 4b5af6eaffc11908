import knexFactory, { type Knex } from "knex";

export type { Knex };

/** One migration, written in TypeScript and registered explicitly (no directory scanning). */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** A knex instance confined to one PostgreSQL schema (created if missing). */
export async function createDatabase(url: string, schema: string): Promise<Knex> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const db = knexFactory({
    client: "pg",
    connection: url,
    searchPath: [schema],
    pool: { min: 0, max: 10 },
  });
  await db.raw(`create schema if not exists "${schema}"`);
  return db;
}

/** Applies `migrations` in order inside the knex instance's schema; idempotent. */
export async function migrate(db: Knex, schema: string, migrations: readonly Migration[]): Promise<void> {
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => [...migrations],
    getMigrationName: (m) => m.name,
    getMigration: async (m) => m,
  };
  await db.migrate.latest({ migrationSource: source, schemaName: schema, tableName: "knex_migrations" });
}
