#!/usr/bin/env node
import { parseArgs } from "node:util";
import { usageSummary } from "../core/budget.ts";
import { loadConfig, type Env } from "../core/config.ts";
import { translate } from "../core/i18n/catalogue.ts";
import { printable } from "../core/printable.ts";
import { BridgeError } from "../core/types/errors.ts";
import type { AdminToken } from "../gateway/admin-token.ts";
import { runDoctor } from "../gateway/doctor.ts";
import { importSqliteCommand, migrateCommand } from "../gateway/database-cli.ts";
import { startGateway, type Gateway } from "../gateway/gateway.ts";
import { openStore } from "../gateway/store.ts";

const help = `Usage: pincer <command>

Commands:
  start                              run the gateway (default)
  setup [--non-interactive]          connect a chat app, a model and the policy, checked live; writes .env
  doctor                             check the configuration
  pairing list                       list pending pairing requests (people and groups)
  pairing approve <channel> <code>   admit the sender or group that got <code> (a default channel's id is its platform)
  usage                              model tokens and estimated cost, today and this month, per user
  trace <channel> <messageId>        show an inbound message's path, step by step, with timings
  send <channel> <chatId> <text>     post a message through the running gateway's outbox (once, even when retried)
  migrate                            bring the PostgreSQL schema (DATABASE_URL) up to date
  import-sqlite <path>               copy a SQLite store (pincer.db or its DATA_DIR) into an empty PostgreSQL store
  weixin login                       log in to WeChat ClawBot with a QR code (stored in DATA_DIR)
  kb add <file|folder|url> [--kb name]  add documents (md, txt, html, pdf, docx) to a knowledge base
  kb list | kb remove <source|--all> | kb reindex  [--kb name]`;

/** The first line is always "Pincer is running at <url>"; the link carries the token only on the start that made it. */
function startBanner(url: string, token: AdminToken): string {
  if (token.source === "env") return `Pincer is running at ${url}\nOpen ${url}#token=<PINCER_ADMIN_TOKEN> once; the page keeps the token.\n`;
  if (token.isCreated) {
    return `Pincer is running at ${url}#token=${token.value}\nOpen that link once; the page keeps the token (saved in ${token.path}, shown only now).\n`;
  }
  return `Pincer is running at ${url}\nThe web chat's token is in ${token.path}: open ${url}#token=<its contents> once.\n`;
}

async function start(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config);
  process.stdout.write(startBanner(gateway.url, gateway.adminTokenSource));
  // Nothing but the web chat: one line that says how to connect a real chat.
  if (gateway.channelIds().every((id) => id === "web")) process.stdout.write(`${translate(config.locale, "setup.nothingConfigured", { url: gateway.url })}\n`);
  serve(gateway);
}

/** Keeps a started gateway running until a signal stops it. */
function serve(gateway: Gateway): void {
  let isStopping = false;
  // The first signal stops gracefully (PINCER_SHUTDOWN_GRACE_SEC); a second one exits at once, and what
  // was unfinished is resumed at the next start as after a crash.
  const onSignal = (signal: NodeJS.Signals) => {
    if (isStopping) {
      gateway.logger.warn({ signal }, "second signal: exiting now");
      process.exit(130);
    }
    isStopping = true;
    gateway.logger.info({ signal }, "stopping");
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

async function pairing(action: string | undefined, args: string[]): Promise<number> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    if (action === "list") {
      const pending = await store.pairing.listPending(Date.now());
      if (pending.length === 0) process.stdout.write("No pending pairing requests.\n");
      for (const request of pending) {
        const expires = new Date(request.expiresAt).toISOString();
        // Names come from strangers: no escape sequence or line break of theirs reaches the terminal.
        const who = request.chatId === undefined ? printable(request.userId) : `group:${printable(request.chatId)}`;
        const name = printable(request.displayName) + (request.chatId === undefined ? "" : " (asked first)");
        process.stdout.write(`${request.platform}\t${who}\t${name}\t${request.code}\texpires ${expires}\n`);
      }
      return 0;
    }
    if (action === "approve" && args.length === 2) {
      const [channel, code] = args as [string, string];
      const approved = await store.pairing.approve(channel, code, Date.now());
      if (!approved) {
        process.stderr.write(`No pending pairing request with code ${code} on ${channel} (codes expire after an hour).\n`);
        return 1;
      }
      const who = approved.chatId === undefined ? `${approved.platform}:${approved.userId}` : `the group ${approved.platform}:${approved.chatId}`;
      process.stdout.write(`Approved ${printable(who)} (${printable(approved.displayName)}).\n`);
      return 0;
    }
    process.stderr.write(`${help}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

async function usage(): Promise<number> {
  const store = await openStore(loadConfig());
  try {
    process.stdout.write(`${await usageSummary(store.usage, Date.now())}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function doctor(): Promise<number> {
  const config = loadConfig();
  const agents = ["builtin", ...(config.llm ? ["llm"] : []), ...Object.keys(config.acpAgents)];
  process.stdout.write(
    [
      "Configuration is valid.",
      `  listen:   http://${config.host}:${config.port}/`,
      `  agent:    ${config.defaultAgent} (of ${agents.join(", ")})`,
      `  channels: ${["web", ...Object.entries(config.platforms).filter(([name, settings]) => settings && name !== "weixin").map(([name]) => name)].join(", ")}`,
      `  policy:   DMs ${config.policy.dm}, groups ${config.policy.group}`,
    ].join("\n") + "\n",
  );
  const checks = await runDoctor(config);
  for (const check of checks) process.stdout.write(`${check.isOk ? "ok  " : "FAIL"} ${check.name}: ${check.detail}\n`);
  return checks.every((check) => check.isOk) ? 0 : 1;
}

async function setup(argv: string[]): Promise<number> {
  const { setupCommand } = await import("../gateway/setup/cli.ts");
  let started: Gateway | undefined;
  const { code, result } = await setupCommand(argv, {
    out: (text) => void process.stdout.write(text),
    // The wizard's gateway logs only warnings, so its questions stay readable.
    start: async (env: Env) => {
      const gateway = await startGateway(loadConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? "warn" }));
      started = gateway;
      process.stdout.write(startBanner(gateway.url, gateway.adminTokenSource));
      return { url: gateway.url, pairing: gateway.store.pairing, stop: () => gateway.stop() };
    },
  });
  if (result?.gateway && started) {
    serve(started);
    return -1;
  }
  return code;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "setup") return setup(argv.slice(1));
  if (argv[0] === "kb") {
    const { kbCommand } = await import("../gateway/kb-cli.ts");
    return kbCommand(loadConfig(), argv.slice(1), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
  }
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  const [command = "start", action, ...rest] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  switch (command) {
    case "start":
      await start();
      return -1;
    case "pairing":
      return pairing(action, rest);
    case "doctor":
      return doctor();
    case "usage":
      return usage();
    case "trace": {
      const { traceCommand } = await import("../gateway/trace-cli.ts");
      const store = await openStore(loadConfig());
      try {
        return await traceCommand(store.traces, [action ?? "", ...rest].filter(Boolean), (line) => process.stdout.write(`${line}\n`));
      } finally {
        await store.close();
      }
    }
    case "send": {
      const { sendCommand } = await import("../gateway/send-cli.ts");
      return sendCommand(loadConfig(), [action ?? "", ...rest].filter(Boolean), (line) => process.stdout.write(`${line}\n`));
    }
    case "migrate":
      process.stdout.write(`${await migrateCommand(loadConfig())}\n`);
      return 0;
    case "import-sqlite":
      if (!action || rest.length > 0) {
        process.stderr.write(`${help}\n`);
        return 2;
      }
      process.stdout.write(`${await importSqliteCommand(loadConfig(), action)}\n`);
      return 0;
    case "weixin": {
      if (action !== "login") {
        process.stderr.write(`${help}\n`);
        return 2;
      }
      const { weixinLoginCommand } = await import("../adapters/weixin/login-cli.ts");
      return weixinLoginCommand(loadConfig());
    }
    default:
      process.stderr.write(`Unknown command: ${command}\n${help}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof BridgeError && error.code === "config") {
      process.stderr.write(`pincer: configuration error: ${error.message}\n`);
    } else {
      process.stderr.write(`pincer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
