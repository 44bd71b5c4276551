import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { emit, fakeAgent } from "../support/fake-agent.ts";
import { describeFileHandover } from "../support/file-handover.ts";
import { dropSchema, postgresFactory, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";
import { openWebChat, ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

// Issue 17 on real PostgreSQL: a file part one process could not send is sent by another, with its bytes from the store.
if (testDatabaseUrl) {
  describeFileHandover("postgres", postgresFactory(testDatabaseUrl));

  describe("a gateway on PostgreSQL", () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it("copies a file the agent sends into the store, and the web chat serves it from there", async () => {
      const schema = uniqueSchema();
      cleanups.push(() => dropSchema(testDatabaseUrl!, schema));
      const bytes = randomBytes(50_000);
      const path = join(mkdtempSync(join(tmpdir(), "pincer-workspace-")), "chart.png");
      writeFileSync(path, bytes);
      const { agent } = fakeAgent(
        () => [emit({ type: "artifact", part: { type: "file", media: { platform: "local", id: path, fileName: "chart.png", mimeType: "image/png" }, caption: "the chart" } })],
        { id: "files" },
      );
      const { gateway } = await startTestGateway({ DATABASE_URL: schemaUrl(schema) }, { agent });
      cleanups.push(() => gateway.stop());
      const chat = await openWebChat(gateway as Gateway);
      cleanups.push(async () => chat.close());

      expect((await chat.say("send me the chart")).status).toBe(202);
      await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "file"), 10_000);
      const shown = chat.botMessages().find((message) => message.part.type === "file")!.part;
      expect(shown).toMatchObject({ media: { platform: "web", fileName: "chart.png" } });
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      expect((await gateway.store.files.get(sha256))?.fileName).toBe("chart.png");
      const url = (shown as { media: { url: string } }).media.url;
      const served = await fetch(new URL(url.slice(1), gateway.url), { headers: ownerAuth(gateway) });
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    }, 30_000);
  });
} else {
  describe.skip("postgres file handover", () => it.skip(skipReason, () => {}));
}
