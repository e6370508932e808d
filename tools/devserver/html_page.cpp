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

}  // namespace devserver
