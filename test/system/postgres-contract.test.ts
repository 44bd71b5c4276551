import { describe, it } from "vitest";
import { describeAdapterStateContract } from "../core/store/contract/adapter-state.ts";
import { describeApprovalsContract } from "../core/store/contract/approvals.ts";
import { describeConversationsContract } from "../core/store/contract/conversations.ts";
import { describeInboxContract } from "../core/store/contract/inbox.ts";
import { describeJobsContract } from "../core/store/contract/jobs.ts";
import { describeKnowledgeContract } from "../core/store/contract/knowledge.ts";
import { describeLeasesContract } from "../core/store/contract/leases.ts";
import { describeMemoriesContract } from "../core/store/contract/memories.ts";
import { describeOutboxContract } from "../core/store/contract/outbox.ts";
import { describePairingContract } from "../core/store/contract/pairing.ts";
import { describeSessionsContract } from "../core/store/contract/sessions.ts";
import { describeUsageContract } from "../core/store/contract/usage.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";

// The same contract suites as test/core/store/contract/sqlite.test.ts, against a real PostgreSQL server.
if (testDatabaseUrl) {
  const postgres = postgresFactory(testDatabaseUrl);
  describeInboxContract("postgres", postgres);
  describeOutboxContract("postgres", postgres);
  describeLeasesContract("postgres", postgres);
  describeApprovalsContract("postgres", postgres);
  describePairingContract("postgres", postgres);
  describeSessionsContract("postgres", postgres);
  describeUsageContract("postgres", postgres);
  describeAdapterStateContract("postgres", postgres);
  describeJobsContract("postgres", postgres);
  describeMemoriesContract("postgres", postgres);
  describeKnowledgeContract("postgres", postgres);
  describeConversationsContract("postgres", postgres);
} else {
  describe.skip("postgres store contract", () => it.skip(skipReason, () => {}));
}
