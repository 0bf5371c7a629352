// SPDX-License-Identifier: Apache-2.0
#pragma once

// The handlers of the command table, one group per file (spec §2): wifi_commands.cpp,
// socket_commands.cpp, management_commands.cpp, function_commands.cpp, mqtt_commands.cpp.

#include <string_view>

#include "wizfi250d/at/result_code.hpp"

namespace wizfi250d {

class Module;

namespace commands {

// W group
ResultCode wjoin(Module& m, std::string_view args);
ResultCode wleave(Module& m, std::string_view args);
ResultCode wscan(Module& m, std::string_view args);
ResultCode wset(Module& m, std::string_view args);
ResultCode wset_binary_ssid(Module& m, std::string_view args);
ResultCode wsec(Module& m, std::string_view args);
ResultCode wnet(Module& m, std::string_view args);
ResultCode wstat(Module& m, std::string_view args);
ResultCode wwps(Module& m, std::string_view args);
ResultCode wreg(Module& m, std::string_view args);
ResultCode wadns(Module& m, std::string_view args);
ResultCode want(Module& m, std::string_view args);
ResultCode wbgn(Module& m, std::string_view args);
ResultCode wcheck(Module& m, std::string_view args);
ResultCode wrfmode(Module& m, std::string_view args);
ResultCode wp2p(Module& m, std::string_view args);

// S group
ResultCode scon(Module& m, std::string_view args);
ResultCode smgmt(Module& m, std::string_view args);
ResultCode ssend(Module& m, std::string_view args);
ResultCode sdata(Module& m, std::string_view args);
ResultCode sform(Module& m, std::string_view args);
ResultCode sopt1(Module& m, std::string_view args);
ResultCode sopt2(Module& m, std::string_view args);
ResultCode sdname(Module& m, std::string_view args);

// M and U groups
ResultCode mprof(Module& m, std::string_view args);
ResultCode mfdef(Module& m, std::string_view args);
ResultCode mreset(Module& m, std::string_view args);
ResultCode mmsg(Module& m, std::string_view args);
ResultCode mmac(Module& m, std::string_view args);
ResultCode minfo(Module& m, std::string_view args);
ResultCode mecho(Module& m, std::string_view args);
ResultCode mhelp(Module& m, std::string_view args);
ResultCode mmcups(Module& m, std::string_view args);
ResultCode mwifips(Module& m, std::string_view args);
ResultCode mtxp(Module& m, std::string_view args);
ResultCode mcert(Module& m, std::string_view args);
ResultCode mcwui(Module& m, std::string_view args);
ResultCode uset(Module& m, std::string_view args);
ResultCode mspi(Module& m, std::string_view args);
ResultCode mcustom(Module& m, std::string_view args);
ResultCode mcstgpio(Module& m, std::string_view args);
ResultCode maircmd(Module& m, std::string_view args);
ResultCode mevtmsg(Module& m, std::string_view args);
ResultCode mevtform(Module& m, std::string_view args);
ResultCode mevtdelay(Module& m, std::string_view args);

// F group
ResultCode fping(Module& m, std::string_view args);
ResultCode fdns(Module& m, std::string_view args);
ResultCode fwebs(Module& m, std::string_view args);
ResultCode fwebm(Module& m, std::string_view args);
ResultCode fota(Module& m, std::string_view args);
ResultCode fgpio(Module& m, std::string_view args);
ResultCode fgetadc(Module& m, std::string_view args);
ResultCode fsock(Module& m, std::string_view args);

// MQTT (1.0.5.2 extension)
ResultCode mqttset(Module& m, std::string_view args);
ResultCode mqttcon(Module& m, std::string_view args);
ResultCode mqttsub(Module& m, std::string_view args);
ResultCode mqttpub(Module& m, std::string_view args);

// Commands marked X in spec §2.0: present in the firmware table, left out here. They answer as
// an unknown command does.
ResultCode left_out(Module& m, std::string_view args);

}  // namespace commands
}  // namespace wizfi250d
