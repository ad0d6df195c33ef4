#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

extern char** environ;

namespace vp::testing {

/// A child process with stdout and stderr sent to a file.
class Process {
public:
    Process(std::vector<std::string> args, const std::string& log_file) : log_(log_file) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        if (posix_spawnp(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
    }
    ~Process() {
        if (pid_ > 0 && !exited_) {  // never leave a child behind
            kill(pid_, SIGKILL);
            Wait();
        }
    }
    void Signal(int sig) { kill(pid_, sig); }
    /// Exit code, or 128+signal.
    int Wait() {
        if (pid_ <= 0) return 127;  // could not start
        int status = 0;
        waitpid(pid_, &status, 0);
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::string Log() const {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    pid_t Pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    bool exited_ = false;
    std::string log_;
};

/// Runs a command to completion; returns {exit code, output}.
inline std::pair<int, std::string> Run(std::vector<std::string> args, const std::string& log_file) {
    std::remove(log_file.c_str());
    Process p(std::move(args), log_file);
    int rc = p.Wait();
    return {rc, p.Log()};
}

/// A port that was free a moment ago (the kernel picks it).
inline std::uint16_t FreePort() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

}  // namespace vp::testing
