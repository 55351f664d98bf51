/** Inline SVG icons, so no control depends on an emoji font the reader may not have. */
import type { ReactNode } from 'react';

function Icon({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.7"
      strokeLinecap="round" strokeLinejoin="round" aria-hidden={label ? undefined : true} role={label ? 'img' : undefined} aria-label={label}>
      {children}
    </svg>
  );
}

export const PlayIcon = () => <Icon><path d="M4 2.5v11l9-5.5z" fill="currentColor" /></Icon>;
export const PauseIcon = () => <Icon><path d="M5 3v10M11 3v10" strokeWidth="2.6" /></Icon>;
export const ResetIcon = () => <Icon><path d="M3 8a5 5 0 1 0 1.6-3.7M3 2.5v3h3" /></Icon>;
export const LinkIcon = () => (
  <Icon>
    <path d="M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1" />
  </Icon>
);
export const ScissorsIcon = () => (
  <Icon>
    <circle cx="4" cy="4.5" r="2" />
    <circle cx="4" cy="11.5" r="2" />
    <path d="M5.6 5.7L14 12M5.6 10.3L14 4" />
  </Icon>
);
export const WarningIcon = ({ label }: { label?: string }) => (
  <Icon label={label}>
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3.2M8 11.6v.1" />
  </Icon>
);
export const CheckIcon = () => <Icon><path d="M3 8.5l3.2 3L13 4.5" /></Icon>;
