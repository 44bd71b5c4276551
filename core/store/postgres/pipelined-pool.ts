import pg from "pg";

interface Lane {
  client: Promise<pg.Client>;
  inFlightCount: number;
  /** Writes held back until the end of this turn of the event loop. */
  isCorked: boolean;
}

/**
 * A pool whose single statements (`query(text)`, `query(text, values)`) share up to `max` connections in node-postgres's pipeline mode:
 * a statement is written at once, behind those still running on its connection, so the statements of many messages
 * in flight reach the server in one write and come back in one read, instead of a round trip each. Each statement
 * keeps its own implicit transaction and its own result or error. A transaction (`connect()`) still gets a
 * connection of its own from the ordinary pool.
 *
 * A statement goes to an idle connection; when none is idle, to a new one (up to `max`); else to the one with the
 * fewest statements in flight, so a slow statement holds up as little as possible.
 *
 * The statements a connection gets in one turn of the event loop leave in one write (the socket is corked until
 * `setImmediate`): when the answers to several messages' statements arrive in one read, the statements their handlers
 * send next wake the server once, not once each.
 */
export class PipelinedPool extends pg.Pool {
  readonly #lanes: Lane[] = [];
  readonly #laneCount: number;
  readonly #newClient: () => pg.Client;
  #isEnded = false;

  constructor(config: pg.PoolConfig & { max: number; Client: new (config: pg.ClientConfig) => pg.Client }) {
    super(config);
    this.#laneCount = config.max;
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
      this.#corkUntilNextTurn(lane, client);
      return await client.query(text, values);
    } finally {
      lane.inFlightCount -= 1;
    }
  }

  #corkUntilNextTurn(lane: Lane, client: pg.Client): void {
    if (lane.isCorked) return;
    const { stream } = client.connection;
    stream.cork();
    lane.isCorked = true;
    setImmediate(() => {
      lane.isCorked = false;
      stream.uncork();
    });
  }

  #pickLane(): Lane {
    const idle = this.#lanes.find((lane) => lane.inFlightCount === 0);
    if (idle) return idle;
    if (this.#lanes.length < this.#laneCount) return this.#openLane();
    return this.#lanes.reduce((least, lane) => (lane.inFlightCount < least.inFlightCount ? lane : least));
  }

  #openLane(): Lane {
    const client = this.#newClient();
    const lane: Lane = { client: client.connect().then(() => client), inFlightCount: 0, isCorked: false };
    // A dropped connection (a restart, a failover) fails what was on it; the next statement opens another.
    const drop = () => {
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
