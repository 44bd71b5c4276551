import { get } from "node:http";

/** Status of a GET, or undefined when the server did not answer within `timeoutMs`. */
export function getStatus(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
      response.on("error", () => resolve(undefined));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(undefined));
  });
}

/** Polls until `url` answers 200; false when it did not within `attempts` tries. */
export async function waitFor200(url: string, attempts: number, pauseMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if ((await getStatus(url, 1_000)) === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return false;
}
