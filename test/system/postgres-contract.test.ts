import { describe, it } from "vitest";
import { describeAdapterStateContract } from "../core/store/contract/adapter-state.ts";
import { describeBroadcastContract } from "../core/store/contract/broadcast.ts";
import { describeAuditLogContract } from "../core/store/contract/audit-log.ts";
import { describeApprovalsContract } from "../core/store/contract/approvals.ts";
import { describeAuditContract } from "../core/store/contract/audit.ts";
import { describeChoicesContract } from "../core/store/contract/choices.ts";
import { describeContactsContract } from "../core/store/contract/contacts.ts";
import { describeConversationsContract } from "../core/store/contract/conversations.ts";
import { describeFilesContract } from "../core/store/contract/files.ts";
import { describeInboxContract } from "../core/store/contract/inbox.ts";
import { describeJobsContract } from "../core/store/contract/jobs.ts";
import { describeKnowledgeContract } from "../core/store/contract/knowledge.ts";
import { describeLeasesContract } from "../core/store/contract/leases.ts";
import { describeMemoriesContract } from "../core/store/contract/memories.ts";
import { describeOverviewContract } from "../core/store/contract/overview.ts";
import { describeOutboxContract } from "../core/store/contract/outbox.ts";
import { describePairingContract } from "../core/store/contract/pairing.ts";
import { describeRateLimitsContract } from "../core/store/contract/rate-limits.ts";
import { describeRetentionContract } from "../core/store/contract/retention.ts";
import { describeSessionsContract } from "../core/store/contract/sessions.ts";
import { describeTracesContract } from "../core/store/contract/traces.ts";
import { describeTurnsContract } from "../core/store/contract/turns.ts";
import { describeUsageContract } from "../core/store/contract/usage.ts";
import { describeUsageReportContract } from "../core/store/contract/usage-report.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";

// The same contract suites as test/core/store/contract/sqlite.test.ts, against a real PostgreSQL server.
if (testDatabaseUrl) {
  const postgres = postgresFactory(testDatabaseUrl);
  describeInboxContract("postgres", postgres);
  describeOutboxContract("postgres", postgres);
  describeLeasesContract("postgres", postgres);
  describeBroadcastContract("postgres", postgres);
  describeApprovalsContract("postgres", postgres);
  describePairingContract("postgres", postgres);
  describeSessionsContract("postgres", postgres);
  describeTurnsContract("postgres", postgres);
  describeUsageContract("postgres", postgres);
  describeUsageReportContract("postgres", postgres);
  describeAuditLogContract("postgres", postgres);
  describeTracesContract("postgres", postgres);
  describeAdapterStateContract("postgres", postgres);
  describeRateLimitsContract("postgres", postgres);
  describeJobsContract("postgres", postgres);
  describeMemoriesContract("postgres", postgres);
  describeKnowledgeContract("postgres", postgres);
  describeAuditContract("postgres", postgres);
  describeContactsContract("postgres", postgres);
  describeChoicesContract("postgres", postgres);
  describeRetentionContract("postgres", postgres);
  describeOverviewContract("postgres", postgres);
  describeConversationsContract("postgres", postgres);
  describeFilesContract("postgres", postgres);
} else {
  describe.skip("postgres store contract", () => it.skip(skipReason, () => {}));
}
