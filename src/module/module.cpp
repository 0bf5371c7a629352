// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/module.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/secret_mask.hpp"
#include "wizfi250d/module/service.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/util/hex.hpp"
#include "wizfi250d/web/web_console.hpp"

namespace wizfi250d {

namespace {
// How often the reboot checks whether the [OK] before it has left the queue (it must go out at
// the old UART settings).
constexpr std::chrono::milliseconds reboot_drain_poll{10};
}  // namespace

std::string_view state_name(ModuleState state) {
    switch (state) {
        case ModuleState::booting:
            return "booting";
        case ModuleState::command:
            return "command";
        case ModuleState::payload:
            return "payload";
        case ModuleState::busy:
            return "busy";
        case ModuleState::data:
            return "data";
        case ModuleState::sleeping:
            return "sleeping";
        case ModuleState::rebooting:
            return "rebooting";
    }
    return "?";
}

Module::Module(boost::asio::io_context& io, DaemonSettings settings, SerialLink& link,
               std::unique_ptr<WifiBackend> wifi)
    : io_(io),
      settings_(std::move(settings)),
      serial_(link),
      store_(settings_.state_dir),
      run_marker_(settings_.state_dir),
      output_(link, images_.ram, settings_.firmware_version),
      commands_(CommandTable::standard(settings_.wset_binary_ssid)),
      certificates_(settings_.state_dir + "/certs"),
      tls_(certificates_, settings_.tls),
      wifi_(std::move(wifi)),
      socket_context_{io, *this, &tls_, [this] { return make_name_lookup(); }},
      data_pump_(io, DataPump::Callbacks{
                         [this](std::string packet, std::function<void(bool)> done) {
                             send_data_packet(std::move(packet), std::move(done));
                         },
                         [this] { escaped_from_data_mode(); },
                         [this] { hold_input(); },
                         [this] { release_input(); },
                         [this](std::string_view head, std::string_view body) {
                             return send_data_now(head, body);
                         },
                     }),
      air_timer_(io),
      air_deadline_(io),
      housekeeping_timer_(io),
      reboot_timer_(io),
      sleep_timer_(io),
      mqtt_(io, output_) {
    wifi_->on_link_lost([this] { link_lost(); });
    wifi_->on_link_restored([this](LinkInfo restored) { link_restored(std::move(restored)); });
}

Module::~Module() = default;

void Module::set_state(ModuleState next, std::string_view why) {
    if (next == state_) return;
    spdlog::debug("module: {} -> {} ({})", state_name(state_), state_name(next), why);
    state_ = next;
}

void Module::load_saved_profile() {
    LoadResult loaded = store_.load();
    if (loaded.problem) spdlog::error("profile: {}; starting from factory values", *loaded.problem);
    images_.saved = std::move(loaded.profile);
    images_.ram = images_.saved;
    profile_loaded_ = true;
}

void Module::start() {
    if (!profile_loaded_) load_saved_profile();
    // Spec §7: a start after a crash is the module's watchdog reset.
    if (run_marker_.previous_run_was_unclean()) {
        spdlog::warn("the previous run did not end cleanly");
        output_.event(Event::reset);
    }
    run_marker_.mark_running();
    boot(false);
    schedule_housekeeping();
}

void Module::reload(const DaemonSettings& next) {
    const auto needs_restart = [](const char* what) {
        spdlog::warn("config reload: {} changes only at the next start", what);
    };
    if (next.serial.describe() != settings_.serial.describe()) needs_restart("serial");
    if (next.state_dir != settings_.state_dir) needs_restart("state_dir");
    if (next.wifi_backend != settings_.wifi_backend || next.interface != settings_.interface)
        needs_restart("the Wi-Fi backend");
    settings_.tls = next.tls;
    tls_.set_options(next.tls);
    settings_.air_command = next.air_command;
    settings_.web = next.web;  // from the next AT+FWEBS=1 or link-up on
    if (!settings_.web.enabled) stop_web_server();
    settings_.flush_when_idle = next.flush_when_idle;
    settings_.data_stall_limit = next.data_stall_limit;
    settings_.reboot_delay = next.reboot_delay;
    settings_.mqtt_tls = next.mqtt_tls;
    settings_.mqtt_publish_qos = next.mqtt_publish_qos;
    settings_.firmware_version = next.firmware_version;
    settings_.hardware_version = next.hardware_version;
    output_.set_firmware_version(next.firmware_version);
}

void Module::shutdown() {
    housekeeping_timer_.cancel();
    mqtt_.end_quietly();
    quiet_socket_events_ = true;
    close_all_sockets();
    quiet_socket_events_ = false;
    air_server_.reset();
    stop_web_server();
    if (link_up()) {
        wifi_->leave();
        wifi_link_.reset();
    }
    run_marker_.mark_clean_exit();
}

void Module::boot(bool reopen_serial) {
    images_.ram = images_.saved;
    reader_.reset();
    // Q10 copied: the escape and flush timers take their values at boot.
    DataPump::Timing timing;
    timing.flush = std::chrono::milliseconds(images_.ram.socket_option(4));
    timing.escape = std::chrono::milliseconds(images_.ram.escape_timer_ms);
    timing.flush_when_idle = settings_.flush_when_idle;
    timing.stall_limit = settings_.data_stall_limit;
    data_pump_.set_timing(timing);
    if (reopen_serial) serial_.reopen(images_.ram.uart);
    output_.banner();
    const auto now = std::chrono::steady_clock::now();
    last_service_try_ = last_socket_data_ = no_socket_since_ = last_gateway_check_ = now;
    booted_at_ = now;
    if (function_boot_) {
        function_boot();
        return;
    }
    if (is_service(images_.ram.service)) {
        boot_join();
        return;
    }
    set_state(ModuleState::command, "boot done");
    process_input();
}

void Module::reboot(bool close_first) {
    // A command still running (a watchdog reset during FPING, say) must not end on the new boot.
    if (state_ == ModuleState::busy || state_ == ModuleState::payload) ++stale_finishes_;
    set_state(ModuleState::rebooting, close_first ? "reset" : "save and reset");
    // The reset ends the MQTT session without a line (the firmware's MQTT thread just dies).
    mqtt_.end_quietly();
    // Commands that reboot never reply over the air.
    if (air_current_) {
        output_.end_capture();
        air_current_.reset();
    }
    air_jobs_.clear();
    air_server_.reset();
    // A reboot stops the web server and logs everybody out.
    stop_web_server();
    if (web_) web_->forget_sessions();
    pending_input_.clear();
    pending_offset_ = 0;
    payload_consumer_ = nullptr;
    reader_.reset();
    if (close_first) {
        close_all_sockets();
        if (link_up()) leave();
    } else {
        // WREG, USET, MMAC reboot at once: no events, but nothing survives a reboot.
        quiet_socket_events_ = true;
        close_all_sockets();
        quiet_socket_events_ = false;
        // Even a link that was lost and is re-associating must not come back after the reboot.
        wifi_->leave();
        wifi_link_.reset();
    }
    serial_.resume_input();  // input during the reboot is read and lost, as on the module
    boot_when_drained();
}

void Module::boot_when_drained() {
    // The boot banner follows the last reply only after the host has read it, then the
    // module's reboot delay.
    const bool drained = serial_.queued() == 0;
    reboot_timer_.expires_after(drained ? settings_.reboot_delay : reboot_drain_poll);
    reboot_timer_.async_wait([this, drained](boost::system::error_code ec) {
        if (ec) return;
        if (drained) {
            boot(true);
        } else {
            boot_when_drained();
        }
    });
}

void Module::save_and_reboot() {
    output_.result(ResultCode::ok);
    save_profile();  // a failure is logged; the module reboots all the same
    reboot(false);
}

bool Module::save_profile() {
    images_.saved = images_.ram;
    return persist_saved_image();
}

bool Module::persist_saved_image() {
    std::string error;
    if (store_.save(images_.saved, error)) return true;
    spdlog::error("profile not saved: {}", error);
    return false;
}

void Module::load_profile() {
    images_.ram = images_.saved;
}

void Module::on_serial_input(std::string_view bytes) {
    switch (state_) {
        case ModuleState::booting:
        case ModuleState::sleeping:
        case ModuleState::rebooting:
            spdlog::debug("serial rx while {}: {} bytes dropped", state_name(state_), bytes.size());
            return;
        default:
            break;
    }
    last_serial_input_ = std::chrono::steady_clock::now();
    if (state_ == ModuleState::data && pending_input_.empty() && !input_held_ && !air_current_ &&
        !output_.congested()) {
        // Data mode with nothing waiting: the bytes go to the pump straight from the read
        // buffer (it copies what it keeps).
        data_pump_.feed(bytes);
        return;
    }
    pending_input_.append(bytes);
    process_input();
}

void Module::process_input() {
    // An Air command holds the command parser; serial input waits for it.
    while (pending_offset_ < pending_input_.size() && !input_held_ && !air_current_) {
        if (output_.congested()) {
            // The host is not reading: stop taking input until the output drains, so that echo
            // and responses cannot grow without bound.
            if (!draining_scheduled_) {
                draining_scheduled_ = true;
                output_.when_drained([this] {
                    draining_scheduled_ = false;
                    process_input();
                });
            }
            break;
        }
        const std::string_view available = std::string_view(pending_input_).substr(pending_offset_);
        if (state_ == ModuleState::command) {
            process_command_bytes();
        } else if (state_ == ModuleState::payload) {
            const std::size_t n = std::min(payload_remaining_, available.size());
            payload_remaining_ -= n;
            pending_offset_ += n;
            DataConsumer consumer = payload_consumer_;
            if (payload_remaining_ == 0) {
                payload_consumer_ = nullptr;
                set_state(ModuleState::busy, "payload complete");
            }
            if (spdlog::should_log(spdlog::level::trace))
                spdlog::trace("serial rx payload: {} bytes", n);
            consumer(available.substr(0, n));
        } else if (state_ == ModuleState::data) {
            pending_offset_ = pending_input_.size();
            data_pump_.feed(available);
        } else {
            break;
        }
    }
    if (pending_offset_ >= pending_input_.size()) {
        pending_input_.clear();
        pending_offset_ = 0;
        serial_.resume_input();
    } else {
        serial_.pause_input();
    }
}

void Module::process_command_bytes() {
    while (pending_offset_ < pending_input_.size() && state_ == ModuleState::command) {
        const char& byte = pending_input_[pending_offset_++];
        if (images_.ram.echo) echo_ += LineReader::echo_for(byte);
        if (reader_.feed(byte) == LineReader::Step::none) continue;
        flush_echo();
        const std::string line = reader_.line();
        run_line(line);
        if (output_.congested()) break;
    }
    flush_echo();
}

bool Module::take_escape() {
    constexpr char escape = '\x1b';
    const auto at = pending_input_.find(escape, pending_offset_);
    if (at == std::string::npos) return false;
    pending_input_.erase(at, 1);
    return true;
}

void Module::flush_echo() {
    if (echo_.empty()) return;
    output_.echo(echo_);
    echo_.clear();
}

void Module::trace_line(std::string_view line) const {
    if (!spdlog::should_log(spdlog::level::trace)) return;
    const std::string masked = mask_secrets(line);
    spdlog::trace("serial rx line: {}", hex_dump(masked));
}

void Module::run_line(const std::string& line) {
    trace_line(line);
    // The firmware keeps the line as a C string: a NUL byte ends it.
    const std::string_view text = std::string_view(line).substr(0, line.find('\0'));
    if (!istarts_with(text, "AT")) {
        output_.result(ResultCode::invalid_input);
        return;
    }
    if (text.size() == 2) {
        output_.result(ResultCode::ok);
        return;
    }
    const std::string_view rest = text.substr(2);
    const CommandRow* row = commands_.find(rest);
    if (row == nullptr) {
        output_.result(ResultCode::invalid_input);
        return;
    }
    in_handler_ = true;
    finished_in_handler_ = false;
    const ResultCode code = row->handler(*this, rest.substr(row->name.size()));
    in_handler_ = false;
    if (code == ResultCode::pending) {
        // A "pending" command may have finished before its handler returned.
        if (!finished_in_handler_ && state_ == ModuleState::command)
            set_state(ModuleState::busy, row->name);
        return;
    }
    if (code != ResultCode::none) output_.result(code);
}

void Module::finish_command(ResultCode code) {
    if (stale_finishes_ > 0 && !in_handler_) {
        --stale_finishes_;
        return;
    }
    if (code != ResultCode::none && code != ResultCode::pending) output_.result(code);
    if (in_handler_) {
        finished_in_handler_ = true;
        return;
    }
    if (state_ == ModuleState::busy || state_ == ModuleState::payload) {
        payload_consumer_ = nullptr;
        payload_remaining_ = 0;
        set_state(ModuleState::command, "command finished");
    }
    if (air_current_) {
        boost::asio::post(io_, [this] { continue_air_command(); });
        return;
    }
    process_input();
}

void Module::read_payload(std::size_t length, DataConsumer consumer) {
    payload_remaining_ = length;
    payload_consumer_ = std::move(consumer);
    set_state(length > 0 ? ModuleState::payload : ModuleState::busy, "reading payload");
}

void Module::cancel_payload() {
    payload_remaining_ = 0;
    payload_consumer_ = nullptr;
    if (state_ == ModuleState::payload) set_state(ModuleState::busy, "payload cancelled");
}

void Module::hold_input() {
    input_held_ = true;
    serial_.pause_input();
}

void Module::release_input() {
    input_held_ = false;
    boost::asio::post(io_, [this] { process_input(); });
}

void Module::sleep_input(std::chrono::milliseconds duration) {
    set_state(ModuleState::sleeping, "MCU power save");
    pending_input_.clear();
    pending_offset_ = 0;
    reader_.reset();
    serial_.resume_input();
    sleep_timer_.expires_after(duration);
    sleep_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || state_ != ModuleState::sleeping) return;
        set_state(ModuleState::command, "MCU wake-up");
    });
}

}  // namespace wizfi250d
