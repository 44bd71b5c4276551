/** Model names known to take images; others get the text of an image (OCR) instead. */
const visionModels = [
  /gpt-4o/, /gpt-4\.1/, /gpt-5/, /^o[34]/, /claude/, /gemini/, /vision/, /-vl\b/, /qwen.*vl/, /qvq/, /glm-4(\.\d)?v/,
  /llava/, /pixtral/, /llama-?3\.2.*vision/, /kimi-latest/, /moonshot.*vision/, /doubao.*vision/,
];

export function acceptsImages(model: string): boolean {
  const name = model.toLowerCase();
  return visionModels.some((pattern) => pattern.test(name));
}

/** What an image costs in prompt tokens, near enough for the budget (Anthropic's width × height / 750). */
export function imageTokens(image: { width: number; height: number }): number {
  return Math.ceil((image.width * image.height) / 750);
}
