/** Types of scripts/build-server.mjs, for the benchmarks (test/bench/run.ts). */
export declare const SERVER_BUNDLE: string;
export declare function buildServer(outfile?: string): Promise<string>;
