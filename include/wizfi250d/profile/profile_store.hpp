// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// What ProfileStore::load() found.
struct LoadResult {
    Profile profile;  // the saved profile, or factory values when there is none or it is unusable
    // Set when a file was there but could not be used: names the file, the line and the field,
    // and where the file was kept. Never holds a secret value.
    std::optional<std::string> problem;
};

// The module's flash on Linux (design: ProfileStore; spec §5.2, §7 "Flash write limits"): the
// saved profile in <directory>/profile.conf, in the text form of profile_file.hpp.
//
// - load(): no file → factory values and no problem. A file that cannot be read or parsed is
//   renamed to profile.conf.corrupt-<UTC YYYYmmddTHHMMSSZ> (a "-N" suffix when that name is
//   taken; an existing file is never overwritten) and factory values are returned. Temporary
//   files left by a crash during save() are removed first.
// - save(): writes only when the text differs from what the file holds. The write is atomic: a
//   temporary file in the same directory (O_CREAT|O_EXCL, mode 0600), every byte written,
//   fsync, rename over profile.conf, fsync of the directory. The directory is created with mode
//   0700 when missing; the file is always 0600 whatever the umask. On any failure the old file
//   is untouched and no temporary file is left.
//
// One store per directory and process; not thread-safe (the daemon has one thread).
class ProfileStore {
public:
    // The write(2) the store uses for the temporary file; replaceable to inject failures
    // (tests: a full disk, short writes). Same contract as write(2): bytes written, or -1 and
    // errno.
    using WriteFunction = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

    static constexpr const char* file_name = "profile.conf";
    // Prefixes of the files the store makes next to profile.conf.
    static constexpr const char* temporary_prefix = "profile.conf.tmp-";
    static constexpr const char* corrupt_prefix = "profile.conf.corrupt-";

    explicit ProfileStore(std::string directory);

    const std::string& directory() const { return directory_; }
    // <directory>/profile.conf
    const std::string& path() const { return path_; }

    LoadResult load();
    // true when the file holds the profile afterwards (written now or already equal); false
    // with error ("cannot write <path>: No space left on device") otherwise.
    bool save(const Profile& profile, std::string& error);

    // How many times save() replaced the file (not counting saves that found it equal).
    std::size_t write_count() const { return writes_; }

    void set_write_function(WriteFunction write) { write_ = std::move(write); }

private:
    struct FileIdentity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        long long mtime_ns = 0;
        long long ctime_ns = 0;
        friend bool operator==(const FileIdentity& a, const FileIdentity& b) {
            return a.device == b.device && a.inode == b.inode && a.size == b.size &&
                   a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns;
        }
    };

    std::optional<FileIdentity> identity() const;
    void remember(std::string text);
    bool unchanged(const std::string& text);
    void remove_temporaries() const;
    std::string keep_aside() const;
    bool ensure_directory(std::string& error) const;
    bool write_file(const std::string& text, std::string& error);

    std::string directory_;
    std::string path_;
    WriteFunction write_;
    // What the file held after the last load or save, and which file that was: when both still
    // match, save() need not read the file to know it is unchanged.
    std::optional<std::string> known_text_;
    std::optional<FileIdentity> known_identity_;
    std::size_t writes_ = 0;
    unsigned temporary_serial_ = 0;
};

}  // namespace wizfi250d
