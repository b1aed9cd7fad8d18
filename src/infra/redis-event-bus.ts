// The event bus of an instance that shares a Redis with others: every event is delivered here at
// once (caches must be invalidated before the write's response goes out) and published on one
// channel; events other instances published are delivered here as `remote`. Each message names
// the instance that sent it, so an instance never delivers its own twice.
import { createEventBus, type DomainEvents, type EventBus } from '../events.ts';
import type { RedisLink } from './redis.ts';

const CHANNEL = 'events';

interface Message {
  /** The sending instance. */
  o: string;
  n: keyof DomainEvents;
  p: DomainEvents[keyof DomainEvents];
}

export function createRedisEventBus(redis: RedisLink): EventBus {
  const local = createEventBus();
  const channel = redis.prefix + CHANNEL;

  redis.subscribe(CHANNEL, (text) => {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.o === redis.instanceId) return;
    local.deliver(message.n, message.p, { remote: true });
  });
  // While the subscription was down, other instances' invalidations went past unseen: forget
  // every cached page and reload the settings, as if each of them had happened.
  redis.onResubscribed(() => {
    local.deliver('settings.changed', {}, { remote: true });
    local.deliver('article.changed', { articleId: null }, { remote: true });
  });

  return {
    emit(name, payload) {
      local.emit(name, payload);
      // While Redis is away the event stays on this instance (logged once by the connection).
      if (!redis.isUp()) return;
      const message: Message = { o: redis.instanceId, n: name, p: payload };
      redis.client.publish(channel, JSON.stringify(message)).catch(() => {});
    },
    on: local.on,
  };
}
