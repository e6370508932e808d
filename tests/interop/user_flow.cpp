#include "user_flow.hpp"

#include <filesystem>

namespace latchkey::interop {

const std::string& UserFlowTest::client() const {
    return flow_ == Flow::device ? kDeviceClient : kNativeClient;
}

std::string UserFlowTest::site(const std::string& extra) const {
    // Every endpoint comes from the issuer's discovery document.
    return "[sites.op]\n"
           "provider = \"" +
           std::string(flow_ == Flow::device ? "oauth2-device-code" : "oauth2-auth-code") +
           "\"\n"
           "issuer = \"" +
           op().issuer() +
           "\"\n"
           "client_id = \"" +
           client() +
           "\"\n"
           "scopes = [\"openid\", \"email\", \"offline_access\"]\n" +
           extra;
}

std::string UserFlowTest::site_with_endpoints() const {
    std::string s = "[sites.op]\n";
    if (flow_ == Flow::device)
        s += "provider = \"oauth2-device-code\"\n"
             "device_authorization_url = \"" +
             op().device_authorization_url() + "\"\n";
    else
        s += "provider = \"oauth2-auth-code\"\n"
             "authorization_url = \"" +
             op().authorization_url() + "\"\n";
    s += "token_url = \"" + op().token_url() +
         "\"\n"
         "revocation_url = \"" +
         op().revocation_url() + "\"\n";
    if (flow_ == Flow::auth_code) s += "userinfo_url = \"" + op().userinfo_url() + "\"\n";
    return s + "client_id = \"" + client() +
           "\"\n"
           "scopes = [\"openid\", \"offline_access\"]\n";
}

test::RunResult UserFlowTest::login(const std::vector<std::string>& agent_args) {
    const std::string mode = flow_ == Flow::device ? "device" : "authorize";
    return lk({"login"}, {{"BROWSER", browser(mode, agent_args)}}, 45'000);
}

Stored UserFlowTest::logged_in() {
    auto r = login();
    EXPECT_EQ(r.exit_code, 0) << r.err << "\nuser agent:\n" << test::read_file(user_agent_log());
    EXPECT_NE(r.out.find("logged in to op"), std::string::npos) << r.out;
    auto s = stored();
    EXPECT_TRUE(s.has_value()) << "nothing stored after the login";
    if (!s) return {};
    token_like(s->token);
    token_like(s->refresh_token);
    return *s;
}

std::optional<Stored> UserFlowTest::stored() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(state_dir(), ec)) {
        // The provider's cache (discovered metadata) lives beside the
        // credential, as _cache.SITE.HASH.NAME.json.
        if (entry.path().extension() != ".json" ||
            entry.path().filename().string().rfind("_cache.", 0) == 0)
            continue;
        rapidjson::Document d;
        std::string text = test::read_file(entry.path().string());
        d.Parse(text.c_str(), text.size());
        if (d.HasParseError() || !d.IsObject() || !d.HasMember("format") ||
            !d["format"].IsString() ||
            std::string(d["format"].GetString()) != "latchkey-credential")
            continue;
        Stored s;
        if (d.HasMember("token") && d["token"].IsString()) s.token = d["token"].GetString();
        if (d.HasMember("refresh_token") && d["refresh_token"].IsString())
            s.refresh_token = d["refresh_token"].GetString();
        return s;
    }
    return std::nullopt;
}

}  // namespace latchkey::interop
