#include "helper_requests.hpp"

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/error.hpp>

#include "helper_io.hpp"
#include "output.hpp"

namespace latchkey::cli {

const std::string& GitRequest::get(const std::string& key) const {
    static const std::string none;
    auto it = fields.find(key);
    return it == fields.end() ? none : it->second;
}

std::string GitRequest::url() const {
    if (!get("url").empty()) return get("url");
    std::string u = get("protocol") + "://" + get("host");
    if (!get("path").empty()) u += "/" + get("path");
    return u;
}

// A line without '=' ends the request as malformed.
GitRequest parse_git_request(const std::string& text) {
    GitRequest r;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? text.size() : end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;
        auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(ErrorKind::usage, "a request line is not key=value");
        // Multi-valued keys (wwwauth[], capability[]) are not used here.
        r.fields[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return r;
}

std::string docker_server_url(const std::string& input) {
    std::string url = admin::trim(input);
    if (url.empty()) throw Error(ErrorKind::usage, "no credentials server URL");
    return url;
}

std::optional<std::string> docker_store_url(const std::string& input) {
    rapidjson::Document doc;
    if (common::parse_bounded_json(doc, input) || !doc.IsObject()) return std::nullopt;
    const auto* url = common::string_member(doc, "ServerURL");
    return url ? url->GetString() : "";
}

ExecInfo parse_exec_info(const char* env) {
    ExecInfo info;
    if (!env || !*env) return info;
    rapidjson::Document doc;
    common::JsonLimits limits;
    limits.max_bytes = kHelperInputCap;
    if (auto problem = common::parse_bounded_json(doc, env, limits))
        throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO is not JSON: " + problem->describe());
    const auto* version = common::string_member(doc, "apiVersion");
    if (!version) throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO has no apiVersion");
    info.api_version = version->GetString();
    if (info.api_version != kKubeV1 && info.api_version != kKubeV1beta1)
        throw Error(ErrorKind::usage, "KUBERNETES_EXEC_INFO asks for " + display(info.api_version) +
                                          "; latchkey answers " + kKubeV1 + " and " + kKubeV1beta1);
    if (const auto* spec = common::member(doc, "spec"))
        if (const auto* cluster = common::member(*spec, "cluster"))
            if (const auto* server = common::string_member(*cluster, "server"))
                info.server = server->GetString();
    return info;
}

}  // namespace latchkey::cli
