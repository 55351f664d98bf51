/** The error banner (bad URL keys, run errors) and the restart notice; all text, never HTML. */
import { useStore } from '../state/store.ts';

export function Banners() {
  const problems = useStore((s) => s.problems);
  const status = useStore((s) => s.status);
  const message = useStore((s) => s.message);
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissProblems);
  const errors = [...problems, ...(status === 'error' && message ? [message] : [])];
  return (
    <>
      {errors.length > 0 && (
        <div className="banner banner-error" data-testid="error" role="alert">
          <strong>Something needs your attention.</strong>
          <ul>
            {errors.map((p, k) => (
              <li key={k}>{p}</li>
            ))}
          </ul>
          {problems.length > 0 && (
            <button onClick={dismiss} aria-label="dismiss">
              dismiss
            </button>
          )}
        </div>
      )}
      {status !== 'error' && message && (
        <div className="banner banner-info" data-testid="run-message" role="status">
          {message}
        </div>
      )}
      {notice && (
        <div className="banner banner-notice" data-testid="notice" role="status">
          {notice}
        </div>
      )}
    </>
  );
}
