// A credential as the host hands it out: immutable and cheap to copy.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace latchkey {

namespace detail {
struct CredentialData;
}

class Credential {
 public:
    Credential() = default;
    explicit Credential(std::shared_ptr<const detail::CredentialData> data) : d_(std::move(data)) {}

    explicit operator bool() const noexcept { return d_ != nullptr; }

    const std::string& token() const;
    // "Bearer", "AnaplanAuthToken", or "" when the header carries the bare token.
    const std::string& token_type() const;
    const std::string& header_name() const;
    // The value of the header, e.g. "Bearer eyJ...".
    std::string header_value() const;
    // The whole header line, e.g. "Authorization: Bearer eyJ...".
    std::string header() const;
    // Unix epoch milliseconds; 0 when the credential does not expire.
    int64_t expires_at_ms() const;
    int64_t obtained_at_ms() const;
    // When the host that handed it out starts refreshing it, ahead of
    // expiry (Unix epoch milliseconds; INT64_MAX: never).
    int64_t refresh_at_ms() const;
    // Non-secret fields the provider kept (instance_url, scope, ...).
    const std::map<std::string, std::string>& extras() const;
    // The socket of the running `latchkey agent` that served it; "" when
    // this process got it itself (latchkey/host.hpp, "A running agent").
    const std::string& agent_socket() const;

 private:
    std::shared_ptr<const detail::CredentialData> d_;
};

}  // namespace latchkey
