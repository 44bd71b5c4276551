import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeToWav } from "../../media/audio/decode.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { createPocketsphinxStt, isPocketsphinxAvailable } from "../../media/stt/pocketsphinx.ts";

const run = promisify(execFile);
const packages = "apt-get install pocketsphinx pocketsphinx-en-us espeak-ng";

const grammar = `#JSGF V1.0;
grammar commands;
public <command> = turn on the lights | turn off the lights | what time is it | play some music | stop the music;
`;

async function hasEspeak(): Promise<boolean> {
  try {
    await run("espeak-ng", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/** Offline voice commands: spoken words → a Telegram-style voice note → 16 kHz WAV → pocketsphinx with a grammar. */
describe("a spoken command, recognized offline", () => {
  let directory: string;

  beforeAll(async () => {
    const missing = [
      ...((await isPocketsphinxAvailable()) ? [] : ["pocketsphinx_continuous with its en-us model"]),
      ...((await hasEspeak()) ? [] : ["espeak-ng"]),
    ];
    if (missing.length > 0) throw new Error(`Missing ${missing.join(" and ")}: ${packages}`);
    directory = await mkdtemp(join(tmpdir(), "pincer-voice-"));
  });
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('hears "turn on the lights" in an OGG/Opus voice note', async () => {
    const spoken = join(directory, "spoken.wav");
    const voiceNote = join(directory, "voice.oga");
    const grammarPath = join(directory, "commands.gram");
    await writeFile(grammarPath, grammar);
    await run("espeak-ng", ["-v", "en-us", "-w", spoken, "turn on the lights"]);
    const ffmpegPath = await findFfmpeg();
    await run(ffmpegPath, ["-hide_banner", "-loglevel", "error", "-y", "-i", spoken, "-c:a", "libopus", "-b:a", "32k", "-f", "ogg", voiceNote]);

    const signal = new AbortController().signal;
    const { wav, durationSec } = await decodeToWav(
      { bytes: new Uint8Array(await readFile(voiceNote)), mimeType: "audio/ogg", fileName: "voice.oga" },
      { signal, ffmpegPath },
    );
    expect(durationSec).toBeGreaterThan(0.5);

    const transcript = await createPocketsphinxStt({ grammarPath }).transcribe(wav, signal);
    expect(transcript).toBe("turn on the lights");
  });
});
