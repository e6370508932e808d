// Credentials in the freedesktop Secret Service (GNOME Keyring, KeePassXC,
// KWallet's bridge) through libsecret. Each storage key is one item in the
// default collection, labelled "latchkey: SITE", with the attributes `site`
// and `storage_key`; its secret is the stored-credential JSON document.
//
// latchkey never prompts: a locked collection is an error that says how to
// unlock it or which backend to use instead. The Secret Service has no
// locks, so `lock` is an flock in the file store's directory, which gives
// single flight between the processes of this machine.
#pragma once

#include <memory>
#include <mutex>

#include "storage/file_storage.hpp"
#include "storage/storage.hpp"

namespace latchkey::storage {

class KeyringStorage : public Storage {
 public:
    // `file_dir` holds the lock files (created 0700, as the file store does).
    KeyringStorage(std::string file_dir, Warn warn);
    ~KeyringStorage() override;
    std::string name() const override { return "keyring"; }
    std::string location() const override { return "Secret Service (default collection)"; }
    std::string check() override;
    std::optional<detail::CredentialData> load(const std::string& key) override;
    void save(const std::string& key, const detail::CredentialData& c) override;
    void erase(const std::string& key) override;
    std::unique_ptr<Lock> lock(const std::string& key) override;
    std::vector<std::string> keys() override;

 private:
    struct Connection;
    Connection& connect();

    std::mutex mu_;
    std::unique_ptr<Connection> conn_;
    FileStorage locks_;
    Warn warn_;
};

// `backend = "system"`: the keyring when a Secret Service answers on the
// D-Bus session bus, otherwise the file store in `file_dir`, after one
// warning line that says so and why.
std::unique_ptr<Storage> open_system_storage(const std::string& file_dir, const Warn& warn);

}  // namespace latchkey::storage
