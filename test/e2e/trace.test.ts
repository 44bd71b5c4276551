import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Env } from "../../core/config.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { openWebChat, ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);

let gateway: Gateway | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function start(env: Env = {}) {
  const platform = createChatPlatform();
  const dataDir = tempDataDir();
  ({ gateway } = await startTestGateway({ DATA_DIR: dataDir, ...env }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [platform.adapter] }));
  return { gateway, platform, dataDir };
}

/** The web chat's owner says `/echo …` and reads the answer; returns the message's id as the trace routes take it. */
async function echoInWebChat(running: Gateway, text: string): Promise<string> {
  const chat = await openWebChat(running);
  await chat.say(`/echo ${text}`, "msg1");
  await chat.waitFor(() => chat.texts().includes(text));
  await running.pipeline.idle();
  chat.close();
  return `${chat.conversationId}:msg1`;
}

interface TraceBody {
  spans: { name: string; startedAt: number; endedAt: number; attributes: Record<string, unknown> }[];
  startedAt: number;
  endedAt: number;
}

const getTrace = (running: Gateway, path: string, headers: Record<string, string> = ownerAuth(running)) =>
  fetch(`${running.url}${path}`, { headers });

describe("a message's trace, end to end", () => {
  it("covers a web-chat message from ingress to delivery, in the API, the console page and the CLI", async () => {
    const { gateway: running, dataDir } = await start();
    const messageId = await echoInWebChat(running, "traced");
    const response = await getTrace(running, `api/admin/trace/web/${messageId}`);
    expect(response.status).toBe(200);
    const trace = (await response.json()) as TraceBody;
    const names = trace.spans.map((span) => span.name);
    expect(names[0]).toBe("message");
    expect(names).toEqual(expect.arrayContaining(["store", "policy", "parse", "queue", "route", "session", "agent", "send", "turn"]));
    const send = trace.spans.find((span) => span.name === "send")!;
    expect(send.attributes).toMatchObject({ part: "0", outcome: "sent" });
    const store = trace.spans.find((span) => span.name === "store")!;
    expect(store.startedAt).toBe(trace.startedAt);
    expect(send.endedAt).toBeLessThanOrEqual(trace.endedAt);

    const page = await getTrace(running, `admin/trace/web/${messageId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Stored");
    expect(html).toContain("part 0 (markdown) sent");
    expect(html).toContain('aria-current="page"');
    expect(await (await getTrace(running, `admin/trace/web/${messageId}?lang=zh-CN`)).text()).toContain("已收到并存入收件箱");

    const cli = await run(process.execPath, ["bin/pincer.ts", "trace", "web", messageId], { env: { ...process.env, DATA_DIR: dataDir } });
    expect(cli.stdout).toContain(`Trace of web message ${messageId}`);
    expect(cli.stdout).toMatch(/Stored\s+received and stored in the inbox/);
    expect(cli.stdout).toMatch(/Reply part\s+part 0 \(markdown\) sent/);
  });

  it("refuses the trace without the admin token, or with a wrong one", async () => {
    const { gateway: running } = await start();
    const messageId = await echoInWebChat(running, "secret");
    expect((await getTrace(running, `api/admin/trace/web/${messageId}`, {})).status).toBe(401);
    expect((await getTrace(running, `api/admin/trace/web/${messageId}`, { authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
    expect((await getTrace(running, `admin/trace/web/${messageId}`, {})).status).toBe(401);
    expect((await getTrace(running, "api/admin/trace/web/no-such-message")).status).toBe(404);
  });

  it("shows why a message got no answer, with the sender's name escaped", async () => {
    const { gateway: running, platform } = await start({ PINCER_GROUP_POLICY: "mention" });
    const hostile = platform.message({ from: "<img src=x onerror=alert(1)>", chat: "g1", kind: "group", segments: [{ type: "text", text: "talking among us" }] });
    await platform.deliver(hostile);
    await running.pipeline.idle();
    const trace = (await (await getTrace(running, `api/admin/trace/chat/${hostile.id}`)).json()) as TraceBody;
    expect(trace.spans.find((span) => span.name === "policy")!.attributes).toMatchObject({ decision: "drop", reason: "not-addressed" });
    expect(trace.spans.some((span) => span.name === "turn")).toBe(false);
    const html = await (await getTrace(running, `admin/trace/chat/${hostile.id}`)).text();
    expect(html).toContain("not answered: not addressed in group");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&#60;img src=x");
  });
});

/** An OTLP/HTTP collector on 127.0.0.1: every span posted to /v1/traces, decoded from JSON. */
async function startCollector() {
  const spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        response.writeHead(404).end();
        return;
      }
      contentTypes.push(String(request.headers["content-type"]));
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8")) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: typeof spans }[] }[];
      };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, contentTypes };
}

describe("OpenTelemetry export", () => {
  it("exports one message as one trace whose spans cover ingress to delivery", async () => {
    const collector = await startCollector();
    const { gateway: running } = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "pincer-test" });
    await echoInWebChat(running, "exported");
    await running.tracer.flush();
    expect(collector.contentTypes[0]).toContain("application/json");
    const traceIds = new Set(collector.spans.map((span) => span.traceId));
    expect(traceIds.size).toBe(1);
    const names = collector.spans.map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(["pincer.message", "pincer.store", "pincer.policy", "pincer.queue", "pincer.agent", "pincer.send", "pincer.turn"]));
    const root = collector.spans.find((span) => span.name === "pincer.message")!;
    expect(root.parentSpanId ?? "").toBe("");
    for (const span of collector.spans.filter((one) => one !== root)) expect(span.parentSpanId).toBe(root.spanId);
    const store = collector.spans.find((span) => span.name === "pincer.store")!;
    const send = collector.spans.find((span) => span.name === "pincer.send")!;
    expect(BigInt(root.startTimeUnixNano)).toBeLessThanOrEqual(BigInt(store.startTimeUnixNano));
    expect(BigInt(send.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(root.endTimeUnixNano));
  });
});
