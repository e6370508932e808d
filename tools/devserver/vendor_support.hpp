// What the vendor-style endpoints (vendor_anaplan.cpp, vendor_salesforce.cpp,
// vendor_anaconda.cpp) share: reading their --setting knobs, the credential
// after an Authorization scheme, and a reply mode tests switch at run time.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "context.hpp"

namespace devserver::vendor {

// --setting KEY=VALUE, or `fallback`.
std::string setting_or(const ServerContext& ctx, const std::string& key, std::string fallback);
// Seconds and flags: setting_seconds() and setting_flag() (settings.hpp),
// whose keys are checked at start-up.

// The text after "Authorization: <scheme> " (scheme compared case-insensitively),
// or nullopt when the header is absent or uses another scheme.
std::optional<std::string> authorization(const httplib::Request& req, std::string_view scheme);

// A named reply mode ("normal", "not_xml", ...) a test sets with
// POST /admin/<vendor> {"reply": "<mode>"}, so one server can answer well first
// and badly next, as a real server does during an incident.
class ReplyMode {
 public:
    std::string get() const;
    void set(std::string mode);

 private:
    mutable std::mutex mutex_;
    std::string mode_ = "normal";
};

// Installs POST `path` taking {"reply": MODE} for one of `modes`; 400 otherwise.
void install_reply_switch(httplib::Server& server, const std::string& path, ReplyMode& mode,
                          std::initializer_list<const char*> modes);

}  // namespace devserver::vendor
