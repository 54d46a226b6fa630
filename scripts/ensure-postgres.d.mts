/** Types of scripts/ensure-postgres.mjs, for the PostgreSQL test cluster (test/helpers/postgres-cluster.ts). */
export declare function findPostgresBin(): string | null;
export declare function ensurePostgres(): string;
