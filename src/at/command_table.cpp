// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/at/command_table.hpp"

#include "../commands/handlers.hpp"
#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

using namespace commands;

// Firmware 1.0.5.2's g_WXCmdTable, in its order, with its AT+MHELP texts. Rows whose handler is
// left_out are the commands marked X in spec §2.0.
CommandTable CommandTable::standard(bool binary_ssid_wset) {
    const CommandRow wset_row{
        "+WSET=", binary_ssid_wset ? wset_binary_ssid : wset,
        binary_ssid_wset ? "WiFi Configuration(Binary SSID)" : "WiFi Configuration",
        binary_ssid_wset ? "=? or =<WiFiMode>,<SSID>"
                         : "=? or =<WiFiMode>,<SSID>,<BSSID>,<Channel>"};
    const CommandRow wset2_row{
        "+WSET2=", binary_ssid_wset ? wset : wset_binary_ssid,
        binary_ssid_wset ? "WiFi Configuration" : "WiFi Configuration(Binary SSID)",
        binary_ssid_wset ? "=? or =<WiFiMode>,<SSID>,<BSSID>,<Channel>"
                         : "=? or =<WiFiMode>,<SSID>"};
    // The COWAY build lists WSET2 first; the documented build lists WSET first.
    const CommandRow& first_wset = binary_ssid_wset ? wset2_row : wset_row;
    const CommandRow& second_wset = binary_ssid_wset ? wset_row : wset2_row;

    return CommandTable({
        {"+WJOIN", wjoin, "WiFi Association", nullptr},
        {"+WLEAVE", wleave, "WiFi Disassociation", nullptr},
        {"+WSCAN", wscan, "WiFi Scan", "=<SSID>,<BSSID>,<Channel>"},
        first_wset,
        second_wset,
        {"+WSEC=", wsec, "WiFi Security Configuration",
         "=? or =<WiFiMode>,<SecType>,<PreSharedKey>"},
        {"+WNET=", wnet, "Network Configuration", "=? or =<DHCP>,<IP>,<SN>,<GW>"},
        {"+WSTAT", wstat, "Get Current WiFi Status", nullptr},
        {"+WWPS=", wwps, "WiFi WPS Association", "=<Mode>,<PinNum>"},
        {"+WREG=", wreg, "Country Configuration", "=? or =<Country>"},
        {"+WADNS=", wadns, "Add DNS Server", "=? or =<DNSServer1>,<DNSServer2>"},
        {"+WANT=", want, "Antenna Configuration", "=? or =<Antenna Type> (0:uFL,1:PA,3:Auto)"},
        {"+WBGN=", wbgn, "WiFi 802.11bgn mode Configuration", "=? or =<mode> (0:bgn, 1:bg, 2:b)"},
        {"+WCHECK=", wcheck, "Check WiFi Association", "=<Option>,<Value>"},
        {"+SCON=", scon, "Socket Open/Connect",
         "=? or =<OpenTyp>,<SockTyp>,<R-IP>,<R-Port>,<L-Port>,<D-Mode>"},
        {"+SMGMT=", smgmt, "Socket View/Close", "=? or =<SocketID>"},
        {"+SSEND=", ssend, "Send Data", "=<SocketID>,<RemoteIP>,<RemotePort>,<SendSize>"},
        {"+SDATA", sdata, "Return to Data Mode", nullptr},
        {"+SFORM=", sform, "Define Data Receive Header Form",
         "=? or =<Format>,<Start>,<Delim>,<End>,<Cls1>,<Cls2>"},
        {"+SOPT1=", sopt1, nullptr, nullptr},
        {"+SOPT2=", sopt2, nullptr, nullptr},
        {"+SDNAME=", sdname, "DomainName for AT+SCON(if Remote-IP is 0.0.0.0)",
         "=? or =<DomainName>"},
        {"+MPROF=", mprof, "Profile Management", "=<Action>"},
        {"+MFDEF=", mfdef, "Factory Reset", "=FR"},
        {"+MRESET", mreset, "Reset", nullptr},
        {"+MMSG=", mmsg, "Set Message Print Level", "=? or =<Level>"},
        {"+MMAC=", mmac, "Set MAC Address", "=? or =<MAC>"},
        {"+MINFO", minfo, "Get System Information", nullptr},
        {"+MECHO=", mecho, "Set/Get Echo Mode", "=? or =<Mode>"},
        {"+MHELP", mhelp, "Print Command Description and Usage", nullptr},
        {"+MMCUPS=", mmcups, "ToDo", nullptr},
        {"+MWIFIPS=", mwifips, "Wi-Fi Power Save Mode Enable/Disable",
         "=? or =<Action>,<Delay> (<Delay> can be used when set 2 of <Action> parameter"},
        {"+MTXP=", mtxp, "ToDo", nullptr},
        {"+MCERT=", mcert, "Certificate Management", "=<Read/Write>,<Type>"},
        {"+MEXT1=", left_out, nullptr, nullptr},
        {"+MCWUI=", mcwui, nullptr, nullptr},
        {"+USET=", uset, "UART Configuration", "=? or =<BR>,<Parity>,<WordL>,<StopB>,<FlowC>"},
        {"+MSPI=", mspi, "SPI Configuration",
         "=<STDIOmode>,<Rising/Falling Edge>,<Idle Low/High>,<MSB/LSB First>"},
        {"+FPING=", fping, "PING Test", "=<RepeatCnt>,<TargetIP>"},
        {"+FDNS=", fdns, "DNS Query", "=<HostName>,<Timeout>"},
        {"+FWEBS=", fwebs, "WEB Server Start/Stop", "=? or =<Action>,<Type>"},
        {"+FWEBM=", fwebm, "WEB Server Menu", "=? or =Option"},
        {"+FOTA", fota, nullptr, nullptr},
        {"+FGPIO=", fgpio, nullptr, nullptr},
        {"+FGETADC", fgetadc, "Get ADC value(GPIO5)", nullptr},
        {"+FSOCK=", fsock, "SOCKET Extension Option", "=<Option>,<Value>"},
        {"+FS2WEB=", left_out, nullptr, nullptr},
        {"+SMODE=", left_out, nullptr, nullptr},
        {"+FWEBSOPT=", left_out, nullptr, nullptr},
        {"+WP2P_START", wp2p, nullptr, nullptr},
        {"+WP2P_STOP", wp2p, nullptr, nullptr},
        {"+WP2P_PEERLIST", wp2p, nullptr, nullptr},
        {"+WP2P_INVITE=", wp2p, nullptr, nullptr},
        {"+MCUSTOM=", mcustom, nullptr, nullptr},
        {"+MCSTGPIO=", mcstgpio, nullptr, nullptr},
        {"+MAIRCMD=", maircmd, "Air Command Option", "=? or =<OpenTyp>,<Port>,<Option>"},
        {"+WRFMODE=", wrfmode, "RF Interference mode", "=? or =<mode> (0~4)"},
        {"+MEVTMSG=", mevtmsg, "", "=0 or 1"},
        {"+MEVTFORM=", mevtform, "Define Event Message Format",
         "=? or =<Format> (Format 0:no display, 1:full text, 2:code)"},
        {"+MEVTDELAY=", mevtdelay, "Event Message Delay", "=? or =<delay> (10ms~1000ms)"},
        {"+COWAYA=", left_out, "ReSend Connect Event Message", "=? or =<time>,<check-data>"},
        {"+GMMPSET=", left_out, "GMMP Set Configuration",
         "=? or =<Mode>,<ServerIP>,<Port>,<DomainCode>,<GWAuthID>,<GWMFID>,<DeviceID>"},
        {"+GMMPDATA=", left_out, "GMMP Delivery Data", "=? or =<Option>,<DeliveryData>"},
        {"+GMMPOPT=", left_out, "GMMP Option", "=? or =<Option>"},
        {"+MQTTSET=", mqttset, "MQTT Set Configuration",
         "=? or =<user>,<Password>,<Client-ID>,<Alive>"},
        {"+MQTTCON=", mqttcon, "MQTT Status/Connect/Disconnect",
         "=? or =<1/0, Connect/Disconnect>,<IP>,<Port>,<1/0, SSL Enable>"},
        {"+MQTTSUB=", mqttsub, "MQTT Subscribe/Unsubscribe Topic",
         "=? or =<1/0, Subscribe/Unsubscribe><Topic>"},
        {"+MQTTPUB=", mqttpub, "MQTT Publish Topic", "=? or =<Topic><Message Length>"},
    });
}

const CommandRow* CommandTable::find(std::string_view text) const {
    for (const CommandRow& row : rows_)
        if (istarts_with(text, row.name)) return &row;
    return nullptr;
}

}  // namespace wizfi250d
