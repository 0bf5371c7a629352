// SPDX-License-Identifier: Apache-2.0
// Spec §5.1/§5.2 (which command writes which profile image), §2.4 (AT+MPROF dumps, AT+MFDEF,
// AT+MMAC, AT+USET) and the profile file of design.md ("Profile/ProfileStore"): mode 0600 in a
// 0700 directory, a bad or too-new file kept aside with factory values in its place.
//
// Every test starts a fresh daemon at factory settings (echo on, MMSG=2) on its own state
// directory; d.restart() is a power cycle on the same state directory.

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

// AT+MPROF=VD / =VG at factory values (spec §2.4 "Profile dump format"; the factory image MAC
// 00:08:DC:00:00:00, web server stopped and manual, the five GPIO pins push-pull outputs, low).
constexpr std::string_view kFactoryDump =
    "+WSET=0,WizFiAP,,6\r\n"
    "+WSEC=0,WPA2,12345678\r\n"
    "+WNET=1,192.168.12.101,255.255.255.0,192.168.12.1\r\n"
    "+WREG=AU\r\n"
    "+SCON=O,TSN,,0,5000,1\r\n"
    "+SFORM=111111111,7b,2c,7d,0d,0a\r\n"
    "+MMSG=2\r\n"
    "+MMAC=00:08:DC:00:00:00\r\n"
    "+USET=115200,N,8,1,N\r\n"
    "+MECHO=1\r\n"
    "+FWEBS=0,M\r\n"
    "+FGPIO={1,1,3,0},{1,5,3,0},{1,6,3,0},{1,7,3,0},{1,8,3,0}\r\n";

// The same dump with one line replaced (`key` is e.g. "+MMSG=").
std::string dump_with(std::string_view key, std::string_view value) {
    std::string dump(kFactoryDump);
    const auto at = dump.find(key);
    if (at == std::string::npos) return dump;
    const auto end = dump.find("\r\n", at);
    dump.replace(at + key.size(), end - at - key.size(), value);
    return dump;
}

// The B9 queries of the fields that a profile holds, at factory values.
::testing::AssertionResult expect_factory_queries(Daemon& d) {
    struct Query {
        const char* command;
        const char* answer;
    };
    static constexpr Query kQueries[] = {
        {"AT+WSET=?", "0,WizFiAP,00:00:00:00:00:00,6\r\n[OK]\r\n"},
        {"AT+WSEC=?", "0,WPA2,12345678\r\n[OK]\r\n"},
        {"AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"},
        {"AT+WREG=?", "AU\r\n[OK]\r\n"},
        {"AT+SCON=?", "O,TSN,,0,5000,1\r\n[OK]\r\n"},
        {"AT+SFORM=?", "111111111,7b,2c,7d,0d,0a[OK]\r\n"},
        {"AT+MMSG=?", "2\r\n[OK]\r\n"},
        {"AT+MECHO=?", "1\r\n[OK]\r\n"},
        {"AT+USET=?", "115200,N,8,1,N\r\n[OK]\r\n"},
        {"AT+MEVTFORM=?", "1111111111\r\n[OK]\r\n"},
        {"AT+FSOCK=?", "5000,5000,5,100,0,0,0,0\r\n[OK]\r\n"},
        {"AT+FWEBS=?", "0,M\r\n[OK]\r\n"},
    };
    for (const Query& q : kQueries) {
        if (auto r = d.transact(q.command, q.answer); !r) return r;
    }
    return ::testing::AssertionSuccess();
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

::testing::AssertionResult write_text(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return ::testing::AssertionFailure() << "could not write " << path;
    return ::testing::AssertionSuccess();
}

// The files in `dir` whose names start with `prefix`.
std::vector<std::filesystem::path> files_starting_with(const std::filesystem::path& dir,
                                                       std::string_view prefix) {
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, prefix.size(), prefix) == 0) found.push_back(entry.path());
    }
    return found;
}

// A directory made with mkdtemp, removed with everything in it at the end of the test. Declare
// it before the Daemon that uses it, so that the daemon has stopped when it goes.
class TempDir {
public:
    TempDir() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                              "/wizfi250d-s5-profile-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (::mkdtemp(buffer.data()) == nullptr) {
            ADD_FAILURE() << "mkdtemp(" << pattern << "): " << std::strerror(errno);
            return;
        }
        path_ = buffer.data();
    }
    ~TempDir() {
        if (path_.empty()) return;
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// ---- §5.2: RAM-only settings --------------------------------------------------------------------

TEST(Spec5_2_Persistence, RamSettingsAreLostAtResetWithoutMprofS) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // WNET, SCON (record only), SFORM, MMSG, MECHO: RAM only.
    ASSERT_TRUE(d.transact("AT+WNET=0,127.0.0.5,255.0.0.0,127.0.0.1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,6001,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,5B,2F,5D,0D,0A", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // The RAM image holds them:
    ASSERT_TRUE(d.transact("AT+WNET=?", "0,127.0.0.5,255.0.0.0,127.0.0.1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0,6001,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=?", "111111111,5b,2f,5d,0d,0a[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    // H> AT+MECHO=0\r   M< AT+MECHO=0\r\n[OK]\r\n   (echoed: the byte is echoed before it runs)
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MRESET\r    M< [OK]\r\n   (no echo now), then the banner
    ASSERT_TRUE(d.send("AT+MRESET\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // The reboot re-read the saved (factory) image: echo is back on, everything is factory, and
    // no service record means no auto-join.
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(expect_factory_queries(d));
}

TEST(Spec5_2_Persistence, RamSettingsSurviveResetAfterMprofS) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WNET=0,127.0.0.5,255.0.0.0,127.0.0.1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,0,6002,0", "[ERROR: WiFi Status]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,5B,2F,5D,0D,0A", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MPROF=S\r   M< [OK]\r\n
    ASSERT_TRUE(d.send("AT+MPROF=S\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(d.send("AT+MRESET\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // Echo stays off after the reboot: the saved value.
    ASSERT_TRUE(d.send("AT+MECHO=?\r"));
    ASSERT_TRUE(d.expect("0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.send("AT+WNET=?\r"));
    ASSERT_TRUE(d.expect("0,127.0.0.5,255.0.0.0,127.0.0.1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.send("AT+SFORM=?\r"));
    ASSERT_TRUE(d.expect("111111111,5b,2f,5d,0d,0a[OK]\r\n"));
    ASSERT_TRUE(d.send("AT+MMSG=?\r"));
    ASSERT_TRUE(d.expect("3\r\n[OK]\r\n"));
    // The SCON=O above failed before step 5, so the record is still the factory one.
    ASSERT_TRUE(d.send("AT+SCON=?\r"));
    ASSERT_TRUE(d.expect("O,TSN,,0,5000,1\r\n[OK]\r\n"));
    // And after a power cycle too.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.send("AT+MMSG=?\r"));
    ASSERT_TRUE(d.expect("3\r\n[OK]\r\n"));
    ASSERT_TRUE(d.send("AT+WNET=?\r"));
    ASSERT_TRUE(d.expect("0,127.0.0.5,255.0.0.0,127.0.0.1\r\n[OK]\r\n"));
}

// ---- §5.2: AT+MPROF=L ---------------------------------------------------------------------------

TEST(Spec5_2_Persistence, MprofLoadBringsTheSavedImageBackIntoRam) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,5B,2F,5D,0D,0A", "[OK]\r\n"));
    // H> AT+MPROF=S\r   M< AT+MPROF=S\r\n[OK]\r\n   (only [OK], no dump: spec §2.4 ⚠)
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // Unsaved changes on top of the saved image:
    ASSERT_TRUE(d.transact("AT+MMSG=2", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=000000000", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WNET=0,127.0.0.5,255.0.0.0,127.0.0.1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
    // H> AT+MPROF=L\r   M< AT+MPROF=L\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=L", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=?", "111111111,5b,2f,5d,0d,0a[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
    // Lower case works too.
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));  // MMSG=1 hides [OK]
    // The load brings MMSG=3 back before the final code is printed: [OK] is visible again.
    ASSERT_TRUE(d.transact("AT+MPROF=l", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

// ---- §5.2: WSET / WSEC write the flash at once --------------------------------------------------

TEST(Spec5_2_Persistence, WsetAndWsecSurviveResetAndPowerCycleWithoutMprofS) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));  // RAM only: not saved by WSET/WSEC
    ASSERT_TRUE(d.transact("AT+WSET=0,TestAP5", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSEC=0,WPA2AES,abcdefgh1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // STA channel omitted → 0.
    ASSERT_TRUE(d.transact("AT+WSET=?", "0,TestAP5,00:00:00:00:00:00,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSEC=?", "0,WPA2AES,abcdefgh1\r\n[OK]\r\n"));
    // Only their own fields went to the flash:
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
    // Power cycle (SIGTERM, start again on the same state directory):
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.transact("AT+WSET=?", "0,TestAP5,00:00:00:00:00:00,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSEC=?", "0,WPA2AES,abcdefgh1\r\n[OK]\r\n"));
}

TEST(Spec5_2_Persistence, WsetIsInTheSavedDumpAtOnce) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WSET=0,TestAP5,00:08:dc:aa:bb:cc,3", "[OK]\r\n"));
    // The dump shows the stored BSSID string (upper case), unlike AT+WSET=? (lower case).
    ASSERT_TRUE(d.transact("AT+MPROF=VD",
                           dump_with("+WSET=", "0,TestAP5,00:08:DC:AA:BB:CC,3") + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSET=?", "0,TestAP5,00:08:dc:aa:bb:cc,3\r\n[OK]\r\n"));
}

// ---- §5.2: USET with W
// ---------------------------------------------------------------------------

TEST(Spec5_2_Persistence, UsetWithWIsShownAfterReset) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // H> AT+USET=9600,N,8,1,N,W\r   M< AT+USET=9600,N,8,1,N,W\r\n[OK]\r\n   and no reboot
    ASSERT_TRUE(d.transact("AT+USET=9600,N,8,1,N,W", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+USET=?", "9600,N,8,1,N\r\n[OK]\r\n"));
    // USET saved the whole RAM profile (spec §5.2):
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    const std::string saved = [] {
        std::string text = dump_with("+MMSG=", "3");
        const auto at = text.find("+USET=115200");
        text.replace(at, 12, "+USET=9600");
        return text;
    }();
    ASSERT_TRUE(d.transact("AT+MPROF=VD", saved + "[OK]\r\n"));
}

// ---- §2.4 / §5.1: AT+MFDEF=FR
// --------------------------------------------------------------------

TEST(Spec5_1_Mfdef, FactoryResetResetsTheFieldsAndKeepsTheMac) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // MMAC saves and reboots.
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:DC:11:22:33", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+WSET=0,TestAP5", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSEC=0,WPA,abcdefgh1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WNET=0,127.0.0.5,255.0.0.0,127.0.0.1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,6004,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,5B,2F,5D,0D,0A", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MEVTFORM=1111111112", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FSOCK=1,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+USET=9600,N,8,1,N,W", "[OK]\r\n"));
    // H> AT+MFDEF=FR\r   M< AT+MFDEF=FR\r\n[OK]\r\n   then the banner (no socket, no link)
    ASSERT_TRUE(d.transact("AT+MFDEF=FR", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // The saved service record was reset too: no auto-join.
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(expect_factory_queries(d));
    // The MAC is kept.
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:11:22:33\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=VD", dump_with("+MMAC=", "00:08:DC:11:22:33") + "[OK]\r\n"));
    // The factory values were saved: they survive a power cycle.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(expect_factory_queries(d));
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:11:22:33\r\n[OK]\r\n"));
}

TEST(Spec5_1_Mfdef, LowerCaseWorksAndOtherArgumentsAreInvalid) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MFDEF=Fr", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MFDEF=", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MFDEF=?", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT+MFDEF=fr", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
}

// ---- §2.4: AT+MMAC
// -------------------------------------------------------------------------------

TEST(Spec2_4_Mmac, SetSavesAndRebootsThenQueryShowsIt) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:00:00:00\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // H> AT+MMAC=00:08:DC:11:22:33\r   M< AT+MMAC=00:08:DC:11:22:33\r\n[OK]\r\n   then the banner
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:DC:11:22:33", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // H> AT+MMAC=?\r   M< AT+MMAC=?\r\n00:08:DC:11:22:33\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:11:22:33\r\n[OK]\r\n"));
    // MMAC saved the whole RAM profile.
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    // Lower-case input is shown upper-case; it survives a power cycle.
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:dc:ab:cd:ef", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:AB:CD:EF\r\n[OK]\r\n"));
}

TEST(Spec2_4_Mmac, EmptyFieldSavesAndRebootsKeepingTheMac) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMAC=", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:00:00:00\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

TEST(Spec2_4_Mmac, BadMacIsInvalidInputAndNothingHappens) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMAC=00:00:00:00:00:00", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMAC=FF:FF:FF:FF:FF:FF", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:DC:11:22", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:DC:11:22:3G", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT+MMAC=?", "00:08:DC:00:00:00\r\n[OK]\r\n"));
}

// ---- §2.4: AT+MPROF dumps
// ------------------------------------------------------------------------

TEST(Spec5_ProfileDump, VdAtFactory) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MPROF=VD\r   M< AT+MPROF=VD\r\n<dump>[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=VD", std::string(kFactoryDump) + "[OK]\r\n"));
}

TEST(Spec5_ProfileDump, VgAtFactory) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MPROF=VG\r   M< AT+MPROF=VG\r\n<dump>[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=VG", std::string(kFactoryDump) + "[OK]\r\n"));
}

TEST(Spec5_ProfileDump, LowerCaseSpellingsWork) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MPROF=vd", std::string(kFactoryDump) + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=vg", std::string(kFactoryDump) + "[OK]\r\n"));
}

TEST(Spec5_ProfileDump, VdAndVgDifferAfterAnUnsavedChange) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,6005,0", "[OK]\r\n"));
    const std::string ram = dump_with("+SCON=", "S,TSN,0.0.0.0,0,6005,0");
    const std::string ram_dump = [&] {
        std::string text = ram;
        const auto at = text.find("+MMSG=2");
        text.replace(at, 7, "+MMSG=3");
        return text;
    }();
    // VG: the RAM image.
    ASSERT_TRUE(d.transact("AT+MPROF=VG", ram_dump + "[OK]\r\n"));
    // VD: the saved image, still factory.
    ASSERT_TRUE(d.transact("AT+MPROF=VD", std::string(kFactoryDump) + "[OK]\r\n"));
    // After MPROF=S both agree.
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=VD", ram_dump + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=VG", ram_dump + "[OK]\r\n"));
}

TEST(Spec5_ProfileDump, MmacLineShowsTheProfileMac) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMAC=00:08:DC:11:22:33", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    const std::string dump = dump_with("+MMAC=", "00:08:DC:11:22:33") + "[OK]\r\n";
    ASSERT_TRUE(d.transact("AT+MPROF=VD", dump));
    ASSERT_TRUE(d.transact("AT+MPROF=VG", dump));
}

TEST(Spec5_ProfileDump, MixedCaseAndQueryAreInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MPROF=Vd\r   M< AT+MPROF=Vd\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=Vd", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=vG", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MPROF=?\r    M< AT+MPROF=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=?", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=X", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=SS", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- design.md ProfileStore: the file
// ------------------------------------------------------------

TEST(Spec5_ProfileFile, SavedFileIsMode0600InA0700Directory) {
    // A state directory that does not exist yet, so that the daemon makes it; umask 0 while it
    // starts, so that the modes come from the daemon and not from the umask.
    TempDir base;
    ASSERT_FALSE(base.path().empty());
    const std::filesystem::path state = base.path() / "nested" / "state";
    DaemonOptions options;
    options.extra_args = {"--state-dir", state.string()};
    Daemon d(options);
    const mode_t old_umask = ::umask(0);
    const auto started = d.start();
    ::umask(old_umask);
    ASSERT_TRUE(started);
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    const std::filesystem::path file = state / "profile.conf";
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0) << file << ": " << std::strerror(errno);
    EXPECT_TRUE(S_ISREG(info.st_mode)) << file << " is not a regular file";
    EXPECT_EQ(info.st_mode & 07777, 0600u)
        << file << " has mode " << std::oct << (info.st_mode & 07777);
    ASSERT_EQ(::stat(state.c_str(), &info), 0) << state << ": " << std::strerror(errno);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    EXPECT_EQ(info.st_mode & 07777, 0700u)
        << state << " has mode " << std::oct << (info.st_mode & 07777);
    // No temporary file is left next to it.
    for (const auto& entry : std::filesystem::directory_iterator(state)) {
        const std::string name = entry.path().filename().string();
        EXPECT_TRUE(name == "profile.conf" || name.rfind("profile.conf", 0) != 0)
            << "left over: " << entry.path();
    }
    // The daemon reads it back.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

TEST(Spec5_ProfileFile, CorruptFileIsKeptAsideAndFactoryValuesAreUsed) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.stop());
    const std::filesystem::path file = d.state_dir() / "profile.conf";
    const std::string garbage = "# edited by hand\nschema = 1\nthis line is garbage\n";
    ASSERT_TRUE(write_text(file, garbage));
    ASSERT_TRUE(d.start());
    // The daemon came up at factory values.
    ASSERT_TRUE(expect_factory_queries(d));
    ASSERT_TRUE(d.transact("AT+MPROF=VD", std::string(kFactoryDump) + "[OK]\r\n"));
    // The bad file was kept aside as profile.conf.corrupt-*, unchanged.
    EXPECT_FALSE(std::filesystem::exists(file)) << file << " is still in place";
    const auto kept = files_starting_with(d.state_dir(), "profile.conf.corrupt-");
    ASSERT_EQ(kept.size(), 1u) << "expected one profile.conf.corrupt-* in " << d.state_dir();
    EXPECT_EQ(read_text(kept.front()), garbage);
    // The log names the file and the line.
    const std::string log = d.log_text();
    EXPECT_NE(log.find(file.string()), std::string::npos) << "the log does not name " << file;
    EXPECT_NE(log.find("line 3"), std::string::npos) << "the log does not name line 3";
    // A save writes a fresh file; the kept one stays.
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    EXPECT_EQ(files_starting_with(d.state_dir(), "profile.conf.corrupt-").size(), 1u);
}

TEST(Spec5_ProfileFile, FileFromANewerVersionIsRefusedTheSameWay) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.stop());
    const std::filesystem::path file = d.state_dir() / "profile.conf";
    std::string text = read_text(file);
    ASSERT_FALSE(text.empty());
    // Replace the value of the `schema` line with 99 and note its line number.
    std::size_t line_number = 0;
    std::size_t at = 0;
    bool replaced = false;
    while (at < text.size()) {
        ++line_number;
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view line(text.data() + at, end - at);
        if (line.rfind("schema", 0) == 0 && line.find('=') != std::string_view::npos) {
            text.replace(at, end - at, "schema = 99");
            replaced = true;
            break;
        }
        at = end + 1;
    }
    ASSERT_TRUE(replaced) << "no schema line in " << file << ":\n" << text;
    ASSERT_TRUE(write_text(file, text));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(expect_factory_queries(d));
    EXPECT_FALSE(std::filesystem::exists(file)) << file << " is still in place";
    const auto kept = files_starting_with(d.state_dir(), "profile.conf.corrupt-");
    ASSERT_EQ(kept.size(), 1u) << "expected one profile.conf.corrupt-* in " << d.state_dir();
    EXPECT_EQ(read_text(kept.front()), text);
    const std::string log = d.log_text();
    EXPECT_NE(log.find(file.string()), std::string::npos) << "the log does not name " << file;
    const std::string line_text = "line " + std::to_string(line_number);
    EXPECT_NE(log.find(line_text), std::string::npos) << "the log does not name " << line_text;
}

}  // namespace
}  // namespace wizfi250d::conformance
