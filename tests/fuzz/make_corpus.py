#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Seeds come from two places:
  - the command lines of the conformance transcripts (the literal first argument of every
    transact("...") and send("...") in tests/conformance/*.cpp);
  - the command table of the spec (every command at least once, in its query and set forms),
    written here by hand, plus hand-written inputs for the targets that do not take AT commands
    (profile files, wpa_supplicant datagrams, data-mode streams, SFORM + frames).

Run it again after the transcripts change: `python3 tests/fuzz/make_corpus.py`. It replaces the
seed files it made (seed-*) and leaves files that fuzzing added alone.
"""

import hashlib
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"

# Every command of spec §2.0 (and the §2.6 extensions), in query and typical set forms.
SPEC_COMMANDS = [
    "AT", "at", "AT+WJOIN", "AT+WLEAVE", "AT+WSCAN", "AT+WSCAN=,,6", "AT+WSCAN=WizFiAP,,1,100",
    "AT+WSET=?", "AT+WSET=0,WizFiAP", "AT+WSET=0,\"My, AP\",00:08:DC:11:22:33,6",
    "AT+WSET=1,WizFiAP_Soft", "AT+WSET2=0,a\"b,c", "AT+WSEC=?", "AT+WSEC=0,WPA2,12345678",
    "AT+WSEC=0,OPEN,", "AT+WSEC=1,WEP,1234567890", "AT+WNET=?", "AT+WNET=1",
    "AT+WNET=0,192.168.12.10,255.255.255.0,192.168.12.1", "AT+WSTAT", "AT+WSTATUS",
    "AT+WSTAT=?", "AT+WREG=?", "AT+WREG=KR", "AT+WWPS=?", "AT+WWPS=0", "AT+WWPS=1,12345670",
    "AT+WADNS=?", "AT+WADNS=1,8.8.8.8,8.8.4.4", "AT+WANT=?", "AT+WANT=1", "AT+WBGN=?",
    "AT+WBGN=2", "AT+WCHECK=?", "AT+WCHECK=1,30", "AT+WRFMODE=?", "AT+WRFMODE=1",
    "AT+WP2P_START", "AT+WP2P_STOP", "AT+WP2P_PEERLIST", "AT+WP2P_INVITE=0",
    "AT+SCON=?", "AT+SCON=O,TCN,127.0.0.1,5000,,0", "AT+SCON=O,TSN,,,5000,1",
    "AT+SCON=O,USN,,,5000,0", "AT+SCON=O,UCN,127.0.0.1,5000,6000,1",
    "AT+SCON=SO,TSN, , ,5000,1", "AT+SCON=S,TCS,0.0.0.0,443,,1", "AT+SMGMT=?", "AT+SMGMT=0",
    "AT+SMGMT=ALL", "AT+SMGMT=9", "AT+SSEND=0,,,5", "AT+SSEND=0,127.0.0.1,5000,5",
    "AT+SSEND=0,,,5,1000", "AT+SDATA", "AT+SFORM=?", "AT+SFORM=111111111,7b,2c,7d,0d,0a",
    "AT+SFORM=000000011,,,,0d,0a", "AT+SOPT1=?", "AT+SOPT1=10,1000", "AT+SOPT2=1,1",
    "AT+SDNAME=?", "AT+SDNAME=example.invalid", "AT+MPROF=?", "AT+MPROF=S", "AT+MPROF=L",
    "AT+MPROF=VD", "AT+MPROF=VS", "AT+MPROF=VR", "AT+MFDEF", "AT+MFDEF=FR", "AT+MRESET",
    "AT+MMSG=?", "AT+MMSG=1", "AT+MMSG=3", "AT+MMAC=?", "AT+MMAC=00:08:DC:12:34:56",
    "AT+MINFO", "AT+MECHO=?", "AT+MECHO=0", "AT+MECHO=1", "AT+MHELP", "AT+MMCUPS=?",
    "AT+MMCUPS=1,100", "AT+MWIFIPS=?", "AT+MWIFIPS=1,100", "AT+MTXP=?", "AT+MTXP=10",
    "AT+MCERT=?", "AT+MCERT=R,C", "AT+MCERT=W,C,0,8", "AT+MCERT=W,K,1,4", "AT+MEXT1=?",
    "AT+MCWUI=?", "AT+MCWUI=admin,admin", "AT+MSPI=?", "AT+MCUSTOM=?", "AT+MCUSTOM=0",
    "AT+MCSTGPIO=?", "AT+MCSTGPIO=1", "AT+MAIRCMD=?", "AT+MAIRCMD=O,U,50000,0",
    "AT+MEVTMSG=?", "AT+MEVTMSG=1", "AT+MEVTFORM=?", "AT+MEVTFORM=1111111111",
    "AT+MEVTFORM=2222222220", "AT+MEVTDELAY=?", "AT+MEVTDELAY=10", "AT+USET=?",
    "AT+USET=9600,N,8,1,N", "AT+USET=115200,E,7,2,HW", "AT+FPING=2,127.0.0.1",
    "AT+FDNS=localhost,1000", "AT+FWEBS=?", "AT+FWEBS=1,A", "AT+FWEBM=?", "AT+FOTA",
    "AT+FGPIO=?", "AT+FGPIO=1,1,1", "AT+FGPIO=3,1,0", "AT+FGETADC", "AT+FSOCK=?",
    "AT+FSOCK=1,1", "AT+FSOCK=4,50", "AT+FSOCK=9,1", "AT+FS2WEB=1", "AT+SMODE=?",
    "AT+FWEBSOPT=?", "AT+MQTTSET=?", "AT+MQTTSET=user,pass,client,60", "AT+MQTTCON=?",
    "AT+MQTTSUB=topic", "AT+MQTTPUB=topic", "AT+GMMPSET=?", "AT+COWAYA=?",
    # Bad input: unknown commands, a missing '=', wrong parameter counts, junk.
    "AT+WRSSI", "ATE0", "ATO", "AT+WSET", "AT+SCON=O", "AT+SCON=O,TCN,,,,,,,,,,",
    "AT+SSEND=", "AT+SSEND=9,,,5", "AT+SMGMT=x", "AT+MMSG=4294967297", "AT+WSET=0,\"a\"\"b\"",
    "A/", "AT+", "+++", "\x1b",
]

PROFILE_SEED = """\
# wizfi250d profile (the module's flash)
schema = 1
mac = 00:08:DC:00:00:00
uart = 115200,N,8,1,N
station.ssid = WizFiAP
station.key = 12345678
receive_format.flags = 111111111
receive_format.start = 7b
"""

WPA_SEEDS = [
    b"OK\n",
    b"FAIL\n",
    b"PONG\n",
    b"<3>CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:01:00 completed [id=0 id_str=wizfi250d]",
    b"<3>CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:01:00 reason=3 locally_generated=1",
    b"IFNAME=wlan0 <3>CTRL-EVENT-SCAN-RESULTS ",
    b"<3>CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\"My \\\"AP\\\"\" auth_failures=1 duration=10 reason=WRONG_KEY",
    b"<3>CTRL-EVENT-TERMINATING ",
    b"<3>WPS-CRED-RECEIVED 0x0027100e0045102600010110450007576946694150",
    b"<2>CTRL-EVENT-EAP-FAILURE EAP authentication failed",
    b"bssid=02:00:00:00:01:00\nfreq=2412\nssid=WizFiAP\nid=0\nmode=station\n"
    b"pairwise_cipher=CCMP\ngroup_cipher=CCMP\nkey_mgmt=WPA2-PSK\nwpa_state=COMPLETED\n"
    b"ip_address=203.0.113.10\naddress=02:00:00:00:00:01\n",
    b"bssid / frequency / signal level / flags / ssid\n"
    b"02:00:00:00:01:00\t2412\t-45\t[WPA2-PSK-CCMP][ESS]\tWizFiAP\n"
    b"02:00:00:00:02:00\t5180\t-70\t[ESS]\t\\xe2\\x98\\x83 snow\n"
    b"02:00:00:00:03:00\t2437\t-60\t[WEP][ESS]\t\n",
    b"network id / ssid / bssid / flags\n0\tWizFiAP\tany\t[CURRENT]\n1\tother\t02:00:00:00:01:00\t[DISABLED]\n",
    b"SET_NETWORK 0 psk \"secret passphrase\"",
    b"WPS_PIN any 12345670",
    b"776946694150",
]


def literal_commands():
    """The literal first argument of transact(...) and send(...) in the transcripts."""
    pattern = re.compile(r'\b(?:transact|send)\(\s*"((?:[^"\\]|\\.)*)"')
    files = {}
    for path in sorted((ROOT / "tests" / "conformance").glob("*.cpp")):
        found = []
        for match in pattern.finditer(path.read_text(errors="replace")):
            text = match.group(1)
            try:
                text = bytes(text, "latin-1").decode("unicode_escape")
            except (UnicodeDecodeError, ValueError):
                continue
            found.append(text)
        if found:
            files[path.stem] = found
    return files


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("latin-1", errors="replace")
    (directory / f"seed-{name}").write_bytes(data)


def as_line(command):
    return command if command.endswith("\r") or command.endswith("\n") else command + "\r"


def main():
    for directory in CORPUS.glob("*"):
        for old in directory.glob("seed-*"):
            old.unlink()

    transcripts = literal_commands()
    all_lines = sorted({c for lines in transcripts.values() for c in lines})

    # fuzz_module: 3 option bytes (options, two split points) and the serial stream.
    for stem, lines in transcripts.items():
        stream = "".join(as_line(c) for c in lines)
        write("fuzz_module", f"transcript-{stem}", "\x00\x10\x40" + stream)
    for i, command in enumerate(SPEC_COMMANDS):
        write("fuzz_module", f"spec-{i:03d}", "\x00\x03\x09" + as_line(command))
    write("fuzz_module", "coway-wset", "\x01\x00\x00AT+WSET=0,a,b\"c\rAT+WSET=?\r")
    write("fuzz_module", "mcert-payload", "\x00\x14\x18AT+MCERT=W,C,0,8\r12345678AT\r")
    write("fuzz_module", "long-line", "\x00\x00\x00AT+" + "X" * 300 + "\r")
    write("fuzz_module", "backspace", "\x00\x00\x00AT+MINFX\x08O\rA/")
    write("fuzz_module", "reboot", "\x00\x0a\x20AT+MRESET\rAT\rAT+MFDEF\rAT\r")

    # fuzz_at_parser: the lines themselves.
    for i, command in enumerate(sorted(set(all_lines) | set(SPEC_COMMANDS))):
        digest = hashlib.sha1(command.encode("latin-1", errors="replace")).hexdigest()[:10]
        write("fuzz_at_parser", f"{i:03d}-{digest}", as_line(command))
    write("fuzz_at_parser", "fields", "AT+X=1.2.3.4/24, 00:08:dc:aa:bb:cc ,\"q,\\\"x\",  ,ff\r")

    # fuzz_data_pump: options, cut count, cut positions, stream.
    write("fuzz_data_pump", "escape", b"\x00\x01\x80hello+++")
    write("fuzz_data_pump", "four-plus", b"\x00\x02\x40\x80ab++++cd+++")
    write("fuzz_data_pump", "big", b"\x02\x01\x80" + bytes(range(256)) * 12 + b"+++")
    write("fuzz_data_pump", "idle-flush", b"\x05\x03\x20\x40\x60a+b++c+++d")

    # fuzz_profile.
    write("fuzz_profile", "hand", PROFILE_SEED)
    factory = ROOT / "tests" / "fuzz" / "factory-profile.conf"
    if factory.exists():
        write("fuzz_profile", "factory", factory.read_bytes())
    write("fuzz_profile", "escapes", "schema = 1\nstation.ssid = \\x00\\t\\\\ a\\x7f\n")
    write("fuzz_profile", "bad-schema", "schema = 99\n")
    write("fuzz_profile", "repeated", "schema = 1\nmac = 00:08:DC:00:00:01\nmac = 00:08:DC:00:00:01\n")

    # fuzz_wpa_parser.
    for i, datagram in enumerate(WPA_SEEDS):
        write("fuzz_wpa_parser", f"{i:02d}", datagram)

    # fuzz_frame: SFORM arguments, CR, cid, ip, port, payload.
    header = bytes([0, 127, 0, 0, 1]) + struct.pack(">H", 5000)
    write("fuzz_frame", "factory", b"111111111,7b,2c,7d,0d,0a\r" + header + b"Hi WizFi250")
    write("fuzz_frame", "short", b"000000011,,,,0d,0a\r" + header + b"x")
    write("fuzz_frame", "nul-chars", b"111111111,0,0,0,0,0\r" + bytes([7, 255, 255, 255, 255, 255, 255]) + b"\x00\r\n{}")
    write("fuzz_frame", "length-only", b"000001000\r" + header + b"payload")

    # fuzz_mqtt: command selector (0 MQTTSET, 1 MQTTCON, 2 MQTTSUB, 3 MQTTPUB), arguments, CR,
    # topic, NUL, payload.
    write("fuzz_mqtt", "set", b"\x00user,secret,client1,120\rsensor/temp\x0023.5")
    write("fuzz_mqtt", "set-query", b"\x00?\r{Q,}\x00\r\n")
    write("fuzz_mqtt", "set-long", b"\x00" + b"u" * 51 + b",,,29\rt\x00")
    write("fuzz_mqtt", "con", b"\x011,127.0.0.1,1883,0\ra/b\x00\x00\xff")
    write("fuzz_mqtt", "con-query", b"\x01?\r\x00")
    write("fuzz_mqtt", "sub", b"\x021,topic/#,2\rtopic/x\x00payload")
    write("fuzz_mqtt", "pub", b"\x03topic,5\rtopic\x00hello")


if __name__ == "__main__":
    main()
