/**
 * Rate-limit counters (core/store/rate-limits.ts): one row per key with the epoch-ms times (the database's clock)
 * of its takes still inside the window. Rows are per account or channel, so few: nothing prunes them.
 */
export const rateLimitsMigration = `
  CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    times bigint[] NOT NULL
  );
  `;
