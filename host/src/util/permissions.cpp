#include "util/permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace latchkey::util {

std::string octal_mode(unsigned mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
    return buf;
}

std::optional<std::string> untrusted_writer(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return "cannot stat it";
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return "it is writable by group or others (mode " + octal_mode(st.st_mode) +
               "); run `chmod go-w " + path + "`";
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return "it is owned by another user (uid " + std::to_string(st.st_uid) + ")";
    return std::nullopt;
}

}  // namespace latchkey::util
