/** The built-in (offline) agent's answer. */
export const builtinEn = {
  "builtin.intro": "I'm Pincer's built-in agent: I work offline and have no model behind me. I received {received}.",
  "builtin.connect": "To get real answers, connect a model: set `OPENAI_BASE_URL`, `OPENAI_API_KEY` and `OPENAI_MODEL` (any OpenAI-compatible endpoint) and restart Pincer.",
  "builtin.try": "Meanwhile, try `/echo hello`, `/status` or `/help`.",
  "builtin.empty": "an empty message",
  "builtin.separator": ", ",
  "builtin.quoted": "\"{text}\"",
  "builtin.voice": "a voice note that says \"{transcript}\"",
  "builtin.audio": "an audio clip",
  "builtin.audioSeconds": "an audio clip of {seconds} s",
  "builtin.imageText": "an image that reads \"{text}\"",
  "builtin.image": "an image",
  "builtin.video": "a video",
  "builtin.file": "a file",
  "builtin.fileNamed": "a file ({name})",
} as const;
