// Types of scripts/ensure-nginx.mjs for the TypeScript tests that import it.
export declare function findNginx(): string | null;
export declare function ensureNginx(): string;
