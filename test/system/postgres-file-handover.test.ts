import { describe, it } from "vitest";
import { describeFileHandover } from "../support/file-handover.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";

// Issue 17 on real PostgreSQL: a file part one process could not send is sent by another, with its bytes from the store.
if (testDatabaseUrl) {
  describeFileHandover("postgres", postgresFactory(testDatabaseUrl));
} else {
  describe.skip("postgres file handover", () => it.skip(skipReason, () => {}));
}
