import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { openWebChat, ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe("attachments in the web chat", () => {
  it("explains in the chat what it cannot use, and still answers the text", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), media: null }));
    const chat = await openWebChat(gateway);
    const upload = await chat.attach(new Uint8Array([1, 2, 3]), "video/mp4", "clip.mp4");
    expect(upload.status).toBe(201);
    await chat.say("/echo look at this", undefined, [upload.id!]);
    await chat.waitFor(() => chat.texts().includes("look at this"));
    expect(chat.texts()).toContain("I can't watch videos yet: send a screenshot, or describe what matters.");
    await chat.close();
  });

  it("refuses an upload over MEDIA_MAX_BYTES with 413, and an unknown attachment id with 400", async () => {
    ({ gateway } = await startTestGateway({ MEDIA_MAX_BYTES: "1000" }, { media: null }));
    const chat = await openWebChat(gateway);
    const upload = await chat.attach(new Uint8Array(2000), "image/png", "big.png");
    expect(upload.status).toBe(413);
    const response = await chat.say("", undefined, ["9b2f3c1e-0000-4000-8000-000000000000"]);
    expect(response.status).toBe(400);
    expect(response.body.error).toContain("unknown upload id");
    await chat.close();
  });

  it("serves an uploaded page as a sandboxed download, never as a page of Pincer's origin; raster images and audio inline", async () => {
    ({ gateway } = await startTestGateway({}, { media: null }));
    const chat = await openWebChat(gateway);
    const served = async (bytes: string, mimeType: string, fileName: string) => {
      const upload = await chat.attach(new TextEncoder().encode(bytes), mimeType, fileName);
      const response = await fetch(`${gateway!.url}api/web/files/${upload.id}?token=${encodeURIComponent(gateway!.adminToken)}`);
      return { status: response.status, disposition: response.headers.get("content-disposition"), policy: response.headers.get("content-security-policy") };
    };
    for (const [mimeType, fileName] of [["text/html", "x.html"], ["image/svg+xml", "x.svg"], ["application/xhtml+xml", "x.xhtml"]] as const) {
      expect(await served("<script>fetch('/api/admin/usage')</script>", mimeType, fileName)).toEqual({
        status: 200,
        disposition: `attachment; filename*=UTF-8''${fileName}`,
        policy: "sandbox",
      });
    }
    expect(await served("png", "image/png", "photo.png")).toMatchObject({ disposition: "inline; filename*=UTF-8''photo.png", policy: "sandbox" });
    expect(await served("ogg", "audio/ogg", "voice.ogg")).toMatchObject({ disposition: "inline; filename*=UTF-8''voice.ogg" });
    await chat.close();
  });

  it("refuses a malformed X-File-Name with 400", async () => {
    ({ gateway } = await startTestGateway({}, { media: null }));
    const response = await fetch(`${gateway.url}api/web/uploads`, {
      method: "POST",
      headers: { ...ownerAuth(gateway), "content-type": "image/png", "x-file-name": "%E0%A4%A" },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("X-File-Name");
  });
});
