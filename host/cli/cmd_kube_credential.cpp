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

#include "helper_io.hpp"
#include "helper_requests.hpp"

namespace latchkey::cli {

namespace {

int kube_credential(Context& ctx) {
    po::options_description desc("kube-credential");
    po::variables_map vm;
    if (!parse_command_options(ctx, "kube-credential", "kube-credential", desc, vm)) return 0;
    ExecInfo info = parse_exec_info(std::getenv("KUBERNETES_EXEC_INFO"));
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
