// SPDX-License-Identifier: Apache-2.0
// Unit tests for the F group and MQTT handlers (spec §2.5, §2.6), called directly on a Module
// whose output goes to a pty. No link can come up yet, and there is no GPIO/ADC hardware.

#include <gtest/gtest.h>

#include <string>

#include "command_fixture.hpp"

namespace wizfi250d::testing {
namespace {

using namespace wizfi250d::commands;

using FunctionCommands = CommandTest;

TEST_F(FunctionCommands, FsockQueryShowsEightOptions) {
    EXPECT_EQ(run(fsock, "?"), answer("5000,5000,5,100,0,0,0,0"));
}

TEST_F(FunctionCommands, FsockAcceptsEachOptionsRange) {
    for (const char* args :
         {"1,0",      "1,2000", "1,20000", "2,0",    "2,20000", "3,123456", "4,10",
          "4,100000", "5,0",    "5,5",     "5,3600", "6,0",     "6,10",     "6,1000",
          "7,5",      "7,1000", "8,5",     "8,1000", "9,1",     "9,7"}) {
        EXPECT_EQ(run(fsock, args), ok) << args;
    }
    EXPECT_EQ(run(fsock, "?"), answer("20000,20000,123456,100000,3600,1000,1000,1000"));
    EXPECT_EQ(ram().socket_option(9), 7u);
}

TEST_F(FunctionCommands, FsockRejectsOutOfRangeValues) {
    for (const char* args : {"1,1999", "1,20001", "2,1", "4,9", "4,0", "5,4", "5,3601", "6,9",
                             "6,1001", "7,4", "8,1001", "0,1", "10,1", "1", "x,1", "1,x", ""}) {
        EXPECT_EQ(run(fsock, args), invalid_input) << args;
    }
    EXPECT_EQ(run(fsock, "?"), answer("5000,5000,5,100,0,0,0,0"));
}

TEST_F(FunctionCommands, Fwebs) {
    EXPECT_EQ(run(fwebs, "?"), answer("0,M"));
    EXPECT_EQ(run(fwebs, "1,a"), ok);
    EXPECT_EQ(run(fwebs, "?"), answer("0,A"));  // no link: not started
    EXPECT_EQ(run(fwebs, "0"), ok);
    EXPECT_EQ(run(fwebs, "?"), answer("0,A"));
    for (const char* args : {"", "2", "1,X", "1,AM", "x,A"}) {
        EXPECT_EQ(run(fwebs, args), invalid_input) << args;
    }
}

TEST_F(FunctionCommands, Fwebm) {
    EXPECT_EQ(run(fwebm, "?"), answer("1111111"));
    EXPECT_EQ(run(fwebm, "1010109"), ok);
    EXPECT_EQ(run(fwebm, "?"), answer("1010109"));
    for (const char* args : {"", "101010", "10101010", "101010a"}) {
        EXPECT_EQ(run(fwebm, args), invalid_input) << args;
    }
}

TEST_F(FunctionCommands, FotaAndFgetadc) {
    EXPECT_EQ(run(fota, ""), ok);
    EXPECT_EQ(run(fgetadc, ""), invalid_input);
}

TEST_F(FunctionCommands, FgpioQueryAtFactory) {
    EXPECT_EQ(run(fgpio, "?"), answer("{1,1,3,0},{1,5,3,0},{1,6,3,0},{1,7,3,0},{1,8,3,0}"));
}

TEST_F(FunctionCommands, FgpioWriteConfigureRead) {
    EXPECT_EQ(run(fgpio, "1,5,1"), ok);
    EXPECT_EQ(run(fgpio, "0,5"), invalid_input);    // an output cannot be read
    EXPECT_EQ(run(fgpio, "2,5,0"), ok);             // input with pull-up
    EXPECT_EQ(run(fgpio, "1,5,0"), invalid_input);  // an input cannot be written
    EXPECT_EQ(run(fgpio, "0,5"), answer("1"));
    EXPECT_EQ(run(fgpio, "2,8,4"), ok);
    EXPECT_EQ(run(fgpio, "?"), answer("{1,1,3,0},{0,5,0,1},{1,6,3,0},{1,7,3,0},{1,8,4,0}"));
}

TEST_F(FunctionCommands, FgpioRejectsBadInput) {
    for (const char* args :
         {"", "3,1", "1,2,1", "1,9,1", "1,1", "1,1,2", "2,1,6", "2,1", "x,1", "1,x,1"}) {
        EXPECT_EQ(run(fgpio, args), invalid_input) << args;
    }
    EXPECT_EQ(run(fgpio, "?"), answer("{1,1,3,0},{1,5,3,0},{1,6,3,0},{1,7,3,0},{1,8,3,0}"));
}

TEST_F(FunctionCommands, FpingWithoutALink) {
    EXPECT_EQ(run(fping, "0,127.0.0.1"), ok);
    EXPECT_EQ(run(fping, "2,127.0.0.1"), "Ping error\r\nPing error\r\n[OK]\r\n");
    for (const char* args : {"51,127.0.0.1", "1", "1,localhost", "1,1.2.3", "x,127.0.0.1", ""}) {
        EXPECT_EQ(run(fping, args), invalid_input) << args;
    }
}

TEST_F(FunctionCommands, FdnsWithoutALink) {
    EXPECT_EQ(run(fdns, "example.net,1000"), error);
    EXPECT_EQ(run(fdns, "example.net"), invalid_input);
    EXPECT_EQ(run(fdns, ",1000"), invalid_input);
    EXPECT_EQ(run(fdns, "example.net,x"), invalid_input);
}

TEST_F(FunctionCommands, Mqttset) {
    EXPECT_EQ(run(mqttset, "?"), answer(",,,60"));
    EXPECT_EQ(run(mqttset, "user,secret,client1,120"), ok);
    EXPECT_EQ(run(mqttset, "?"), answer("user,secret,client1,120"));
    // Absent fields keep their values.
    EXPECT_EQ(run(mqttset, ",,client2"), ok);
    EXPECT_EQ(run(mqttset, "?"), answer("user,secret,client2,120"));
    for (const char* args : {"a,b,c,29", "a,b,c,301", "a,b,c,x", "\"\",b"}) {
        EXPECT_EQ(run(mqttset, args), invalid_input) << args;
    }
    EXPECT_EQ(run(mqttset, std::string(51, 'u')), invalid_input);
    EXPECT_EQ(run(mqttset, std::string(50, 'u')), ok);
}

TEST_F(FunctionCommands, MqttWithoutALink) {
    EXPECT_EQ(run(mqttcon, "?"), answer("Disconnected"));
    EXPECT_EQ(run(mqttcon, "1,127.0.0.1,1883,0"), wifi_status);
    EXPECT_EQ(run(mqttcon, "0"), wifi_status);
    EXPECT_EQ(run(mqttsub, "1,topic"), wifi_status);
    EXPECT_EQ(run(mqttpub, "topic,5"), error);
}

}  // namespace
}  // namespace wizfi250d::testing
