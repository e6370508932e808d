// `latchkey docker-credential get|store|erase|list|version`: the
// docker-credential-helpers protocol, installed as docker-credential-latchkey
// so that `"credHelpers": {"registry.example.com": "latchkey"}` in
// ~/.docker/config.json (or containers-auth.json) makes docker, skopeo,
// podman and buildah ask latchkey for a registry's credential.
//
// The protocol: `get` reads the server URL on standard input and prints
// {"ServerURL","Username","Secret"}; `list` prints {"URL": "user"}; errors go
// to standard output with exit code 1, and a server latchkey has no site for
// is exactly "credentials not found in native keychain", which the clients
// read as "no credential, go on without".
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

#include "helper_io.hpp"
#include "helper_requests.hpp"

namespace latchkey::cli {

namespace {

constexpr const char* kNotFound = "credentials not found in native keychain";

// The protocol's error: one line on standard output, exit 1.
int fail(const std::string& message) {
    std::cout << message << std::endl;
    return 1;
}

void print_json(const std::function<void(rapidjson::Writer<rapidjson::StringBuffer>&)>& body) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    body(w);
    std::cout << buf.GetString() << std::endl;
}

int get(Context& ctx) {
    std::string url = docker_server_url(read_helper_input());
    std::string site = site_for_request(ctx, url);
    if (site.empty()) return fail(kNotFound);
    SiteCredential c = site_credential(ctx, site);
    std::string user = token_username(ctx, c);
    print_json([&](auto& w) {
        w.StartObject();
        w.Key("ServerURL");
        w.String(url.c_str(), static_cast<rapidjson::SizeType>(url.size()));
        w.Key("Username");
        w.String(user.c_str(), static_cast<rapidjson::SizeType>(user.size()));
        w.Key("Secret");
        w.String(c.token.c_str(), static_cast<rapidjson::SizeType>(c.token.size()));
        w.EndObject();
    });
    return 0;
}

// `docker login` hands over a password to keep; latchkey's credentials come
// from its providers, so it keeps none, and says so.
int store(Context& ctx) {
    auto url = docker_store_url(read_helper_input());
    if (!url) return fail("the credentials to store are not a JSON object");
    if (url->empty()) return fail("no credentials server URL");
    std::string site = site_for_request(ctx, *url);
    return fail(site.empty() ? "latchkey stores no registry passwords: add a site whose "
                               "url_patterns match this registry"
                             : "latchkey stores no registry passwords: site '" + site +
                                   "' gets this registry's credential from its provider");
}

// `docker logout`: the site's cached token goes (the next `get` fetches one).
int erase(Context& ctx) {
    std::string site = site_for_request(ctx, docker_server_url(read_helper_input()));
    if (site.empty()) return fail(kNotFound);
    forget_credential(ctx, site, "");
    return 0;
}

int list(Context& ctx) {
    auto& admin = ctx.admin();
    std::vector<std::pair<std::string, std::string>> entries;
    for (auto& site : admin.sites())
        for (auto& pattern : admin.url_patterns(site))
            if (pattern.find('*') == std::string::npos)
                entries.emplace_back(pattern, token_username(ctx, site));
    print_json([&](auto& w) {
        w.StartObject();
        for (auto& [url, user] : entries) {
            w.Key(url.c_str());
            w.String(user.c_str());
        }
        w.EndObject();
    });
    return 0;
}

int docker_credential(Context& ctx) {
    po::options_description desc("docker-credential");
    desc.add_options()("action", po::value<std::string>(), "get, store, erase, list or version");
    po::positional_options_description pos;
    pos.add("action", 1);
    po::variables_map vm;
    if (!parse_command_options(ctx, "docker-credential",
                               "docker-credential get|store|erase|list|version", desc, vm, &pos))
        return 0;
    if (!vm.count("action"))
        return fail("Usage: docker-credential-latchkey <store|get|erase|list|version>");
    std::string action = vm["action"].as<std::string>();
    try {
        if (action == "get") return get(ctx);
        if (action == "store") return store(ctx);
        if (action == "erase") return erase(ctx);
        if (action == "list") return list(ctx);
        if (action == "version") {
            std::cout << "docker-credential-latchkey (latchkey) " LATCHKEY_VERSION << std::endl;
            return 0;
        }
        return fail("Unknown credential action `" + display(action) + "`");
    } catch (const Error& e) {
        // A server without a site was answered above; this is a site that
        // failed (login needed, server down): the client shows the message.
        return fail("latchkey: " + display(e.what()));
    }
}

}  // namespace

std::vector<Command> docker_credential_commands() {
    return {{"docker-credential",
             "docker/skopeo/podman credential helper (credHelpers: \"latchkey\"): get, erase, "
             "list",
             docker_credential}};
}

}  // namespace latchkey::cli
