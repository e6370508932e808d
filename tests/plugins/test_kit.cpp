// test-kit: a provider written the way the vendor wrote a GitHub App
// one, but on the ABI 1.3 host services alone: a JWT signed by the host
// (sign_jwt, claims built with the JSON writer), POSTed to `url`; the answer
// checked with the HTTP-status helper, read with the JSON service, its
// RFC 3339 expiry read by the time service, and its permissions object kept
// as a typed extra. No JSON, time or JOSE code of its own.
#include <latchkey/provider.hpp>
#include <string>

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED, nullptr, "token endpoint"},
    {"app_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
     "the app the JWT is issued for (its iss claim)"},
    {"private_key_file", LATCHKEY_OPT_PATH, 0, nullptr,
     "PEM key that signs the app's JWT; none: no Authorization header"},
    {"private_key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of private_key_file"},
    {},
};

class TestKit {
 public:
    explicit TestKit(sdk::Host& host)
        : host_(host),
          url_(host.require("url")),
          app_id_(host.require("app_id")),
          key_file_(host.option_or("private_key_file", "")),
          passphrase_(host.option_or("private_key_passphrase", "")) {}

    sdk::Credential acquire() {
        sdk::HttpRequest req;
        req.url = url_;
        req.headers = {"Accept: application/json"};
        if (!key_file_.empty()) {
            const int64_t now_s = host_.now_ms() / 1000;
            const std::string claims = sdk::JsonObject(host_)
                                           .add("iss", app_id_)
                                           .add("iat", now_s)
                                           .add("exp", now_s + 540)
                                           .done();
            const std::string header = sdk::JsonObject(host_).add("kid", "test-kit").done();
            req.headers.push_back("Authorization: Bearer " +
                                  host_.sign_jwt("RS256", key_file_, passphrase_, header, claims));
        }
        sdk::HttpResponse resp = host_.http(req);
        host_.check_status(resp, "the token endpoint");

        sdk::Json answer = host_.json(resp.body);
        sdk::Credential c;
        c.token = answer.require_string("/token");
        c.expires_at_ms = host_.parse_time(answer.require_string("/expires_at"));
        if (answer.type("/permissions") == LATCHKEY_JSON_OBJECT)
            c.json_extras["permissions"] = answer.text("/permissions");
        if (auto n = answer.integer("/repositories_count"))
            c.extras["repositories"] = std::to_string(*n);
        c.extras["expires"] = host_.format_time(c.expires_at_ms, LATCHKEY_TIME_HTTP_DATE);
        return c;
    }

 private:
    const sdk::Host& host_;
    std::string url_;
    std::string app_id_;
    std::string key_file_;
    std::string passphrase_;
};

}  // namespace

LATCHKEY_PROVIDER(TestKit, "test-kit", "1.3.0",
                  "Test-only: a GitHub-App-like provider on the ABI 1.3 host services.", kOptions)
