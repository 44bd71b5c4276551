import type { knowledgeEn } from "./knowledge.en.ts";

export const knowledgeZhCN: Record<keyof typeof knowledgeEn, string> = {
  "knowledge.addAdminOnly": "只有管理员可以向知识库添加文档。",
  "knowledge.notAllowed": "本会话不能使用知识库 {kb}（可以使用：{list}）。",
  "knowledge.none": "无",
  "knowledge.sendDocument": "请发送文档（Markdown、纯文本、HTML、PDF 或 DOCX），并以 /kb add 作为说明文字。",
  "knowledge.tooLarge": "{name}：已拒绝，文件太大（{size}；上限是 {limit}）。",
  "knowledge.added": "{name}：已添加到 {kb}（{chunks} 个段落）。",
  "knowledge.refused": "{name}：已拒绝：{reason}",
  "knowledge.empty": "这里还没有知识库。运维人员可用 `pincer kb add` 添加文档，管理员可用 /kb add 附带文件添加。",
  "knowledge.title": "这里的知识库：",
  "knowledge.base": "{kb}：{documents} 个文档，{chunks} 个段落",
  "knowledge.askHint": "用 /kb <问题> 提问。",
  "knowledge.noBase": "本会话没有知识库。",
  "knowledge.nothingFound": "在 {kbs} 中没有找到与“{question}”相关的内容。",
  "knowledge.addOff": "此网关不支持从聊天中添加文档。",
};
