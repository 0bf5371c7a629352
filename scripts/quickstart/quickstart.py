#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Helpers of scripts/check-quickstart.sh.

  sources SUITE            the host's Debian archive entries for SUITE (and SUITE-updates,
                           SUITE-security) as sources.list lines; the first is the main archive
  readme README            the Quick start's clone directory, terminal command and --pty command,
                           one per line (the commands as shell words, quoted)
  pty ROOT DIR LOG CMD...  runs CMD in the chroot ROOT (in DIR) with its output in LOG, waits for
                           the --pty link, sends AT on the pty and expects [OK], stops it
  terminal ROOT DIR LOG CMD...
                           runs CMD in the chroot on a new pty that is its controlling terminal,
                           types AT and expects [OK], types Ctrl-C and expects the process to end
                           with the terminal as it was before

Everything is started in its own process group and stopped by that group's id.
"""

import fcntl
import glob
import os
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time
import tty

AT_TIMEOUT = 10  # seconds for [OK] after AT
EXIT_TIMEOUT = 15  # seconds for the process to end after Ctrl-C or SIGTERM
START_TIMEOUT = int(os.environ.get("QUICKSTART_START_TIMEOUT", "1800"))  # install + build

# The environment of a root login on a fresh machine; proxies pass through so that apt in the
# chroot reaches the archive as the host does.
PASSED_THROUGH = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


# --- the host's archive ---------------------------------------------------------------------


def one_line_entries(path):
    """(uri, suite, components) of the `deb` lines of a sources.list file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words or words[0] != "deb":
                continue
            words = words[1:]
            if words and words[0].startswith("["):  # [signed-by=... arch=...]
                while words and not words[0].endswith("]"):
                    words.pop(0)
                words = words[1:]
            if len(words) >= 3:
                yield words[0], words[1], words[2:]


def deb822_entries(path):
    """(uri, suite, components) of the deb stanzas of a .sources file."""
    with open(path, encoding="utf-8") as f:
        stanzas = re.split(r"\n\s*\n", f.read())
    for stanza in stanzas:
        fields, key = {}, None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            for suite in fields.get("suites", "").split():
                yield uri, suite, fields.get("components", "").split()


def host_entries():
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    for path in files:
        if os.path.isfile(path):
            yield from one_line_entries(path)
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        yield from deb822_entries(path)


def cmd_sources(suite):
    wanted = [suite, f"{suite}-updates", f"{suite}-security"]
    found = {}
    for uri, entry_suite, components in host_entries():
        if entry_suite in wanted and "main" in components and entry_suite not in found:
            found[entry_suite] = uri
    if suite not in found:
        fail(f"no 'deb URI {suite} main' entry in /etc/apt/sources.list or sources.list.d/")
    for s in wanted:
        if s in found:
            print(f"deb {found[s]} {s} main")


# --- the README's quick start ----------------------------------------------------------------


def quick_start_lines(readme):
    """The lines of the code blocks of the README's "Quick start" section."""
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.S | re.M)
    if not section:
        fail(f"{readme} has no '## Quick start' section")
    lines = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", section.group(1), re.S | re.M):
        lines += block.splitlines()
    return lines


def shell_words(line):
    """The words of a README command line, its comment dropped; None for shell syntax."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    if any(w and all(c in "();<>|&" for c in w) for w in words):
        return None
    return words


def cmd_readme(readme):
    clone_dir, terminal, pty = None, None, None
    for line in quick_start_lines(readme):
        clone = re.match(r"\s*(?:sudo\s+)?git clone\s+(<[^>]*>|\S+)(?:\s+([^\s&;#]+))?", line)
        if clone and clone_dir is None:
            clone_dir = clone.group(2) or os.path.basename(clone.group(1)).removesuffix(".git")
            continue
        words = shell_words(line)
        if not words:
            continue
        if words[0] == "sudo":  # the check runs as root, where the README's sudo is not needed
            words = words[1:]
        if not words or not words[0].endswith("scripts/run.sh"):
            continue
        if "--pty" in words:
            pty = pty or words
        else:
            terminal = terminal or words
    if not clone_dir:
        fail("the Quick start has no `git clone ... DIR` line")
    if not terminal:
        fail("the Quick start has no `scripts/run.sh` line (the module on this terminal)")
    if not pty:
        fail("the Quick start has no `scripts/run.sh --pty LINK` line")
    print(clone_dir)
    print(shlex.join(terminal))
    print(shlex.join(pty))


# --- running the README's commands in the chroot ---------------------------------------------


def chroot_argv(root, directory, command, term):
    env = ["HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash", f"TERM={term}",
           "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    env += [f"{k}={os.environ[k]}" for k in PASSED_THROUGH if k in os.environ]
    return ["chroot", root, "/usr/bin/env", "-i", "-C", directory] + env + command


def stop_group(process, sig=signal.SIGTERM):
    """Signals the process group; True when the process then ended within EXIT_TIMEOUT."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(EXIT_TIMEOUT)
        return True
    except subprocess.TimeoutExpired:
        return False


def stop_group_for_good(process):
    if process.poll() is None and not stop_group(process):
        stop_group(process, signal.SIGKILL)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything of the group still left
    except ProcessLookupError:
        pass


def read_some(fd, timeout, log):
    """What fd has within timeout (b"" if nothing), copied to log."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: no slave side open any more
        return b""
    log.write(data)
    log.flush()
    return data


def expect_ok(fd, log, what):
    """Sends AT + CR on fd and waits for [OK]; returns what came back."""
    os.write(fd, b"AT\r")
    got, deadline = b"", time.monotonic() + AT_TIMEOUT
    while b"[OK]" not in got and time.monotonic() < deadline:
        got += read_some(fd, 0.2, log)
    if b"[OK]" not in got:
        fail(f"{what}: AT got {got!r} instead of [OK]")
    print(f"ok: {what}: AT -> {got!r}")
    return got


def tail(path, lines=40):
    with open(path, "rb") as f:
        return b"".join(f.readlines()[-lines:]).decode(errors="replace")


def cmd_pty(root, directory, log_path, command):
    link = command[command.index("--pty") + 1]
    host_link = os.path.join(root, link.lstrip("/"))
    with open(log_path, "ab") as log:
        process = subprocess.Popen(chroot_argv(root, directory, command, "xterm"),
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            started = time.monotonic()
            while not os.path.islink(host_link):
                if process.poll() is not None:
                    fail(f"`{shlex.join(command)}` ended ({process.returncode}) before {link} "
                         f"appeared; the end of its output:\n{tail(log_path)}")
                if time.monotonic() - started > START_TIMEOUT:
                    fail(f"no {link} after {START_TIMEOUT} s; the end of the output:\n"
                         f"{tail(log_path)}")
                time.sleep(0.5)
            print(f"ok: {link} appeared after {time.monotonic() - started:.0f} s "
                  f"(install, build, start)")
            target = os.readlink(host_link)
            if not target.startswith("/dev/pts/"):
                fail(f"{link} links to {target}, not a pseudo-terminal")
            fd = os.open(os.path.join(root, target.lstrip("/")), os.O_RDWR | os.O_NOCTTY)
            try:
                tty.setraw(fd)
                expect_ok(fd, log, f"{link}")
            finally:
                os.close(fd)
            if not stop_group(process):
                fail(f"`{shlex.join(command)}` did not end within {EXIT_TIMEOUT} s of SIGTERM")
            print(f"ok: ended on SIGTERM ({process.returncode})")
        finally:
            stop_group_for_good(process)


def termios_differences(before, after):
    names = ["iflag", "oflag", "cflag", "lflag", "ispeed", "ospeed"]
    out = [f"{n} {b:#o} -> {a:#o}" for n, b, a in zip(names, before, after) if a != b]
    if before[6] != after[6]:
        out.append("control characters changed")
    return out


def cmd_terminal(root, directory, log_path, command):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    before = termios.tcgetattr(slave)

    def take_terminal():  # after setsid: the pty becomes the controlling terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    with open(log_path, "ab") as log:
        process = subprocess.Popen(chroot_argv(root, directory, command, "xterm"),
                                   stdin=slave, stdout=slave, stderr=slave,
                                   start_new_session=True, preexec_fn=take_terminal)
        try:
            # The module has the terminal when canonical mode is off.
            started = time.monotonic()
            while termios.tcgetattr(slave)[3] & termios.ICANON:
                read_some(master, 0.2, log)
                if process.poll() is not None:
                    fail(f"`{shlex.join(command)}` ended ({process.returncode}) before it "
                         f"took the terminal; the end of its output:\n{tail(log_path)}")
                if time.monotonic() - started > START_TIMEOUT:
                    fail(f"the terminal is still in canonical mode after {START_TIMEOUT} s")
            print(f"ok: the module took the terminal after {time.monotonic() - started:.0f} s")
            raw_output, settled = b"", time.monotonic() + 1  # the start-up lines, if any
            while time.monotonic() < settled:
                raw_output += read_some(master, 0.2, log)
            raw_output += expect_ok(master, log, "the terminal")

            os.write(master, b"\x03")
            deadline = time.monotonic() + EXIT_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                raw_output += read_some(master, 0.2, log)
            if process.poll() is None:
                fail(f"Ctrl-C (0x03) did not end `{shlex.join(command)}` within "
                     f"{EXIT_TIMEOUT} s; the terminal showed:\n{raw_output.decode(errors='replace')}")
            print(f"ok: Ctrl-C ended it (exit status {process.returncode})")

            differences = termios_differences(before, termios.tcgetattr(slave))
            if differences:
                fail("the terminal was not restored: " + "; ".join(differences))
            print("ok: the terminal settings are as before (stty -g)")
            # While the terminal was raw nothing translated LF: a bare LF staircases the lines.
            bare = re.search(rb"(?<!\r)\n", raw_output)
            if bare:
                fail(f"a line ended in a bare LF while the terminal was raw: {raw_output!r}")
            print("ok: every line written while raw ended in CR LF")
        finally:
            stop_group_for_good(process)
            os.close(master)
            os.close(slave)


def main(argv):
    if len(argv) >= 2 and argv[0] == "sources":
        cmd_sources(argv[1])
    elif len(argv) >= 2 and argv[0] == "readme":
        cmd_readme(argv[1])
    elif len(argv) >= 5 and argv[0] in ("pty", "terminal"):
        run = cmd_pty if argv[0] == "pty" else cmd_terminal
        run(argv[1], argv[2], argv[3], argv[4:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
