// SPDX-License-Identifier: Apache-2.0
// The web configuration pages in a real browser through a real radio: the daemon runs on a
// mac80211_hwsim radio inside the VM (scripts/vm/run-in-vm.sh) with hostapd, dnsmasq and
// tinyproxy as its peers (tests/radio/web_test.cpp, RadioWebBrowser); headless Chromium runs
// here, on the host, since under the VM's emulated CPU it would take minutes. The VM forwards one
// port of the host's loopback to tinyproxy in the AP's namespace, and Chromium uses it as its
// proxy: it opens http://<the module's lease>/, and every request crosses the radio from the AP's
// side with the module's own address as Host, as a phone joined to that AP would send it.
//
//   node radio_flow.mjs <scripts/vm/run-in-vm.sh> <build/tests/radio/radio_tests>
//
// The flow: log in, read the status, scan (the AP from the radio's own scan, with its security
// and channel), pick it, enter the key, join, and the status shows the link, the SSID and
// dnsmasq's lease. The VM's side then checks the UART's event bytes and that the requests came
// from the AP's radio address. Exits 77 when the VM cannot be had here (no qemu, no kernel
// package: the runner says why). With WIZFI250D_SCREENSHOTS=<dir>, the scan list from the radio
// goes there as wifi-scan.png.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  check, fillJoinForm, freePort, launchChromium, logIn, screenshotter, show, statusOnceItShows,
  submitJoinForm, waitFor,
} from './web_steps.mjs';

const [runner, radioTests] = process.argv.slice(2);
if (!runner || !radioTests) {
  console.error('usage: node radio_flow.mjs <run-in-vm.sh> <radio_tests binary>');
  process.exit(2);
}
const shoot = screenshotter(process.env.WIZFI250D_SCREENSHOTS || '');
// Each request crosses the emulated radio; a scan or a join takes seconds there.
const stepTimeout = 60000;
const vmTimeoutSeconds = 280;
const proxyGuestPort = 8888;  // tinyproxy's port in the VM (RadioWebBrowser::kProxyPort)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizfi250d-radio-browser-'));
const exchange = path.join(dir, 'exchange');
fs.mkdirSync(exchange);
let context = null;

// The VM's side, started first: it prints its own progress; its status is the guest test's.
// The forwarded host port is picked free and handed to qemu, which may find it taken by then
// (run-in-vm.sh exits 75): the VM is then started again on another port.
const portTakenStatus = 75;
const vmAttempts = 3;
let proxyPort = 0;
let vm = null;
let vmStatus = null;
let vmEnded = null;
// The runner's stderr goes on to ours; its reason for a skip is kept for the skip's message.
let skipReason = 'run-in-vm.sh exited 77';

async function startVm() {
  proxyPort = await freePort();
  vmStatus = null;
  vm = spawn(runner, ['--radios', '4', '--timeout', String(vmTimeoutSeconds),
    '--forward', `${proxyPort}:${proxyGuestPort}`, '--share', exchange,
    '--env', `WIZFI250D_BROWSER_EXCHANGE=${exchange}`, '--env', 'WIZFI250D_RADIO_REQUIRED=1',
    '--', radioTests, '--gtest_filter=RadioWebBrowser.*'], { stdio: ['ignore', 'inherit', 'pipe'] });
  vm.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    const reason = /run-in-vm: cannot run the VM: (.*)/.exec(chunk.toString());
    if (reason) skipReason = reason[1];
  });
  vmEnded = new Promise((resolve) => {
    vm.once('close', (code, signal) => {
      vmStatus = code ?? 128 + (os.constants.signals[signal] || 0);
      resolve(vmStatus);
    });
  });
}

// The VM's `ready`: key=value lines (address, ssid, security, channel, key).
function readyNetwork() {
  const file = path.join(exchange, 'ready');
  if (!fs.existsSync(file)) return null;
  return Object.fromEntries(fs.readFileSync(file, 'utf8').trim().split('\n')
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

async function text(page, selector) {
  return ((await page.textContent(selector)) || '').trim();
}

// The value of a status row (<dt>name</dt><dd>value</dd>).
function row(page, name) {
  return text(page, `dt:text-is("${name}") + dd`);
}

async function flow(network) {
  const base = `http://${network.address}`;
  context = await launchChromium(path.join(dir, 'chromium'), { proxy: `http://127.0.0.1:${proxyPort}` });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(stepTimeout);
  page.setDefaultNavigationTimeout(stepTimeout);

  await page.goto(`${base}/`);
  check(page.url() === `${base}/login`, `redirected to /login, at ${page.url()}`);
  await logIn(page, base, 'admin', 'admin');
  check(await row(page, 'Link') === 'Up (station)', 'the status shows the link up');
  check(await row(page, 'SSID') === network.ssid, 'the status shows the SSID');
  check(await row(page, 'IP address') === network.address, 'the status shows the address');

  // The radio's own scan: the AP with its security and channel; its name picks it.
  await page.click('nav >> text=Wi-Fi');
  await page.click('button:has-text("Scan")');
  await page.waitForURL(`${base}/wifi?scan=1`);
  const rows = page.locator('#scan-results tbody tr');
  // A network's row: the one whose link (the pick) has exactly its name.
  const rowOf = (ssid) => rows.filter({ has: page.getByRole('link', { name: ssid, exact: true }) });
  const scanned = rowOf(network.ssid);
  for (const [ssid, security, channel] of [[network.ssid, network.security, network.channel],
    [network.other_ssid, network.other_security, network.other_channel]]) {
    const cells = (await rowOf(ssid).locator('td').allTextContents()).map((cell) => cell.trim());
    check(cells.length === 4 && /^-\d+ dBm$/.test(cells[1]) && cells[2] === security && cells[3] === channel,
      `one scan row for ${ssid} with its signal, ${security} and channel ${channel}: ${show(cells)}`);
  }
  await shoot(page, 'wifi-scan');
  await scanned.locator('a').click();
  await page.waitForURL((url) => url.searchParams.get('ssid') === network.ssid);
  check(await page.inputValue('form[action="/wifi/join"] #f-ssid') === network.ssid, 'the pick fills the SSID');
  check(await page.inputValue('form[action="/wifi/join"] #f-security') === 'WPA2AES',
    'the pick fills the security from the scan');

  // Join with the key; the pages come back with the link (type A) at dnsmasq's lease.
  await fillJoinForm(page, { key: network.key });
  await submitJoinForm(page);
  const status = await statusOnceItShows(page, base, `Successfully joined : ${network.ssid}`, 2 * stepTimeout);
  check(status.includes('[Link-Up Event]'), 'the join result shows the link-up');
  check(await row(page, 'Link') === 'Up (station)', 'the status shows the link up after the join');
  check(await row(page, 'SSID') === network.ssid, 'the status shows the SSID after the join');
  check(await row(page, 'IP address') === network.address, 'the status shows the lease after the join');
  check(await row(page, 'Gateway') === '203.0.113.1', 'the status shows the lease\'s gateway');
}

let status = 0;
try {
  let network = true;
  for (let attempt = 1; attempt <= vmAttempts && network === true; ++attempt) {
    await startVm();
    network = await waitFor(() => readyNetwork() || vmStatus !== null, 'the VM\'s ready',
      vmTimeoutSeconds * 1000);
    if (network === true && vmStatus !== portTakenStatus) break;
  }
  if (network === true) {
    status = vmStatus === 77 ? 77 : 1;
    if (status === 77) {
      // The skip in the form scripts/ctest-skips.sh reads (GoogleTest's).
      console.log(`radio_flow.mjs: Skipped\nthe VM cannot run here: ${skipReason}\n[  SKIPPED ] radio_flow.mjs`);
    } else {
      console.error(`browser flow: the VM ended (status ${vmStatus}) before its side was ready`);
    }
  } else {
    let word = 'passed';
    try {
      await flow(network);
      console.log('browser flow: passed');
    } catch (error) {
      status = 1;
      word = `failed: ${String(error.message || error).split('\n')[0]}`;
      console.error(`browser flow: FAILED: ${error.stack || error}`);
    }
    if (context) await context.close().catch(() => {});
    context = null;
    fs.writeFileSync(path.join(exchange, 'done'), `${word}\n`);
    const vmResult = await vmEnded;
    if (vmResult !== 0) {
      console.error(`the VM's side failed (status ${vmResult})`);
      status = 1;
    }
  }
} catch (error) {
  status = 1;
  console.error(`browser flow: FAILED: ${error.stack || error}`);
}
if (context) await context.close().catch(() => {});
if (vm && vmStatus === null) {
  vm.kill('SIGTERM');
  await vmEnded;
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(status);
