/** A speech-to-text provider. Errors are BridgeErrors whose message can go to the chat. */
export interface SpeechToText {
  /** For `/status`: "openai (whisper-1)", "pocketsphinx". */
  name: string;
  /** The words spoken in a 16 kHz mono 16-bit WAV; "" when none were recognized. */
  transcribe(wav: Uint8Array, signal: AbortSignal): Promise<string>;
}
