// SPDX-License-Identifier: Apache-2.0
// Spec §2.4 (management commands M and UART command U) and the event settings of §3.4.
// Every test starts a fresh daemon at factory settings: echo on, MMSG=2.

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

// Appendix A, with the AT+WSET / AT+WSET2 entries swapped as the spec asks of an emulator that
// fixes Q5 (documented WSET, binary-SSID WSET2). Note the AT+MEVTMSG line: the padded name alone,
// with its trailing blanks.
constexpr const char kMhelpOutput[] =
    "Command        Description & Usage\r\n"
    "AT+WJOIN       WiFi Association\r\n"
    "AT+WLEAVE      WiFi Disassociation\r\n"
    "AT+WSCAN       WiFi Scan\r\n"
    "               =<SSID>,<BSSID>,<Channel>\r\n"
    "AT+WSET        WiFi Configuration\r\n"
    "               =? or =<WiFiMode>,<SSID>,<BSSID>,<Channel>\r\n"
    "AT+WSET2       WiFi Configuration(Binary SSID)\r\n"
    "               =? or =<WiFiMode>,<SSID>\r\n"
    "AT+WSEC        WiFi Security Configuration\r\n"
    "               =? or =<WiFiMode>,<SecType>,<PreSharedKey>\r\n"
    "AT+WNET        Network Configuration\r\n"
    "               =? or =<DHCP>,<IP>,<SN>,<GW>\r\n"
    "AT+WSTAT       Get Current WiFi Status\r\n"
    "AT+WWPS        WiFi WPS Association\r\n"
    "               =<Mode>,<PinNum>\r\n"
    "AT+WREG        Country Configuration\r\n"
    "               =? or =<Country>\r\n"
    "AT+WADNS       Add DNS Server\r\n"
    "               =? or =<DNSServer1>,<DNSServer2>\r\n"
    "AT+WANT        Antenna Configuration\r\n"
    "               =? or =<Antenna Type> (0:uFL,1:PA,3:Auto)\r\n"
    "AT+WBGN        WiFi 802.11bgn mode Configuration\r\n"
    "               =? or =<mode> (0:bgn, 1:bg, 2:b)\r\n"
    "AT+WCHECK      Check WiFi Association\r\n"
    "               =<Option>,<Value>\r\n"
    "AT+SCON        Socket Open/Connect\r\n"
    "               =? or =<OpenTyp>,<SockTyp>,<R-IP>,<R-Port>,<L-Port>,<D-Mode>\r\n"
    "AT+SMGMT       Socket View/Close\r\n"
    "               =? or =<SocketID>\r\n"
    "AT+SSEND       Send Data\r\n"
    "               =<SocketID>,<RemoteIP>,<RemotePort>,<SendSize>\r\n"
    "AT+SDATA       Return to Data Mode\r\n"
    "AT+SFORM       Define Data Receive Header Form\r\n"
    "               =? or =<Format>,<Start>,<Delim>,<End>,<Cls1>,<Cls2>\r\n"
    "AT+SDNAME      DomainName for AT+SCON(if Remote-IP is 0.0.0.0)\r\n"
    "               =? or =<DomainName>\r\n"
    "AT+MPROF       Profile Management\r\n"
    "               =<Action>\r\n"
    "AT+MFDEF       Factory Reset\r\n"
    "               =FR\r\n"
    "AT+MRESET      Reset\r\n"
    "AT+MMSG        Set Message Print Level\r\n"
    "               =? or =<Level>\r\n"
    "AT+MMAC        Set MAC Address\r\n"
    "               =? or =<MAC>\r\n"
    "AT+MINFO       Get System Information\r\n"
    "AT+MECHO       Set/Get Echo Mode\r\n"
    "               =? or =<Mode>\r\n"
    "AT+MHELP       Print Command Description and Usage\r\n"
    "AT+MMCUPS      ToDo\r\n"
    "AT+MWIFIPS     Wi-Fi Power Save Mode Enable/Disable\r\n"
    "               =? or =<Action>,<Delay> (<Delay> can be used when set 2 of <Action> "
    "parameter\r\n"
    "AT+MTXP        ToDo\r\n"
    "AT+MCERT       Certificate Management\r\n"
    "               =<Read/Write>,<Type>\r\n"
    "AT+USET        UART Configuration\r\n"
    "               =? or =<BR>,<Parity>,<WordL>,<StopB>,<FlowC>\r\n"
    "AT+MSPI        SPI Configuration\r\n"
    "               =<STDIOmode>,<Rising/Falling Edge>,<Idle Low/High>,<MSB/LSB First>\r\n"
    "AT+FPING       PING Test\r\n"
    "               =<RepeatCnt>,<TargetIP>\r\n"
    "AT+FDNS        DNS Query\r\n"
    "               =<HostName>,<Timeout>\r\n"
    "AT+FWEBS       WEB Server Start/Stop\r\n"
    "               =? or =<Action>,<Type>\r\n"
    "AT+FWEBM       WEB Server Menu\r\n"
    "               =? or =Option\r\n"
    "AT+FGETADC     Get ADC value(GPIO5)\r\n"
    "AT+FSOCK       SOCKET Extension Option\r\n"
    "               =<Option>,<Value>\r\n"
    "AT+MAIRCMD     Air Command Option\r\n"
    "               =? or =<OpenTyp>,<Port>,<Option>\r\n"
    "AT+WRFMODE     RF Interference mode\r\n"
    "               =? or =<mode> (0~4)\r\n"
    "AT+MEVTMSG     \r\n"
    "               =0 or 1\r\n"
    "AT+MEVTFORM    Define Event Message Format\r\n"
    "               =? or =<Format> (Format 0:no display, 1:full text, 2:code)\r\n"
    "AT+MEVTDELAY   Event Message Delay\r\n"
    "               =? or =<delay> (10ms~1000ms)\r\n"
    "AT+COWAYA      ReSend Connect Event Message\r\n"
    "               =? or =<time>,<check-data>\r\n"
    "AT+GMMPSET     GMMP Set Configuration\r\n"
    "               =? or =<Mode>,<ServerIP>,<Port>,<DomainCode>,<GWAuthID>,<GWMFID>,<DeviceID>\r\n"
    "AT+GMMPDATA    GMMP Delivery Data\r\n"
    "               =? or =<Option>,<DeliveryData>\r\n"
    "AT+GMMPOPT     GMMP Option\r\n"
    "               =? or =<Option>\r\n"
    "AT+MQTTSET     MQTT Set Configuration\r\n"
    "               =? or =<user>,<Password>,<Client-ID>,<Alive>\r\n"
    "AT+MQTTCON     MQTT Status/Connect/Disconnect\r\n"
    "               =? or =<1/0, Connect/Disconnect>,<IP>,<Port>,<1/0, SSL Enable>\r\n"
    "AT+MQTTSUB     MQTT Subscribe/Unsubscribe Topic\r\n"
    "               =? or =<1/0, Subscribe/Unsubscribe><Topic>\r\n"
    "AT+MQTTPUB     MQTT Publish Topic\r\n"
    "               =? or =<Topic><Message Length>\r\n"
    "[OK]\r\n";

// ---- AT+MINFO ---------------------------------------------------------------------------------

TEST(Spec2_4, MinfoPrintsFirmwareAndHardwareVersion) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MINFO\r
    // M< AT+MINFO\r\nFW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("AT+MINFO", "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n"));
}

// ---- AT+MHELP ---------------------------------------------------------------------------------

TEST(Spec2_4, MhelpPrintsAppendixATableWithWsetEntriesSwapped) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MHELP\r   M< AT+MHELP\r\n + kMhelpOutput
    ASSERT_TRUE(d.transact("AT+MHELP", kMhelpOutput));
}

// ---- AT+MEVTFORM ------------------------------------------------------------------------------

TEST(Spec2_4, MevtformQueryShowsFactoryFormat) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=?\r   M< AT+MEVTFORM=?\r\n1111111111\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=?", "1111111111\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtformSetThenQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=0120120120\r   M< AT+MEVTFORM=0120120120\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=0120120120", "[OK]\r\n"));
    // H> AT+MEVTFORM=?\r            M< AT+MEVTFORM=?\r\n0120120120\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=?", "0120120120\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtformRejectsWrongLength) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=111111111\r     (9 digits)   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=111111111", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTFORM=11111111111\r   (11 digits)  M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=11111111111", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTFORM=\r              (empty)      M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MEVTFORM=?\r   M< AT+MEVTFORM=?\r\n1111111111\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=?", "1111111111\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtformRejectsOtherCharacters) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=1111111113\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=1111111113", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTFORM=111111111a\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=111111111a", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTFORM= 111111111\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM= 111111111", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MEVTFORM=?\r   M< AT+MEVTFORM=?\r\n1111111111\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=?", "1111111111\r\n[OK]\r\n"));
}

TEST(Spec3_4, MevtformDigitTwoGivesTheShortBootEvent) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=2111111111\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=2111111111", "[OK]\r\n"));
    // H> AT+MPROF=S\r               M< AT+MPROF=S\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // H> AT+MRESET\r                M< AT+MRESET\r\n[OK]\r\n   then \r\n[0]\r\n instead of the
    // banner
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect("\r\n[0]\r\n", kBootTimeout));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

// ---- AT+MEVTMSG -------------------------------------------------------------------------------

TEST(Spec2_4, MevtmsgAcceptsZeroAndOne) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTMSG=1\r   M< AT+MEVTMSG=1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    // H> AT+MEVTMSG=0\r   M< AT+MEVTMSG=0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=0", "[OK]\r\n"));
}

TEST(Spec2_4, MevtmsgHasNoQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTMSG=?\r   M< AT+MEVTMSG=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_4, MevtmsgRejectsOtherValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTMSG=2\r   M< AT+MEVTMSG=2\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=2", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTMSG=\r    M< AT+MEVTMSG=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTMSG=a\r   M< AT+MEVTMSG=a\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=a", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- AT+MEVTDELAY -----------------------------------------------------------------------------

TEST(Spec2_4, MevtdelayQueryShowsFactoryZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTDELAY=?\r   M< AT+MEVTDELAY=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "0\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtdelayKeepsValuesUpTo1000Exactly) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // Q7 fixed: no 8-bit wrap (the firmware would show 232 for 1000 and 44 for 300).
    // H> AT+MEVTDELAY=1000\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=1000", "[OK]\r\n"));
    // H> AT+MEVTDELAY=?\r      M< AT+MEVTDELAY=?\r\n1000\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "1000\r\n[OK]\r\n"));
    // H> AT+MEVTDELAY=300\r    M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=300", "[OK]\r\n"));
    // H> AT+MEVTDELAY=?\r      M< AT+MEVTDELAY=?\r\n300\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "300\r\n[OK]\r\n"));
    // H> AT+MEVTDELAY=1\r      M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=1", "[OK]\r\n"));
    // H> AT+MEVTDELAY=?\r      M< AT+MEVTDELAY=?\r\n1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "1\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtdelayRejectsZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=10", "[OK]\r\n"));
    // H> AT+MEVTDELAY=0\r   M< AT+MEVTDELAY=0\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=0", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MEVTDELAY=?\r   M< AT+MEVTDELAY=?\r\n10\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "10\r\n[OK]\r\n"));
}

TEST(Spec2_4, MevtdelayRejectsAbove1000) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTDELAY=1001\r   M< AT+MEVTDELAY=1001\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=1001", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTDELAY=5000\r   M< AT+MEVTDELAY=5000\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=5000", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MEVTDELAY=x\r      M< AT+MEVTDELAY=x\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=x", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MEVTDELAY=?\r   M< AT+MEVTDELAY=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "0\r\n[OK]\r\n"));
}

// ---- AT+USET ----------------------------------------------------------------------------------

TEST(Spec2_4, UsetQueryShowsFactorySettings) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+USET=?\r   M< AT+USET=?\r\n115200,N,8,1,N\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+USET=?", "115200,N,8,1,N\r\n[OK]\r\n"));
}

TEST(Spec2_4, UsetSetSavesAndReboots) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+USET=9600,N,8,1,N\r   M< AT+USET=9600,N,8,1,N\r\n[OK]\r\n   then the banner
    ASSERT_TRUE(d.transact("AT+USET=9600,N,8,1,N", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // H> AT+USET=?\r              M< AT+USET=?\r\n9600,N,8,1,N\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+USET=?", "9600,N,8,1,N\r\n[OK]\r\n"));
}

TEST(Spec2_4, UsetSavesTheWholeRamProfile) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // An unsaved RAM setting...
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // ...is saved by USET: H> AT+USET=115200,N,8,1,N\r   M< ...\r\n[OK]\r\n   then the banner
    ASSERT_TRUE(d.transact("AT+USET=115200,N,8,1,N", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n3\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

TEST(Spec2_4, UsetWithWSavesWithoutReboot) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+USET=9600,N,8,1,N,W\r   M< AT+USET=9600,N,8,1,N,W\r\n[OK]\r\n   and no banner
    ASSERT_TRUE(d.transact("AT+USET=9600,N,8,1,N,W", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(Millis{1000}));
    // The stored value is shown: H> AT+USET=?\r   M< AT+USET=?\r\n9600,N,8,1,N\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+USET=?", "9600,N,8,1,N\r\n[OK]\r\n"));
}

TEST(Spec2_4, UsetRejectsInvalidParameters) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // Parity not N/E/O:
    ASSERT_TRUE(d.transact("AT+USET=115200,X,8,1,N", "[ERROR: INVALID INPUT]\r\n"));
    // Word length 7 only with E or O parity:
    ASSERT_TRUE(d.transact("AT+USET=115200,N,7,1,N", "[ERROR: INVALID INPUT]\r\n"));
    // Word length other than 7/8:
    ASSERT_TRUE(d.transact("AT+USET=115200,N,9,1,N", "[ERROR: INVALID INPUT]\r\n"));
    // Stop bits not 1, 0.5, 1.5, 2:
    ASSERT_TRUE(d.transact("AT+USET=115200,N,8,3,N", "[ERROR: INVALID INPUT]\r\n"));
    // Flow not N/HW:
    ASSERT_TRUE(d.transact("AT+USET=115200,N,8,1,X", "[ERROR: INVALID INPUT]\r\n"));
    // Baud not a decimal number:
    ASSERT_TRUE(d.transact("AT+USET=fast,N,8,1,N", "[ERROR: INVALID INPUT]\r\n"));
    // Baud 0 (a hang-up in termios, no rate):
    ASSERT_TRUE(d.transact("AT+USET=0,N,8,1,N", "[ERROR: INVALID INPUT]\r\n"));
    // Nothing given:
    ASSERT_TRUE(d.transact("AT+USET=", "[ERROR: INVALID INPUT]\r\n"));
    // No reboot happened and nothing was stored:
    ASSERT_TRUE(d.transact("AT+USET=?", "115200,N,8,1,N\r\n[OK]\r\n"));
}

// ---- AT+MRESET --------------------------------------------------------------------------------

TEST(Spec2_4, MresetPrintsOkThenTheBanner) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MRESET\r
    // M< AT+MRESET\r\n[OK]\r\n   then (after the reboot) WizFi250 Version 1.0.5.2 (WIZnet
    // Co.Ltd)\r\n
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect("WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n", kBootTimeout));
    // H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_4, MresetDiscardsUnsavedRamSettings) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=50", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // H> AT+MEVTDELAY=?\r   M< AT+MEVTDELAY=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "0\r\n[OK]\r\n"));
    // H> AT+MCSTGPIO=?\r    M< AT+MCSTGPIO=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=?", "0\r\n[OK]\r\n"));
}

// ---- AT+MMCUPS --------------------------------------------------------------------------------

TEST(Spec2_4, MmcupsZeroIsAccepted) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMCUPS=0\r   M< AT+MMCUPS=0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMCUPS=0", "[OK]\r\n"));
}

TEST(Spec2_4, MmcupsOneWithTimeoutIsAcceptedAndTheLineComesBack) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMCUPS=1,100\r   M< AT+MMCUPS=1,100\r\n[OK]\r\n   (sleeps 100 ms, prints nothing)
    ASSERT_TRUE(d.transact("AT+MMCUPS=1,100", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(Millis{600}));
    // After the timeout: H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_4, MmcupsRejectsInvalidParameters) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // No query form:          H> AT+MMCUPS=?\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=?", "[ERROR: INVALID INPUT]\r\n"));
    // Mode other than 0/1:    H> AT+MMCUPS=2\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=2", "[ERROR: INVALID INPUT]\r\n"));
    // Mode 1 needs a timeout: H> AT+MMCUPS=1\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=1", "[ERROR: INVALID INPUT]\r\n"));
    // Timeout below 100 ms:   H> AT+MMCUPS=1,99\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=1,99", "[ERROR: INVALID INPUT]\r\n"));
    // Timeout above 1 h:      H> AT+MMCUPS=1,3600001\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=1,3600001", "[ERROR: INVALID INPUT]\r\n"));
    // Nothing given:          H> AT+MMCUPS=\r
    ASSERT_TRUE(d.transact("AT+MMCUPS=", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- AT+MCUSTOM -------------------------------------------------------------------------------

TEST(Spec2_4, McustomQueryShowsFactoryCodeWithFourTrailingSpaces) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCUSTOM=?\r   M< AT+MCUSTOM=?\r\nWIZNET    \r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=?", "WIZNET    \r\n[OK]\r\n"));
}

TEST(Spec2_4, McustomSetKnownCodeThenQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCUSTOM=SHINHEUNG\r   M< AT+MCUSTOM=SHINHEUNG\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=SHINHEUNG", "[OK]\r\n"));
    // H> AT+MCUSTOM=?\r           M< AT+MCUSTOM=?\r\nSHINHEUNG\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=?", "SHINHEUNG\r\n[OK]\r\n"));
}

TEST(Spec2_4, McustomRejectsUnknownCode) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCUSTOM=ACME\r   M< AT+MCUSTOM=ACME\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=ACME", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MCUSTOM=\r       M< AT+MCUSTOM=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MCUSTOM=?\r   M< AT+MCUSTOM=?\r\nWIZNET    \r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCUSTOM=?", "WIZNET    \r\n[OK]\r\n"));
}

// ---- AT+MCSTGPIO ------------------------------------------------------------------------------

TEST(Spec2_4, McstgpioQueryShowsFactoryZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCSTGPIO=?\r   M< AT+MCSTGPIO=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=?", "0\r\n[OK]\r\n"));
}

TEST(Spec2_4, McstgpioSetThenQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCSTGPIO=1\r   M< AT+MCSTGPIO=1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=1", "[OK]\r\n"));
    // H> AT+MCSTGPIO=?\r   M< AT+MCSTGPIO=?\r\n1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=?", "1\r\n[OK]\r\n"));
    // H> AT+MCSTGPIO=0\r   M< AT+MCSTGPIO=0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=0", "[OK]\r\n"));
    // H> AT+MCSTGPIO=?\r   M< AT+MCSTGPIO=?\r\n0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=?", "0\r\n[OK]\r\n"));
}

TEST(Spec2_4, McstgpioRejectsOtherValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCSTGPIO=2\r   M< AT+MCSTGPIO=2\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=2", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MCSTGPIO=\r    M< AT+MCSTGPIO=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MCSTGPIO=", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- AT+MSPI ----------------------------------------------------------------------------------

TEST(Spec2_4, MspiQueryShowsFactoryValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MSPI=?\r   M< AT+MSPI=?\r\n0,9\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MSPI=?", "0,9\r\n[OK]\r\n"));
}

TEST(Spec2_4, MspiSetSavesAndReboots) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MSPI=0\r   M< AT+MSPI=0\r\n[OK]\r\n   then the banner
    ASSERT_TRUE(d.transact("AT+MSPI=0", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
}

TEST(Spec2_4, MspiRejectsInvalidMode) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MSPI=3\r   M< AT+MSPI=3\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MSPI=3", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MSPI=\r    M< AT+MSPI=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MSPI=", "[ERROR: INVALID INPUT]\r\n"));
    // No reboot: H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

// ---- AT+MTXP ----------------------------------------------------------------------------------

TEST(Spec2_4, MtxpQueryHasNoCrlfBeforeOk) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // Q2 (copied): H> AT+MTXP=?\r   M< AT+MTXP=?\r\n31 dBm[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MTXP=?", "31 dBm[OK]\r\n"));
}

TEST(Spec2_4, MtxpRejectsOutOfRange) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MTXP=32\r   M< AT+MTXP=32\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MTXP=32", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MTXP=\r     M< AT+MTXP=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MTXP=", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MTXP=x\r    M< AT+MTXP=x\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MTXP=x", "[ERROR: INVALID INPUT]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
