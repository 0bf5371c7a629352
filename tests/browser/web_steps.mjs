// SPDX-License-Identifier: Apache-2.0
// The steps the browser flows share (web_flow.mjs on loopback, radio_flow.mjs through the VM's
// radio): waiting and checking, headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, logging in, joining from the Wi-Fi page, screenshots.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

export function show(bytes) {
  return JSON.stringify(bytes);
}

export function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

export async function waitFor(condition, what, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Headless Chromium sized as a phone, with its profile in `profile`; with `proxy`
// (http://host:port) its requests go through that proxy. The pages are opened by IP address, so
// no host name needs to resolve here and none does: what Chromium fetches by itself (autofill
// predictions, password leak checks, update checks) goes nowhere. Through a proxy, the proxy
// gets those names instead; the radio test's forwards only to the test network.
export async function launchChromium(profile, { proxy = '' } = {}) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
  if (proxy) args.push(`--proxy-server=${proxy}`);
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.WIZFI250D_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 390, height: 844 },  // a phone
  });
}

// A function that saves a full-page screenshot of `page` as <dir>/<name>.png; it does nothing
// without a directory.
export function screenshotter(dir) {
  return async (page, name) => {
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  };
}

// On the login page: sends the user and password (the result is the caller's to check).
export async function submitLogin(page, user, password) {
  await page.fill('#f-user', user);
  await page.fill('#f-password', password);
  await page.click('button[type=submit]');
}

// On the login page: logs in and lands on the status page.
export async function logIn(page, base, user, password) {
  await submitLogin(page, user, password);
  await page.waitForURL(`${base}/`);
}

const joinForm = 'form[action="/wifi/join"]';

// On the Wi-Fi page: fills the join form (the SSID and the security only when given: a pick
// from the scan list filled them already).
export async function fillJoinForm(page, { ssid = '', security = '', key }) {
  if (ssid) await page.fill(`${joinForm} #f-ssid`, ssid);
  if (security) await page.selectOption(`${joinForm} #f-security`, security);
  await page.fill(`${joinForm} #f-key`, key);
}

// Sends the join form; the page says the join has started.
export async function submitJoinForm(page) {
  await page.click(`${joinForm} button[type=submit]`);
  await page.waitForSelector('text=Joining the network');
}

// The join takes the pages down with the link (AT+WLEAVE); type A brings them back with the
// link: loads the status page until it shows `text`, and returns that page's text.
export async function statusOnceItShows(page, base, text, ms) {
  let status = '';
  await waitFor(async () => {
    try {
      await page.goto(`${base}/`);
      status = await page.textContent('main');
      return status.includes(text);
    } catch {
      return false;
    }
  }, `the status page showing ${show(text)} after the join`, ms);
  return status;
}
