// In-process events between features: page caches listen to invalidate, live streams to push.
// A single instance delivers them in memory; a shared bus can relay them between instances.
import { EventEmitter } from 'node:events';

export interface DomainEvents {
  /** An article's score, count or distribution changed. */
  'rating.changed': {
    articleId: number;
    score: number | null;
    count: number;
    /**
     * The five band counts after the change, when the write knew them in order (SQLite's write,
     * PostgreSQL's fold on this instance): the page's widget and structured data are rebuilt
     * from them rather than read again.
     */
    bands?: number[];
  };
  /** A comment became visible to everyone (posted approved, or approved by a moderator). */
  'comment.published': { articleId: number; commentId: number };
  /** Anything else on the article's page changed (text, comment hidden, settings). */
  'article.changed': { articleId: number | null };
  /** Site settings were saved: other instances reload theirs (their page caches follow). */
  'settings.changed': Record<string, never>;
}

export interface EventMeta {
  /** Relayed from another instance (through Redis), rather than emitted by this one. */
  remote: boolean;
}

export interface EventBus {
  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void;
  on<K extends keyof DomainEvents>(name: K, listener: (payload: DomainEvents[K], meta: EventMeta) => void): () => void;
}

/** The in-memory bus; `deliver` hands listeners an event relayed from elsewhere. */
export interface LocalEventBus extends EventBus {
  deliver<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K], meta: EventMeta): void;
}

const LOCAL: EventMeta = Object.freeze({ remote: false });

export function createEventBus(): LocalEventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit: (name, payload) => void emitter.emit(name, payload, LOCAL),
    deliver: (name, payload, meta) => void emitter.emit(name, payload, meta),
    on(name, listener) {
      emitter.on(name, listener);
      return () => void emitter.off(name, listener);
    },
  };
}
