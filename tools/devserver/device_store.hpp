// Device authorizations in progress (RFC 8628): what the device polls for by device_code
// and what the user (or an admin call standing in for one) approves by user_code.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace devserver {

struct DeviceRequest {
    std::string client_id;
    std::string scope;
    double interval = 5;    // seconds between polls the device must keep
    double lifetime = 600;  // seconds until the codes expire
};

struct DeviceCodes {
    std::string device_code;
    std::string user_code;  // "BCDF-GHJK" as shown to the user
};

enum class PollOutcome {
    pending,    // authorization_pending
    slow_down,  // polled faster than the interval (or forced by an admin)
    approved,   // tokens now; the device code is spent
    denied,     // access_denied
    expired,    // expired_token
    unknown,    // invalid_grant: never issued, spent, or another client's
};

struct PollResult {
    PollOutcome outcome = PollOutcome::unknown;
    std::string scope;
    std::string subject;
    double interval = 0;  // the interval now in force
};

struct PendingDevice {
    std::string user_code;
    std::string client_id;
    std::string scope;
};

// Thread-safe.
class DeviceStore {
 public:
    DeviceCodes start(const DeviceRequest& request);
    // One poll by `client_id`. A poll sooner than the interval after the previous one is
    // answered slow_down and lengthens the interval by `slow_down_increment` seconds
    // (RFC 8628 §3.5).
    PollResult poll(const std::string& device_code, const std::string& client_id,
                    double slow_down_increment);
    // Approves or denies a pending request. `user_code` is matched ignoring case, dashes
    // and spaces; an empty one means the most recent pending request. Returns the user
    // code decided, or nullopt when there is no such pending, unexpired request.
    std::optional<std::string> decide(const std::string& user_code, bool approve,
                                      const std::string& subject);
    // Makes the next `count` polls of the request (empty user_code: of every pending
    // one) answer slow_down. Returns how many requests were affected.
    std::size_t force_slow_down(const std::string& user_code, int count);
    std::vector<PendingDevice> pending() const;
    // The pending request shown on the verification page, if any.
    std::optional<PendingDevice> find_pending(const std::string& user_code) const;
    void clear();

 private:
    using Clock = std::chrono::steady_clock;
    enum class Status { pending, approved, denied };
    struct Entry {
        DeviceRequest request;
        std::string user_code;
        std::string subject;
        Status status = Status::pending;
        Clock::time_point created;
        Clock::time_point expires;
        std::optional<Clock::time_point> last_poll;
        double interval = 0;
        int forced_slow_downs = 0;
    };
    Entry* entry_for_user_code(const std::string& user_code);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> by_device_code_;
    std::unordered_map<std::string, std::string> device_code_by_user_code_;  // normalised
};

}  // namespace devserver
