#include "device_store.hpp"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

#include "tokens.hpp"

namespace devserver {
namespace {

// RFC 8628 §6.1: consonants only, so no word and no look-alike characters.
constexpr char kUserCodeAlphabet[] = "BCDFGHJKLMNPQRSTVWXZ";

std::string random_user_code() {
    std::array<unsigned char, 8> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    std::string code;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4) {
            code += '-';
        }
        code += kUserCodeAlphabet[bytes[i] % (sizeof kUserCodeAlphabet - 1)];
    }
    return code;
}

// What the user might type: any case, with or without the dash.
std::string normalise(const std::string& user_code) {
    std::string out;
    for (const unsigned char c : user_code) {
        if (c != '-' && !std::isspace(c)) {
            out += static_cast<char>(std::toupper(c));
        }
    }
    return out;
}

std::chrono::steady_clock::duration seconds(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(s));
}

}  // namespace

DeviceCodes DeviceStore::start(const DeviceRequest& request) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    std::string user_code;
    do {
        user_code = random_user_code();
    } while (device_code_by_user_code_.contains(normalise(user_code)));
    std::string device_code = random_token_value("dev-dc-");
    Entry entry{
        request,      user_code,        "", Status::pending, now, now + seconds(request.lifetime),
        std::nullopt, request.interval, 0};
    by_device_code_.emplace(device_code, std::move(entry));
    device_code_by_user_code_[normalise(user_code)] = device_code;
    return DeviceCodes{device_code, user_code};
}

PollResult DeviceStore::poll(const std::string& device_code, const std::string& client_id,
                             double slow_down_increment) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    const auto it = by_device_code_.find(device_code);
    if (it == by_device_code_.end() || it->second.request.client_id != client_id) {
        return PollResult{};
    }
    Entry& entry = it->second;
    PollResult result{PollOutcome::pending, entry.request.scope, entry.subject, entry.interval};
    if (now >= entry.expires) {
        result.outcome = PollOutcome::expired;
        return result;
    }
    const bool too_soon = entry.last_poll && now - *entry.last_poll < seconds(entry.interval);
    entry.last_poll = now;
    if (too_soon || entry.forced_slow_downs > 0) {
        if (!too_soon) {
            --entry.forced_slow_downs;
        }
        entry.interval += slow_down_increment;
        result.interval = entry.interval;
        result.outcome = PollOutcome::slow_down;
        return result;
    }
    switch (entry.status) {
        case Status::pending:
            return result;
        case Status::denied:
            result.outcome = PollOutcome::denied;
            return result;
        case Status::approved:
            // RFC 8628 §3.5: one set of tokens per device code.
            device_code_by_user_code_.erase(normalise(entry.user_code));
            by_device_code_.erase(it);
            result.outcome = PollOutcome::approved;
            return result;
    }
    return result;
}

DeviceStore::Entry* DeviceStore::entry_for_user_code(const std::string& user_code) {
    const auto now = Clock::now();
    if (user_code.empty()) {
        Entry* newest = nullptr;
        for (auto& [code, entry] : by_device_code_) {
            if (entry.status == Status::pending && now < entry.expires &&
                (newest == nullptr || entry.created > newest->created)) {
                newest = &entry;
            }
        }
        return newest;
    }
    const auto code = device_code_by_user_code_.find(normalise(user_code));
    if (code == device_code_by_user_code_.end()) {
        return nullptr;
    }
    Entry& entry = by_device_code_.at(code->second);
    return entry.status == Status::pending && now < entry.expires ? &entry : nullptr;
}

std::optional<std::string> DeviceStore::decide(const std::string& user_code, bool approve,
                                               const std::string& subject) {
    std::lock_guard lock(mutex_);
    Entry* entry = entry_for_user_code(user_code);
    if (entry == nullptr) {
        return std::nullopt;
    }
    entry->status = approve ? Status::approved : Status::denied;
    entry->subject = subject;
    return entry->user_code;
}

std::size_t DeviceStore::force_slow_down(const std::string& user_code, int count) {
    std::lock_guard lock(mutex_);
    if (!user_code.empty()) {
        Entry* entry = entry_for_user_code(user_code);
        if (entry == nullptr) {
            return 0;
        }
        entry->forced_slow_downs += count;
        return 1;
    }
    std::size_t n = 0;
    for (auto& [code, entry] : by_device_code_) {
        if (entry.status == Status::pending) {
            entry.forced_slow_downs += count;
            ++n;
        }
    }
    return n;
}

std::vector<PendingDevice> DeviceStore::pending() const {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    std::vector<PendingDevice> out;
    for (const auto& [code, entry] : by_device_code_) {
        if (entry.status == Status::pending && now < entry.expires) {
            out.push_back({entry.user_code, entry.request.client_id, entry.request.scope});
        }
    }
    return out;
}

std::optional<PendingDevice> DeviceStore::find_pending(const std::string& user_code) const {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    const auto code = device_code_by_user_code_.find(normalise(user_code));
    if (code == device_code_by_user_code_.end()) {
        return std::nullopt;
    }
    const Entry& entry = by_device_code_.at(code->second);
    if (entry.status != Status::pending || now >= entry.expires) {
        return std::nullopt;
    }
    return PendingDevice{entry.user_code, entry.request.client_id, entry.request.scope};
}

void DeviceStore::clear() {
    std::lock_guard lock(mutex_);
    by_device_code_.clear();
    device_code_by_user_code_.clear();
}

}  // namespace devserver
