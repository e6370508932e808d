#include "devserver.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "http.hpp"

namespace latchkey::test {

DevServer::DevServer(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LATCHKEY_DEVSERVER_PATH, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<Child>(argv);
    auto line = child_->read_line(10'000);
    const std::string marker = "listening on ";
    if (!line || line->find(marker) == std::string::npos)
        throw std::runtime_error("dev server did not start: " + line.value_or("(no output)"));
    url_ = line->substr(line->find(marker) + marker.size());
    // With an HTTPS listener a second line names it.
    if (std::find(args.begin(), args.end(), "--tls-cert") != args.end()) {
        line = child_->read_line(10'000);
        if (!line || line->find(marker) == std::string::npos)
            throw std::runtime_error("dev server TLS listener did not start: " +
                                     line.value_or("(no output)"));
        tls_url_ = line->substr(line->find(marker) + marker.size());
    }
}

DevServer::~DevServer() { stop(); }

int DevServer::stop() { return child_ ? child_->stop() : 0; }

rapidjson::Document DevServer::stats() const {
    rapidjson::Document d;
    auto r = http_get(url_ + "/admin/stats");
    d.Parse(r.body.c_str());
    if (d.HasParseError() || !d.IsObject())
        throw std::runtime_error("bad /admin/stats answer: " + r.body);
    return d;
}

int DevServer::issued(const std::string& client_id) const {
    auto d = stats();
    if (!d.HasMember("clients") || !d["clients"].HasMember(client_id.c_str())) return 0;
    return d["clients"][client_id.c_str()]["issued"].GetInt();
}

void DevServer::fault(const std::string& mode, int count, int retry_after_s, int delay_ms,
                      bool retry_after_date) const {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("mode");
    w.String(mode.c_str());
    w.Key("count");
    w.Int(count);
    if (retry_after_s) w.Key("retry_after"), w.Int(retry_after_s);
    if (delay_ms) w.Key("delay_ms"), w.Int(delay_ms);
    if (retry_after_date) w.Key("retry_after_date"), w.Bool(true);
    w.EndObject();
    auto r = http_post_json(url_ + "/admin/faults", buf.GetString());
    if (r.status != 200) throw std::runtime_error("arming fault " + mode + " failed: " + r.body);
}

namespace {

// {"key": "value", ...} with only the non-empty values.
std::string json_object(const std::vector<std::pair<const char*, std::string>>& members,
                        const char* int_key = nullptr, int int_value = 0) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    for (const auto& [key, value] : members) {
        if (!value.empty()) {
            w.Key(key);
            w.String(value.c_str());
        }
    }
    if (int_key != nullptr) {
        w.Key(int_key);
        w.Int(int_value);
    }
    w.EndObject();
    return buf.GetString();
}

rapidjson::Document admin_post(const std::string& url, const std::string& json,
                               const std::string& what) {
    const auto r = http_post_json(url, json);
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (r.status != 200 || d.HasParseError() || !d.IsObject()) {
        throw std::runtime_error(what + " failed (HTTP " + std::to_string(r.status) +
                                 "): " + r.body);
    }
    return d;
}

// The `field` of every entry of the "pending" list an admin GET answers.
std::vector<std::string> pending_field(const std::string& url, const char* field) {
    rapidjson::Document d;
    d.Parse(http_get(url).body.c_str());
    std::vector<std::string> values;
    if (!d.HasParseError() && d.IsObject() && d.HasMember("pending")) {
        for (const auto& p : d["pending"].GetArray()) {
            values.emplace_back(p[field].GetString());
        }
    }
    return values;
}

int affected(const rapidjson::Document& d) {
    return d["access_token"].GetInt() + d["refresh_token"].GetInt();
}

}  // namespace

std::string DevServer::seed_refresh_token(const std::string& client_id, const std::string& scope,
                                          const std::string& sub, int expires_in_s) const {
    const auto body = json_object({{"client_id", client_id}, {"scope", scope}, {"sub", sub}},
                                  expires_in_s >= 0 ? "expires_in" : nullptr, expires_in_s);
    return admin_post(url_ + "/admin/refresh_tokens", body,
                      "seeding a refresh token")["refresh_token"]
        .GetString();
}

int DevServer::revoke_tokens(const std::string& filter_json) const {
    return affected(admin_post(url_ + "/admin/tokens/revoke", filter_json, "revoking tokens"));
}

int DevServer::expire_tokens(const std::string& filter_json) const {
    return affected(admin_post(url_ + "/admin/tokens/expire", filter_json, "expiring tokens"));
}

std::string DevServer::approve_device(const std::string& user_code, const std::string& sub) const {
    const auto body = json_object({{"user_code", user_code}, {"sub", sub}});
    return admin_post(url_ + "/admin/device/approve", body, "approving a device")["approved"]
        .GetString();
}

std::string DevServer::deny_device(const std::string& user_code) const {
    const auto body = json_object({{"user_code", user_code}});
    return admin_post(url_ + "/admin/device/deny", body, "denying a device")["denied"].GetString();
}

void DevServer::force_slow_down(const std::string& user_code, int count) const {
    admin_post(url_ + "/admin/device/slow_down",
               json_object({{"user_code", user_code}}, "count", count), "forcing slow_down");
}

std::vector<std::string> DevServer::pending_user_codes() const {
    return pending_field(url_ + "/admin/device", "user_code");
}

std::string DevServer::approve_authorization(const std::string& request_id,
                                             const std::string& sub) const {
    const auto body = json_object({{"request_id", request_id}, {"sub", sub}});
    return admin_post(url_ + "/admin/authorize/approve", body,
                      "approving an authorization")["redirect"]
        .GetString();
}

std::string DevServer::deny_authorization(const std::string& request_id) const {
    const auto body = json_object({{"request_id", request_id}});
    return admin_post(url_ + "/admin/authorize/deny", body, "denying an authorization")["redirect"]
        .GetString();
}

std::vector<std::string> DevServer::pending_authorizations() const {
    return pending_field(url_ + "/admin/authorize", "request_id");
}

}  // namespace latchkey::test
