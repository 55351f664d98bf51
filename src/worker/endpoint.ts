/** What a page-side client needs of a Worker that answers requests (a MessagePort fits too). */
export interface RequestEndpoint<Request, Reply> {
  postMessage(message: Request): void;
  onmessage: ((e: MessageEvent<Reply>) => void) | null;
  onerror?: ((e: ErrorEvent) => void) | null;
  terminate?(): void;
  close?(): void;
}
