// SPDX-License-Identifier: Apache-2.0
#include "termios_settings.hpp"

// The kernel's own termios2 (with BOTHER for any baud rate); glibc's <termios.h> must not be
// included in this file.
#include <asm/termbits.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

#include "uart_divider.hpp"

namespace wizfi250d::termios_settings {

namespace {

constexpr std::array<std::pair<std::uint32_t, std::uint32_t>, 30> standard_rates{{
    {50, B50},           {75, B75},           {110, B110},         {134, B134},
    {150, B150},         {200, B200},         {300, B300},         {600, B600},
    {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
    {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
    {3500000, B3500000}, {4000000, B4000000},
}};

constexpr std::array<std::pair<unsigned, std::uint32_t>, 4> character_sizes{{
    {5, CS5},
    {6, CS6},
    {7, CS7},
    {8, CS8},
}};

struct Field {
    std::string_view name;
    std::string (*text)(const UartSettings&);
};

const std::array<Field, 5> fields{{
    {"baud rate", [](const UartSettings& s) { return std::to_string(s.baud); }},
    {"data bits", [](const UartSettings& s) { return std::to_string(s.data_bits); }},
    {"parity", [](const UartSettings& s) { return std::string(1, static_cast<char>(s.parity)); }},
    {"stop bits", [](const UartSettings& s) { return std::string(stop_bits_text(s.stop_bits)); }},
    {"RTS/CTS flow control",
     [](const UartSettings& s) { return std::string(s.rts_cts ? "on" : "off"); }},
}};

std::string errno_text() {
    return std::generic_category().message(errno);
}

// The rate the UART runs at when the driver says it runs at `reported`: the kernel writes the
// rate asked for back into termios, not the one its divisor makes.
std::uint32_t rate_made(int fd, std::uint32_t reported) {
    return uart_rate::made_rate(uart_divider(fd), reported);
}

}  // namespace

std::uint32_t line_cflag_mask() {
    // CIBAUD and CMSPAR are never set: input speed follows output speed, parity is never
    // mark/space.
    return CBAUD | CIBAUD | CSIZE | PARENB | PARODD | CMSPAR | CSTOPB | CRTSCTS;
}

LineMapping line_bits_for(const UartSettings& settings) {
    LineMapping mapping;
    auto& cflag = mapping.bits.cflag;
    mapping.bits.speed = settings.baud;

    cflag |= BOTHER;
    for (const auto& [rate, code] : standard_rates) {
        if (rate == settings.baud) {
            cflag = (cflag & ~CBAUD) | code;
            break;
        }
    }

    std::uint32_t size = CS8;
    bool size_found = false;
    for (const auto& [bits, code] : character_sizes) {
        if (bits == settings.data_bits) {
            size = code;
            size_found = true;
        }
    }
    if (!size_found)
        mapping.approximations.push_back(std::to_string(settings.data_bits) +
                                         " data bits are not possible; using 8");
    cflag |= size;

    if (settings.parity == Parity::even) cflag |= PARENB;
    if (settings.parity == Parity::odd) cflag |= PARENB | PARODD;

    switch (settings.stop_bits) {
        case StopBits::half:
            mapping.approximations.push_back("0.5 stop bits are not possible; using 1");
            break;
        case StopBits::one:
            break;
        case StopBits::one_and_half:
            mapping.approximations.push_back("1.5 stop bits are not possible; using 2");
            cflag |= CSTOPB;
            break;
        case StopBits::two:
            cflag |= CSTOPB;
            break;
    }

    if (settings.rts_cts) cflag |= CRTSCTS;
    return mapping;
}

UartSettings settings_from(LineBits bits) {
    UartSettings settings;
    const std::uint32_t baud_code = bits.cflag & CBAUD;
    settings.baud = bits.speed;
    for (const auto& [rate, code] : standard_rates)
        if (code == baud_code) settings.baud = rate;

    for (const auto& [data_bits, code] : character_sizes)
        if (code == (bits.cflag & CSIZE)) settings.data_bits = data_bits;

    if ((bits.cflag & PARENB) == 0)
        settings.parity = Parity::none;
    else
        settings.parity = (bits.cflag & PARODD) != 0 ? Parity::odd : Parity::even;

    settings.stop_bits = (bits.cflag & CSTOPB) != 0 ? StopBits::two : StopBits::one;
    settings.rts_cts = (bits.cflag & CRTSCTS) != 0;
    return settings;
}

std::vector<std::string> differences(const UartSettings& wanted, const UartSettings& actual) {
    std::vector<std::string> result;
    for (const auto& field : fields) {
        const std::string want = field.text(wanted);
        const std::string have = field.text(actual);
        if (want == have) continue;
        std::string sentence(field.name);
        sentence.append(": the device keeps ").append(have).append(" instead of ").append(want);
        result.push_back(std::move(sentence));
    }
    return result;
}

std::vector<std::string> apply_line_settings(int fd, const UartSettings& settings,
                                             std::string_view port_name) {
    const LineMapping mapping = line_bits_for(settings);
    std::vector<std::string> warnings = mapping.approximations;

    termios2 tio{};
    if (ioctl(fd, TCGETS2, &tio) != 0) {
        warnings.push_back("cannot read the line settings: " + errno_text());
    } else {
        tio.c_cflag = (tio.c_cflag & ~line_cflag_mask()) | mapping.bits.cflag;
        tio.c_ispeed = mapping.bits.speed;
        tio.c_ospeed = mapping.bits.speed;
        // The kernel accepts a request when it can apply any part of it, so only reading back
        // tells what the device took.
        if (ioctl(fd, TCSETS2, &tio) != 0)
            warnings.push_back("cannot set " + settings.to_string() + ": " + errno_text());
        termios2 taken{};
        if (ioctl(fd, TCGETS2, &taken) != 0) {
            warnings.push_back("cannot read back the line settings: " + errno_text());
        } else {
            const UartSettings actual = settings_from({taken.c_cflag, taken.c_ospeed});
            for (auto& difference : differences(settings_from(mapping.bits), actual))
                warnings.push_back(std::move(difference));
            // Every UART divides its clock only approximately: within the tolerance that is
            // information (at every open, so not a warning); beyond it the host cannot talk.
            const auto made = rate_made(fd, actual.baud);
            const auto text =
                fmt::format("baud rate: the UART's clock makes {} for {} ({:+.2f} %)", made,
                            actual.baud, uart_rate::error_percent(actual.baud, made));
            switch (uart_rate::fit(actual.baud, made)) {
                case uart_rate::Fit::exact:
                    break;
                case uart_rate::Fit::approximated:
                    spdlog::info("{}: {}", port_name, text);
                    break;
                case uart_rate::Fit::unusable:
                    warnings.push_back(text + ", beyond what a serial link tolerates");
                    break;
            }
        }
    }

    for (const auto& warning : warnings)
        spdlog::warn("{}: {}", port_name, warning);
    return warnings;
}

bool output_drained(int fd) {
    int queued = 0;
    if (ioctl(fd, TIOCOUTQ, &queued) == 0 && queued > 0) return false;
    unsigned int line_status = 0;
    // Not every driver reports its transmitter; the 8250 and most UARTs do.
    if (ioctl(fd, TIOCSERGETLSR, &line_status) == 0) return (line_status & TIOCSER_TEMT) != 0;
    return true;
}

std::uint32_t rate_taken(int fd, std::uint32_t baud) {
    termios2 current{};
    if (ioctl(fd, TCGETS2, &current) != 0) return baud;
    termios2 trial = current;
    UartSettings wanted;
    wanted.baud = baud;
    trial.c_cflag =
        (trial.c_cflag & ~(CBAUD | CIBAUD)) | (line_bits_for(wanted).bits.cflag & CBAUD);
    trial.c_ispeed = baud;
    trial.c_ospeed = baud;
    termios2 taken{};
    const bool tried = ioctl(fd, TCSETS2, &trial) == 0 && ioctl(fd, TCGETS2, &taken) == 0;
    if (ioctl(fd, TCSETS2, &current) != 0)
        spdlog::warn("cannot put the line settings back after trying {} baud: {}", baud,
                     errno_text());
    if (!tried) return settings_from({current.c_cflag, current.c_ospeed}).baud;
    return rate_made(fd, settings_from({taken.c_cflag, taken.c_ospeed}).baud);
}

}  // namespace wizfi250d::termios_settings
