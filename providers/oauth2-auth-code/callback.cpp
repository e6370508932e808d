#include "callback.hpp"

#include <httplib.h>

#include <latchkey/common/text.hpp>

namespace latchkey::auth_code {

namespace {

// The single value of `key`; "" when absent. Sets `twice` when repeated.
std::string single(const QueryParams& params, const char* key, bool& twice) {
    auto [first, last] = params.equal_range(key);
    if (first == last) return "";
    if (std::next(first) != last) twice = true;
    return first->second;
}

// The address without query and fragment, for comparing with redirect_uri.
std::string_view base_of(std::string_view url) { return url.substr(0, url.find_first_of("?#")); }

}  // namespace

CallbackAnswer evaluate_callback(const QueryParams& params, const ExpectedAnswer& expected) {
    bool twice = false;
    const std::string state = single(params, "state", twice);
    const std::string code = single(params, "code", twice);
    const std::string error = single(params, "error", twice);
    const std::string description = single(params, "error_description", twice);
    const std::string iss = single(params, "iss", twice);

    CallbackAnswer a;
    if (twice) return a;  // Kind::malformed
    // The state is checked first: an answer to another request, error or
    // not, says nothing about this one.
    if (state.empty() || state != expected.state) {
        a.kind = CallbackAnswer::Kind::wrong_state;
    } else if (!iss.empty() && !expected.issuer.empty() && iss != expected.issuer) {
        a.kind = CallbackAnswer::Kind::wrong_issuer;
    } else if (!error.empty()) {
        a.kind = CallbackAnswer::Kind::refused;
        a.error = common::printable(error, 100);
        a.description = common::printable(description);
    } else if (code.empty()) {
        a.kind = CallbackAnswer::Kind::no_code;
    } else {
        a.kind = CallbackAnswer::Kind::code;
        a.code = code;
    }
    return a;
}

CallbackAnswer evaluate_pasted(const std::string& pasted, const std::string& redirect_uri,
                               const ExpectedAnswer& expected) {
    const std::string text(common::trim(pasted));
    if (text.empty())
        throw sdk::internal_error(
            "nothing was pasted; run the login again and paste the address "
            "the browser shows after the login");
    if (!common::iequals(base_of(text), base_of(redirect_uri)))
        throw sdk::internal_error(
            "the pasted text is not an address starting with " + redirect_uri +
            "; paste the whole address from the browser's address bar after the login");
    size_t q = text.find('?');
    std::string query = q == std::string::npos ? "" : text.substr(q + 1);
    query = query.substr(0, query.find('#'));
    QueryParams params;
    // Decoding (percent escapes, '+') is the HTTP library's, as for the
    // loopback listener.
    httplib::detail::parse_query_text(query, params);
    return evaluate_callback(params, expected);
}

std::string plain_error_code(const std::string& error) {
    if (error.empty() || error.size() > 64) return "";
    for (char c : error)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return "";
    return error;
}

sdk::Error callback_error(const CallbackAnswer& a) {
    const std::string nothing = "; nothing was stored";
    switch (a.kind) {
        case CallbackAnswer::Kind::refused: {
            std::string msg = "the authorization server refused the login: " + a.error;
            if (!a.description.empty()) msg += ": " + a.description;
            return sdk::rejected(msg + nothing);
        }
        case CallbackAnswer::Kind::wrong_state:
            return sdk::internal_error(
                "the redirect does not carry the `state` this login sent (an old or forged "
                "redirect)" +
                nothing + "; run the login again");
        case CallbackAnswer::Kind::wrong_issuer:
            return sdk::internal_error(
                "the redirect comes from another authorization server than the configured "
                "'issuer' (its `iss` differs, RFC 9207)" +
                nothing);
        case CallbackAnswer::Kind::no_code:
            return sdk::internal_error("the redirect carries no authorization code" + nothing);
        case CallbackAnswer::Kind::malformed:
            return sdk::internal_error("the redirect repeats a parameter (code, state or error)" +
                                       nothing);
        case CallbackAnswer::Kind::code:
            break;
    }
    return sdk::internal_error("no error in the redirect");  // not reached for Kind::code
}

}  // namespace latchkey::auth_code
