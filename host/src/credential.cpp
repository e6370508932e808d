#include "latchkey/credential.hpp"

#include "credential/credential_data.hpp"
#include "latchkey/error.hpp"

namespace latchkey {

namespace {
const detail::CredentialData& data(const std::shared_ptr<const detail::CredentialData>& d) {
    if (!d) throw Error(ErrorKind::internal, "empty credential");
    return *d;
}
}  // namespace

const std::string& Credential::token() const { return data(d_).token; }
const std::string& Credential::token_type() const { return data(d_).token_type; }
const std::string& Credential::header_name() const { return data(d_).header_name; }
std::string Credential::header_value() const {
    auto& d = data(d_);
    return d.token_type.empty() ? d.token : d.token_type + " " + d.token;
}
std::string Credential::header() const { return header_name() + ": " + header_value(); }
int64_t Credential::expires_at_ms() const { return data(d_).expires_at_ms; }
int64_t Credential::obtained_at_ms() const { return data(d_).obtained_at_ms; }
int64_t Credential::refresh_at_ms() const { return data(d_).refresh_at_ms; }
const std::map<std::string, std::string>& Credential::extras() const { return data(d_).extras; }
const std::string& Credential::agent_socket() const { return data(d_).agent_socket; }

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::usage:
            return "usage";
        case ErrorKind::config:
            return "config";
        case ErrorKind::plugin:
            return "plugin";
        case ErrorKind::rejected:
            return "rejected";
        case ErrorKind::transient:
            return "transient";
        case ErrorKind::login_required:
            return "login_required";
        case ErrorKind::storage:
            return "storage";
        case ErrorKind::internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace latchkey
