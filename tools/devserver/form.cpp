#include "form.hpp"

#include <algorithm>
#include <cctype>

#include "json.hpp"

namespace devserver {

bool is_form_urlencoded(const httplib::Request& req) {
    std::string type = req.get_header_value("Content-Type");
    type = httplib::detail::trim_copy(type.substr(0, type.find(';')));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type == "application/x-www-form-urlencoded";
}

httplib::Params parse_form(const std::string& body) {
    httplib::Params parsed;
    httplib::detail::parse_query_text(body, parsed);
    httplib::Params form;
    for (auto& [name, value] : parsed) {
        if (!value.empty()) {
            form.emplace(name, value);
        }
    }
    return form;
}

const std::string* repeated_param(const httplib::Params& params) {
    for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
        if (it->first != "resource" && params.count(it->first) > 1) {
            return &it->first;
        }
    }
    return nullptr;
}

const std::string* param(const httplib::Params& params, const char* name) {
    const auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
}

bool read_oauth_form(const httplib::Request& req, httplib::Response& res, httplib::Params& form) {
    if (!is_form_urlencoded(req)) {
        send_oauth_error(res, 400, "invalid_request",
                         "body must be application/x-www-form-urlencoded");
        return false;
    }
    form = parse_form(req.body);
    if (const std::string* name = repeated_param(form)) {
        send_oauth_error(res, 400, "invalid_request", "parameter repeated: " + *name);
        return false;
    }
    return true;
}

std::optional<ConsentAnswer> parse_decision(const std::string& body, const char* field) {
    const httplib::Params form = parse_form(body);
    const std::string* id = param(form, field);
    const std::string* action = param(form, "action");
    if (id == nullptr || action == nullptr || (*action != "approve" && *action != "deny")) {
        return std::nullopt;
    }
    return ConsentAnswer{*id, *action == "approve"};
}

}  // namespace devserver
