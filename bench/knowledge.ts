/**
 * `node bench/knowledge.ts [--documents N]`: the knowledge base at the bench's size. 1,000 Markdown documents of 10
 * sections each (about 10,000 chunks, a tenth in Chinese) go through the real ingestion (extract, chunk, store);
 * then 200 full-text questions, 50 vector scans (256 dimensions, brute-force cosine), and the prompt tokens that
 * retrieval and memories add to one turn. Everything stays in a temporary directory.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { createKnowledge } from "../agents/knowledge/index.ts";
import { budgetShares, trimHeadTail } from "../core/context.ts";
import { formatPassages } from "../core/knowledge.ts";
import { memoryBlock, relevantMemories } from "../core/memory.ts";
import { memoryOwner } from "../core/store/memory-store.ts";
import { createSqliteStore } from "../core/store/sqlite/index.ts";

const { values } = parseArgs({ options: { documents: { type: "string", default: "1000" } } });
const documentCount = Number(values.documents);
const sectionsPerDocument = 10;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
// Words of 3 to 9 random letters, 5,000 of them, drawn with a skew (a few words are very common, as in prose).
const letters = "abcdefghijklmnopqrstuvwxyz";
const vocabulary = Array.from({ length: 5000 }, () => Array.from({ length: 3 + Math.floor(random() * 7) }, () => pick([...letters])).join(""));
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 2)]!;
const han = "部署发布分支服务器数据库配置密钥权限审批流程年假报销会议安全监控告警日志备份恢复测试上线版本客户合同".split("");
const sentence = (words: number) => `${Array.from({ length: words }, () => word()).join(" ")}.`;
const chinese = (chars: number) => `${Array.from({ length: chars }, () => pick(han)).join("")}。`;

function documentText(index: number): string {
  const sections = Array.from({ length: sectionsPerDocument }, (_, section) => {
    const body = section === 0 && index % 10 === 0 ? Array.from({ length: 6 }, () => chinese(40)).join("") : Array.from({ length: 8 }, () => sentence(12)).join(" ");
    return `## ${word()} ${section + 1}\n\n${body}`;
  });
  return `# Document ${index}\n\n${sections.join("\n\n")}\n`;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

const dir = mkdtempSync(join(tmpdir(), "pincer-bench-kb-"));
const store = createSqliteStore(dir);
try {
  const knowledge = createKnowledge({ store: store.knowledge, fetchAllow: [] });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let index = 0; index < documentCount; index += 1) {
    await knowledge.addFile("bench", `/bench/doc-${index}.md`, { bytes: Buffer.from(documentText(index)), fileName: `doc-${index}.md`, mimeType: undefined });
  }
  const indexingMs = performance.now() - started;
  const indexingCpu = process.cpuUsage(cpuStarted);
  const indexingCpuMs = (indexingCpu.user + indexingCpu.system) / 1000;
  const [base] = await store.knowledge.bases();

  const questions = Array.from({ length: 200 }, (_, index) => (index % 10 === 0 ? `${chinese(6)}怎么办？` : `how does ${word()} relate to ${word()} and ${word()}?`));
  const timings: number[] = [];
  const cpuTimings: number[] = [];
  const chineseCpu: number[] = [];
  let tokensAdded = 0;
  const toolResultTokens = budgetShares(8000).toolResultTokens;
  for (const question of questions) {
    const at = performance.now();
    const cpuAt = process.cpuUsage();
    const passages = await knowledge.search(["bench"], question, 5);
    const cpu = process.cpuUsage(cpuAt);
    timings.push(performance.now() - at);
    (/\p{Script=Han}/u.test(question) ? chineseCpu : cpuTimings).push((cpu.user + cpu.system) / 1000);
    tokensAdded += countTokens(trimHeadTail(formatPassages(passages), toolResultTokens, countTokens));
  }
  timings.sort((a, b) => a - b);
  cpuTimings.sort((a, b) => a - b);
  chineseCpu.sort((a, b) => a - b);

  // Vectors: every chunk gets a random 256-dimension embedding, then brute-force cosine over all of them.
  const vectorDir = mkdtempSync(join(tmpdir(), "pincer-bench-vec-"));
  const vectorStore = createSqliteStore(vectorDir);
  const vector = () => Array.from({ length: 256 }, () => random() - 0.5);
  for (let index = 0; index < documentCount; index += 1) {
    const chunks = Array.from({ length: sectionsPerDocument }, (_, section) => ({ section: `s${section}`, text: sentence(40), embedding: vector() }));
    await vectorStore.knowledge.put({ kb: "bench", source: `/v/${index}`, title: `v${index}`, sizeBytes: 0, addedAt: 0, embeddingModel: "random-256" }, chunks);
  }
  const scans: number[] = [];
  const scanCpu: number[] = [];
  for (let index = 0; index < 50; index += 1) {
    const at = performance.now();
    const cpuAt = process.cpuUsage();
    await vectorStore.knowledge.nearest(["bench"], vector(), 20);
    const cpu = process.cpuUsage(cpuAt);
    scans.push(performance.now() - at);
    scanCpu.push((cpu.user + cpu.system) / 1000);
  }
  scans.sort((a, b) => a - b);
  scanCpu.sort((a, b) => a - b);
  vectorStore.close();
  rmSync(vectorDir, { recursive: true, force: true });

  // Memories: 500 stored for one person; the block a turn gets within the default share (5% of 8,000).
  const owner = memoryOwner.user("bench:user");
  for (let index = 0; index < 500; index += 1) {
    await store.memories.add({ id: `m${index}`, owner, text: sentence(14), authorRef: "bench:user", conversationKey: "bench:chat", createdAt: index });
  }
  const scope = { userRef: "bench:user", conversationKey: "bench:chat", isGroup: false, isAdmin: false };
  const memoryShare = budgetShares(8000).memoryTokens;
  const memoryTokens = countTokens(memoryBlock(await relevantMemories(store.memories, scope, questions[1]!), memoryShare, countTokens));

  const rows = [
    ["documents / chunks", `${documentCount.toLocaleString("en-US")} / ${base!.chunks.toLocaleString("en-US")} (${Math.round(base!.textBytes / 1024 / 1024 * 10) / 10} MB of text)`],
    ["indexing (extract, chunk, FTS5 trigram)", `${(indexingMs / 1000).toFixed(1)} s wall, ${(indexingCpuMs / 1000).toFixed(1)} s CPU (${(indexingCpuMs / documentCount).toFixed(1)} ms CPU per document)`],
    ["full-text query p50 / p99, wall (200 questions, 1 in 10 Chinese)", `${percentile(timings, 50).toFixed(1)} ms / ${percentile(timings, 99).toFixed(1)} ms`],
    ["full-text query p50 / p99, CPU of the process: English (180)", `${percentile(cpuTimings, 50).toFixed(1)} ms / ${percentile(cpuTimings, 99).toFixed(1)} ms`],
    ["full-text query p50 / p99, CPU of the process: Chinese (20)", `${percentile(chineseCpu, 50).toFixed(1)} ms / ${percentile(chineseCpu, 99).toFixed(1)} ms`],
    ["store size on disk (pincer.db + WAL)", `${(dirBytes(dir) / 1024 / 1024).toFixed(1)} MB`],
    ["vector scan p50 / p99 (10,000 × 256 dimensions, brute force)", `${percentile(scans, 50).toFixed(1)} ms / ${percentile(scans, 99).toFixed(1)} ms wall; ${percentile(scanCpu, 50).toFixed(1)} ms / ${percentile(scanCpu, 99).toFixed(1)} ms CPU`],
    ["prompt tokens added by search_knowledge (5 passages, mean)", `${Math.round(tokensAdded / questions.length)} (cap: ${toolResultTokens}, the tool-result share)`],
    ["prompt tokens added by memories (500 stored)", `${memoryTokens} (cap: ${memoryShare}, PINCER_MEMORY_TOKENS default)`],
  ];
  process.stdout.write(`| measure | result |\n|---|---|\n${rows.map(([name, value]) => `| ${name} | ${value} |`).join("\n")}\n`);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
