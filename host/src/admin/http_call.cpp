// `latchkey curl`: one request with a site's credential, and the "re-auth on
// 401" of the Anaplan and Salesforce guides: the refused credential is
// invalidated (only if it still is the site's: another process may already
// have replaced it) and the request sent once more with a new one.
#include <latchkey/common/text.hpp>

#include "admin/parts.hpp"
#include "http/transfer.hpp"
#include "latchkey/admin.hpp"
#include "site/site.hpp"
#include "token/site_tokens.hpp"

namespace latchkey::admin {

namespace {

// The caller's headers may not carry a second credential.
void check_caller_headers(const std::vector<std::string>& lines, const Credential& c) {
    for (auto& line : lines) {
        std::string_view name = std::string_view(line).substr(0, line.find(':'));
        if (common::iequals(common::trim(name), c.header_name()))
            throw Error(ErrorKind::usage, "the header " + std::string(common::trim(name)) +
                                              " is the one latchkey sends the credential in");
    }
}

}  // namespace

HttpCallResult Admin::call(const std::string& site, const HttpCall& call) {
    auto& s = parts_->site(site);
    http::Transfer t;
    t.method = call.method;
    t.url = call.url;
    t.body = call.body;
    t.timeout_ms = s.resolved.timeout_ms();
    t.ca_file = s.resolved.ca_file();
    t.plain_http_anywhere = call.plain_http_anywhere;
    HttpCallResult result;
    for (bool first = true;; first = false) {
        Credential c = s.tokens->token();
        check_caller_headers(call.headers, c);
        t.headers = header_lines(site, c);
        t.headers.insert(t.headers.end(), call.headers.begin(), call.headers.end());
        // A 401 to the first credential is not the answer: nothing of it is shown.
        bool refused = false;
        t.on_head = [&](long status, const std::vector<std::string>& lines) {
            refused = first && status == 401;
            if (!refused && call.on_head) call.on_head(status, lines);
        };
        t.on_body = [&](std::string_view chunk) {
            return refused || !call.on_body || call.on_body(chunk);
        };
        http::Failure failure;
        auto status = http::transfer(t, failure);
        if (!status)
            throw Error(failure.kind == http::Failure::Kind::refused    ? ErrorKind::usage
                        : failure.kind == http::Failure::Kind::internal ? ErrorKind::internal
                                                                        : ErrorKind::transient,
                        "site '" + s.name() + "': " + without_url_passwords(failure.message));
        if (*status == 401 && first) {
            s.tokens->refused(c.token());
            result.retried = true;
            continue;
        }
        result.status = *status;
        return result;
    }
}

}  // namespace latchkey::admin
