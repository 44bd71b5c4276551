import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../../../core/store/sqlite/index.ts";
import type { Store } from "../../../../core/store/store.ts";
import { describeAdapterStateContract } from "./adapter-state.ts";
import { describeBroadcastContract } from "./broadcast.ts";
import { describeAuditLogContract } from "./audit-log.ts";
import { describeApprovalsContract } from "./approvals.ts";
import { describeAuditContract } from "./audit.ts";
import { describeChoicesContract } from "./choices.ts";
import { describeContactsContract } from "./contacts.ts";
import { describeConversationsContract } from "./conversations.ts";
import { describeFilesContract } from "./files.ts";
import type { StoreFactory } from "./factory.ts";
import { describeInboxContract } from "./inbox.ts";
import { describeKnowledgeContract } from "./knowledge.ts";
import { describeJobsContract } from "./jobs.ts";
import { describeLeasesContract } from "./leases.ts";
import { describeMemoriesContract } from "./memories.ts";
import { describeOverviewContract } from "./overview.ts";
import { describeOutboxContract } from "./outbox.ts";
import { describePairingContract } from "./pairing.ts";
import { describeRateLimitsContract } from "./rate-limits.ts";
import { describeRetentionContract } from "./retention.ts";
import { describeSessionsContract } from "./sessions.ts";
import { describeTracesContract } from "./traces.ts";
import { describeTurnsContract } from "./turns.ts";
import { describeUsageContract } from "./usage.ts";
import { describeUsageReportContract } from "./usage-report.ts";

/** SQLite: a file in a temporary directory; "another process" is a second store on the same file. */
function sqliteFactory(): StoreFactory {
  let dir: string | undefined;
  const opened: Store[] = [];
  const openOn = (path: string) => {
    const store = createSqliteStore(path);
    opened.push(store);
    return store;
  };
  return {
    async open() {
      dir = mkdtempSync(join(tmpdir(), "pincer-contract-"));
      return openOn(dir);
    },
    async openAnother() {
      return openOn(dir!);
    },
    async cleanup() {
      for (const store of opened.splice(0)) store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

const sqlite = sqliteFactory();
describeInboxContract("sqlite", sqlite);
describeOutboxContract("sqlite", sqlite);
describeLeasesContract("sqlite", sqlite);
describeBroadcastContract("sqlite", sqlite);
describeApprovalsContract("sqlite", sqlite);
describePairingContract("sqlite", sqlite);
describeSessionsContract("sqlite", sqlite);
describeTurnsContract("sqlite", sqlite);
describeUsageContract("sqlite", sqlite);
describeUsageReportContract("sqlite", sqlite);
describeAuditLogContract("sqlite", sqlite);
describeAdapterStateContract("sqlite", sqlite);
describeRateLimitsContract("sqlite", sqlite);
describeMemoriesContract("sqlite", sqlite);
describeKnowledgeContract("sqlite", sqlite);
describeJobsContract("sqlite", sqlite);
describeAuditContract("sqlite", sqlite);
describeContactsContract("sqlite", sqlite);
describeChoicesContract("sqlite", sqlite);
describeRetentionContract("sqlite", sqlite);
describeOverviewContract("sqlite", sqlite);
describeTracesContract("sqlite", sqlite);
describeConversationsContract("sqlite", sqlite);
describeFilesContract("sqlite", sqlite);
