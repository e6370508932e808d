// The policy file as `latchkey sites add|modify|remove|set-default` sees it:
// locked against other edits, read once, then replaced atomically by a
// staged copy that was validated exactly as it will be read.
#pragma once

#include <string>

namespace latchkey::admin {

class PolicyFile {
 public:
    // `path` is the policy as the user names it; a symbolic link is followed,
    // so the file it points at is the one replaced. With `create`, a missing
    // directory is made (0700). Holds an exclusive lock on the directory until
    // destroyed, so two edits never interleave.
    PolicyFile(const std::string& path, bool create);
    ~PolicyFile();
    PolicyFile(const PolicyFile&) = delete;
    PolicyFile& operator=(const PolicyFile&) = delete;

    bool exists() const { return exists_; }
    const std::string& text() const { return text_; }

    // Writes `text` to a temporary file beside the policy, with the policy's
    // permission bits (0600 for a new file), synced to disk. Returns its path.
    const std::string& stage(const std::string& text);
    // Renames the staged file over the policy and syncs the directory.
    void commit();
    // Drops group and other permission bits from what stage() writes; true
    // when there were any to drop.
    bool restrict_to_owner() {
        bool had = (mode_ & 077) != 0;
        mode_ &= 0700;
        return had;
    }
    const std::string& path() const { return target_; }

 private:
    std::string target_;  // the file written (symbolic links resolved)
    std::string dir_;
    int dir_fd_ = -1;
    bool exists_ = false;
    unsigned mode_ = 0600;
    std::string text_;
    std::string staged_;
};

}  // namespace latchkey::admin
