// `latchkey kube-credential`: a kubectl exec credential plugin
// (client.authentication.k8s.io, v1beta1 and v1). In a kubeconfig:
//
//   users: [{name: dev, user: {exec: {apiVersion: client.authentication.k8s.io/v1,
//            command: latchkey, args: [--at, cluster, kube-credential],
//            interactiveMode: Never}}}]
//
// kubectl passes KUBERNETES_EXEC_INFO (an ExecCredential naming the
// apiVersion it wants, and with provideClusterInfo the cluster's server); the
// answer is an ExecCredential of that version with status.token and
// status.expirationTimestamp, so kubectl keeps the token until then. The site
// is --at, else the one whose url_patterns match the cluster's server, else
// the selected site. Errors: one line on standard error and a non-zero exit,
// which kubectl shows.
#include <cstdlib>
#include <iostream>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>

#include "helper_io.hpp"

namespace latchkey::cli {

namespace {

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1beta1 = "client.authentication.k8s.io/v1beta1";

struct ExecInfo {
    std::string api_version = kV1beta1;  // what a kubectl too old to say wants
    std::string server;                  // spec.cluster.server, with provideClusterInfo
};

ExecInfo read_exec_info() {
    ExecInfo info;
    const char* env = std::getenv("KUBERNETES_EXEC_INFO");
    if (!env || !*env) return info;
    rapidjson::Document doc;
    common::JsonLimits limits;
    limits.max_bytes = kHelperInputCap;
    if (auto problem = common::parse_bounded_json(doc, env, limits))
        throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO is not JSON: " + problem->describe());
    const auto* version = common::string_member(doc, "apiVersion");
    if (!version) throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO has no apiVersion");
    info.api_version = version->GetString();
    if (info.api_version != kV1 && info.api_version != kV1beta1)
        throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO asks for " + display(info.api_version) +
                                          "; latchkey answers " + kV1 + " and " + kV1beta1);
    if (const auto* spec = common::member(doc, "spec"))
        if (const auto* cluster = common::member(*spec, "cluster"))
            if (const auto* server = common::string_member(*cluster, "server"))
                info.server = server->GetString();
    return info;
}

int kube_credential(Context& ctx) {
    po::options_description desc("kube-credential");
    po::variables_map vm;
    if (!parse_command_options(ctx, "kube-credential", "kube-credential", desc, vm)) return 0;
    ExecInfo info = read_exec_info();
    std::string site = info.server.empty() ? "" : site_for_request(ctx, info.server);
    // "" is the selected site, which the agent (reading the same policy) selects too.
    SiteCredential c = site_credential(ctx, site);
    Json j;
    auto& w = j.w();
    w.StartObject();
    j.key_string("apiVersion", info.api_version);
    j.key_string("kind", "ExecCredential");
    w.Key("status");
    w.StartObject();
    j.key_string("token", c.token);
    if (c.expires_at_ms) j.key_string("expirationTimestamp", iso_time(c.expires_at_ms));
    w.EndObject();
    w.EndObject();
    j.print();
    return 0;
}

}  // namespace

std::vector<Command> kube_credential_commands() {
    return {{"kube-credential",
             "kubectl exec credential plugin (users[].user.exec: command latchkey, args "
             "[--at, SITE, kube-credential])",
             kube_credential}};
}

}  // namespace latchkey::cli
