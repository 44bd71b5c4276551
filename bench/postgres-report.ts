import { clusterSetups, type ClusterKey, type PostgresResults } from "./postgres-scenario.ts";
import { messagesPerSecond } from "./server-run.ts";
import { summarize } from "./stats.ts";
import { renderTable, type TableFormat } from "./table.ts";

const programNames = { pincer: "Pincer", bare: "bare forwarder" } as const;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

/**
 * The PostgreSQL tables: throughput per setup beside one SQLite process and beside one process of the same program
 * (Pincer's, or the bare forwarder's), the echo check, one fixed rate through each, and the poller's failover.
 */
export function renderPostgres(results: PostgresResults, format: TableFormat): string {
  const sqliteRate = messagesPerSecond(results.runs.sqlite1.load);
  const keys = Object.keys(clusterSetups) as ClusterKey[];
  const rows = keys.map((key) => {
    const { program, store, processCount } = clusterSetups[key];
    // Compared with the same program on the same store in one process (none for a setup of one process).
    const oneProcess = processCount > 1 ? keys.find((each) => clusterSetups[each].program === program && clusterSetups[each].store === store && clusterSetups[each].processCount === 1) : undefined;
    const run = results.runs[key];
    const rate = messagesPerSecond(run.load);
    const oneProcessRate = oneProcess && messagesPerSecond(results.runs[oneProcess].load);
    const latency = summarize(run.load.latenciesMs);
    const echo = results.echoes[key];
    return [
      programNames[program],
      store,
      String(processCount),
      rate.toFixed(0),
      run.roundRates.map((each) => each.toFixed(0)).join(" / "),
      median(run.roundRates).toFixed(0),
      latency.p50Ms.toFixed(1),
      latency.p99Ms.toFixed(1),
      `${((rate / sqliteRate) * 100).toFixed(0)} %`,
      oneProcessRate ? `${((rate / oneProcessRate) * 100).toFixed(0)} %` : "–",
      `${echo.exactlyOnceCount}/${echo.expectedCount}${echo.duplicatedCount || echo.missingCount ? ` (${echo.duplicatedCount} twice, ${echo.missingCount} missing)` : ""}`,
      results.statementsPerMessage[key]?.toFixed(1) ?? "–",
      results.cpuMsPerMessage[key].toFixed(2),
      (run.load.clientCpuMs / run.load.completedCount).toFixed(2),
      (run.load.machineCpuMs / run.load.completedCount).toFixed(2),
    ];
  });
  const throughput = renderTable(
    {
      title: "Telegram webhook path, several processes on PostgreSQL beside one on SQLite (closed loop, pooled rounds)",
      headers: [
        "Program", "Store", "Processes", "msg/s", "msg/s per round", "median round", "p50 ms", "p99 ms", "vs Pincer, 1 × SQLite", "vs 1 process of its program",
        "exactly once", "SQL statements per message", "gateway CPU ms per message", "load client CPU ms per message", "machine CPU ms per message",
      ],
      rows,
      numericColumns: [2, 3, 5, 6, 7, 8, 9, 11, 12, 13, 14],
    },
    format,
  );
  const { plan } = results.rate;
  const rateTable = renderTable(
    {
      title: `The same fixed rate through each setup: ${plan.perSecond} messages/s for ${plan.durationMs / 1000} s`,
      headers: ["Program", "Store", "Processes", "answered", "p50 ms", "p99 ms", "gateway CPU ms per message", "machine CPU ms per message"],
      rows: keys.map((key) => {
        const { load } = results.rate.runs[key];
        const latency = summarize(load.latenciesMs);
        return [
          programNames[clusterSetups[key].program],
          clusterSetups[key].store,
          String(clusterSetups[key].processCount),
          `${load.completedCount}/${load.sentCount}`,
          latency.p50Ms.toFixed(1),
          latency.p99Ms.toFixed(1),
          results.rate.cpuMsPerMessage[key].toFixed(2),
          (load.machineCpuMs / load.completedCount).toFixed(2),
        ];
      }),
      numericColumns: [2, 4, 5, 6, 7],
    },
    format,
  );
  const { failover } = results;
  const failoverTable = renderTable(
    {
      title: `Failover of a killed Telegram poller (2 processes, PINCER_LEASE_SEC=${failover.leaseSec})`,
      headers: ["Figure", "Value"],
      rows: [
        ["SIGKILL → another process holds the poller", `${(failover.takeoverMs / 1000).toFixed(1)} s`],
        ["SIGKILL → an update sent at the kill is answered", `${(failover.answeredMs / 1000).toFixed(1)} s`],
        ["getUpdates conflicts (409: two pollers at once)", String(failover.conflicts)],
      ],
      numericColumns: [1],
    },
    format,
  );
  return `\n${throughput}\n\n${rateTable}\n\n${failoverTable}\n`;
}
