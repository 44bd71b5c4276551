import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A server started for the bench, on 127.0.0.1 and an ephemeral port. */
export interface BenchServer {
  /** Base URL, ending in `/`. */
  url: string;
  stop(): Promise<void>;
}

export async function listenLocally(server: Server): Promise<BenchServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
