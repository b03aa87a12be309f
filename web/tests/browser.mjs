// Headless Chromium for the page's tests and benchmark: Debian's
// /usr/bin/chromium (or $CHROMIUM) driven by playwright-core, which
// downloads no browser of its own.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launch() {
    const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
    // A fresh profile per run: nothing cached from an earlier build.
    const profile = mkdtempSync(join(tmpdir(), 'zkos-chromium-'));
    return chromium.launchPersistentContext(profile, {
        executablePath,
        headless: true,
        viewport: { width: 1400, height: 1000 },
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--no-first-run'],
    });
}
