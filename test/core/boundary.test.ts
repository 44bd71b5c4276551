import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const coreDir = join(root, "core");

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
const outerLayers = ["adapters", "agents", "media", "gateway"];

const specifierPatterns = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];

function importSpecifiers(source: string): string[] {
  return specifierPatterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

/** The imports of a core file that break the boundary: SDKs, or relative paths into the outer layers. */
function boundaryViolations(source: string, filePath: string): string[] {
  return importSpecifiers(source).filter((specifier) => {
    if (specifier.startsWith(".")) {
      const target = relative(root, resolve(dirname(filePath), specifier));
      return outerLayers.some((layer) => target === layer || target.startsWith(`${layer}${sep}`));
    }
    return forbiddenPackages.some((pattern) => pattern.test(specifier));
  });
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the boundary checker", () => {
  const file = join(coreDir, "pipeline.ts");

  it.each([
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
  ])("catches %s", (source) => {
    expect(boundaryViolations(source, file)).toHaveLength(1);
  });

  it("accepts node built-ins, core's own modules and neutral libraries", () => {
    const source = [
      'import { readFileSync } from "node:fs";',
      'import type { InboundMessage } from "./types/message.ts";',
      'import { createSqliteStore } from "./store/sqlite/index.ts";',
      'import { z } from "zod";',
      'import pRetry from "p-retry";',
      'import { expressive } from "./expressive.ts";',
    ].join("\n");
    expect(boundaryViolations(source, file)).toEqual([]);
  });

  it("resolves relative paths from the importing file", () => {
    const nested = join(coreDir, "store", "sqlite", "inbox.ts");
    expect(boundaryViolations('import { x } from "../../types/message.ts";', nested)).toEqual([]);
    expect(boundaryViolations('import { x } from "../../../adapters/web/index.ts";', nested)).toHaveLength(1);
  });
});

describe("core/", () => {
  const files = typeScriptFiles(coreDir);

  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("imports no platform or model SDK and nothing from adapters, agents, media or gateway", () => {
    const violations = files.flatMap((path) =>
      boundaryViolations(readFileSync(path, "utf8"), path).map((specifier) => `${relative(root, path)}: ${specifier}`),
    );
    expect(violations).toEqual([]);
  });
});

describe("adapters/kit/ (helpers every adapter may use)", () => {
  const kitDir = join(root, "adapters", "kit");
  const files = typeScriptFiles(kitDir);

  /** What a kit file imports that is neither core/, another kit file, nor a node built-in. */
  const kitViolations = (source: string, filePath: string) =>
    importSpecifiers(source).filter((specifier) => {
      if (specifier.startsWith("node:")) return false;
      if (!specifier.startsWith(".")) return true;
      const target = relative(root, resolve(dirname(filePath), specifier));
      return !(target.startsWith(`core${sep}`) || target.startsWith(`adapters${sep}kit${sep}`));
    });

  it("catches an import of a platform adapter, an SDK or a package", () => {
    const file = join(kitDir, "example.ts");
    expect(kitViolations('import { x } from "../slack/socket.ts";', file)).toHaveLength(1);
    expect(kitViolations('import { SocketModeReceiver } from "@slack/bolt";', file)).toHaveLength(1);
    expect(kitViolations('import { x } from "../../core/types/errors.ts";\nimport { y } from "./backoff.ts";\nimport { z } from "node:timers";', file)).toEqual([]);
  });

  it("imports only core/, other kit files and node built-ins", () => {
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((path) => kitViolations(readFileSync(path, "utf8"), path).map((specifier) => `${relative(root, path)}: ${specifier}`));
    expect(violations).toEqual([]);
  });
});
