// The `up` supervisor: starts s3lab-s3 then s3lab-kms, waits for `ready`, forwards signals, stops both
// when one dies. Design in supervisor.h.
#include "labs/runner/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "labs/runner/process.h"
#include "labs/runner/state.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
constexpr int kReadyTimeoutMillis = 60'000;
constexpr int kStopTimeoutMillis = 10'000;

class Supervisor {
 public:
  Supervisor(const InstanceConfig& config, bool detached) : config_(config), detached_(detached) {}

  // Runs until stopped; `status_fd` (detached mode) receives "ready\n" or "error: ...\n".
  int Run(int status_fd) {
    auto report = [&](const std::string& line) {
      if (status_fd >= 0) {
        std::string l = line + "\n";
        (void)!::write(status_fd, l.data(), l.size());
        ::close(status_fd);
        status_fd = -1;
      }
    };
    std::string error = Start();
    if (!error.empty()) {
      std::cerr << "s3lab: " << error << "\n";
      StopAll();
      report("error: " + error);
      Cleanup();
      return 1;
    }
    if (detached_)
      report("ready");
    else
      std::cout << UpBanner(config_, false) << std::flush;
    int code = Loop();
    StopAll();
    Cleanup();
    std::cout << "s3lab: stopped (" << config_.data_dir << ")" << std::endl;
    return code;
  }

 private:
  struct Service {
    std::string name, binary;
    std::vector<std::string> args;
    ChildProcess proc;
  };
  enum class Event { kNone, kStop, kChildExited };

  std::string Start() {
    lock_fd_ = ::open(LockFilePath(config_).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
      return "another `s3lab up` is running for " + config_.data_dir + " (`s3lab down` stops it)";
    std::ofstream(PidFilePath(config_)) << ::getpid() << "\n";

    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&set, s);
    sigprocmask(SIG_BLOCK, &set, &old_mask_);
    signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

    const std::string build = BuildDirOfSelf();
    const std::string port = std::to_string(config_.s3_port);
    s3_.name = "s3lab-s3";
    s3_.binary = build + "/emulator/s3lab-s3";
    s3_.args = {"--data-dir",     config_.data_dir,
                "--bind",         "127.0.0.1",
                "--port",         port,
                "--tls-port",     std::to_string(config_.s3_tls_port),
                "--console-port", std::to_string(config_.console_port),
                "--kms-endpoint", "http://127.0.0.1:" + std::to_string(config_.kms_port),
                "--region",       config_.region,
                "--data-events",  config_.s3_data_events};
    kms_.name = "s3lab-kms";
    kms_.binary = build + "/kms/s3lab-kms";
    kms_.args = {"--data-dir", config_.data_dir,
                 "--bind",     "127.0.0.1",
                 "--port",     std::to_string(config_.kms_port),
                 "--tls-port", std::to_string(config_.kms_tls_port),
                 "--quota-profile", config_.kms_quota_profile,
                 "--quota-scale", config_.kms_quota_scale};
    for (const auto& [region, rate] : config_.kms_quotas) {
      kms_.args.push_back("--quota");
      kms_.args.push_back(region + "=" + rate);
    }
    for (Service* s : {&s3_, &kms_}) {
      if (::access(s->binary.c_str(), X_OK) != 0)
        return s->binary + " is missing: build it first (./s3lab up builds everything)";
    }
    for (int p : {config_.s3_port, config_.s3_tls_port, config_.console_port, config_.kms_port,
                  config_.kms_tls_port}) {
      if (PortReachable(p, 300))
        return "port " + std::to_string(p) + " is already in use (another s3lab? choose other ports with " +
               "--s3-port, --s3-tls-port, --kms-port, --kms-tls-port, --console-port)";
    }
    for (Service* s : {&s3_, &kms_}) {
      int err_fd = 2;
      if (detached_) {
        std::string log = config_.data_dir + "/logs/" + (s == &s3_ ? "s3.log" : "kms.log");
        err_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      }
      auto started = SpawnService(s->binary, s->args, err_fd, old_mask_);
      if (detached_ && err_fd >= 0) ::close(err_fd);
      if (!started.ok()) return started.error().message;
      s->proc = *started;
      std::string error = WaitReady(s);
      if (!error.empty()) return error;
    }
    for (const auto& a : config_.accounts) {
      auto account = AddAccount(config_, a.id, a.name.empty() ? a.id : a.name);
      if (!account.ok()) std::cerr << "s3lab: account " << a.id << ": " << account.error().message << "\n";
    }
    InstanceInfo info{config_, ::getpid(), s3_.proc.pid, kms_.proc.pid, NowMillis()};
    auto written = WriteInstanceInfo(info);
    if (!written.ok()) return written.error().message;
    return "";
  }

  std::string WaitReady(Service* s) {
    int waited = 0;
    while (!s->proc.ready) {
      if (waited >= kReadyTimeoutMillis) return s->name + " did not print `ready` within 60 s";
      Event e = PollOnce(200);
      waited += 200;
      if (e == Event::kStop) return "interrupted while starting " + s->name;
      if (e == Event::kChildExited) return ExitMessage();
    }
    return "";
  }

  int Loop() {
    for (;;) {
      Event e = PollOnce(-1);
      if (e == Event::kStop) return 0;
      if (e == Event::kChildExited) {
        std::cerr << "s3lab: " << ExitMessage() << "\n";
        return 1;
      }
    }
  }

  Event PollOnce(int timeout_ms) {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}};
    for (Service* s : {&s3_, &kms_})
      if (s->proc.out_fd >= 0) fds.push_back({s->proc.out_fd, POLLIN, 0});
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n <= 0) return ReapChildren();
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      for (Service* s : {&s3_, &kms_})
        if (s->proc.out_fd == fds[i].fd) DrainOutput(&s->proc, std::cout);
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo != SIGCHLD) return Event::kStop;
      }
    }
    return ReapChildren();
  }

  Event ReapChildren() {
    for (Service* s : {&s3_, &kms_}) {
      if (s->proc.pid <= 0 || s->proc.exited) continue;
      int status = 0;
      if (::waitpid(s->proc.pid, &status, WNOHANG) == s->proc.pid) {
        s->proc.exited = true;
        s->proc.status = status;
        if (s->proc.out_fd >= 0) DrainOutput(&s->proc, std::cout);
        died_ = s;
        return Event::kChildExited;
      }
    }
    return Event::kNone;
  }

  std::string ExitMessage() {
    if (!died_) return "a service exited";
    std::string how = WIFEXITED(died_->proc.status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(died_->proc.status))
                          : "was killed by signal " + std::to_string(WTERMSIG(died_->proc.status));
    std::string msg = died_->name + " " + how;
    if (detached_) {
      // Quote the service's last words from its log: usually the reason (a port, a bad data dir).
      std::ifstream log(config_.data_dir + "/logs/" + (died_ == &s3_ ? "s3.log" : "kms.log"));
      std::string line, last;
      while (std::getline(log, line))
        if (!line.empty()) last = line;
      msg +=
          (last.empty() ? "" : " (" + last + ")") + std::string(" (logs in ") + config_.data_dir + "/logs/)";
    }
    return msg + "; stopping the other service";
  }

  void StopAll() {
    for (Service* s : {&kms_, &s3_}) TerminateProcess(&s->proc, kStopTimeoutMillis);
  }

  void Cleanup() {
    std::error_code ec;
    fs::remove(InstanceJsonPath(config_), ec);
    fs::remove(PidFilePath(config_), ec);
    if (lock_fd_ >= 0) ::close(lock_fd_);
    if (signal_fd_ >= 0) ::close(signal_fd_);
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  InstanceConfig config_;
  bool detached_;
  Service s3_, kms_;
  Service* died_ = nullptr;
  int lock_fd_ = -1, signal_fd_ = -1;
  sigset_t old_mask_{};
};

}  // namespace

std::string BuildDirOfSelf() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "build";
  return self.parent_path().parent_path().string();
}

int RunUp(const InstanceConfig& config, bool detach) {
  int pid = 0;
  if (InstanceRunning(config, &pid)) {
    std::cerr << "s3lab: already running for " << config.data_dir << " (pid " << pid
              << "); `s3lab down` stops it, `s3lab env` prints its settings\n";
    return 1;
  }
  std::error_code ec;
  fs::create_directories(fs::path(config.data_dir) / "logs", ec);
  if (ec) {
    std::cerr << "s3lab: cannot create " << config.data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  if (!detach) return Supervisor(config, false).Run(-1);

  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) return 1;
  std::cout.flush();
  pid_t child = ::fork();
  if (child < 0) return 1;
  if (child == 0) {
    ::close(status_pipe[0]);
    ::setsid();
    // A daemon keeps nothing of its caller's: close every inherited descriptor but the status pipe.
    const unsigned keep = static_cast<unsigned>(status_pipe[1]);
    if (keep > 3) ::close_range(3, keep - 1, 0);
    ::close_range(keep + 1, ~0U, 0);
    if (::chdir("/") != 0) std::_Exit(1);  // the data dir is absolute; never pin the caller's cwd
    int null_fd = ::open("/dev/null", O_RDONLY);
    std::string log = config.data_dir + "/logs/s3lab.log";
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close(null_fd);
    ::close(log_fd);
    int code = Supervisor(config, true).Run(status_pipe[1]);
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  }
  ::close(status_pipe[1]);
  std::string line;
  char buf[512];
  ssize_t n;
  while ((n = ::read(status_pipe[0], buf, sizeof buf)) > 0) line.append(buf, n);
  ::close(status_pipe[0]);
  if (line.rfind("ready", 0) == 0) {
    std::cout << UpBanner(config, true);
    return 0;
  }
  if (line.empty())
    line = "error: the supervisor exited without a word (see " + config.data_dir + "/logs/s3lab.log)\n";
  std::cerr << "s3lab: " << line.substr(line.rfind("error: ", 0) == 0 ? 7 : 0);
  ::waitpid(child, nullptr, WNOHANG);
  return 1;
}

}  // namespace runner
