// SPDX-License-Identifier: Apache-2.0
#include "html.hpp"

namespace wizfi250d::html {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                // Control characters (an SSID may hold anything) show as U+FFFD.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                    out += "&#xFFFD;";
                else
                    out += c;
        }
    }
    return out;
}

std::string_view stylesheet() {
    return R"(*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;background:#eef2f6}
header{background:#0b4f8a;color:#fff;padding:.6rem 1rem}
header h1{margin:0;font-size:1.2rem;letter-spacing:.02em}
nav{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.4rem}
nav a{color:#fff;text-decoration:none;padding:.3rem .6rem;border-radius:.3rem;background:rgba(255,255,255,.12)}
nav a.here{background:#fff;color:#0b4f8a;font-weight:600}
main{max-width:44rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.5rem;padding:.8rem 1rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:1.1rem;margin:.2rem 0 .6rem}
label{display:block;margin:.5rem 0 .2rem;font-weight:600;font-size:.9rem}
input,select{width:100%;font:inherit;padding:.5rem;border:1px solid #9aa8b6;border-radius:.3rem;background:#fff}
input[type=radio],input[type=checkbox]{width:auto}
button{font:inherit;margin-top:.8rem;padding:.55rem 1rem;border:0;border-radius:.3rem;background:#0b4f8a;color:#fff;cursor:pointer;min-width:8rem}
button.danger{background:#a32020}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600;color:#4a5866}
dd{margin:0;word-break:break-all}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:.35rem .3rem;border-bottom:1px solid #dde3ea}
.notice{padding:.6rem .8rem;border-radius:.3rem;background:#e3f4e6;border:1px solid #7bbf86;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.85rem}
.notice.failed{background:#fbe6e6;border-color:#d27b7b}
.warning{padding:.6rem .8rem;border-radius:.3rem;background:#fff4d6;border:1px solid #e0b84a}
.inline{display:inline-block;margin-right:.5rem}
.muted{color:#5d6b78;font-size:.9rem}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.3rem}}
)";
}

std::string page(std::string_view title, std::string_view menu, std::string_view body) {
    std::string out =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>WizFi250 - ";
    out += escape(title);
    out +=
        "</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><header>"
        "<h1>WizFi250 configuration</h1>";
    out += menu;
    out += "</header><main>";
    out += body;
    out += "</main></body></html>\n";
    return out;
}

std::string form_start(std::string_view action, std::string_view token,
                       std::string_view css_class) {
    std::string out = "<form method=\"post\" action=\"" + escape(action) + "\"";
    if (!css_class.empty()) out += " class=\"" + escape(css_class) + "\"";
    out += "><input type=\"hidden\" name=\"_token\" value=\"" + escape(token) + "\">";
    return out;
}

std::string form_end(std::string_view button, std::string_view css_class) {
    std::string out = "<button type=\"submit\"";
    if (!css_class.empty()) out += " class=\"" + escape(css_class) + "\"";
    out += ">" + escape(button) + "</button></form>";
    return out;
}

std::string text_field(std::string_view label, std::string_view name, std::string_view value,
                       std::string_view extra) {
    const std::string id = "f-" + std::string(name);
    std::string out = "<label for=\"" + escape(id) + "\">" + escape(label) +
                      "</label><input type=\"text\" id=\"" + escape(id) + "\" name=\"" +
                      escape(name) + "\" value=\"" + escape(value) + "\"";
    if (!extra.empty()) out += " " + std::string(extra);
    out += ">";
    return out;
}

std::string password_field(std::string_view label, std::string_view name,
                           std::string_view placeholder, std::string_view autocomplete) {
    const std::string id = "f-" + std::string(name);
    // Never a value: secrets are not sent back to the browser.
    return "<label for=\"" + escape(id) + "\">" + escape(label) +
           "</label><input type=\"password\" id=\"" + escape(id) + "\" name=\"" + escape(name) +
           "\" placeholder=\"" + escape(placeholder) + "\" autocomplete=\"" + escape(autocomplete) +
           "\">";
}

std::string select_field(std::string_view label, std::string_view name, const Options& options,
                         std::string_view selected) {
    const std::string id = "f-" + std::string(name);
    std::string out = "<label for=\"" + escape(id) + "\">" + escape(label) +
                      "</label><select id=\"" + escape(id) + "\" name=\"" + escape(name) + "\">";
    for (const auto& [value, text] : options) {
        out += "<option value=\"" + escape(value) + "\"";
        if (value == selected) out += " selected";
        out += ">" + escape(text) + "</option>";
    }
    out += "</select>";
    return out;
}

std::string facts(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::string out = "<dl>";
    for (const auto& [label, value] : rows)
        out += "<dt>" + escape(label) + "</dt><dd>" + escape(value) + "</dd>";
    out += "</dl>";
    return out;
}

std::string notice(std::string_view text, bool failed) {
    return std::string("<p class=\"notice") + (failed ? " failed" : "") + "\" role=\"status\">" +
           escape(text) + "</p>";
}

}  // namespace wizfi250d::html
