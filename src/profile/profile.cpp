// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

Profile factory_reset(const Profile& current) {
    Profile fresh;
    fresh.mac = current.mac;
    return fresh;
}

}  // namespace wizfi250d
