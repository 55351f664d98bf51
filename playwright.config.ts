import { defineConfig } from '@playwright/test';

/** Debian's Chromium, never a downloaded browser; WebGPU runs on SwiftShader. */
const port = Number(process.env.E2E_PORT ?? 4173);
/** The built app to serve; parallel local runs each build into their own folder. */
const dist = process.env.E2E_DIST ?? 'dist';
const origin = `http://127.0.0.1:${port}`;
/**
 * A returning reader who chose full speed: the journeys train at full speed, as before the watch
 * pace. e2e/firstMinute.spec.ts clears this to meet the page as a first-time visitor does.
 */
export const FULL_SPEED = { cookies: [], origins: [{ origin, localStorage: [{ name: 'transcoder-lab:speed', value: 'max' }] }] };
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: origin,
    storageState: FULL_SPEED,
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1 --outDir ${dist}`,
    url: origin,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
