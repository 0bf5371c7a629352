// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the MQTT commands of spec §2.6 with fuzzed arguments, typed on the serial line of
// a real Module (the no-link stand-in: no broker is ever reached), then a received-publish frame
// with a fuzzed topic and payload written through the real serial link and read back.
//
// Input: byte 0 picks the command (MQTTSET, MQTTCON, MQTTSUB, MQTTPUB), the arguments run up to
// the first CR; after it, the topic runs up to the next NUL byte and the rest is the payload.
//
// Checks (a failed one aborts):
//   - the command ends with exactly one of the result codes §2.6 allows for it without a link
//     (MQTTPUB: [ERROR]; MQTTCON/MQTTSUB: [ERROR: WiFi Status], MQTTCON=? Disconnected);
//   - after it, AT+MQTTSET=? shows strings of at most 50 characters and a keep-alive of 30-300;
//   - the host receives the frame as "{Q,<topic>,,<len>}<payload>\r\n", unchanged.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "module_env.hpp"
#include "wizfi250d/mqtt/mqtt_session.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_mqtt: check failed: %s\n", what);
        std::abort();
    }
}

constexpr std::array<std::string_view, 4> commands{
    "AT+MQTTSET=", "AT+MQTTCON=", "AT+MQTTSUB=", "AT+MQTTPUB="};

bool ends_with(std::string_view text, std::string_view tail) {
    return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wizfi250d;
    if (size < 1) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string_view command = commands[data[0] % commands.size()];
    const std::size_t cr = input.find('\r');
    // The serial line: no LF or BS inside (they are line editing), at most 255 characters.
    std::string args(input.substr(0, cr));
    for (char& c : args)
        if (c == '\n' || c == '\b') c = '.';
    if (args.size() > 200) args.resize(200);
    std::string_view rest =
        cr == std::string_view::npos ? std::string_view{} : input.substr(cr + 1);
    const std::size_t nul = rest.find('\0');
    const std::string_view topic = rest.substr(0, nul);
    const std::string_view payload =
        nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

    fuzz::ModuleEnv env;
    Module& m = env.module();
    env.output().clear();
    const std::string line = std::string(command) + args + "\r";
    m.on_serial_input(line);
    env.settle();
    const std::string answer = env.output();
    // The module keeps the line as a C string: a NUL byte ends it.
    const bool query = std::string_view(args).substr(0, args.find('\0')) == "?";
    if (command == "AT+MQTTPUB=") {
        check(ends_with(answer, "\r\n[ERROR]\r\n"), "MQTTPUB without a broker: [ERROR]");
    } else if (command == "AT+MQTTSUB=" || (command == "AT+MQTTCON=" && !query)) {
        check(ends_with(answer, "\r\n[ERROR: WiFi Status]\r\n"), "no link: WiFi Status");
    } else if (command == "AT+MQTTCON=") {
        check(ends_with(answer, "\r\nDisconnected\r\n[OK]\r\n"), "MQTTCON=? Disconnected");
    } else {
        check(ends_with(answer, "[OK]\r\n") || ends_with(answer, "[ERROR: INVALID INPUT]\r\n"),
              "MQTTSET answers OK or INVALID INPUT");
    }
    const MqttSettings& mqtt = m.profile().mqtt;
    check(mqtt.user.size() <= 50 && mqtt.password.size() <= 50 && mqtt.client_id.size() <= 50,
          "MQTTSET strings of at most 50 characters");
    check(mqtt.keep_alive >= 30 && mqtt.keep_alive <= 300, "keep-alive 30-300");
    check(!m.mqtt().connected() && !m.mqtt().connecting(), "no session without a link");

    // A received publish, through Output and the serial link.
    env.output().clear();
    const std::string frame = mqtt_receive_frame(topic, payload);
    const std::string expected = "{Q," + std::string(topic) + ",," +
                                 std::to_string(payload.size()) + "}" + std::string(payload) +
                                 "\r\n";
    check(frame == expected, "the frame's bytes");
    m.output().text(frame);
    env.settle(4096);
    check(env.output() == expected, "the host receives the frame unchanged");
    return 0;
}
