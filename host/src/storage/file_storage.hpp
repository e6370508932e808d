// Credentials as one JSON file per storage key, shared by every process of
// this user: directory 0700, files 0600, written to an unnamed temporary file
// (O_TMPFILE), synced, named and renamed into place (a crash leaves the old or
// the new file, never half of one, and no stray copy that outlives its
// writer), with flock on a sibling .lock file for cross-process single flight.
#pragma once

#include <atomic>

#include "storage/storage.hpp"

namespace latchkey::storage {

class FileStorage : public Storage {
 public:
    FileStorage(std::string dir, Warn warn);
    std::string name() const override { return "file"; }
    std::string location() const override { return dir_; }
    std::string check() override;
    const std::string& dir() const { return dir_; }
    std::optional<detail::CredentialData> load(const std::string& key) override;
    void save(const std::string& key, const detail::CredentialData& c) override;
    void erase(const std::string& key) override;
    std::unique_ptr<Lock> lock(const std::string& key) override;
    std::vector<std::string> keys() override;

 private:
    std::string path_of(const std::string& key, const char* ext) const;
    // DIR/.KEY.tmp.PID.RAND, a name no other writer uses.
    std::string temp_name(const std::string& key) const;
    void ensure_dir();
    // Removes temporary files of writers that died before their rename.
    void sweep_stale_temps();

    static constexpr const char* kTempMarker = ".tmp.";

    std::string dir_;
    Warn warn_;
    std::atomic<bool> dir_checked_{false};
};

}  // namespace latchkey::storage
