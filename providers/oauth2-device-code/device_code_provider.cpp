// The oauth2-device-code provider (RFC 8628): `latchkey login` shows a code
// and an address, a person approves on any device with a browser, and the
// provider polls until the token arrives. Later commands refresh with the
// refresh token; when that is refused, a person must log in again.
#include <array>
#include <latchkey/common/client_auth.hpp>
#include <latchkey/common/credential.hpp>
#include <latchkey/common/discovery.hpp>
#include <latchkey/common/grant_params.hpp>
#include <latchkey/common/oauth_client.hpp>
#include <latchkey/common/oauth_options.hpp>
#include <latchkey/common/option_table.hpp>
#include <latchkey/provider.hpp>
#include <string>

#include "device_authorization.hpp"
#include "polling.hpp"

namespace {

using namespace latchkey;

constexpr std::array<latchkey_option, 2> kOwnOptions = {{
    {"device_authorization_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "the device authorization endpoint; unset: discovered from 'issuer'"},
    {"open_browser", LATCHKEY_OPT_BOOL, 0, "true",
     "open the verification address in a browser during `latchkey login` when one is available"},
}};

constexpr auto kOptions = common::option_table(common::kOAuthOptions, kOwnOptions);

class DeviceCodeProvider : public common::RefreshingOAuthClient {
 public:
    explicit DeviceCodeProvider(sdk::Host& host)
        : RefreshingOAuthClient(host, common::read_client_auth(host)),
          params_(common::read_grant_params(host)),
          open_browser_(host.flag("open_browser", true)) {}

    sdk::Credential acquire() {
        if (!host_.interactive())
            throw sdk::interaction_required("a person must approve the login in a browser");
        const std::string token_url = endpoints_.token();
        common::FormFields form;
        params_.append_to(form);
        device_code::DeviceAuthorization d = device_code::request_device_authorization(
            host_, auth_, endpoints_.device_authorization(), token_url, form);
        show(d);
        common::TokenResponse t = device_code::poll_for_token(host_, auth_, token_url, d);
        return common::to_credential(host_, t, "", params_.scope);
    }

 private:
    // Tells the person where to go and what to enter (RFC 8628 §3.3), and
    // opens the address when a browser is at hand.
    void show(const device_code::DeviceAuthorization& d) const {
        std::string text = "To log in to " + host_.site() + ", open " + d.verification_uri +
                           "\nand enter the code: " + d.user_code;
        if (!d.verification_uri_complete.empty())
            text +=
                "\nor open this address, which carries the code: " + d.verification_uri_complete;
        host_.notice(text);
        if (!open_browser_) return;
        const std::string& target =
            d.verification_uri_complete.empty() ? d.verification_uri : d.verification_uri_complete;
        if (host_.open_url(target)) host_.notice("Opened " + target + " in a browser.");
    }

    common::GrantParams params_;
    bool open_browser_;
};

}  // namespace

LATCHKEY_PROVIDER(DeviceCodeProvider, "oauth2-device-code", "1.0.0",
                  "OAuth 2.0 device authorization grant (RFC 8628) with refresh tokens.",
                  kOptions.data())
