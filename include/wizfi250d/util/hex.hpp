// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace wizfi250d {

// "41 54 0d 0a" for the trace log.
std::string hex_dump(std::string_view bytes);

}  // namespace wizfi250d
