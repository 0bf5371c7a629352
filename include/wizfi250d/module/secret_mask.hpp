// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace wizfi250d {

// A command line as it may appear in a log: the secret parts (Wi-Fi keys, WPS PINs, passwords)
// replaced by '*'. Everything else is kept, so the trace still shows what the host sent.
std::string mask_secrets(std::string_view line);

}  // namespace wizfi250d
