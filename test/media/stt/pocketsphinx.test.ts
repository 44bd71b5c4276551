import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../../core/types/errors.ts";
import { createPocketsphinxStt, isPocketsphinxAvailable } from "../../../media/stt/pocketsphinx.ts";
import { toneWav } from "../audio/samples.ts";

// A stand-in for pocketsphinx_continuous (the real one runs in test/system): it records its
// arguments and the file it was given, then prints what it "heard", one utterance per line.
const fakeRecognizer = `#!/bin/sh
dir=$(dirname "$0")
printf '%s\\n' "$@" > "$dir/args.txt"
while [ $# -gt 0 ]; do
  if [ "$1" = "-infile" ]; then cp "$2" "$dir/heard.wav"; fi
  shift
done
printf 'turn on\\n\\nthe lights\\n'
`;

let directory: string;
let command: string;
const signal = new AbortController().signal;
const wav = toneWav(0.5, 16_000);

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "pincer-sphinx-"));
  command = join(directory, "pocketsphinx_continuous");
  await writeFile(command, fakeRecognizer);
  await chmod(command, 0o755);
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe("the pocketsphinx speech-to-text", () => {
  it("runs the recognizer on the WAV with the grammar and joins what it heard", async () => {
    const stt = createPocketsphinxStt({ command, grammarPath: "/srv/commands.gram" });
    expect(await stt.transcribe(wav, signal)).toBe("turn on the lights");
    const args = (await readFile(join(directory, "args.txt"), "utf8")).trim().split("\n");
    expect(args).toEqual(["-infile", expect.stringMatching(/\.wav$/), "-logfn", "/dev/null", "-jsgf", "/srv/commands.gram"]);
    expect(new Uint8Array(await readFile(join(directory, "heard.wav")))).toEqual(wav);
  });

  it("uses the general language model without a grammar", async () => {
    await createPocketsphinxStt({ command }).transcribe(wav, signal);
    const args = (await readFile(join(directory, "args.txt"), "utf8")).trim().split("\n");
    expect(args).not.toContain("-jsgf");
  });

  it("reports a recognizer that fails", async () => {
    const failing = join(directory, "failing");
    await writeFile(failing, "#!/bin/sh\nexit 3\n");
    await chmod(failing, 0o755);
    const error = await createPocketsphinxStt({ command: failing }).transcribe(wav, signal).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).toBe("Offline speech recognition failed.");
    expect(((error as BridgeError).cause as Error).message).toContain("exited with code 3");
  });

  it("kills a recognizer that takes too long", async () => {
    const slow = join(directory, "slow");
    await writeFile(slow, "#!/bin/sh\nexec sleep 10\n");
    await chmod(slow, 0o755);
    const error = await createPocketsphinxStt({ command: slow, timeoutMs: 100 }).transcribe(wav, signal).catch((thrown: unknown) => thrown);
    expect((error as BridgeError).code).toBe("timeout");
  });

  it("is not available when the program is missing", async () => {
    expect(await isPocketsphinxAvailable(join(directory, "no-such-program"))).toBe(false);
  });
});
