import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Platform and model SDKs (and the web framework) that only the outer layers may use. */
const forbiddenPackages = [
  /^telegraf(\/|$)/,
  /^@slack\//,
  /^@larksuiteoapi\//,
  /^wechaty/,
  /^@wecom\//,
  /^openai(\/|$)/,
  /^@anthropic-ai\//,
  /^@agentclientprotocol\//,
  /^@modelcontextprotocol\//,
  /^express(\/|$)/,
];

const specifierPatterns = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];

function importSpecifiers(source: string): string[] {
  return specifierPatterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

/** What an import points at: a package by name, or a file by its path from the repository root ("/"-separated). */
type ImportTarget = { kind: "package"; name: string } | { kind: "file"; path: string };

function importTarget(specifier: string, filePath: string): ImportTarget {
  if (!specifier.startsWith(".")) return { kind: "package", name: specifier };
  return { kind: "file", path: relative(root, resolve(dirname(filePath), specifier)).split(sep).join("/") };
}

const isUnder = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
const isUnderAny = (path: string, folders: string[]) => folders.some((folder) => isUnder(path, folder));

/** The platform folder an adapters/ path belongs to ("telegram", "kit"...). */
const adapterFolder = (path: string) => path.split("/")[1];

interface LayerRule {
  /** The folder the rule applies to, from the repository root. */
  layer: string;
  /** What the layer may not import, in words. */
  rule: string;
  /** Folders inside `layer` that have a rule of their own. */
  exceptFolders?: string[];
  /** True when `target`, imported from the file at `from` (root-relative), breaks the rule. */
  breaks(target: ImportTarget, from: string): boolean;
  /** Imports the rule must catch, each written as if in `exampleFile`. */
  caught: string[];
  /** Imports the rule must let through from `exampleFile`. */
  allowed: string[];
  exampleFile: string;
}

const layerRules: LayerRule[] = [
  {
    layer: "core",
    rule: "imports no platform or model SDK and nothing from adapters, agents, media, gateway or bin",
    breaks: (target) =>
      target.kind === "package"
        ? forbiddenPackages.some((pattern) => pattern.test(target.name))
        : isUnderAny(target.path, ["adapters", "agents", "media", "gateway", "bin"]),
    exampleFile: "core/pipeline.ts",
    caught: [
      'import { Telegraf } from "telegraf";',
      'import type { WebClient } from "@slack/web-api";',
      "import * as lark from '@larksuiteoapi/node-sdk';",
      'import { WechatyBuilder } from "wechaty";',
      'import { PuppetXp } from "wechaty-puppet-xp";',
      'import { WSClient } from "@wecom/aibot-node-sdk";',
      'const { default: OpenAI } = await import("openai");',
      'import Anthropic from "@anthropic-ai/sdk";',
      'import { ClientSideConnection } from "@agentclientprotocol/sdk";',
      'import { Client } from "@modelcontextprotocol/sdk/client/index.js";',
      'import express from "express";',
      'export { createWebAdapter } from "../adapters/web/index.ts";',
      'import { createBuiltinAgent } from "../agents/builtin/index.ts";',
      'import {\n  decodeOgg,\n} from "../media/audio.ts";',
      'import "../gateway/gateway.ts";',
      'import { main } from "../bin/pincer.ts";',
    ],
    allowed: [
      'import { readFileSync } from "node:fs";',
      'import type { InboundMessage } from "./types/message.ts";',
      'import { createSqliteStore } from "./store/sqlite/index.ts";',
      'import { z } from "zod";',
      'import pRetry from "p-retry";',
      'import { expressive } from "./expressive.ts";',
    ],
  },
  {
    layer: "adapters/kit",
    // zod: the kit reads webhook bodies (http-body.ts), and bodies are parsed with zod at the boundary.
    rule: "imports only core/, other kit files, node built-ins and zod",
    breaks: (target) =>
      target.kind === "package" ? !target.name.startsWith("node:") && target.name !== "zod" : !isUnderAny(target.path, ["core", "adapters/kit"]),
    exampleFile: "adapters/kit/example.ts",
    caught: [
      'import { x } from "../slack/socket.ts";',
      'import { SocketModeReceiver } from "@slack/bolt";',
      'import express from "express";',
      'import pRetry from "p-retry";',
      'import { createBuiltinAgent } from "../../agents/builtin/index.ts";',
      'import { x } from "../../gateway/http.ts";',
    ],
    allowed: [
      'import { x } from "../../core/types/errors.ts";',
      'import { y } from "./backoff.ts";',
      'import { z } from "node:timers";',
      'import { z } from "zod";',
      'import type { z } from "zod";',
    ],
  },
  {
    layer: "adapters",
    rule: "imports no other adapter (except adapters/kit) and nothing from agents, media, gateway or bin",
    exceptFolders: ["adapters/kit"],
    breaks: (target, from) => {
      if (target.kind === "package") return false;
      if (isUnderAny(target.path, ["agents", "media", "gateway", "bin"])) return true;
      if (!isUnder(target.path, "adapters")) return false;
      const folder = adapterFolder(target.path);
      return folder !== "kit" && folder !== adapterFolder(from);
    },
    exampleFile: "adapters/telegram/outbound.ts",
    caught: [
      'import { toMrkdwn } from "../slack/markdown.ts";',
      'import type { WebAdapter } from "../web/index.ts";',
      'import { createLlmAgent } from "../../agents/llm/index.ts";',
      'import { decodeOgg } from "../../media/audio/decode.ts";',
      'import { startHttpServer } from "../../gateway/http.ts";',
      'import "../../bin/pincer.ts";',
    ],
    allowed: [
      'import { Telegraf } from "telegraf";',
      'import { toTelegramHtml } from "./markdown.ts";',
      'import { withCallTimeout } from "../kit/call-timeout.ts";',
      'import type { OutboundReply } from "../../core/types/reply.ts";',
    ],
  },
  {
    layer: "agents",
    // Agents use no media today (speech is core's business through the pipeline), so media is out of bounds too.
    rule: "imports nothing from adapters, media, gateway or bin",
    breaks: (target) => target.kind === "file" && isUnderAny(target.path, ["adapters", "media", "gateway", "bin"]),
    exampleFile: "agents/llm/index.ts",
    caught: [
      'import { createTelegramAdapter } from "../../adapters/telegram/index.ts";',
      'import { backoffMs } from "../../adapters/kit/backoff.ts";',
      'import { transcribe } from "../../media/stt/index.ts";',
      'import { startHttpServer } from "../../gateway/http.ts";',
      'import "../../bin/pincer.ts";',
    ],
    allowed: [
      'import OpenAI from "openai";',
      'import type { Agent } from "../../core/types/agent.ts";',
      'import { createMcpTools } from "../mcp/index.ts";',
    ],
  },
  {
    layer: "media",
    rule: "imports nothing from adapters, agents, gateway or bin",
    breaks: (target) => target.kind === "file" && isUnderAny(target.path, ["adapters", "agents", "gateway", "bin"]),
    exampleFile: "media/tts/index.ts",
    caught: [
      'import { toMrkdwn } from "../../adapters/slack/markdown.ts";',
      'import { createBuiltinAgent } from "../../agents/builtin/index.ts";',
      'import { startHttpServer } from "../../gateway/http.ts";',
      'import "../../bin/pincer.ts";',
    ],
    allowed: [
      'import OpenAI from "openai";',
      'import { speakable } from "./speakable.ts";',
      'import { decodeOgg } from "../audio/decode.ts";',
      'import { BridgeError } from "../../core/types/errors.ts";',
    ],
  },
  {
    layer: "gateway",
    rule: "may import anything (it wires the layers together)",
    breaks: () => false,
    exampleFile: "gateway/gateway.ts",
    caught: [],
    allowed: [
      'import { createTelegramAdapter } from "../adapters/telegram/index.ts";',
      'import { createLlmAgent } from "../agents/llm/index.ts";',
      'import express from "express";',
    ],
  },
  {
    layer: "bin",
    rule: "may import anything (it starts the gateway)",
    breaks: () => false,
    exampleFile: "bin/pincer.ts",
    caught: [],
    allowed: ['import { startGateway } from "../gateway/gateway.ts";'],
  },
];

/** Top-level folders that hold TypeScript but are not layers of the program. */
const outsideTheLayers = ["bench", "scripts", "test", "node_modules", "docs"];

function violations(rule: LayerRule, source: string, filePath: string): string[] {
  const from = relative(root, filePath).split(sep).join("/");
  return importSpecifiers(source).filter((specifier) => rule.breaks(importTarget(specifier, filePath), from));
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function filesOf(rule: LayerRule): string[] {
  const excluded = rule.exceptFolders ?? [];
  return typeScriptFiles(join(root, rule.layer)).filter(
    (path) => !isUnderAny(relative(root, path).split(sep).join("/"), excluded),
  );
}

describe("the boundary checker", () => {
  describe.each(layerRules.filter((rule) => rule.caught.length > 0))("for $layer/", (rule) => {
    const file = join(root, rule.exampleFile);

    it.each(rule.caught)("catches %s", (source) => {
      expect(violations(rule, source, file)).toHaveLength(1);
    });
  });

  describe.each(layerRules)("for $layer/", (rule) => {
    it("accepts what the layer may import", () => {
      expect(violations(rule, rule.allowed.join("\n"), join(root, rule.exampleFile))).toEqual([]);
    });
  });

  it("resolves relative paths from the importing file", () => {
    const [core] = layerRules;
    const nested = join(root, "core", "store", "sqlite", "inbox.ts");
    expect(violations(core!, 'import { x } from "../../types/message.ts";', nested)).toEqual([]);
    expect(violations(core!, 'import { x } from "../../../adapters/web/index.ts";', nested)).toHaveLength(1);
  });

  it("lets an adapter import its own folder but not a sibling's", () => {
    const adapters = layerRules.find((rule) => rule.layer === "adapters")!;
    const nested = join(root, "adapters", "feishu", "cards", "approval.ts");
    expect(violations(adapters, 'import { x } from "../outbound.ts";', nested)).toEqual([]);
    expect(violations(adapters, 'import { x } from "../../wecom/outbound.ts";', nested)).toHaveLength(1);
  });
});

describe("the layers", () => {
  it("have a rule for every top-level folder of the program", () => {
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .filter((name) => !outsideTheLayers.includes(name))
      .filter((name) => typeScriptFiles(join(root, name)).length > 0);
    const covered = new Set(layerRules.map((rule) => rule.layer.split("/")[0]));
    expect(folders.filter((name) => !covered.has(name))).toEqual([]);
  });

  describe.each(layerRules)("$layer/", (rule) => {
    const files = filesOf(rule);

    it("has files to check", () => {
      expect(files.length).toBeGreaterThan(0);
    });

    it(rule.rule, () => {
      const found = files.flatMap((path) =>
        violations(rule, readFileSync(path, "utf8"), path).map((specifier) => `${relative(root, path)}: ${specifier}`),
      );
      expect(found).toEqual([]);
    });
  });

  it("core/ has more than a handful of files", () => {
    expect(filesOf(layerRules[0]!).length).toBeGreaterThan(10);
  });
});
