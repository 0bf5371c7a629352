// SPDX-License-Identifier: Apache-2.0
// The highest data rate of a BSS from its 802.11 information elements: rate tables for HT and
// VHT at the highest MCS, legacy rates from the (extended) supported rates.

#include "wizfi250d/wifi/element_rates.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>

namespace wizfi250d::wpa {

namespace {

// Rates of one spatial stream at the highest MCS, in Mbit/s: {long GI, short GI}.
struct GuardIntervalRates {
    double long_gi;
    double short_gi;
};
constexpr GuardIntervalRates ht20_mcs7{65.0, 72.2};
constexpr GuardIntervalRates ht40_mcs7{135.0, 150.0};
// VHT MCS 7, 8, 9 at 80 and 160 MHz.
constexpr std::array<GuardIntervalRates, 3> vht80{{{292.5, 325.0}, {351.0, 390.0}, {390.0, 433.3}}};
constexpr std::array<GuardIntervalRates, 3> vht160{
    {{585.0, 650.0}, {702.0, 780.0}, {780.0, 866.7}}};

// Element IDs (IEEE 802.11-2020 table 9-92).
constexpr unsigned char ie_supported_rates = 1;
constexpr unsigned char ie_ht_capabilities = 45;
constexpr unsigned char ie_extended_rates = 50;
constexpr unsigned char ie_ht_operation = 61;
constexpr unsigned char ie_vht_capabilities = 191;
constexpr unsigned char ie_vht_operation = 192;

unsigned byte_at(std::string_view data, std::size_t i) {
    return static_cast<unsigned char>(data[i]);
}

}  // namespace

double max_rate_mbps(std::string_view ies) {
    double legacy = 0;
    std::optional<std::string_view> ht_cap, ht_op, vht_cap, vht_op;
    while (ies.size() >= 2) {
        const unsigned char id = static_cast<unsigned char>(ies[0]);
        const std::size_t length = byte_at(ies, 1);
        if (ies.size() < 2 + length) break;
        const std::string_view data = ies.substr(2, length);
        ies.remove_prefix(2 + length);
        switch (id) {
            case ie_supported_rates:
            case ie_extended_rates:
                for (std::size_t i = 0; i < data.size(); ++i) {
                    const unsigned rate = byte_at(data, i) & 0x7f;  // 500 kbit/s units
                    // 108 = 54 Mbit/s; larger values are BSS membership selectors (HT, VHT, SAE).
                    if (rate <= 108) legacy = std::max(legacy, rate / 2.0);
                }
                break;
            case ie_ht_capabilities:
                if (data.size() >= 26) ht_cap = data;
                break;
            case ie_ht_operation:
                if (data.size() >= 2) ht_op = data;
                break;
            case ie_vht_capabilities:
                if (data.size() >= 12) vht_cap = data;
                break;
            case ie_vht_operation:
                if (data.size() >= 3) vht_op = data;
                break;
            default:
                break;
        }
    }
    if (vht_cap && vht_op && byte_at(*vht_op, 0) != 0) {
        const unsigned capabilities = byte_at(*vht_cap, 0) | byte_at(*vht_cap, 1) << 8;
        const unsigned mcs_map = byte_at(*vht_cap, 4) | byte_at(*vht_cap, 5) << 8;
        unsigned streams = 0;
        unsigned max_mcs = 0;  // 0: MCS 0-7, 1: 0-8, 2: 0-9
        for (unsigned ss = 0; ss < 8; ++ss) {
            const unsigned support = (mcs_map >> (2 * ss)) & 3u;
            if (support == 3) continue;
            streams = ss + 1;
            max_mcs = std::max(max_mcs, support);
        }
        const unsigned width = byte_at(*vht_op, 0);
        const bool wide = width >= 2 || byte_at(*vht_op, 2) != 0;  // 160 or 80+80 MHz
        if (streams > 0) {
            const auto& table = wide ? vht160 : vht80;
            const bool short_gi = (capabilities & (wide ? 0x40u : 0x20u)) != 0;
            const double per_stream = short_gi ? table[max_mcs].short_gi : table[max_mcs].long_gi;
            return streams * per_stream;
        }
    }
    if (ht_cap) {
        const unsigned capabilities = byte_at(*ht_cap, 0) | byte_at(*ht_cap, 1) << 8;
        unsigned streams = 0;
        for (unsigned i = 0; i < 4; ++i)
            if (byte_at(*ht_cap, 3 + i) != 0) streams = i + 1;
        const bool forty = (capabilities & 0x02u) != 0 && ht_op && (byte_at(*ht_op, 1) & 0x04u);
        if (streams > 0) {
            const auto& rates = forty ? ht40_mcs7 : ht20_mcs7;
            const bool short_gi = (capabilities & (forty ? 0x40u : 0x20u)) != 0;
            return streams * (short_gi ? rates.short_gi : rates.long_gi);
        }
    }
    return legacy;
}

}  // namespace wizfi250d::wpa
