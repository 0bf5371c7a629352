// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/web/http_server.hpp"

namespace wizfi250d {

class Module;
class LoginGuard;

// The module's web configuration pages (spec §2.5 AT+FWEBS, AT+FWEBM, AT+MCWUI): status, Wi-Fi,
// network, serial, socket service, Air command and system pages behind the AT+MCWUI login.
// Every change runs the AT command it corresponds to through the module's one command executor,
// so the serial side and the pages never disagree. Owned by the Module; the HTTP listener comes
// and goes with AT+FWEBS and the link, the logins stay until a reboot.
class WebConsole final : public HttpHandler {
public:
    explicit WebConsole(Module& module);
    ~WebConsole() override;
    WebConsole(const WebConsole&) = delete;
    WebConsole& operator=(const WebConsole&) = delete;

    // Listens on address and the daemon config's web_server_port.
    bool start(const Ipv4& address);
    void stop();
    bool running() const { return server_ != nullptr; }
    std::uint16_t port() const;
    // A reboot logs everybody out.
    void forget_sessions();

    void handle(const HttpRequest& request, const Ipv4& client, Respond respond) override;

private:
    struct Context;
    void route(Context& context);
    void login(Context& context);
    void logout(Context& context);
    void wifi_page(Context& context);
    void post_action(Context& context);
    // Runs a page's join (AT+WLEAVE, AT+WJOIN) once its progress page has gone out.
    void start_page_join(const std::string& commands, const std::string& session_id);
    // The join a page started has ended (or outlasted its deadline): the notice for the next
    // page load, and the web server back at the new address.
    void joined_from_page(const std::string& session_id, const std::string& joined);

    Module& module_;
    std::unique_ptr<LoginGuard> logins_;
    std::unique_ptr<HttpServer> server_;
    bool scanning_ = false;
    // Outlives nothing: callbacks that come back after the console is gone see it expired.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wizfi250d
