// The authorization response (RFC 6749 §4.1.2): the query the browser brings
// back, from the loopback listener or pasted by the person.
#ifndef LATCHKEY_AUTH_CODE_CALLBACK_HPP
#define LATCHKEY_AUTH_CODE_CALLBACK_HPP

#include <latchkey/provider.hpp>
#include <map>
#include <string>

namespace latchkey::auth_code {

// Decoded query parameters (the same type as httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

// What the redirect of this login must carry.
struct ExpectedAnswer {
    std::string state;  // the state this login sent
    // The configured issuer; "" when the site names none. A redirect whose
    // `iss` (RFC 9207) names another server is refused: it is the answer of
    // another authorization server (a mix-up attack). A redirect without
    // `iss` is accepted, as most servers send none.
    std::string issuer;
};

struct CallbackAnswer {
    enum class Kind {
        code,          // the authorization code, with the right state
        refused,       // error=... with the right state (access_denied, say)
        wrong_state,   // missing or another request's state: never used
        wrong_issuer,  // right state, but `iss` names another server
        no_code,       // right state, but neither a code nor an error
        malformed,     // a parameter given twice (RFC 6749 §3.1)
    };
    Kind kind = Kind::malformed;
    std::string code;         // only with Kind::code
    std::string error;        // printable; only with Kind::refused
    std::string description;  // printable error_description, may be ""
};

// Judges the parameters of a redirect against what this login expects.
CallbackAnswer evaluate_callback(const QueryParams& params, const ExpectedAnswer& expected);

// Judges a redirect address pasted by the person: it must be `redirect_uri`
// with a query. Throws sdk::Error when the text is not such an address.
CallbackAnswer evaluate_pasted(const std::string& pasted, const std::string& redirect_uri,
                               const ExpectedAnswer& expected);

// The error acquire throws for any answer but Kind::code.
sdk::Error callback_error(const CallbackAnswer& answer);

// The server's error code when it is a plain RFC 6749 code (letters and
// '_'), safe to show in a page; otherwise "".
std::string plain_error_code(const std::string& error);

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_CALLBACK_HPP
