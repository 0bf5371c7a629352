// SPDX-License-Identifier: Apache-2.0
// Running Air commands (spec §6) in the module's one command executor, with the output
// captured instead of written to the UART; the web pages' commands run the same way, with their
// events on the UART too.

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <vector>

#include "wizfi250d/module/module.hpp"

namespace wizfi250d {

namespace {
// The module runs Air commands when the UART has been idle this long.
constexpr std::chrono::milliseconds uart_idle{100};
// It replies with whatever was captured after this long.
constexpr std::chrono::seconds reply_deadline{10};
// Requests waiting while one runs; more are dropped.
constexpr std::size_t max_waiting = 4;
// The reply is at most this long (1450 bytes kept, then '.' up to here).
constexpr std::size_t reply_limit = 1459;
}  // namespace

bool Module::start_air_command() {
    const AirCommandRecord& record = images_.ram.air_command;
    if (!link_up() || record.open_type.empty()) return false;
    if (!settings_.air_command.enabled) {
        spdlog::info("Air command server not started: air_command = off");
        return false;
    }
    air_server_ = start_air_command_server(
        io_, record.protocol != 'U', wifi_link_->address, static_cast<std::uint16_t>(record.port),
        settings_.air_command,
        [this](std::string commands, std::function<void(std::string)> reply) {
            run_air_command(std::move(commands), std::move(reply));
        });
    if (air_server_) {
        spdlog::info("Air command server on {} {}:{}", record.protocol == 'U' ? "UDP" : "TCP",
                     wifi_link_->address.to_string(), air_server_->port());
    }
    return air_server_ != nullptr;
}

void Module::run_air_command(std::string commands, std::function<void(std::string)> reply) {
    if (!queue_captured(AirJob{std::move(commands), std::move(reply), CaptureMode::everything,
                               reply_deadline, nullptr}))
        spdlog::warn("Air command dropped: {} requests are waiting", air_jobs_.size());
}

bool Module::run_for_web(std::string commands, std::chrono::milliseconds deadline,
                         std::function<void(std::string)> reply, std::function<void()> not_run) {
    return queue_captured(AirJob{std::move(commands), std::move(reply), CaptureMode::replies,
                                 deadline, std::move(not_run)});
}

std::chrono::milliseconds Module::web_command_deadline() {
    return reply_deadline;
}

std::chrono::milliseconds Module::web_join_deadline() const {
    return reply_deadline + wifi_->join_time_limit();
}

bool Module::queue_captured(AirJob job) {
    if (air_jobs_.size() >= max_waiting) return false;
    job.queued_at = std::chrono::steady_clock::now();
    air_jobs_.push_back(std::move(job));
    boost::asio::post(io_, [this] { try_air_command(); });
    return true;
}

void Module::try_air_command() {
    if (air_current_ || air_jobs_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    const bool uart_busy = state_ != ModuleState::command ||
                           pending_offset_ < pending_input_.size() || reader_.pending() > 0 ||
                           now - last_serial_input_ < uart_idle;
    if (uart_busy) {
        drop_web_jobs_past_deadline(now);
        if (air_jobs_.empty()) return;
        air_timer_.expires_after(uart_idle);
        air_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) try_air_command();
        });
        return;
    }
    air_current_ = std::move(air_jobs_.front());
    air_jobs_.pop_front();
    air_reader_.reset();
    output_.begin_capture(reply_limit, air_current_->mode);
    air_deadline_.expires_after(air_current_->deadline);
    air_deadline_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && air_current_) air_deadline_passed();
    });
    continue_air_command();
}

void Module::drop_web_jobs_past_deadline(std::chrono::steady_clock::time_point now) {
    // A page does not wait without end for a host that stays in data mode; the Air command
    // waits as the firmware does.
    std::vector<std::function<void()>> told;
    for (auto job = air_jobs_.begin(); job != air_jobs_.end();) {
        if (job->mode != CaptureMode::replies || now - job->queued_at < job->deadline) {
            ++job;
            continue;
        }
        spdlog::warn("web command not run: the serial host kept the module busy");
        if (job->not_run) told.push_back(std::move(job->not_run));
        job = air_jobs_.erase(job);
    }
    // After the loop: a page may queue again from here.
    for (const auto& not_run : told)
        not_run();
}

void Module::air_deadline_passed() {
    // Spec §6: the Air command replies with whatever was captured, and so does a page whose
    // commands are not running any more (one that left the module in data mode, say) or wait
    // for serial payload (which waits behind them).
    if (air_current_->mode == CaptureMode::everything || state_ != ModuleState::busy) {
        finish_air_command();
        return;
    }
    // A page's command still runs: the page gets its reply now, and the capture stays until
    // the command ends (bounded by the command's own timeouts), so that its final code cannot
    // reach the host, who never sent the command. Nothing after it runs.
    spdlog::warn("web command still running after {} ms: the page gets what it printed so far",
                 air_current_->deadline.count());
    const auto send = std::move(air_current_->reply);
    air_current_->reply = nullptr;
    air_current_->offset = air_current_->commands.size();
    send(output_.captured());
}

void Module::continue_air_command() {
    // The commands go through the parser character by character, with no echo.
    while (air_current_ && state_ == ModuleState::command &&
           air_current_->offset < air_current_->commands.size()) {
        const char byte = air_current_->commands[air_current_->offset++];
        if (air_reader_.feed(byte) != LineReader::Step::none) run_line(air_reader_.line());
    }
    if (air_current_ && state_ == ModuleState::command &&
        air_current_->offset >= air_current_->commands.size())
        finish_air_command();
    // Otherwise a command is still running: finish_command() continues here.
}

void Module::finish_air_command() {
    air_deadline_.cancel();
    std::string reply = output_.end_capture();
    const auto send = std::move(air_current_->reply);
    air_current_.reset();
    if (send) send(std::move(reply));
    boost::asio::post(io_, [this] {
        try_air_command();
        process_input();
    });
}

}  // namespace wizfi250d
