#include "html_page.hpp"

namespace devserver {

std::string html_escape(std::string_view text) {
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
                out += c;
        }
    }
    return out;
}

void send_html(httplib::Response& res, int status, std::string_view title,
               const std::string& body_html) {
    const std::string t = html_escape(title);
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + t +
                        "</title></head>\n<body><h1>" + t + "</h1>\n" + body_html +
                        "\n</body></html>\n",
                    "text/html; charset=utf-8");
}

std::string decision_form(std::string_view action, std::string_view field, std::string_view value) {
    return "<form method=\"post\" action=\"" + std::string(action) +
           "\"><input type=\"hidden\" name=\"" + std::string(field) + "\" value=\"" +
           html_escape(value) +
           "\"><button name=\"action\" value=\"approve\">Approve</button> "
           "<button name=\"action\" value=\"deny\">Deny</button></form>";
}

}  // namespace devserver
