import pg from "pg";

interface Lane {
  client: Promise<pg.Client>;
  inFlightCount: number;
  isBroken: boolean;
}

/**
 * A pool whose single statements (`query(text, values)`) share a few connections in node-postgres's pipeline mode:
 * a statement is written at once, behind those still running on its connection, so the statements of many messages
 * in flight reach the server in one write and come back in one read, instead of a round trip each. Each statement
 * keeps its own implicit transaction and its own result or error. A transaction (`connect()`) still gets a
 * connection of its own from the ordinary pool.
 *
 * A statement goes to the connection with the fewest statements in flight, and a new connection opens (up to
 * `laneCount`) while every open one is busy, so a slow statement holds up as little as possible.
 */
export class PipelinedPool extends pg.Pool {
  readonly #lanes: Lane[] = [];
  readonly #laneCount: number;
  readonly #newClient: () => pg.Client;
  #isEnded = false;

  constructor(config: pg.PoolConfig & { Client: new (config: pg.ClientConfig) => pg.Client }, laneCount: number) {
    super(config);
    this.#laneCount = laneCount;
    this.#newClient = () => new config.Client({ ...config, pipeline: true } as pg.ClientConfig);
  }

  /** `query(text)` and `query(text, values)` are pipelined; the other forms (a config object, a callback) are not. */
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text !== "string" || !(values === undefined || Array.isArray(values)) || callback !== undefined || this.#isEnded) {
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    return this.#send(text, values) as never;
  }

  override async end(): Promise<void> {
    this.#isEnded = true;
    const lanes = this.#lanes.splice(0);
    await Promise.all(lanes.map(async (lane) => (await lane.client.catch(() => undefined))?.end().catch(() => {})));
    await super.end();
  }

  async #send(text: string, values: unknown[] | undefined): Promise<pg.QueryResult> {
    const lane = this.#pickLane();
    lane.inFlightCount += 1;
    try {
      const client = await lane.client;
      return await client.query(text, values);
    } finally {
      lane.inFlightCount -= 1;
    }
  }

  #pickLane(): Lane {
    const open = this.#lanes.filter((lane) => !lane.isBroken);
    const idle = open.find((lane) => lane.inFlightCount === 0);
    if (idle) return idle;
    if (open.length < this.#laneCount) return this.#openLane();
    return open.reduce((least, lane) => (lane.inFlightCount < least.inFlightCount ? lane : least));
  }

  #openLane(): Lane {
    const client = this.#newClient();
    const lane: Lane = { client: client.connect().then(() => client), inFlightCount: 0, isBroken: false };
    // A dropped connection (a restart, a failover) fails what was on it; the next statement opens another.
    const drop = () => {
      lane.isBroken = true;
      const at = this.#lanes.indexOf(lane);
      if (at >= 0) this.#lanes.splice(at, 1);
    };
    client.on("error", drop);
    client.on("end", drop);
    lane.client.catch(drop);
    this.#lanes.push(lane);
    return lane;
  }
}
