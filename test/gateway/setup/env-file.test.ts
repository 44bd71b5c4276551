import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { mergeEnvText, writeEnvFile } from "../../../gateway/setup/env-file.ts";

describe(".env as pincer setup writes it", () => {
  it("keeps comments and other values, replaces a value on its own line, appends new ones", () => {
    const before = "# Pincer\nPORT=9000\n\n# the bot\nTELEGRAM_BOT_TOKEN=old\nexport LOG_LEVEL=info\n";
    const after = mergeEnvText(before, { TELEGRAM_BOT_TOKEN: "123:new", OPENAI_MODEL: "gpt-4o-mini" });
    expect(after).toBe("# Pincer\nPORT=9000\n\n# the bot\nTELEGRAM_BOT_TOKEN=123:new\nexport LOG_LEVEL=info\n\n# Added by pincer setup\nOPENAI_MODEL=gpt-4o-mini\n");
  });

  it("removes a variable set to undefined, and every repeated line of a replaced one", () => {
    expect(mergeEnvText("A=1\nB=2\nA=3\n", { A: "4", B: undefined })).toBe("A=4\n");
  });

  it("quotes values so that they read back unchanged", () => {
    const values = { SPACES: "a b c", HASH: "x#y", QUOTE: "it's \"so\"", DOLLAR: "$HOME" };
    expect(parseEnv(mergeEnvText("", values))).toEqual(values);
  });

  it("writes mode 600 even over a file that was world-readable", () => {
    const path = join(mkdtempSync(join(tmpdir(), "pincer-env-")), ".env");
    writeFileSync(path, "KEEP=me\n", { mode: 0o644 });
    writeEnvFile(path, { SECRET_TOKEN: "s3cret" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parseEnv(readFileSync(path, "utf8"))).toEqual({ KEEP: "me", SECRET_TOKEN: "s3cret" });
  });
});
