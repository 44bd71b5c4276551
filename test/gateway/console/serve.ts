import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BudgetConfig } from "../../../core/config-types.ts";
import { createDelivery } from "../../../core/delivery.ts";
import { createJobService, type JobService } from "../../../core/jobs/service.ts";
import { createLogger } from "../../../core/logger.ts";
import { createMetrics } from "../../../core/metrics.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";
import { createAdminRoutes } from "../../../gateway/admin-routes.ts";
import { createConsoleDataRoutes } from "../../../gateway/console/data-routes.ts";
import { createHttpApp } from "../../../gateway/http.ts";
import { createJobRoutes } from "../../../gateway/job-routes.ts";
import { collectingLog } from "../../support/recording-logger.ts";

export const adminToken = "console-admin-token-for-tests-0123";
export const auth = { authorization: `Bearer ${adminToken}` };
/** 2026-12-06 12:00 UTC. */
export const now = Date.UTC(2026, 11, 6, 12);
export const dayMs = 24 * 60 * 60 * 1000;

export const budget: BudgetConfig = { contextTokens: 8000, dailyTokensPerUser: 1000, dailyTokensPerChat: 0, dailyUsdPerUser: 2, dailyUsdPerChat: 0 };

export interface ConsoleServer {
  url: string;
  store: Store;
  jobs: JobService;
  close(): Promise<void>;
}

/**
 * The real HTTP app (Host, Origin, token and content-type checks) with the console's data routes, the job routes
 * and the admin routes, on a fresh in-memory SQLite store, at 127.0.0.1 on a free port.
 */
export async function serveConsole(): Promise<ConsoleServer> {
  const store = createSqliteStore(":memory:");
  const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
  const metrics = createMetrics(async () => 0);
  const jobs = createJobService({
    jobs: store.jobs,
    config: { timezone: "UTC", minIntervalMs: 60_000, maxJobsPerUser: 20, catchupMs: 3_600_000, maxTokensPerRun: 0 },
    wake: () => {},
    now: () => now,
  });
  const delivery = createDelivery({ adapters: new Map(), outbox: store.outbox, logger, metrics });
  const app = createHttpApp({
    channels: [],
    routes: [
      ...createAdminRoutes(store, () => ({}), { now: () => now }),
      ...createJobRoutes({ store, jobs, delivery, adapters: new Map(), logger }),
      ...createConsoleDataRoutes({ store, jobs, budget, now: () => now }),
    ],
    metrics,
    adminToken,
    configuredHost: "127.0.0.1",
    allowedHosts: [],
    secrets: [],
    logger,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    jobs,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      store.close();
    },
  };
}

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF), to check what a spreadsheet would see. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let isQuoted = false;
  const body = text.replace(/^\uFEFF/, "");
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (isQuoted) {
      if (char === '"' && body[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') isQuoted = false;
      else cell += char;
    } else if (char === '"') isQuoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && body[index + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      index += 1;
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}
