import { pino, type DestinationStream } from "pino";
import type { Logger } from "./types/logger.ts";

const secretKeyPaths = [
  "token", "*.token", "secret", "*.secret", "apiKey", "*.apiKey", "password", "*.password",
  "authorization", "*.authorization", "headers.authorization", "*.headers.authorization",
  'headers["x-telegram-bot-api-secret-token"]', '*.headers["x-telegram-bot-api-secret-token"]',
];

export interface LoggerOptions {
  level: string;
  /** Known secret values (tokens, keys): masked wherever they appear in a line, URLs included. */
  secrets: readonly string[];
  destination?: DestinationStream;
}

export function maskSecrets(line: string, secrets: readonly string[]): string {
  let masked = line;
  for (const secret of secrets) {
    if (secret.length >= 6) masked = masked.replaceAll(secret, "[redacted]");
  }
  return masked;
}

/**
 * JSON lines on stdout (or `destination`), with secrets redacted by key and by value. `secrets` is read at each
 * line, so a value the gateway adds later (a channel added from the setup page) is masked from then on.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets;
  return pino(
    {
      level: options.level,
      base: { app: "pincer" },
      redact: { paths: secretKeyPaths, censor: "[redacted]" },
      hooks: { streamWrite: (line) => maskSecrets(line, secrets) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
