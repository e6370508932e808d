#include "credential/credential_check.hpp"

// The byte rules are the ones the built-in providers apply to their own
// options (providers/common): one definition for both sides.
#include <latchkey/common/text.hpp>

namespace latchkey::credential {

namespace {
// CR and LF would end the header line and start another (header
// injection); NUL cuts a C string short; no other control byte is valid in
// a field value (RFC 9110 §5.5).
constexpr const char* kControl =
    " contains a control character (such as a line break or NUL), which cannot be sent in an "
    "HTTP header";
}  // namespace

std::optional<std::string> header_problem(const detail::CredentialData& c) {
    if (common::has_control_chars(c.token)) return "its token" + std::string(kControl);
    if (common::has_control_chars(c.token_type)) return "its token type" + std::string(kControl);
    if (!common::is_header_name(c.header_name))
        return std::string(
            "its header name is not an HTTP field name (letters, digits and !#$%&'*+-.^_`|~ "
            "only)");
    return std::nullopt;
}

}  // namespace latchkey::credential
