// The kernel's tables of TCP sockets, /proc/net/tcp and /proc/net/tcp6
// (Documentation/networking/proc_net_tcp.rst): a heading, then one row per
// socket with its local and remote address, its owner's uid and its inode.
// Kernel text, read as carefully as outside input: a line that is not shaped
// like a row is skipped, never guessed at.
#pragma once

#include <sys/types.h>

#include <istream>
#include <optional>
#include <string_view>

namespace latchkey::agent {

struct TcpSocketRow {
    // "0100007F:0CEA": the address as the kernel prints it (8 upper-case hex
    // digits, 32 in tcp6), a colon and the port (4 hex digits). Views into
    // the line parsed.
    std::string_view local;
    std::string_view remote;
    uid_t uid = 0;
    unsigned long inode = 0;
};

// One line of a table; nullopt for the heading or anything else that is
// not a row.
std::optional<TcpSocketRow> parse_tcp_row(std::string_view line);

struct TcpSocketOwner {
    uid_t uid = 0;
    unsigned long inode = 0;
};

// The owner of the first row of `table` whose addresses are `local` and
// `remote`; nullopt when none is.
std::optional<TcpSocketOwner> find_tcp_socket(std::istream& table, std::string_view local,
                                              std::string_view remote);

}  // namespace latchkey::agent
