// Reads the answer to a Salesforce SOAP login: a loginResponse (sessionId,
// serverUrl, userInfo/sessionSecondsValid) or a SOAP fault (exceptionCode,
// exceptionMessage). Parsed with libxml2 with network access, DTD loading
// and entity expansion off; a document with a DTD (which SOAP 1.1 forbids,
// and which is how entity bombs arrive) is refused.
#ifndef LATCHKEY_SALESFORCE_SOAP_RESPONSE_HPP
#define LATCHKEY_SALESFORCE_SOAP_RESPONSE_HPP

#include <cstdint>
#include <string>
#include <variant>

namespace latchkey::salesforce {

struct LoginResult {
    std::string session_id;
    std::string server_url;
    int64_t session_seconds_valid = 0;  // 0: not said
    bool password_expired = false;
};

struct SoapFault {
    std::string exception_code;     // e.g. INVALID_LOGIN (or the faultcode)
    std::string exception_message;  // or the faultstring
};

// Why the body could not be read (not XML, a DTD, not a login answer).
struct Unreadable {
    std::string reason;
};

using LoginAnswer = std::variant<LoginResult, SoapFault, Unreadable>;

LoginAnswer parse_login_response(const std::string& body);

}  // namespace latchkey::salesforce

#endif  // LATCHKEY_SALESFORCE_SOAP_RESPONSE_HPP
