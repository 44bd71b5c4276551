import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseStt } from "../../../media/stt/choose.ts";
import { rejection } from "../../support/rejection.ts";

const openai = { baseUrl: "http://127.0.0.1:9/v1", apiKey: undefined, model: "whisper-1" };
const installed = async () => true;
const missing = async () => false;
let grammarPath: string;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "pincer-choose-"));
  grammarPath = join(directory, "commands.gram");
  await writeFile(grammarPath, "#JSGF V1.0;\ngrammar commands;\npublic <command> = turn on the lights;\n");
});
afterAll(() => rm(directory, { recursive: true, force: true }));

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error.code).toBe("config");
  return error.message;
}

describe("chooseStt", () => {
  it("auto takes the OpenAI-compatible endpoint when one is configured", async () => {
    const stt = await chooseStt({ provider: "auto", openai, isPocketsphinxAvailable: installed });
    expect(stt?.name).toBe("openai (whisper-1)");
  });

  it("auto falls back to pocketsphinx when it is installed", async () => {
    const stt = await chooseStt({ provider: "auto", grammarPath, isPocketsphinxAvailable: installed });
    expect(stt?.name).toBe("pocketsphinx");
  });

  it("auto gives none when neither is there", async () => {
    expect(await chooseStt({ provider: "auto", isPocketsphinxAvailable: missing })).toBeUndefined();
  });

  it("none is none, even when an endpoint is configured", async () => {
    expect(await chooseStt({ provider: "none", openai, isPocketsphinxAvailable: installed })).toBeUndefined();
  });

  it("openai without an endpoint is a configuration error", async () => {
    expect(await configError(chooseStt({ provider: "openai" }))).toContain("STT_BASE_URL");
  });

  it("pocketsphinx when it is not installed names the packages to install", async () => {
    const message = await configError(chooseStt({ provider: "pocketsphinx", isPocketsphinxAvailable: missing }));
    expect(message).toContain("apt-get install pocketsphinx pocketsphinx-en-us");
  });

  it("pocketsphinx with a grammar file that is not there is a configuration error", async () => {
    const message = await configError(
      chooseStt({ provider: "pocketsphinx", grammarPath: join(directory, "nope.gram"), isPocketsphinxAvailable: installed }),
    );
    expect(message).toContain("STT_GRAMMAR");
  });
});
