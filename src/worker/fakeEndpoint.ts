/** For tests: a trainer endpoint with no worker behind it, recording what the client sends. */
import type { TrainerEndpoint } from './client.ts';
import type { TrainerRequest } from './protocol.ts';

export function fakeEndpoint(): { target: EventTarget; sent: TrainerRequest[]; endpoint: TrainerEndpoint; reply: (data: unknown) => void } {
  const target = new EventTarget();
  const sent: TrainerRequest[] = [];
  const endpoint: TrainerEndpoint = {
    postMessage: (m) => sent.push(m),
    addEventListener: (t, l) => target.addEventListener(t, l),
    removeEventListener: (t, l) => target.removeEventListener(t, l),
  };
  const reply = (data: unknown) => target.dispatchEvent(Object.assign(new Event('message'), { data }));
  return { target, sent, endpoint, reply };
}
