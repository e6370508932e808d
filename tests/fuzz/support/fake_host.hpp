// A latchkey_host for the fuzz targets. The server behind it answers every
// HTTP request with the same status, headers and body (the fuzz input, as
// the target sets it); options come from maps; base64 is liblatchkey's own;
// what a provider hands back through the result builders is collected.
// Nothing is logged, nothing sleeps, and no request leaves the process.
#pragma once

#include <cstdint>
#include <latchkey/provider.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace latchkey::fuzz {

// What a provider call handed back.
struct ProviderResult {
    latchkey_status status = LATCHKEY_OK;
    std::string message;
    sdk::Credential credential;
};

class FakeHost {
 public:
    FakeHost();
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    std::map<std::string, std::string> options;
    std::map<std::string, std::vector<std::string>> lists;

    // The answer to every request; header names in lower case.
    long status = 200;
    std::string body;
    std::map<std::string, std::string> headers;

    // What fetch_site hands over for any other site; none: it fails.
    std::optional<sdk::Current> other_site;

    int64_t now_ms = 1'800'000'000'000;  // 2027-01-15

    sdk::Host host() const { return sdk::Host(&table_); }
    const latchkey_host* raw() const { return &table_; }

    // The result handle for one provider call; read `outcome` afterwards.
    latchkey_result* result() {
        outcome = ProviderResult{};
        return reinterpret_cast<latchkey_result*>(&outcome);
    }
    ProviderResult outcome;

 private:
    latchkey_host table_{};
};

}  // namespace latchkey::fuzz
