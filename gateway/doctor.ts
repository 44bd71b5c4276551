import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { Config } from "../core/config.ts";
import { createSqliteStore } from "../core/store/sqlite/index.ts";
import { BridgeError, toBridgeError } from "../core/types/errors.ts";
import { createLogger } from "../core/logger.ts";
import { describeDatabase } from "./database-cli.ts";
import { configuredChannels } from "./registry.ts";

export interface Check {
  name: string;
  isOk: boolean;
  detail: string;
}

async function check(name: string, work: () => Promise<string>): Promise<Check> {
  try {
    return { name, isOk: true, detail: await work() };
  } catch (thrown) {
    return { name, isOk: false, detail: toBridgeError(thrown).message };
  }
}

function isExecutable(command: string, path: string): boolean {
  const candidates = isAbsolute(command) || command.includes("/") ? [command] : path.split(delimiter).map((dir) => join(dir, command));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Each configured channel, reached with its credentials by calls that only read, so the check
 * can run beside a running gateway without taking its messages or its connection. A probe with
 * nothing to check (ClawBot without a login) adds no line.
 */
async function platformChecks(config: Config): Promise<Check[]> {
  const context = { dataDir: config.dataDir, logger: createLogger({ level: "silent", secrets: config.secrets }) };
  const checks: Check[] = [];
  for (const spec of configuredChannels(config)) {
    const { descriptor, settings } = spec;
    // A default channel keeps its platform's name; another one is named by its id, with its platform.
    const name = spec.id === descriptor.platform ? descriptor.displayName : `${descriptor.displayName} channel ${spec.id}`;
    try {
      const detail = await descriptor.probe(settings, context);
      if (detail !== undefined) checks.push({ name, isOk: true, detail });
    } catch (thrown) {
      checks.push({ name, isOk: false, detail: toBridgeError(thrown).message });
    }
  }
  return checks;
}

/**
 * `pincer doctor`: the configuration is valid (or it would not have loaded), then each configured part is reached:
 * the store, the model endpoint (listing its models costs no token), speech, MCP servers, coding agents' commands.
 */
export async function runDoctor(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  const storeCheck = await check("store", async () => {
    if (config.databaseUrl) return describeDatabase(config.databaseUrl);
    const store = createSqliteStore(config.dataDir);
    store.close();
    return `${config.dataDir}/pincer.db`;
  });
  checks.push(
    storeCheck,
    // The bases of the store the gateway uses: PostgreSQL's when DATABASE_URL is set (only once it is reachable and
    // migrated, so that doctor never migrates), else SQLite's in DATA_DIR.
    await check("knowledge bases", async () => {
      if (!storeCheck.isOk) throw new BridgeError("config", "not read: the store is not ready (see above)");
      // PostgreSQL's driver is loaded only when it is the store (it costs a second or two of start-up).
      const store = config.databaseUrl ? await (await import("./store.ts")).openStore(config) : createSqliteStore(config.dataDir);
      try {
        const bases = await store.knowledge.bases();
        const list = bases.map((base) => `${base.kb} (${base.documents} documents, ${base.chunks} passages, ${Math.ceil(base.textBytes / 1024)} KB)`);
        const embeddings = config.embeddings ? `embeddings on (${config.embeddings.model})` : "embeddings off: nothing leaves this machine";
        return `${list.length > 0 ? list.join(", ") : "none"}; ${embeddings}`;
      } finally {
        await store.close();
      }
    }),
  );
  if (config.llm) {
    const llm = config.llm;
    checks.push(
      await check(`model (${llm.provider})`, async () => {
        const { createModelProvider } = await import("../agents/llm/index.ts");
        const models = await createModelProvider(llm).listModels(AbortSignal.timeout(15_000));
        const isListed = models.length === 0 || models.includes(llm.model);
        return `reached ${llm.baseUrl ?? "the default endpoint"}; ${llm.model} ${isListed ? "is offered" : `is not in its list (${models.slice(0, 5).join(", ")}…)`}`;
      }),
    );
  }
  checks.push(
    await check("voice and images", async () => {
      const { createMedia } = await import("../media/index.ts");
      const media = await createMedia(config.media, config.dataDir);
      await media.close();
      return `speech-to-text: ${config.media.stt.provider}; voice replies: ${media.ttsName}`;
    }),
  );
  if (config.mcpServers.length > 0) {
    const { connectMcpServers } = await import("../agents/mcp/index.ts");
    const logger = createLogger({ level: "silent", secrets: config.secrets });
    for (const server of config.mcpServers) {
      checks.push(
        await check(`MCP server ${server.name}`, async () => {
          const connected = await connectMcpServers([server], { logger, env: config.mcpEnv });
          await connected.close();
          if (connected.tools.length === 0) throw new Error("could not connect, or it offers no tools");
          return `${connected.tools.length} tools`;
        }),
      );
    }
  }
  checks.push(...(await platformChecks(config)));
  for (const [name, agent] of Object.entries(config.acpAgents)) {
    checks.push(
      await check(`coding agent ${name}`, async () => {
        if (!isExecutable(agent.command[0]!, agent.env.PATH ?? "")) throw new Error(`${agent.command[0]} is not an executable on PATH`);
        return `${agent.command.join(" ")} (in ${agent.cwd})`;
      }),
    );
  }
  return checks;
}
