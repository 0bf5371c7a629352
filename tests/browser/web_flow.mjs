// SPDX-License-Identifier: Apache-2.0
// The web configuration server (spec §2.5 AT+FWEBS, AT+FWEBM, §2.4 AT+MCWUI) in a real browser:
// headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, against the real
// daemon on a pseudo-terminal with the host Wi-Fi backend on loopback (the link address is
// 127.0.0.1; nothing leaves 127.0.0.0/8).
//
//   node web_flow.mjs <wizfi250d binary>
//
// The flow: log in (factory admin/admin), read the status, scan and join, switch to a static
// address, change the login, save, reboot, log in with the changed password, and a forged form
// post refused. Each change is checked on the serial side with the AT query of the same
// setting. With WIZFI250D_SCREENSHOTS=<dir>, a screenshot of each page goes there.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import {
  check, fillJoinForm, freePort, launchChromium, logIn, screenshotter, show, statusOnceItShows,
  submitJoinForm, submitLogin, waitFor as waitForWithin,
} from './web_steps.mjs';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node web_flow.mjs <wizfi250d binary>');
  process.exit(2);
}
const shoot = screenshotter(process.env.WIZFI250D_SCREENSHOTS || '');
const timeout = 15000;
const waitFor = (condition, what, ms = timeout) => waitForWithin(condition, what, ms);

const banner = 'WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n';
// The join's lines and events (spec §2.2 WJOIN), then its final code.
const joinEvents = (ssid) =>
  `Joining : ${ssid}\r\nSuccessfully joined : ${ssid}\r\n\r\n[Link-Up Event]\r\n` +
  '  IP Addr    : 127.0.0.1\r\n  Gateway    : 0.0.0.0\r\n';
const joinOutput = (ssid) => `${joinEvents(ssid)}[OK]\r\n`;

// The host side of the UART: byte-exact expectations, as in the conformance transcripts.
class Serial {
  constructor(link) {
    this.fd = fs.openSync(link, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    this.input = new tty.ReadStream(this.fd);
    this.input.setRawMode(true);
    this.received = '';
    this.input.on('data', (chunk) => {
      this.received += chunk.toString('latin1');
    });
  }
  send(bytes) {
    fs.writeSync(this.fd, Buffer.from(bytes, 'latin1'));
  }
  async expect(exact, ms = timeout) {
    await waitFor(() => this.received.length >= exact.length, `serial ${show(exact)}; got ${show(this.received)}`, ms);
    const got = this.received.slice(0, exact.length);
    if (got !== exact) throw new Error(`serial: expected ${show(exact)}, got ${show(this.received)}`);
    this.received = this.received.slice(exact.length);
  }
  async readUntil(terminator, ms = timeout) {
    await waitFor(() => this.received.includes(terminator), `serial ${show(terminator)}; got ${show(this.received)}`, ms);
    const end = this.received.indexOf(terminator) + terminator.length;
    const text = this.received.slice(0, end);
    this.received = this.received.slice(end);
    return text;
  }
  // Echo on: "<command>\r\n" comes back first (spec §1.3).
  async transact(command, response, ms = timeout) {
    this.send(`${command}\r`);
    await this.expect(`${command}\r\n${response}`, ms);
  }
  close() {
    this.input.destroy();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizfi250d-browser-'));
let daemon = null;
let serial = null;
let context = null;

async function main() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(dir, 'wizfi250d.conf'), `web_server_port = ${port}\n`, { mode: 0o600 });
  const link = path.join(dir, 'tty');
  const log = fs.openSync(path.join(dir, 'daemon.log'), 'w');
  daemon = spawn(binary, ['--serial', `pty:${link}`, '--state-dir', path.join(dir, 'state'),
    '--config', path.join(dir, 'wizfi250d.conf'), '--wifi', 'host', '--interface', 'lo',
    '--log-level', 'debug'], { stdio: ['ignore', log, log] });
  await waitFor(() => fs.existsSync(link), 'the pty link');
  serial = new Serial(link);
  await serial.expect(banner);

  // The link (127.0.0.1) and the web server, started at every link-up (type A).
  await serial.transact('AT+WJOIN', joinOutput('WizFiAP'));
  await serial.transact('AT+FWEBS=1,A', '[OK]\r\n');
  await serial.transact('AT+FWEBS=?', '1,A\r\n[OK]\r\n');

  context = await launchChromium(path.join(dir, 'chromium'));
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(timeout);

  // Log in: every page leads to the login first.
  await page.goto(`${base}/`);
  check(page.url() === `${base}/login`, `redirected to /login, at ${page.url()}`);
  await shoot(page, 'login');
  await logIn(page, base, 'admin', 'admin');

  // Status.
  const status = await page.textContent('main');
  check(status.includes('Up (station)'), 'status shows the link up');
  check(status.includes('127.0.0.1'), 'status shows the IP address');
  check(status.includes('1.0.5.2/WizFi250 Rev 1.0'), 'status shows the firmware');
  check(await page.isVisible('text=factory login (admin/admin) is in use'), 'factory login warning');
  await shoot(page, 'status');

  // Wi-Fi: scan (the host backend has no radio: the page says so), then join.
  await page.click('nav >> text=Wi-Fi');
  await page.click('button:has-text("Scan")');
  await page.waitForURL(`${base}/wifi?scan=1`);
  check(await page.isVisible('text=The scan did not run'), 'the scan result is shown');
  check((await page.inputValue('#f-key')) === '', 'the Wi-Fi key is not sent back');
  await fillJoinForm(page, { ssid: 'LoopNet', security: 'WPA2', key: 'loopback-key-1' });
  await shoot(page, 'wifi');
  await submitJoinForm(page);
  const joined = await statusOnceItShows(page, base, 'LoopNet', timeout);
  check(joined.includes('Join'), 'the join result is shown');
  // The host sees the events of the page's AT+WLEAVE and AT+WJOIN, as after its own commands,
  // without their echo and final codes.
  await serial.expect(`\r\n[Link-Down Event]\r\n${joinEvents('LoopNet')}`);
  await serial.transact('AT+WSET=?', '0,LoopNet,00:00:00:00:00:00,0\r\n[OK]\r\n');
  await serial.transact('AT+WSEC=?', '0,WPA2,loopback-key-1\r\n[OK]\r\n');

  // Network: a static address (through AT+WNET; AT+WNET=? shows it at once).
  await page.click('nav >> text=Network');
  await page.selectOption('#f-dhcp', '0');
  await page.fill('#f-ip', '127.0.0.1');
  await page.fill('#f-netmask', '255.0.0.0');
  await page.fill('#f-gateway', '127.0.0.1');
  await page.click('button:has-text("Save")');
  await page.waitForSelector('text=Network settings: done');
  await serial.transact('AT+WNET=?', '0,127.0.0.1,255.0.0.0,127.0.0.1\r\n[OK]\r\n');
  await shoot(page, 'network');

  for (const [item, name] of [['Serial', 'serial'], ['Socket service', 'service'], ['Air command', 'air']]) {
    await page.click(`nav >> text=${item}`);
    check(await page.isVisible('button[type=submit]'), `the ${name} page has its form`);
    await shoot(page, name);
  }

  // System: save the profile (the A type and the static address survive the reboot).
  await page.click('nav >> text=System');
  await page.click('button:has-text("Save profile")');
  await page.waitForSelector('text=Save profile: done');
  await shoot(page, 'system');

  // A new login (AT+MCWUI): the session ends with the old credentials.
  await page.fill('form[action="/system/login"] #f-current_password', 'admin');
  await page.fill('form[action="/system/login"] #f-new_password', 'N3w-Passw0rd');
  await page.fill('form[action="/system/login"] #f-confirm_password', 'N3w-Passw0rd');
  await page.click('button:has-text("Change login")');
  await page.waitForURL(`${base}/login`);
  await serial.transact('AT+MCWUI=?', 'admin,N3w-Passw0rd\r\n[OK]\r\n');
  // Saved again with the new login, then the reboot.
  await logIn(page, base, 'admin', 'N3w-Passw0rd');
  await page.click('nav >> text=System');
  await page.click('button:has-text("Save profile")');
  await page.waitForSelector('text=Save profile: done');
  await page.click('button:has-text("Reboot")');
  await page.waitForSelector('text=the module reboots');
  await serial.readUntil(banner);

  // After the reboot: join again from the serial side; the A type starts the server.
  await serial.transact('AT+WJOIN', joinOutput('LoopNet'));
  await serial.transact('AT+FWEBS=?', '1,A\r\n[OK]\r\n');
  await page.goto(`${base}/`);
  check(page.url() === `${base}/login`, 'the reboot logged the browser out');
  await submitLogin(page, 'admin', 'admin');
  await page.waitForSelector('text=Wrong user or password');
  await logIn(page, base, 'admin', 'N3w-Passw0rd');
  check((await page.textContent('main')).includes('LoopNet'), 'logged in after the reboot');
  check(!(await page.isVisible('text=factory login')), 'no factory warning with a changed login');

  // A forged form post: the session cookie goes along, the anti-forgery token is wrong. (The
  // pages' Content-Security-Policy already stops scripts and fetch(); this is a plain form.)
  const [forged] = await Promise.all([
    page.waitForResponse((response) => response.url() === `${base}/network`),
    page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/network';
      for (const [name, value] of [['dhcp', '1'], ['_token', '0123456789abcdef0123456789abcdef']]) {
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    }),
  ]);
  check(forged.status() === 403, `the forged post is refused (status ${forged.status()})`);
  await page.waitForSelector('text=Forged form refused');
  // Another site's form: the cookie is SameSite=Strict and the origin is wrong.
  await page.setContent(`<form method="post" action="${base}/system/reset"><button>go</button></form>`);
  await page.click('button');
  await page.waitForLoadState();
  check((await page.textContent('body')).includes('refused') || (await page.textContent('body')).includes('Not logged in'),
    'a cross-site post is refused');
  await serial.transact('AT+WNET=?', '0,127.0.0.1,255.0.0.0,127.0.0.1\r\n[OK]\r\n');
  await serial.transact('AT+MCWUI=?', 'admin,N3w-Passw0rd\r\n[OK]\r\n');
}

async function stop() {
  if (context) await context.close().catch(() => {});
  if (serial) serial.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((resolve) => daemon.once('exit', () => resolve(true))),
      new Promise((resolve) => setTimeout(() => resolve(false), 10000)),
    ]);
    if (!exited) daemon.kill('SIGKILL');
  }
}

let failed = false;
try {
  await main();
  console.log('browser flow: passed');
} catch (error) {
  failed = true;
  console.error(`browser flow: FAILED: ${error.stack || error}`);
  try {
    console.error('--- daemon log ---\n' + fs.readFileSync(path.join(dir, 'daemon.log'), 'utf8'));
  } catch {}
}
await stop();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
