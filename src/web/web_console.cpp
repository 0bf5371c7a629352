// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/web/web_console.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include "form_data.hpp"
#include "html.hpp"
#include "login_guard.hpp"
#include "web_actions.hpp"
#include "web_pages.hpp"
#include "wizfi250d/module/module.hpp"

namespace wizfi250d {

namespace {

namespace http = boost::beast::http;

constexpr std::string_view session_cookie = "wizfi250d_session";
// The login form's anti-forgery token travels in this cookie and in the form (double submit):
// there is no session before the login.
constexpr std::string_view login_cookie = "wizfi250d_login";
constexpr std::string_view token_field = "_token";
constexpr std::string_view factory_user = "admin";
constexpr std::string_view factory_password = "admin";

// Every response: no caching of pages that hold settings, no framing, no scripts, no
// third-party anything (spec-free hardening; the pages need none of it).
void harden(HttpResponse& response, bool cacheable = false) {
    response.set(http::field::cache_control, cacheable ? "max-age=3600" : "no-store");
    response.set("Content-Security-Policy",
                 "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'");
    response.set("X-Frame-Options", "DENY");
    response.set("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on forms.
    response.set("Referrer-Policy", "same-origin");
    response.set(http::field::server, "wizfi250d");
}

HttpReply html_reply(http::status status, std::string body) {
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.body() = std::move(body);
    harden(response);
    return HttpReply{std::move(response), {}};
}

HttpReply text_reply(http::status status, std::string_view text) {
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::string(text) + "\n";
    harden(response);
    return HttpReply{std::move(response), {}};
}

HttpReply redirect(std::string_view location) {
    HttpResponse response{http::status::see_other, 11};
    response.set(http::field::location, std::string(location));
    harden(response);
    return HttpReply{std::move(response), {}};
}

std::string cookie_header(std::string_view name, std::string_view value, std::string_view path) {
    return std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
           "; HttpOnly; SameSite=Strict";
}

bool factory_credentials(const Profile& profile) {
    return profile.web_user == factory_user && profile.web_password == factory_password;
}

// A command's captured output for a notice: CRLF as line breaks, no blank lines around.
std::string tidy(std::string_view reply) {
    std::string out;
    for (const char c : reply)
        if (c != '\r') out += c;
    while (!out.empty() && out.front() == '\n')
        out.erase(0, 1);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

// What random_token() makes: 32 lower-case hex digits.
bool is_token(std::string_view text) {
    return text.size() == 32 &&
           text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool failed_reply(std::string_view reply) {
    return reply.find("[ERROR") != std::string_view::npos;
}

// Too many requests wait, or the serial host kept the module busy (data mode, a line being
// typed) for as long as the page waits.
HttpReply busy_reply() {
    return text_reply(http::status::service_unavailable,
                      "The module is busy; try again in a moment");
}

bool ends_with(std::string_view text, std::string_view end) {
    return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

}  // namespace

struct WebConsole::Context {
    HttpRequest request;
    Ipv4 client;
    Respond respond;
    std::string path;
    FormData query;
    FormData form;
    std::string session_id;  // the logged-in session, empty when none
};

WebConsole::WebConsole(Module& module)
    : module_(module), logins_(std::make_unique<LoginGuard>(module.io())) {}

WebConsole::~WebConsole() = default;

bool WebConsole::start(const Ipv4& address) {
    const WebServerPolicy& policy = module_.settings().web;
    server_ = start_http_server(module_.io(), address, policy.port, policy, HttpLimits{}, *this);
    if (!server_) return false;
    spdlog::info("web server on http://{}:{}/", address.to_string(), server_->port());
    if (factory_credentials(module_.profile()))
        spdlog::warn(
            "web server: the factory login admin/admin is in use; change it with "
            "AT+MCWUI or on the System page");
    return true;
}

void WebConsole::stop() {
    if (server_) spdlog::info("web server stopped");
    server_.reset();
}

std::uint16_t WebConsole::port() const {
    return server_ ? server_->port() : 0;
}

void WebConsole::forget_sessions() {
    logins_->clear();
}

void WebConsole::handle(const HttpRequest& request, const Ipv4& client, Respond respond) {
    Context context{request, client, std::move(respond), {}, {}, {}, {}};
    const std::string_view target(request.target().data(), request.target().size());
    context.path = std::string(target_path(target));
    auto query = parse_form(target_query(target));
    if (context.path.empty() || context.path.front() != '/' || !query) {
        context.respond(text_reply(http::status::bad_request, "Bad request target"));
        return;
    }
    context.query = std::move(*query);
    // DNS rebinding: a page elsewhere whose name resolves to the module's address would be
    // "same origin" with these pages. The module has no name, so only an address is accepted.
    const auto host = request[http::field::host];
    const std::string_view host_text(host.data(), host.size());
    if (!parse_ipv4(host_text.substr(0, host_text.rfind(':')))) {
        context.respond(text_reply(http::status::misdirected_request,
                                   "Open the pages by the module's IP address"));
        return;
    }
    if (request.method() == http::verb::post) {
        auto form = parse_form(request.body());
        if (!form) {
            context.respond(text_reply(http::status::bad_request, "Bad form data"));
            return;
        }
        context.form = std::move(*form);
        // A browser names where a form came from; another site's form is refused outright.
        const auto origin = request[http::field::origin];
        if (!origin.empty() && origin != "http://" + std::string(host_text)) {
            context.respond(text_reply(http::status::forbidden, "Cross-origin form refused"));
            return;
        }
    } else if (request.method() != http::verb::get) {
        auto reply = text_reply(http::status::method_not_allowed, "Method not allowed");
        reply.response.set(http::field::allow, "GET, POST");
        context.respond(std::move(reply));
        return;
    }
    route(context);
}

void WebConsole::route(Context& context) {
    const bool post = context.request.method() == http::verb::post;
    if (context.path == "/style.css" && !post) {
        HttpResponse response{http::status::ok, 11};
        response.set(http::field::content_type, "text/css; charset=utf-8");
        response.body() = std::string(html::stylesheet());
        harden(response, true);
        context.respond(HttpReply{std::move(response), {}});
        return;
    }
    if (context.path == "/login") {
        login(context);
        return;
    }
    const Profile& profile = module_.profile();
    const auto cookies = context.request[http::field::cookie];
    const std::string id =
        cookie_value(std::string_view(cookies.data(), cookies.size()), session_cookie);
    LoginGuard::Session* session = logins_->find(id, profile.web_user, profile.web_password);
    if (session == nullptr) {
        // Every page is behind the login (AT+MCWUI).
        context.respond(post ? text_reply(http::status::forbidden, "Not logged in")
                             : redirect("/login"));
        return;
    }
    context.session_id = session->id;
    if (post) {
        const auto token = context.form.find(token_field);
        if (token == context.form.end() || !same_secret(token->second, session->token)) {
            spdlog::warn("web server: form from {} without its anti-forgery token refused",
                         context.client.to_string());
            context.respond(text_reply(http::status::forbidden,
                                       "Forged form refused: the anti-forgery token is wrong"));
            return;
        }
        if (context.path == "/logout") {
            logout(context);
            return;
        }
        post_action(context);
        return;
    }
    if (context.path == "/wifi" && context.query.count("scan") > 0) {
        wifi_page(context);
        return;
    }
    const auto& items = web::menu_items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].path != context.path) continue;
        if (!web::menu_item_shown(profile.web_menu, i)) break;  // AT+FWEBM hides it
        std::string body;
        if (factory_credentials(profile)) body += web::factory_credentials_warning();
        if (!session->notice.empty()) {
            body += html::notice(session->notice, session->notice_failed);
            session->notice.clear();
        }
        body += items[i].render(module_, web::PageInput{session->token, context.query, nullptr});
        context.respond(html_reply(
            http::status::ok,
            html::page(items[i].label, web::menu_html(profile.web_menu, items[i].path), body)));
        return;
    }
    context.respond(text_reply(http::status::not_found, "Not found"));
}

void WebConsole::login(Context& context) {
    const auto cookies = context.request[http::field::cookie];
    const std::string_view cookie_text(cookies.data(), cookies.size());
    if (context.request.method() != http::verb::post) {
        // A browser may load the page twice (a redirect, a reload in another tab): the token it
        // already holds stays, so that every copy of the form matches the cookie.
        const std::string held = cookie_value(cookie_text, login_cookie);
        const std::string token = is_token(held) ? held : random_token();
        auto reply =
            html_reply(http::status::ok, html::page("Log in", "", web::login_body(token, {})));
        reply.response.set(http::field::set_cookie, cookie_header(login_cookie, token, "/login"));
        context.respond(std::move(reply));
        return;
    }
    const std::string expected = cookie_value(cookie_text, login_cookie);
    const auto token = context.form.find(token_field);
    if (expected.empty() || token == context.form.end() || !same_secret(token->second, expected)) {
        context.respond(text_reply(http::status::forbidden,
                                   "Forged form refused: the anti-forgery token is wrong"));
        return;
    }
    const auto field = [&context](std::string_view name) {
        const auto it = context.form.find(name);
        return it == context.form.end() ? std::string{} : it->second;
    };
    auto respond = std::move(context.respond);
    const Ipv4 client = context.client;
    logins_->attempt(
        field("user"), field("password"),
        [this] {
            const Profile& profile = module_.profile();
            return std::make_pair(profile.web_user, profile.web_password);
        },
        [this, alive = std::weak_ptr<bool>(alive_), respond, client](bool ok) {
            if (alive.expired()) return;
            const Profile& profile = module_.profile();
            if (!ok) {
                const std::string fresh_token = random_token();
                auto reply =
                    html_reply(http::status::unauthorized,
                               html::page("Log in", "",
                                          web::login_body(fresh_token, "Wrong user or password.")));
                reply.response.set(http::field::set_cookie,
                                   cookie_header(login_cookie, fresh_token, "/login"));
                respond(std::move(reply));
                return;
            }
            spdlog::info("web server: {} logged in", client.to_string());
            if (factory_credentials(profile))
                spdlog::warn("web server: logged in with the factory login admin/admin");
            const auto& session = logins_->open(profile.web_user, profile.web_password);
            auto reply = redirect("/");
            reply.response.set(http::field::set_cookie,
                               cookie_header(session_cookie, session.id, "/"));
            respond(std::move(reply));
        });
}

void WebConsole::logout(Context& context) {
    logins_->close(context.session_id);
    auto reply = redirect("/login");
    reply.response.set(http::field::set_cookie, std::string(session_cookie) +
                                                    "=; Path=/; HttpOnly; SameSite=Strict; "
                                                    "Max-Age=0");
    context.respond(std::move(reply));
}

void WebConsole::wifi_page(Context& context) {
    // The backend's own scan (not AT+WSCAN's text), only while no command runs.
    constexpr std::size_t wifi_index = 1;
    if (!web::menu_item_shown(module_.profile().web_menu, wifi_index)) {
        context.respond(text_reply(http::status::not_found, "Not found"));
        return;
    }
    auto render = [this, alive = std::weak_ptr<bool>(alive_), respond = context.respond,
                   query = context.query,
                   id = context.session_id](std::optional<std::vector<ScanResult>> results) {
        if (alive.expired()) return;
        const LoginGuard::Session* session = logins_->by_id(id);
        if (session == nullptr) {
            respond(redirect("/login"));
            return;
        }
        const std::optional<std::vector<ScanResult>> scan = std::move(results);
        std::string body;
        if (factory_credentials(module_.profile())) body += web::factory_credentials_warning();
        body += web::menu_items()[wifi_index].render(module_,
                                                     web::PageInput{session->token, query, &scan});
        respond(html_reply(
            http::status::ok,
            html::page("Wi-Fi", web::menu_html(module_.profile().web_menu, "/wifi"), body)));
    };
    if (module_.state() != ModuleState::command || scanning_) {
        render(std::nullopt);
        return;
    }
    scanning_ = true;
    module_.wifi().scan(ScanFilter{}, [this, alive = std::weak_ptr<bool>(alive_),
                                       render](std::optional<std::vector<ScanResult>> results) {
        if (alive.expired()) return;
        scanning_ = false;
        render(std::move(results));
    });
}

void WebConsole::start_page_join(const std::string& commands, const std::string& session_id) {
    const auto alive = std::weak_ptr<bool>(alive_);
    const auto not_run = [this, alive, session_id] {
        if (alive.expired()) return;
        if (auto* session = logins_->by_id(session_id)) {
            session->notice = "Join: not run, the serial host kept the module busy";
            session->notice_failed = true;
        }
    };
    // A join takes as long as the backend's tries take, not the Air command's 10 s.
    const bool queued = module_.run_for_web(
        commands, module_.web_join_deadline(),
        [this, alive, session_id](const std::string& joined) {
            if (!alive.expired()) joined_from_page(session_id, joined);
        },
        not_run);
    if (!queued) not_run();
}

void WebConsole::joined_from_page(const std::string& session_id, const std::string& joined) {
    if (auto* session = logins_->by_id(session_id)) {
        // Without a final code the join outlasted the page's deadline and goes on unseen.
        const bool ended = ends_with(joined, "[OK]\r\n") || failed_reply(joined);
        session->notice =
            std::string(ended ? "Join" : "Join: no answer in time") + "\n" + tidy(joined);
        session->notice_failed = !ended || failed_reply(joined);
    }
    // The page started it, so the page comes back (an A type would anyway).
    if (module_.link_up() && !module_.web_server_running()) module_.start_web_server();
}

void WebConsole::post_action(Context& context) {
    const web::Action* action = web::find_action(context.path);
    if (action == nullptr ||
        !web::menu_item_shown(module_.profile().web_menu, action->menu_index)) {
        context.respond(text_reply(http::status::not_found, "Not found"));
        return;
    }
    web::ActionResult result = action->build(context.form, module_.profile(), module_.link_up());
    const std::string page(web::menu_items()[action->menu_index].path);
    if (!result.plan) {
        if (auto* session = logins_->by_id(context.session_id)) {
            session->notice = result.problem;
            session->notice_failed = true;
        }
        context.respond(redirect(page));
        return;
    }
    web::ActionPlan plan = std::move(*result.plan);
    if (plan.redirect.empty()) plan.redirect = page;
    const auto alive = std::weak_ptr<bool>(alive_);
    if (plan.after_response) {
        // A reboot: the page goes out first, then the command takes everything down.
        auto reply = html_reply(
            http::status::ok,
            html::page(plan.what, "",
                       web::progress_body(plan.what + ": the module reboots. The web server comes "
                                                      "back with the link when its type is A.")));
        reply.after_sent = [this, alive, commands = plan.commands] {
            if (alive.expired()) return;
            module_.run_for_web(
                commands, Module::web_command_deadline(), [](const std::string&) {}, nullptr);
        };
        context.respond(std::move(reply));
        return;
    }
    const bool queued = module_.run_for_web(
        plan.commands, Module::web_command_deadline(),
        [this, alive, plan, respond = context.respond,
         id = context.session_id](const std::string& reply) {
            if (alive.expired()) return;
            const bool failed = failed_reply(reply);
            if (auto* session = logins_->by_id(id)) {
                session->notice = plan.what + (failed ? ": refused" : ": done");
                if (!tidy(reply).empty()) session->notice += "\n" + tidy(reply);
                session->notice_failed = failed;
            }
            if (failed || plan.then.empty()) {
                respond(redirect(plan.redirect));
                return;
            }
            // A join: AT+WLEAVE stops this server, so the page goes out first.
            auto progress = html_reply(
                http::status::ok,
                html::page(plan.what, "",
                           web::progress_body("Joining the network. The web server comes back at "
                                              "the new link address when the link is up.")));
            progress.after_sent = [this, alive, then = plan.then, id] {
                if (!alive.expired()) start_page_join(then, id);
            };
            respond(std::move(progress));
        },
        [alive, respond = context.respond] {
            if (!alive.expired()) respond(busy_reply());
        });
    if (!queued) context.respond(busy_reply());
}

}  // namespace wizfi250d
