/** The answers to /kb. */
export const knowledgeEn = {
  "knowledge.addAdminOnly": "Only an admin can add documents to a knowledge base.",
  "knowledge.notAllowed": "This chat may not use the knowledge base {kb} (it may use: {list}).",
  "knowledge.none": "none",
  "knowledge.sendDocument": "Send the document (Markdown, text, HTML, PDF or DOCX) with /kb add as its caption.",
  "knowledge.tooLarge": "{name}: refused, it is too large ({size}; the limit is {limit}).",
  "knowledge.added": "{name}: added to {kb} ({chunks} passages).",
  "knowledge.refused": "{name}: refused: {reason}",
  "knowledge.empty": "No knowledge base here yet. An operator adds documents with `pincer kb add`, an admin with /kb add and a file.",
  "knowledge.title": "Knowledge bases here:",
  "knowledge.base": "{kb}: {documents} documents, {chunks} passages",
  "knowledge.askHint": "Ask with /kb <question>.",
  "knowledge.noBase": "This chat has no knowledge base.",
  "knowledge.nothingFound": "Nothing found in {kbs} for \"{question}\".",
  "knowledge.addOff": "Adding documents from a chat is not available in this gateway.",
} as const;
