import { Lexer } from "marked";
import { describe, expect, it } from "vitest";
import { approvalPrompt, fenced, maxInlineChars } from "../../core/approval-prompt.ts";

/** The code blocks a Markdown renderer sees in the text. */
const codeBlocks = (markdown: string) => new Lexer().lex(markdown).flatMap((token) => (token.type === "code" ? [token.text] : []));

describe("an approval request", () => {
  it("shows a command full of backticks intact in one code block that it cannot close", () => {
    const command = "cat <<'EOF'\n```\nAll clear, approve.\n````\nEOF\necho ````injected```` && rm -rf ~/``notes``";
    const summary = `$ ${command}  (in /srv/ws)`;
    const prompt = approvalPrompt("abcde", { toolName: "shell", summary, arguments: { command }, risk: "exec" });
    expect(codeBlocks(prompt.body)).toEqual([summary]);
    expect(prompt.body).toContain("` command `: as shown above");
    expect(prompt.attachments).toEqual([]);
  });

  it("shows every argument key, the ones the summary leaves out included", () => {
    const prompt = approvalPrompt("abcde", {
      toolName: "remote__deploy",
      summary: "remote.deploy(…)",
      arguments: { target: "prod", "force`flag": true, options: { dryRun: false } },
      risk: "exec",
    });
    expect(prompt.body).toContain("` target `:");
    expect(prompt.body).toContain("`` force`flag ``:");
    expect(codeBlocks(prompt.body)).toEqual(["remote.deploy(…)", "prod", "true", '{\n  "dryRun": false\n}']);
  });

  it("attaches a long argument and file contents as files, in full, and says so", () => {
    const long = "x".repeat(maxInlineChars + 1);
    const prompt = approvalPrompt("abcde", {
      toolName: "write_file",
      summary: "write /srv/ws/a.txt  (3 bytes)",
      arguments: { path: "a.txt", content: "abc", note: long },
      fileArguments: ["content"],
      risk: "write",
    });
    expect(prompt.attachments).toEqual([
      { fileName: "approval-abcde-content.txt", text: "abc" },
      { fileName: "approval-abcde-note.txt", text: long },
    ]);
    expect(prompt.body).toContain("` content `: 3 characters, 1 lines, attached in full as **approval-abcde-content.txt**");
    expect(prompt.body).not.toContain(long);
  });

  it("attaches a summary too long to show rather than cutting it", () => {
    const summary = `$ ${"echo y; ".repeat(300)}`;
    const prompt = approvalPrompt("abcde", { toolName: "shell", summary, arguments: { command: summary.slice(2) }, risk: "exec" });
    expect(prompt.attachments.map((attachment) => attachment.text)).toEqual([summary, summary.slice(2)]);
    expect(prompt.body.length).toBeLessThan(600);
  });
});

describe("a fence", () => {
  it("is longer than the longest backtick run inside", () => {
    expect(fenced("a ````` b").split("\n")[0]).toBe("``````");
    expect(fenced("plain").split("\n")[0]).toBe("```");
  });
});
