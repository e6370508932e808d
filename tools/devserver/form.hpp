// Reading application/x-www-form-urlencoded request bodies the way RFC 6749 wants them.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

namespace devserver {

bool is_form_urlencoded(const httplib::Request& req);

// Form fields from the body only: RFC 6749 §3.2 puts token request parameters in the
// POST body, so a query string must not be able to supply them. Empty values are dropped
// because §3.1 says a parameter without a value is treated as omitted.
httplib::Params parse_form(const std::string& body);

// RFC 6749 §3.1: parameters must not repeat. RFC 8707 makes `resource` the exception.
// Returns the first repeated name, or nullptr.
const std::string* repeated_param(const httplib::Params& params);

// The value of `name`, or nullptr when absent.
const std::string* param(const httplib::Params& params, const char* name);

// Checks the content type and repetition, answering 400 invalid_request itself on a
// problem. Returns false when the caller should stop.
bool read_oauth_form(const httplib::Request& req, httplib::Response& res, httplib::Params& form);

// A consent page's answer: the form body's `field` and whether action=approve.
struct ConsentAnswer {
    std::string id;
    bool approve = false;
};
// Parses a consent form POST; nullopt unless `field` is there and action is approve or deny.
std::optional<ConsentAnswer> parse_decision(const std::string& body, const char* field);

}  // namespace devserver
