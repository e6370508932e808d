// The kernel's tables of TCP sockets (/proc/net/tcp, tcp6), as the agent
// reads them to name who calls its loopback endpoints. Every line goes to
// the row parser, whose addresses must have the kernel's shape; then the
// whole input is searched for the first row found, which must be found.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "proc_net_tcp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::agent;
    auto fail = [](const char* what) {
        std::fprintf(stderr, "%s\n", what);
        std::abort();
    };
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<TcpSocketRow> first;
    for (std::string_view rest = text; !rest.empty();) {
        size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        if (auto row = parse_tcp_row(line)) {
            // ADDRESS:PORT, 8 or 32 hex digits then 4, inside the line.
            for (std::string_view address : {row->local, row->remote}) {
                if (address.size() != 13 && address.size() != 37)
                    fail("a row's address is not ADDRESS:PORT");
                if (address.data() < line.data() ||
                    address.data() + address.size() > line.data() + line.size())
                    fail("a row's address lies outside its line");
            }
            if (!first) first = row;
        }
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    if (first) {
        std::istringstream table(text);
        auto owner = find_tcp_socket(table, first->local, first->remote);
        if (!owner || owner->uid != first->uid || owner->inode != first->inode)
            fail("the search does not find the first row the parser reads");
    }
    return 0;
}
