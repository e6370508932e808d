#include "faults.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <thread>

#include "connection.hpp"
#include "json.hpp"

namespace devserver {
namespace {

constexpr std::size_t kOversizedBytes = 8 * 1024 * 1024;

// An IMF-fixdate (RFC 9110 5.6.7) `seconds` from now. strftime's %a and %b
// are English in the C locale, which the server never changes.
std::string http_date_from_now(int seconds) {
    std::time_t at = std::time(nullptr) + seconds;
    std::tm tm{};
    gmtime_r(&at, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

struct ModeName {
    FaultMode mode;
    const char* name;
};

constexpr ModeName kModes[] = {
    {FaultMode::none, "none"},   {FaultMode::http500, "500"},
    {FaultMode::http503, "503"}, {FaultMode::http429, "429"},
    {FaultMode::delay, "delay"}, {FaultMode::malformed, "malformed"},
    {FaultMode::html, "html"},   {FaultMode::oversized, "oversized"},
    {FaultMode::reset, "reset"},
};

std::optional<FaultMode> mode_from_name(std::string_view name) {
    for (const auto& m : kModes) {
        if (name == m.name) {
            return m.mode;
        }
    }
    return std::nullopt;
}

// Reads an optional integer member into `out`, enforcing a lower bound.
std::optional<std::string> read_int(const rapidjson::Value& obj, const char* key, std::int64_t min,
                                    std::int64_t& out) {
    const auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
        return std::nullopt;
    }
    if (!it->value.IsInt64() || it->value.GetInt64() < min) {
        return std::string("\"") + key + "\" must be an integer >= " + std::to_string(min);
    }
    out = it->value.GetInt64();
    return std::nullopt;
}

// Built once: 8 MiB is too much to regenerate per request and never changes. The huge
// value sits in access_token, so a client without a response-size cap would accept it.
const std::string& oversized_body() {
    static const std::string body = make_json([](JsonWriter& w) {
        const std::string filler(kOversizedBytes, 'x');
        w.StartObject();
        w.Key("access_token");
        write_string(w, filler);
        w.Key("token_type");
        w.String("Bearer");
        w.Key("expires_in");
        w.Int(3600);
        w.EndObject();
    });
    return body;
}

}  // namespace

const char* fault_mode_name(FaultMode mode) {
    for (const auto& m : kModes) {
        if (m.mode == mode) {
            return m.name;
        }
    }
    return "none";
}

std::variant<Fault, std::string> parse_fault_request(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError()) {
        return std::string("body is not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError());
    }
    if (!doc.IsObject()) {
        return std::string("body must be a JSON object");
    }
    for (const auto& member : doc.GetObject()) {
        const std::string_view key(member.name.GetString(), member.name.GetStringLength());
        if (key != "mode" && key != "count" && key != "retry_after" && key != "delay_ms" &&
            key != "retry_after_date") {
            // A typo such as "delay" for "delay_ms" would otherwise silently use the default.
            return "unknown field \"" + std::string(key) + "\"";
        }
    }

    Fault fault;
    const auto mode = doc.FindMember("mode");
    if (mode == doc.MemberEnd()) {
        return std::string("\"mode\" is required");
    }
    // "500" is the documented spelling; a bare 500 is accepted too since it is what
    // people type.
    std::string mode_text;
    if (mode->value.IsString()) {
        mode_text.assign(mode->value.GetString(), mode->value.GetStringLength());
    } else if (mode->value.IsInt()) {
        mode_text = std::to_string(mode->value.GetInt());
    }
    const auto parsed = mode_from_name(mode_text);
    if (!parsed) {
        return std::string(
            "\"mode\" must be one of 500, 503, 429, delay, malformed, html, oversized, reset, "
            "none");
    }
    fault.mode = *parsed;

    std::int64_t count = fault.count;
    std::int64_t retry_after = fault.retry_after;
    std::int64_t delay_ms = fault.delay_ms;
    if (auto err = read_int(doc, "count", -1, count)) {
        return *err;
    }
    if (count == 0) {
        return std::string("\"count\" must be -1 (until cleared) or at least 1");
    }
    if (auto err = read_int(doc, "retry_after", 0, retry_after)) {
        return *err;
    }
    if (auto err = read_int(doc, "delay_ms", 0, delay_ms)) {
        return *err;
    }
    constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
    if (retry_after > kMaxInt || delay_ms > kMaxInt) {
        return std::string("\"retry_after\" or \"delay_ms\" is too large");
    }
    if (auto date = doc.FindMember("retry_after_date"); date != doc.MemberEnd()) {
        if (!date->value.IsBool()) return std::string("\"retry_after_date\" must be true or false");
        fault.retry_after_date = date->value.GetBool();
    }
    fault.count = count;
    fault.retry_after = static_cast<int>(retry_after);
    fault.delay_ms = static_cast<int>(delay_ms);
    return fault;
}

void FaultBoard::arm(const Fault& fault) {
    std::lock_guard lock(mutex_);
    armed_ = fault.mode == FaultMode::none ? Fault{} : fault;
}

void FaultBoard::clear() { arm(Fault{}); }

std::optional<Fault> FaultBoard::take() {
    std::lock_guard lock(mutex_);
    if (armed_.mode == FaultMode::none) {
        return std::nullopt;
    }
    const Fault current = armed_;
    if (armed_.count > 0 && --armed_.count == 0) {
        armed_ = Fault{};
    }
    return current;
}

bool apply_fault(const Fault& fault, const httplib::Request& req, httplib::Response& res) {
    switch (fault.mode) {
        case FaultMode::none:
            return false;
        case FaultMode::delay:
            std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
            return false;
        case FaultMode::http500:
            send_oauth_error(res, 500, "server_error", "injected fault: internal error");
            return true;
        case FaultMode::http503:
            // Load balancers and gateways answer 503 with HTML, not OAuth JSON.
            res.status = 503;
            res.set_content(
                "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
                "<body><h1>Service Unavailable</h1><p>Injected fault.</p></body></html>\n",
                "text/html");
            return true;
        case FaultMode::http429:
            send_oauth_error(res, 429, "temporarily_unavailable",
                             "injected fault: too many requests");
            res.set_header("Retry-After", fault.retry_after_date
                                              ? http_date_from_now(fault.retry_after)
                                              : std::to_string(fault.retry_after));
            return true;
        case FaultMode::malformed:
            // Truncated JSON, as from a proxy that cut the body short.
            res.status = 200;
            res.set_content("{\"access_token\": \"abc\", ", "application/json");
            return true;
        case FaultMode::html:
            // A captive portal or SSO login page served where JSON was expected.
            res.status = 200;
            res.set_content(
                "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
                "<body><form method=\"post\"><input name=\"username\"></form></body></html>\n",
                "text/html");
            return true;
        case FaultMode::oversized:
            res.status = 200;
            res.set_content(oversized_body(), "application/json");
            return true;
        case FaultMode::reset:
            // 444 is nginx's "closed without response"; it only reaches the log line,
            // since abort_connection leaves nothing to send it on.
            res.status = 444;
            if (!abort_connection(req)) {
                // Fallback: promise one byte and fail to produce it. The client then sees
                // a status line and a truncated body, still a transport error for curl.
                std::fputs("latchkey-devserver: reset fault could not find the socket\n", stderr);
                res.status = 200;
                res.set_content_provider(
                    1, "application/json",
                    [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            }
            return true;
    }
    return false;
}

}  // namespace devserver
