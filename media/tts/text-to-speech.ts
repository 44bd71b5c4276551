/**
 * A voice reply: always OGG/Opus, mono, 48 kHz. Telegram's sendVoice takes it as it is and browsers
 * play it; other formats (Feishu, WeChat SILK) are the adapters' business.
 */
export interface VoiceNote {
  bytes: Uint8Array;
  mimeType: "audio/ogg";
  durationSec: number;
}

/** A text-to-speech provider. Errors are BridgeErrors whose message can go to the chat. */
export interface TextToSpeech {
  /** For `/status`: "openai (tts-1, alloy)", "espeak-ng (en-us)". */
  name: string;
  /** Speaks plain text (see `speakableText` for Markdown); refuses empty text. */
  speak(text: string, signal: AbortSignal): Promise<VoiceNote>;
}
