#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Soak test (not in CI): runs the daemon for MINUTES minutes on a pty with loopback peers and
# checks every byte.
#
#   scripts/soak.sh 5                       # build/wizfi250d, 5 minutes
#   WIZFI250D_BINARY=build-asan/wizfi250d scripts/soak.sh 5
#
# Each cycle:
#   1. eight command-mode sockets at once (4 TCP clients, 2 TCP servers, a UDP client and a UDP
#      server), random payloads both ways (peer -> frames on the serial line, checked byte for
#      byte; host -> AT+SSEND, checked at the peer), random AT queries in between, then
#      AT+SMGMT=ALL;
#   2. a data-mode TCP client: random payloads both ways (up to 64 KiB each, checked), +++,
#      AT+SMGMT=ALL.
# The daemon's VmRSS is sampled every 5 s; a CSV of the samples and a summary are printed (and
# written to $SOAK_DIR, default a temporary directory that is kept). Traffic stays on 127.0.0.1.
# Exit status 0 only when every byte matched, every command was answered and the daemon lived.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:?usage: scripts/soak.sh MINUTES}"
binary="${WIZFI250D_BINARY:-build/wizfi250d}"
[ -x "$binary" ] || { echo "soak: $binary not found; run scripts/build.sh first" >&2; exit 2; }
dir="${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wizfi250d-soak-XXXXXX")}"
mkdir -p "$dir/state"

"$binary" --serial "pty:$dir/tty" --state-dir "$dir/state" --config /dev/null --wifi host \
  --interface lo --log-level info 2>"$dir/daemon.log" &
daemon=$!
stop_daemon() {
  if kill -0 "$daemon" 2>/dev/null; then
    kill -TERM "$daemon"
    wait "$daemon" || true
  fi
}
trap stop_daemon EXIT

status=0
python3 - "$dir" "$daemon" "$minutes" <<'PY' || status=$?
import os, random, select, socket, sys, termios, time, tty

dir_, pid, minutes = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(0x50a4)
deadline = time.monotonic() + minutes * 60
T = 10.0  # seconds for anything that should come at once

class Failure(Exception):
    pass

def vm_rss():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

# ---- the serial line ----
for _ in range(200):
    if os.path.exists(f"{dir_}/tty"):
        break
    time.sleep(0.05)
fd = os.open(f"{dir_}/tty", os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd, termios.TCSANOW)  # not TCSAFLUSH: the banner is waiting
buf = bytearray()

def fill(timeout):
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        data = os.read(fd, 65536)
        if not data:
            raise Failure("serial line closed")
        buf.extend(data)
        return True
    return False

def expect(exact, timeout=T):
    end = time.monotonic() + timeout
    while len(buf) < len(exact):
        if bytes(buf) != exact[:len(buf)]:
            break
        if not fill(max(0.0, end - time.monotonic())) and time.monotonic() >= end:
            break
    if bytes(buf[:len(exact)]) != exact:
        raise Failure(f"expected {exact!r}, got {bytes(buf[:len(exact) + 64])!r}")
    del buf[:len(exact)]

def read_until(term, timeout=T):
    end = time.monotonic() + timeout
    while term not in buf:
        if not fill(max(0.0, end - time.monotonic())) and time.monotonic() >= end:
            raise Failure(f"waiting for {term!r}, got {bytes(buf[:200])!r}")
    i = buf.index(term) + len(term)
    out = bytes(buf[:i])
    del buf[:i]
    return out

def write(data):
    view = memoryview(data)
    while view:
        _, w, _ = select.select([], [fd], [], T)
        if not w:
            raise Failure("serial write blocked")
        n = os.write(fd, view)
        view = view[n:]

def transact(command, response, timeout=T):
    write(command + b"\r")
    expect(command + b"\r\n" + response, timeout)

stats = dict(cycles=0, commands=0, frames=0, frame_bytes=0, ssend_bytes=0, data_up=0,
             data_down=0, udp_datagrams=0)
samples = []
last_sample = 0.0

def sample():
    global last_sample
    now = time.monotonic()
    if now - last_sample >= 5:
        last_sample = now
        samples.append((round(minutes * 60 - (deadline - now), 1), vm_rss()))

def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

QUERIES = [(b"AT", b"[OK]\r\n"), (b"AT+MINFO", b"FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n"),
           (b"AT+MECHO=?", b"1\r\n[OK]\r\n"), (b"AT+MMSG=?", b"2\r\n[OK]\r\n"),
           (b"AT+SFORM=?", b"111111111,7b,2c,7d,0d,0a[OK]\r\n"), (b"AT+FOO", b"[ERROR: INVALID INPUT]\r\n"),
           (b"AT+SMGMT=x", None), (b"AT+WSTAT", None), (b"AT+SMGMT=?", None), (b"AT+MPROF=?", None)]

def random_query():
    command, response = rng.choice(QUERIES)
    if response is None:
        write(command + b"\r")
        out = read_until(b"]\r\n")
        if not out.startswith(command + b"\r\n") or not (out.endswith(b"[OK]\r\n") or out.endswith(b"[ERROR: INVALID SCID]\r\n") or out.endswith(b"[ERROR: INVALID INPUT]\r\n")):
            raise Failure(f"{command!r} answered {out!r}")
    else:
        transact(command, response)
    stats["commands"] += 1

def random_payload(n, data_mode=False):
    data = bytearray(rng.getrandbits(8) for _ in range(n))
    if data_mode:
        data = data.replace(b"+", b"-")  # no escape inside the data
    return bytes(data)

def read_frames(cid, ip, port, total):
    """Frames of one CID until `total` payload bytes; returns the joined payload."""
    prefix = b"{%x,%s,%d," % (cid, ip, port)
    got = b""
    while len(got) < total:
        header = read_until(b"}")
        if not header.startswith(prefix):
            raise Failure(f"frame header {header!r}, expected {prefix!r}")
        n = int(header[len(prefix):-1])
        while len(buf) < n + 2:
            if not fill(T):
                raise Failure("frame payload timed out")
        payload = bytes(buf[:n])
        if bytes(buf[n:n + 2]) != b"\r\n":
            raise Failure("frame trailer")
        del buf[:n + 2]
        got += payload
        stats["frames"] += 1
    stats["frame_bytes"] += len(got)
    return got

def ssend(cid, payload, peer_recv, remote=b","):
    write(b"AT+SSEND=%d,%s,%d\r" % (cid, remote, len(payload)))
    prompt = b"AT+SSEND=%d,%s,%d\r\n[%d,%s,%d]\r\n" % (cid, remote, len(payload), cid, remote, len(payload))
    expect(prompt)
    write(payload)
    expect(b"[OK]\r\n")
    got = peer_recv(len(payload))
    if got != payload:
        raise Failure(f"SSEND on {cid}: the peer got {len(got)} bytes that differ")
    stats["ssend_bytes"] += len(payload)

def tcp_recv_exact(sock, n):
    sock.settimeout(T)
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise Failure("peer connection closed")
        out += chunk
    return out

def command_mode_cycle():
    servers, peers = [], {}
    cid = 0
    # 4 TCP clients (TCN) to our listeners.
    for _ in range(4):
        ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); servers.append(ls)
        port = ls.getsockname()[1]
        transact(b"AT+SCON=O,TCN,127.0.0.1,%d,,0" % port, b"[OK]\r\n\r\n[CONNECT %x]\r\n" % cid)
        ls.settimeout(T)
        conn, _ = ls.accept()
        peers[cid] = ("tcp", conn, port)
        cid += 1
    # 2 TCP servers (TSN) we connect to.
    for _ in range(2):
        port = free_port(socket.SOCK_STREAM)
        transact(b"AT+SCON=O,TSN,,,%d,0" % port, b"[OK]\r\n")
        conn = socket.create_connection(("127.0.0.1", port), timeout=T)
        expect(b"\r\n[CONNECT %x]\r\n" % cid)
        peers[cid] = ("tcp", conn, conn.getsockname()[1])
        cid += 1
    # A UDP client (UCN) to our UDP socket, from a fixed local port.
    usock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); usock.bind(("127.0.0.1", 0))
    local = free_port(socket.SOCK_DGRAM)
    transact(b"AT+SCON=O,UCN,127.0.0.1,%d,%d,0" % (usock.getsockname()[1], local),
             b"[OK]\r\n\r\n[CONNECT %x]\r\n" % cid)
    peers[cid] = ("ucn", usock, local)
    cid += 1
    # A UDP server (USN).
    sport = free_port(socket.SOCK_DGRAM)
    transact(b"AT+SCON=O,USN,,,%d,0" % sport, b"\r\n[CONNECT %x]\r\n[OK]\r\n" % cid)
    upeer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); upeer.bind(("127.0.0.1", 0))
    peers[cid] = ("usn", upeer, sport)
    cid += 1
    transact(b"AT+SCON=O,TCN,127.0.0.1,1,,0", b"[ERROR: INVALID SCID]\r\n")  # a ninth socket

    for _ in range(rng.randint(8, 24)):
        c = rng.randrange(8)
        kind, sock, port = peers[c]
        n = rng.randint(1, 1400)
        payload = random_payload(n)
        if kind == "tcp":
            sock.sendall(payload)
            their_port = port
            got = read_frames(c, b"127.0.0.1", their_port, n)
            if got != payload:
                raise Failure(f"CID {c}: frames differ from what the peer sent")
            ssend(c, random_payload(rng.randint(1, 1400)), lambda k, s=sock: tcp_recv_exact(s, k))
        else:
            sock.settimeout(T)
            sock.sendto(payload, ("127.0.0.1", port))
            got = read_frames(c, b"127.0.0.1", sock.getsockname()[1], n)
            if got != payload:
                raise Failure(f"CID {c}: UDP frame differs")
            stats["udp_datagrams"] += 1
            out = random_payload(rng.randint(1, 1400))
            ssend(c, out, lambda k, s=sock: s.recvfrom(65536)[0])
        if rng.random() < 0.5:
            random_query()
        sample()

    write(b"AT+SMGMT=ALL\r")
    out = read_until(b"[OK]\r\n")
    for c in range(8):
        if b"[DISCONNECT %x]" % c not in out:
            raise Failure(f"SMGMT=ALL did not close {c}: {out!r}")
    for _, sock, _ in peers.values():
        sock.close()
    for s in servers:
        s.close()

def data_mode_cycle():
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
    port = ls.getsockname()[1]
    transact(b"AT+SCON=O,TCN,127.0.0.1,%d,,1" % port, b"[OK]\r\n\r\n[CONNECT 0]\r\n")
    ls.settimeout(T)
    conn, _ = ls.accept()
    for _ in range(rng.randint(2, 6)):
        up = random_payload(rng.randint(1, 65536), data_mode=True)
        write(up)
        if tcp_recv_exact(conn, len(up)) != up:
            raise Failure("data mode: the peer got different bytes")
        stats["data_up"] += len(up)
        down = random_payload(rng.randint(1, 65536))
        conn.sendall(down)
        expect(down, 30)
        stats["data_down"] += len(down)
        sample()
    time.sleep(0.2)
    write(b"+++")
    expect(b"[OK]\r\n", 6)
    transact(b"AT", b"[OK]\r\n")
    transact(b"AT+SMGMT=ALL", b"\r\n[DISCONNECT 0]\r\n[OK]\r\n")
    conn.close()
    ls.close()

try:
    expect(b"WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n", 15)
    transact(b"AT+WJOIN", b"Joining : WizFiAP\r\nSuccessfully joined : WizFiAP\r\n\r\n[Link-Up Event]\r\n"
             b"  IP Addr    : 127.0.0.1\r\n  Gateway    : 0.0.0.0\r\n[OK]\r\n", 15)
    sample()
    while time.monotonic() < deadline:
        command_mode_cycle()
        data_mode_cycle()
        stats["cycles"] += 1
    last_sample = 0
    sample()
    ok = True
    error = ""
except Failure as e:
    ok = False
    error = str(e)

rss = [r for _, r in samples]
with open(f"{dir_}/rss.csv", "w") as f:
    f.write("seconds,vmrss_kib\n")
    for t, r in samples:
        f.write(f"{t},{r}\n")
summary = (f"soak: {minutes:g} min, {stats['cycles']} cycles, {stats['commands']} random AT queries, "
           f"{stats['frames']} frames ({stats['frame_bytes']} bytes), {stats['ssend_bytes']} bytes by SSEND, "
           f"{stats['udp_datagrams']} UDP datagrams in, data mode {stats['data_up']} bytes up / "
           f"{stats['data_down']} bytes down; VmRSS KiB first {rss[0] if rss else '?'}, "
           f"min {min(rss) if rss else '?'}, max {max(rss) if rss else '?'}, last {rss[-1] if rss else '?'} "
           f"({len(rss)} samples, {dir_}/rss.csv)")
print(summary)
with open(f"{dir_}/summary.txt", "w") as f:
    f.write(summary + "\n" + ("OK\n" if ok else "FAILED: " + error + "\n"))
if not ok:
    print("soak: FAILED: " + error, file=sys.stderr)
    sys.exit(1)
print("soak: every byte matched")
PY

if ! kill -0 "$daemon" 2>/dev/null; then
  echo "soak: the daemon is gone" >&2
  status=1
fi
stop_daemon
trap - EXIT
echo "soak: results and the daemon log are in $dir"
exit "$status"
