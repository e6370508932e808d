#include "proc_net_tcp.hpp"

#include <charconv>
#include <string>

namespace latchkey::agent {

namespace {

// The next field of `line` from `at` (fields are separated by spaces), ""
// when there is none.
std::string_view next_field(std::string_view line, size_t& at) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return {};
    size_t end = line.find_first_of(" \t", at);
    if (end == std::string_view::npos) end = line.size();
    std::string_view field = line.substr(at, end - at);
    at = end;
    return field;
}

bool all_hex(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789ABCDEF") == std::string_view::npos;
}

// ADDRESS:PORT as the kernel prints them ("%08X:%04X"; four words for tcp6).
bool is_address(std::string_view s) {
    size_t colon = s.find(':');
    if (colon != 8 && colon != 32) return false;
    return all_hex(s.substr(0, colon)) && s.size() == colon + 5 && all_hex(s.substr(colon + 1));
}

// A whole field as a decimal number that fits T.
template <class T>
bool decimal(std::string_view s, T& out) {
    if (s.empty() || s[0] < '0' || s[0] > '9') return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<TcpSocketRow> parse_tcp_row(std::string_view line) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when
    // retrnsmt uid timeout inode ...
    size_t at = 0;
    std::string_view slot = next_field(line, at);
    if (slot.size() < 2 || slot.back() != ':') return std::nullopt;
    unsigned long slot_number = 0;
    if (!decimal(slot.substr(0, slot.size() - 1), slot_number)) return std::nullopt;
    TcpSocketRow row;
    row.local = next_field(line, at);
    row.remote = next_field(line, at);
    if (!is_address(row.local) || !is_address(row.remote)) return std::nullopt;
    // The state, the queues, the timer and the retransmissions: not needed.
    for (int skipped = 0; skipped < 4; ++skipped)
        if (next_field(line, at).empty()) return std::nullopt;
    std::string_view uid = next_field(line, at);
    std::string_view timeout = next_field(line, at);
    std::string_view inode = next_field(line, at);
    if (timeout.empty() || !decimal(uid, row.uid) || !decimal(inode, row.inode))
        return std::nullopt;
    return row;
}

std::optional<TcpSocketOwner> find_tcp_socket(std::istream& table, std::string_view local,
                                              std::string_view remote) {
    std::string line;
    while (std::getline(table, line)) {
        auto row = parse_tcp_row(line);
        if (row && row->local == local && row->remote == remote)
            return TcpSocketOwner{row->uid, row->inode};
    }
    return std::nullopt;
}

}  // namespace latchkey::agent
