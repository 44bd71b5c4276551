import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFfmpeg } from "../../../media/audio/ffmpeg.ts";
import { createEspeakTts, isEspeakAvailable } from "../../../media/tts/espeak.ts";
import { toneWav } from "../audio/samples.ts";
import { rejection } from "../../support/rejection.ts";

// A stand-in for espeak-ng (the real one runs in test/system): it records its arguments and the
// text it read on stdin, then "speaks" by copying a 1.5-second tone to the file after -w.
const fakeSpeaker = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\\n' "$@" > "$dir/args.txt"
cat > "$dir/text.txt"
while [ $# -gt 0 ]; do
  if [ "$1" = "-w" ]; then cp "$dir/tone.wav" "$2"; fi
  shift
done
`;

let directory: string;
let command: string;
let ffmpegPath: string;
const signal = new AbortController().signal;

async function script(name: string, body: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, body);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  ffmpegPath = await findFfmpeg();
  directory = await mkdtemp(join(tmpdir(), "pincer-espeak-"));
  await writeFile(join(directory, "tone.wav"), toneWav(1.5, 22_050));
  command = await script("espeak-ng", fakeSpeaker);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe("the espeak-ng text-to-speech", () => {
  it("gives the text on stdin, unquoted, and returns the speech as an OGG/Opus voice note", async () => {
    const text = `It's "done": $HOME stays, \`rm -rf\` too; -v is not an option here.`;
    const note = await createEspeakTts({ command, voice: "en-gb", ffmpegPath }).speak(text, signal);

    const args = (await readFile(join(directory, "args.txt"), "utf8")).trim().split("\n");
    expect(args).toEqual(["-v", "en-gb", "-w", expect.stringMatching(/\.wav$/), "--stdin"]);
    expect(await readFile(join(directory, "text.txt"), "utf8")).toBe(text);
    expect(note.mimeType).toBe("audio/ogg");
    expect(new TextDecoder().decode(note.bytes.subarray(0, 4))).toBe("OggS");
    expect(note.durationSec).toBeCloseTo(1.5, 1);
  });

  it("speaks American English unless told otherwise, and says so for /status", async () => {
    const tts = createEspeakTts({ command, ffmpegPath });
    expect(tts.name).toBe("espeak-ng (en-us)");
    await tts.speak("Hello.", signal);
    expect((await readFile(join(directory, "args.txt"), "utf8")).split("\n").slice(0, 2)).toEqual(["-v", "en-us"]);
  });

  it("reports a speaker that fails", async () => {
    const failing = await script("failing", "#!/bin/sh\necho 'Error: The specified espeak-ng voice does not exist.' >&2\nexit 1\n");
    const error = await rejection(createEspeakTts({ command: failing, ffmpegPath }).speak("Hi.", signal));
    expect(error.message).toBe("Offline speech synthesis failed.");
    expect((error.cause as Error).message).toContain("exited with code 1: Error: The specified espeak-ng voice does not exist.");
  });

  it("reports a speaker that exits happily without writing the file (espeak-ng does that)", async () => {
    const silent = await script("silent", "#!/bin/sh\necho \"Can't write to: x\"\nexit 0\n");
    const error = await rejection(createEspeakTts({ command: silent, ffmpegPath }).speak("Hi.", signal));
    expect(error.message).toBe("Offline speech synthesis failed.");
    expect((error.cause as Error).message).toMatch(/wrote no .*speech\.wav/);
  });

  it("kills a speaker that takes too long", async () => {
    const slow = await script("slow", "#!/bin/sh\nexec sleep 10\n");
    const error = await rejection(createEspeakTts({ command: slow, timeoutMs: 100, ffmpegPath }).speak("Hi.", signal));
    expect(error.code).toBe("timeout");
  });

  it("stops when the run is stopped", async () => {
    const slow = await script("slow-to-stop", "#!/bin/sh\nexec sleep 10\n");
    const controller = new AbortController();
    const pending = createEspeakTts({ command: slow, ffmpegPath }).speak("Hi.", controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).code).toBe("aborted");
  });

  it("refuses to say nothing", async () => {
    expect((await rejection(createEspeakTts({ command, ffmpegPath }).speak("", signal))).code).toBe("bad-input");
  });

  it("is available when the program speaks a letter with the voice", async () => {
    expect(await isEspeakAvailable({ command, voice: "de" })).toBe(true);
    expect((await readFile(join(directory, "args.txt"), "utf8")).trim().split("\n")).toEqual(["-v", "de", "-q", "--stdin"]);
  });

  it("is not available when the program is missing, or crashes with the voice", async () => {
    expect(await isEspeakAvailable({ command: join(directory, "no-such-program") })).toBe(false);
    const crashing = await script("crashing", "#!/bin/sh\nkill -SEGV $$\n");
    expect(await isEspeakAvailable({ command: crashing, voice: "alloy" })).toBe(false);
  });
});
