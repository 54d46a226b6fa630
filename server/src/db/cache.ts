/** The page cache of each connection (client.ts, writer.ts), in KiB: 64 MB. */
export const CACHE_KIB = 65_536;
/**
 * The page cache while a campaign list is imported (domains/campaigns/list-import.service.ts): a 1,000,000-row list
 * would otherwise fill the whole cache with pages it never reads again (docs/performance.md, import memory).
 */
export const IMPORT_CACHE_KIB = 16_384;
