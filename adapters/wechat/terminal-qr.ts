import type { Logger } from "../../core/types/logger.ts";

/** Draws the login QR code on stderr as one block, small enough for a terminal, for the operator to scan. */
export function showQrInTerminal(logger: Logger, write: (text: string) => void = (text) => void process.stderr.write(text)) {
  return (qrcode: string) => {
    import("qrcode")
      .then(({ default: QRCode }) => QRCode.toString(qrcode, { type: "terminal", small: true }))
      .then((drawing) => write(`\nScan this QR code with WeChat to log the bot in:\n${drawing}\n`))
      .catch((error: unknown) => logger.warn({ err: error }, "wechat: could not draw the login QR code; open the URL in the log instead"));
  };
}
