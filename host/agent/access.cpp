#include "access.hpp"

#include <grp.h>

#include <fstream>
#include <sstream>

namespace latchkey::agent {

namespace {

std::optional<gid_t> group_id(const std::string& name) {
    group g{};
    group* found = nullptr;
    std::vector<char> buf(16 * 1024);
    if (getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found)
        return std::nullopt;
    return found->gr_gid;
}

// The supplementary groups of `pid` ("Groups:" in /proc/PID/status).
std::vector<gid_t> supplementary_groups(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    std::vector<gid_t> out;
    while (std::getline(status, line)) {
        if (line.rfind("Groups:", 0) != 0) continue;
        std::istringstream ids(line.substr(7));
        unsigned long id;
        while (ids >> id) out.push_back(static_cast<gid_t>(id));
    }
    return out;
}

bool in_group(const Peer& peer, gid_t gid) {
    if (peer.gid == gid) return true;
    for (gid_t g : supplementary_groups(peer.pid))
        if (g == gid) return true;
    return false;
}

}  // namespace

AccessDecision check_access(const std::optional<std::vector<admin::AccessRule>>& rules,
                            const Peer& peer, uid_t agent_uid) {
    if (!peer.known) return {false, "the caller's identity is unknown (not a Unix socket)"};
    if (!rules) {
        if (peer.uid == agent_uid) return {true, "the agent's own user (no allow list)"};
        return {false, "the site has no allow list, so only the agent's own user (uid " +
                           std::to_string(agent_uid) + ") may read it"};
    }
    for (auto& r : *rules) {
        bool match = false;
        if (r.kind == "uid")
            match = std::to_string(peer.uid) == r.value;
        else if (r.kind == "exe")
            match = !peer.exe.empty() && peer.exe == r.value;
        else if (r.kind == "group")
            if (auto gid = group_id(r.value)) match = in_group(peer, *gid);
        if (match)
            return {true, "allow rule {" + r.kind + " = " + r.value + "} at " + r.defined_at};
    }
    return {false, "none of the site's " + std::to_string(rules->size()) +
                       " allow rules (uid, group, exe) matches this caller"};
}

}  // namespace latchkey::agent
