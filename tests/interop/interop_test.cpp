#include "interop_test.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

namespace latchkey::interop {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void run_openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LATCHKEY_OPENSSL_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = test::run(argv);
    if (r.exit_code != 0)
        throw std::runtime_error("`" + itest::join_args(argv) + "` failed (exit " +
                                 std::to_string(r.exit_code) + "): " + r.err +
                                 " (the tests need the openssl command: Debian package openssl)");
}

void strings(Writer& w, const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (auto& v : values) w.String(v.c_str());
    w.EndArray();
}

void member(Writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str());
}

// A client with no browser redirects: it only talks to the token endpoint.
void backend_client(Writer& w, const std::string& id, const std::string& auth_method) {
    member(w, "client_id", id);
    strings(w, "grant_types", {"client_credentials"});
    strings(w, "redirect_uris", {});
    strings(w, "response_types", {});
    member(w, "token_endpoint_auth_method", auth_method);
    member(w, "scope", "api:read api:write");
}

// oidc_server.mjs's client list (oidc-provider client metadata).
// The private_key_jwt clients only `with_key_clients`: making their keys
// takes a while, and only the client credentials tests use them.
std::string clients_json(bool with_key_clients) {
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartArray();

    w.StartObject();
    backend_client(w, kBasicClient, "client_secret_basic");
    member(w, "client_secret", kBasicSecret);
    w.EndObject();

    w.StartObject();
    backend_client(w, kPostClient, "client_secret_post");
    member(w, "client_secret", kPostSecret);
    w.EndObject();

    if (with_key_clients) {
        const ClientKeys& keys = client_keys();
        w.StartObject();
        backend_client(w, kJwtRsaClient, "private_key_jwt");
        member(w, "token_endpoint_auth_signing_alg", "RS256");
        member(w, "public_key_file", keys.rsa_public);
        w.EndObject();

        w.StartObject();
        backend_client(w, kJwtEcClient, "private_key_jwt");
        member(w, "token_endpoint_auth_signing_alg", "ES256");
        member(w, "public_key_file", keys.ec_public);
        w.EndObject();

        // A device client that is confidential: it signs every request.
        w.StartObject();
        member(w, "client_id", kDeviceJwtClient);
        strings(w, "grant_types",
                {"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"});
        strings(w, "redirect_uris", {});
        strings(w, "response_types", {});
        member(w, "token_endpoint_auth_method", "private_key_jwt");
        member(w, "token_endpoint_auth_signing_alg", "ES256");
        member(w, "public_key_file", keys.ec_public);
        w.EndObject();
    }

    w.StartObject();
    backend_client(w, kResourceServer, "client_secret_basic");
    member(w, "client_secret", kResourceSecret);
    w.EndObject();

    // A command-line tool on a device without a browser: a public client.
    w.StartObject();
    member(w, "client_id", kDeviceClient);
    member(w, "application_type", "native");
    strings(w, "grant_types", {"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"});
    strings(w, "redirect_uris", {});
    strings(w, "response_types", {});
    member(w, "token_endpoint_auth_method", "none");
    w.EndObject();

    // A native app (RFC 8252): loopback redirect on any port, PKCE.
    w.StartObject();
    member(w, "client_id", kNativeClient);
    member(w, "application_type", "native");
    strings(w, "grant_types", {"authorization_code", "refresh_token"});
    strings(w, "redirect_uris", {"http://127.0.0.1/callback"});
    strings(w, "response_types", {"code"});
    member(w, "token_endpoint_auth_method", "none");
    w.EndObject();

    w.EndArray();
    return out.GetString();
}

std::string single_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

const ClientKeys& client_keys() {
    static const test::TempDir dir;
    static const ClientKeys keys = [] {
        ClientKeys k{dir.file("rsa.key"), dir.file("rsa.pub"), dir.file("ec.key"),
                     dir.file("ec.pub"), dir.file("stranger-ec.key")};
        run_openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                     k.rsa_private});
        run_openssl({"pkey", "-in", k.rsa_private, "-pubout", "-out", k.rsa_public});
        run_openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                     k.ec_private});
        run_openssl({"pkey", "-in", k.ec_private, "-pubout", "-out", k.ec_public});
        run_openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                     k.stranger_ec_private});
        return k;
    }();
    return keys;
}

void InteropTest::SetUp() {
    if (std::string problem = setup_problem(); !problem.empty()) GTEST_FAIL() << problem;
    try {
        op_ = std::make_unique<OidcProvider>(
            sandbox_.write("clients.json", clients_json(with_key_clients_)));
    } catch (const std::exception& e) {
        GTEST_FAIL() << "cannot start oidc-provider: " << e.what();
    }
    for (auto* s : {&kBasicSecret, &kPostSecret, &kResourceSecret}) never_print(*s);
    // Only a test's own scripted user agent is ever a browser here.
    env_["BROWSER"] = std::nullopt;
}

void InteropTest::TearDown() {
    CliTest::TearDown();
    if (op_) op_->stop();
}

std::string InteropTest::cc_site(const std::string& name, const std::string& client,
                                 const std::string& extra) const {
    return "[sites." + name +
           "]\n"
           "provider = \"oauth2-client-credentials\"\n"
           "token_url = \"" +
           op_->token_url() +
           "\"\n"
           "client_id = \"" +
           client +
           "\"\n"
           "scopes = [\"api:read\"]\n" +
           extra;
}

std::string InteropTest::token(const std::vector<std::string>& args) {
    std::vector<std::string> all = args;
    all.push_back("token");
    auto r = lk(all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Exactly one line, ending in its newline ("" would pass the second check alone).
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line expected:\n" << r.out;
    std::string t = itest::first_line(r.out);
    EXPECT_FALSE(t.empty()) << r.err;
    if (!t.empty()) token_like(t);
    return t;
}

rapidjson::Document InteropTest::introspect(const std::string& token) const {
    return op_->introspect(token, kResourceServer, kResourceSecret);
}

bool InteropTest::active(const std::string& token) const {
    auto d = introspect(token);
    return d.IsObject() && d.HasMember("active") && d["active"].IsTrue();
}

std::string InteropTest::browser(const std::string& mode,
                                 const std::vector<std::string>& args) const {
    std::string command = "exec " + single_quoted(node_binary()) + " " +
                          single_quoted(interop_script("user_agent.mjs")) + " " +
                          single_quoted(mode) + " \"$1\"";
    for (auto& a : args) command += " " + single_quoted(a);
    command += " >>" + single_quoted(user_agent_log()) + " 2>&1\n";
    return sandbox_.write("browser-" + mode,
                          "#!/bin/sh\n"
                          "# The scripted user agent as the browser latchkey opens.\n" +
                              command,
                          0700);
}

std::string InteropTest::user_agent_log() const { return sandbox_.file("user-agent.log"); }

}  // namespace latchkey::interop
