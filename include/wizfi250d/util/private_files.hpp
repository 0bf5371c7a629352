// SPDX-License-Identifier: Apache-2.0
#pragma once

// Files only the daemon may read (Wi-Fi keys, TLS private keys, its run marker): a directory of
// mode 0700, files of mode 0600 whatever the umask, replaced atomically so that a crash or a
// power cut leaves either the old or the new contents, never a torn file.

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace wizfi250d {

// "cannot <what> <path>: <strerror(error)>".
std::string failure_text(std::string_view what, const std::string& path, int error);

// What ensure_private_directory() found or did.
enum class DirectoryResult {
    existed,  // already a directory; its mode is left as it is (the owner may have chosen it)
    created,  // made now, with its missing parents; its mode is exactly 0700
    not_a_directory,  // something else has the name: error says "<directory> is not a directory"
    failed,           // error says why
};

// Makes directory (mode exactly 0700) and its missing parents (mode from the umask) when it does
// not exist yet. error is set unless the result is existed or created.
DirectoryResult ensure_private_directory(const std::string& directory, std::string& error);

// fsync of a directory, so that a rename or unlink in it survives a power cut. false with error
// ("cannot sync <directory>: ...") when it fails.
bool sync_directory(const std::string& directory, std::string& error);

// Reads fd to its end, again after EINTR, into text. false with errno set when a read fails, and
// with errno EFBIG as soon as text holds more than limit bytes: a file that large is not what the
// caller keeps there, and reading on would let it fill memory.
bool read_all(int fd, std::string& text, std::size_t limit);

// Opens path and read_all()s it into text (emptied first). false with errno set when it cannot
// be opened or read, EFBIG with the first limit + 1 or more bytes in text when it is larger.
bool read_file(const std::string& path, std::string& text, std::size_t limit);

// Same contract as write(2): bytes written, or -1 and errno. Replaceable so that tests can inject
// a full disk or short writes.
using WriteFunction = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

// Writes every byte, again after short writes and EINTR, through write (empty: write(2)). false
// with errno set when it fails; a write that makes no progress counts as ENOSPC, as looping on it
// would never end.
bool write_all(int fd, std::string_view bytes, const WriteFunction& write = {});

// What replace_file_atomically() names its temporary file: "<path><temporary_infix><pid>-<n>".
// Whoever removes temporaries left by a crash finds them by "<file name><temporary_infix>".
inline constexpr std::string_view temporary_infix = ".tmp-";

// How replace_file_atomically() ended.
enum class ReplaceResult {
    replaced,
    // The new file is in place, but the sync of its directory failed (error says why): a power
    // cut may still bring the old file back. Not a failure: the new contents are in use.
    replaced_unsynced,
    failed,  // the old file (or none) is untouched and no temporary is left; error says why
};

// Replaces the file at path with one holding bytes, mode exactly 0600: a new temporary file in
// path's directory (O_EXCL), every byte written through write (empty: write(2)), fsync, rename
// over path, fsync of the directory. The directory must exist (ensure_private_directory()).
//
// serial numbers the temporary file's name and is advanced past every name tried; nullptr uses
// one counter for the whole process. The pid in the name keeps processes sharing a directory
// apart.
ReplaceResult replace_file_atomically(const std::string& path, std::string_view bytes,
                                      std::string& error, const WriteFunction& write = {},
                                      unsigned* serial = nullptr);

}  // namespace wizfi250d
