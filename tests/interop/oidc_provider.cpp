#include "oidc_provider.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "form_post.hpp"
#include "temp_dir.hpp"

namespace latchkey::interop {

namespace {

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace

std::string interop_script(const std::string& name) {
    return std::string(LATCHKEY_INTEROP_DIR) + "/" + name;
}

std::string node_binary() { return LATCHKEY_NODE; }

std::string setup_problem() {
    const std::string dir = LATCHKEY_INTEROP_DIR;
    const std::string node = LATCHKEY_NODE;
    if (node.empty() || node.find("NOTFOUND") != std::string::npos || !exists(node))
        return "Node.js was not found when the build was configured: run tools/setup (it installs "
               "Node.js and npm), then configure and build again";
    if (exists(dir + "/npm-install.failed"))
        return "oidc-provider could not be installed: " +
               test::read_file(dir + "/npm-install.failed");
    if (!exists(dir + "/node_modules/oidc-provider/package.json"))
        return "oidc-provider is not installed in " + dir +
               "/node_modules: build the latchkey_interop_npm target (`cmake --build build`) first";
    return "";
}

OidcProvider::OidcProvider(const std::string& clients_file) {
    if (std::string problem = setup_problem(); !problem.empty()) throw std::runtime_error(problem);
    test::RunOptions o;
    // The server runs as configured here, whatever the caller's Node.js setup.
    o.env["NODE_OPTIONS"] = std::nullopt;
    child_ = std::make_unique<test::Child>(
        std::vector<std::string>{node_binary(), interop_script("oidc_server.mjs"), clients_file},
        o);
    auto line = child_->read_line(15'000);
    if (!line || line->rfind("http://127.0.0.1:", 0) != 0) {
        child_->stop();
        throw std::runtime_error("oidc_server.mjs did not print its URL within 15 s (got: '" +
                                 line.value_or("") + "'); its standard error is above");
    }
    issuer_ = *line;
}

OidcProvider::~OidcProvider() { stop(); }

void OidcProvider::stop() {
    if (child_) child_->stop();
}

rapidjson::Document OidcProvider::introspect(const std::string& token, const std::string& client_id,
                                             const std::string& secret) const {
    if (token.empty()) {
        ADD_FAILURE() << "no token to introspect";
        return rapidjson::Document();
    }
    auto r = post_form(introspection_url(), {{"token", token}}, client_id, secret);
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    if (r.status != 200 || d.HasParseError() || !d.IsObject()) {
        ADD_FAILURE() << "introspection answered HTTP " << r.status << ": " << r.body;
        d.SetNull();
    }
    return d;
}

}  // namespace latchkey::interop
