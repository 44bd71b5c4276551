/**
 * Rate-limit counters (core/store/rate-limits.ts): one row per key with the epoch-ms times of its takes still
 * inside the window, as a JSON array. Rows are per account or channel, so few: nothing prunes them.
 */
export const rateLimitsMigration = `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    times TEXT NOT NULL
  );
  `;
