import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startRunner } from '../state/runner.ts';
import { TrainerClient } from '../worker/client.ts';
import { App } from './App.tsx';
import './app.css';

const runner = startRunner(new TrainerClient());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App runner={runner} />
  </StrictMode>,
);
