// Kysely's SQLite dialect with two changes for many concurrent writes on SQLite's one connection,
// and one for every query (3.).
//
// 1. Requests wait for the connection in a queue and are handed it in turn. Kysely's own mutex
//    wakes every waiter on each release (all but one then wait again): under a hundred
//    concurrent requests, a hundred wake-ups per transaction.
// 2. Group commit. A COMMIT costs more than the few statements of a rating or a comment (the
//    WAL pages are written out), so a finished transaction does not commit: it releases its
//    savepoint and leaves the transaction open for the next request, and one COMMIT at the end
//    of the event loop's turn (or when GROUP_LIMIT have joined) serves them all. Each
//    transaction still runs alone inside its own savepoint, so a failure rolls back only its
//    own work; and each one's commit resolves only after the shared COMMIT has succeeded, so
//    nothing is acknowledged before it is durable (test/durability.test.ts).
// 3. A LIMIT is written into the SQL as a number, not sent as a parameter. SQLite plans a query
//    with its LIMIT, so binding a new value to a LIMIT parameter throws the plan away: every
//    `.limit(1)` query was parsed and planned again on each run, statement cache or not, which
//    cost more than running it. The limits used are few (1, a page size), so the cache stays small.
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  SqliteQueryCompiler,
  ValueNode,
  type DatabaseConnection,
  type Driver,
  type LimitNode,
  type QueryCompiler,
  type QueryResult,
  type SqliteDialectConfig,
} from 'kysely';

/** At most this many transactions share one COMMIT, which bounds how long the first one waits. */
const GROUP_LIMIT = 64;

interface Group {
  size: number;
  committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** One request's use of the connection: Kysely gets a new one per acquisition, so a stale
 *  holder (one that handed the connection on) can be told apart from the current one. */
class Holder implements DatabaseConnection {
  /** In a transaction that has not yet committed or rolled back. */
  inTransaction = false;
  /** Passed the connection on before Kysely released it: its release is a no-op. */
  handedOff = false;

  constructor(private readonly connection: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.connection.executeQuery(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery(query, chunkSize);
  }
}

const raw = (text: string) => CompiledQuery.raw(text);

class GroupCommitSqliteDriver extends SqliteDriver {
  readonly #waiting: (() => void)[] = [];
  /** Someone holds the connection, or it is being handed to the next in the queue. */
  #busy = false;
  #connection: DatabaseConnection | undefined;
  #holder: Holder | undefined;
  #group: Group | undefined;
  #commitScheduled = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    // Taken once from the parent and kept: the queue above decides who uses it.
    this.#connection ??= await super.acquireConnection();
    this.#holder = new Holder(this.#connection);
    return this.#holder;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    if (!this.#group) {
      await holder.executeQuery(raw('begin'));
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const committed = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      committed.catch(() => {}); // observed by each member; never an unhandled rejection
      this.#group = { size: 0, committed, resolve, reject };
    }
    this.#group.size++;
    await holder.executeQuery(raw('savepoint grouped'));
    holder.inTransaction = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    await holder.executeQuery(raw('release grouped'));
    holder.inTransaction = false;
    await this.#finish(holder);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    // A transaction whose shared COMMIT failed has nothing left to undo here.
    if (!holder.inTransaction) return;
    holder.inTransaction = false;
    await holder.executeQuery(raw('rollback to grouped'));
    await holder.executeQuery(raw('release grouped'));
    // Nothing of this transaction's needs the shared COMMIT: it need not wait for it.
    await this.#finish(holder).catch(() => {});
  }

  // Kysely passes the connection being released (SqliteDriver's signature just ignores it).
  override async releaseConnection(connection?: DatabaseConnection): Promise<void> {
    const holder = connection as Holder;
    if (holder.handedOff || holder !== this.#holder) return;
    // A plain query that was handed an open group: the group still needs its COMMIT.
    if (this.#group) this.#scheduleCommit();
    this.#handOn();
  }

  override async destroy(): Promise<void> {
    if (this.#group) await this.#commitLater();
    await super.destroy();
  }

  /**
   * After a transaction: leave the group open for whoever comes next, and commit it once this
   * turn of the event loop is over. Requests that arrive together (one poll of the sockets)
   * then share one COMMIT; a full group commits at once.
   */
  async #finish(holder: Holder): Promise<void> {
    const group = this.#group!;
    if (group.size >= GROUP_LIMIT) return this.#commitGroup(holder);
    holder.handedOff = true;
    this.#handOn();
    this.#scheduleCommit();
    return group.committed;
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setImmediate(() => void this.#commitLater());
  }

  /** Takes its turn with the connection like any request (no transaction is then half done). */
  async #commitLater(): Promise<void> {
    const holder = (await this.acquireConnection()) as Holder;
    this.#commitScheduled = false;
    try {
      if (this.#group) await this.#commitGroup(holder);
    } catch {
      // Every member of the group hears of it through `committed`.
    } finally {
      await this.releaseConnection(holder);
    }
  }

  async #commitGroup(holder: Holder): Promise<void> {
    const group = this.#group!;
    this.#group = undefined;
    try {
      await holder.executeQuery(raw('commit'));
      group.resolve();
    } catch (error) {
      group.reject(error);
      await holder.executeQuery(raw('rollback')).catch(() => {});
      throw error;
    }
  }

  #handOn(): void {
    this.#holder = undefined;
    const next = this.#waiting.shift();
    if (next) next();
    else this.#busy = false;
  }
}

class LiteralLimitCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    const { limit } = node;
    if (ValueNode.is(limit) && Number.isSafeInteger(limit.value)) this.append(`limit ${limit.value}`);
    else super.visitLimit(node);
  }
}

export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#config);
  }

  override createQueryCompiler(): QueryCompiler {
    return new LiteralLimitCompiler();
  }
}
