// Content-addressed files on disk: root/sha256/ab/cd/<hex>, written once and atomically.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "media/media.hpp"

namespace vp::media {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
    throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

void FsyncDirectory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) Fail("cannot open folder", dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) Fail("cannot sync folder", dir);
}

// Creates the folders down to `dir` (mode 0750), syncing each parent that gained an entry so
// the new file's path survives a crash as well as the file.
void MakeFolders(const std::filesystem::path& dir) {
    if (std::filesystem::is_directory(dir)) return;
    MakeFolders(dir.parent_path());
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) Fail("cannot create folder", dir);
    FsyncDirectory(dir.parent_path());
}

}  // namespace

Store::Store(std::filesystem::path root, Options options) : root_(std::move(root)), options_(std::move(options)) {}

std::string Store::Sha256Hex(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

bool Store::IsDigest(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::filesystem::path Store::PathOf(std::string_view sha256) const {
    const std::string hex(sha256);
    return root_ / "sha256" / hex.substr(0, 2) / hex.substr(2, 2) / hex;
}

bool Store::Contains(std::string_view sha256) const {
    if (!IsDigest(sha256)) return false;
    struct stat st {};
    return ::stat(PathOf(sha256).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string Store::Put(std::string_view bytes) const {
    const auto digest = Sha256Hex(bytes);
    const auto final_path = PathOf(digest);
    struct stat st {};
    // The same bytes are stored once. A file at its name is complete: it got there by rename.
    if (::stat(final_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<std::size_t>(st.st_size) == bytes.size()) {
        return digest;
    }
    const auto dir = final_path.parent_path();
    MakeFolders(dir);
    // A temporary name of our own in the same folder (so rename is atomic), never a name a
    // reader looks for: readers only open names that are digests.
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    char rnd_hex[sizeof rnd * 2 + 1];
    sodium_bin2hex(rnd_hex, sizeof rnd_hex, rnd, sizeof rnd);
    const auto temporary = dir / ("." + digest + ".tmp-" + rnd_hex);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) Fail("cannot create", temporary);
    struct Cleanup {
        const std::filesystem::path& path;
        int fd;
        bool done = false;
        ~Cleanup() {
            if (fd >= 0) ::close(fd);
            if (!done) ::unlink(path.c_str());
        }
    } cleanup{temporary, fd};
    ::fchmod(fd, 0640);  // whatever the umask
    std::size_t written = 0;
    while (written < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) Fail("cannot write", temporary);
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) Fail("cannot sync", temporary);
    const int closed = ::close(fd);
    cleanup.fd = -1;
    if (closed != 0) Fail("cannot close", temporary);
    if (options_.before_rename) options_.before_rename(temporary);
    // Another writer of the same bytes may have won meanwhile: the rename replaces its file by
    // an identical one, which readers holding the old one open do not notice.
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) Fail("cannot rename into", final_path);
    cleanup.done = true;
    FsyncDirectory(dir);
    return digest;
}

}  // namespace vp::media
