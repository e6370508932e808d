// The api-key provider: presents a static key (from the policy, an
// environment variable or a file) in a configurable header. When the key is a
// JWT its `exp` claim tells the host when it stops working.
#include <latchkey/common/jwt.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "header_template.hpp"

namespace {

using namespace latchkey;

constexpr const char* kDefaultHeader = "Authorization: Bearer {token}";

const latchkey_option kOptions[] = {
    {"api_key", LATCHKEY_OPT_STRING,
     LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_SECRET | LATCHKEY_OPTF_IDENTITY, nullptr,
     "the API key; usually { env = \"...\" } or { file = \"...\" }"},
    // IDENTITY: the header's shape is stored with the credential, so a new
    // shape must not be served the old stored record.
    {"header", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, kDefaultHeader,
     "how the key is sent, \"Name: <prefix> {token}\"; e.g. \"X-API-Key: {token}\" or "
     "\"Authorization: api-key {token}\""},
    {"jwt_expiry", LATCHKEY_OPT_BOOL, LATCHKEY_OPTF_IDENTITY, "true",
     "when the key is a JWT, its exp claim sets the expiry"},
    {},
};

class ApiKeyProvider {
 public:
    // The header template is checked here so a bad policy fails at load time.
    explicit ApiKeyProvider(sdk::Host& host)
        : host_(host),
          header_(api_key::parse_header_template(host.site(),
                                                 host.option_or("header", kDefaultHeader))),
          jwt_expiry_(host.flag("jwt_expiry", true)) {}

    // Cheap (no network), so the provider needs no refresh: the host simply
    // acquires again, which also picks up a rotated key file.
    sdk::Credential acquire() {
        // Keys read from files end in a newline; that is never part of the key.
        std::string key(common::trim(host_.require("api_key")));
        // No "site 'NAME': " of our own: the host puts it in front.
        if (key.empty()) throw sdk::config_error("option 'api_key' is blank");
        if (common::has_control_chars(key))
            throw sdk::config_error(
                "option 'api_key' contains a line break or control character, "
                "which cannot be sent in a header");
        // The host redacts the option as configured; the trimmed form may differ.
        host_.add_secret(key);

        sdk::Credential c;
        c.token = key;
        c.token_type = header_.prefix;
        c.header_name = header_.name;
        if (jwt_expiry_) {
            if (auto exp = common::jwt_expiry_seconds(host_, key)) {
                if (*exp * 1000 <= host_.now_ms())
                    throw sdk::rejected("the API key for site '" + host_.site() + "' expired at " +
                                        common::format_utc(*exp));
                c.expires_at_ms = *exp * 1000;
            }
        }
        return c;
    }

 private:
    const sdk::Host& host_;
    api_key::HeaderTemplate header_;
    bool jwt_expiry_;
};

}  // namespace

LATCHKEY_PROVIDER(ApiKeyProvider, "api-key", "1.0.0",
                  "A static API key or token sent in a configurable header.", kOptions)
