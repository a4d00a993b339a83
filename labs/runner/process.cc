// fork/exec helpers for services and one-shot commands. See process.h.
#include "labs/runner/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace runner {
namespace {

std::vector<char*> Argv(std::vector<std::string>& parts) {
  std::vector<char*> argv;
  for (auto& p : parts) argv.push_back(p.data());
  argv.push_back(nullptr);
  return argv;
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Appends what can be read now; returns false on EOF or a hard error.
bool ReadAvailable(int fd, std::string* into) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into->append(buf, n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

common::Result<ChildProcess> SpawnService(const std::string& binary, const std::vector<std::string>& args,
                                          int stderr_fd, const sigset_t& child_mask) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return common::MakeError("SpawnFailed", std::strerror(errno), 1);
  std::vector<std::string> parts = {binary};
  parts.insert(parts.end(), args.begin(), args.end());
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return common::MakeError("SpawnFailed", std::strerror(errno), 1);
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(out[1], 1);
    if (stderr_fd >= 0 && stderr_fd != 2) ::dup2(stderr_fd, 2);
    auto argv = Argv(parts);
    ::execv(binary.c_str(), argv.data());
    std::string msg = "cannot run " + binary + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(out[1]);
  SetNonBlocking(out[0]);
  ChildProcess child;
  child.pid = pid;
  child.out_fd = out[0];
  return child;
}

void DrainOutput(ChildProcess* child, std::ostream& out) {
  if (child->out_fd < 0) return;
  bool open = ReadAvailable(child->out_fd, &child->pending);
  size_t nl;
  while ((nl = child->pending.find('\n')) != std::string::npos) {
    std::string line = child->pending.substr(0, nl);
    child->pending.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "ready")
      child->ready = true;
    else
      out << line << "\n";
  }
  out.flush();
  if (!open) {
    ::close(child->out_fd);
    child->out_fd = -1;
  }
}

void TerminateProcess(ChildProcess* child, int timeout_ms) {
  if (child->pid <= 0 || child->exited) return;
  ::kill(child->pid, SIGTERM);
  const int64_t deadline = SteadyMillis() + timeout_ms;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(child->pid, &status, WNOHANG);
    if (r == child->pid || (r < 0 && errno == ECHILD)) {
      child->exited = true;
      child->status = status;
      break;
    }
    if (SteadyMillis() >= deadline) {
      ::kill(child->pid, SIGKILL);
      ::waitpid(child->pid, &status, 0);
      child->exited = true;
      child->status = status;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (child->out_fd >= 0) {
    ::close(child->out_fd);
    child->out_fd = -1;
  }
}

CommandResult RunShellCommand(const std::string& command, const std::vector<std::string>& env,
                              const std::string& cwd, int timeout_ms) {
  CommandResult result;
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return result;
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return result;
  }
  std::vector<std::string> args = {"/bin/sh", "-c", command};
  std::vector<std::string> env_copy = env;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    auto argv = Argv(args);
    auto envp = Argv(env_copy);
    ::execve("/bin/sh", argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(out[0]);
    ::close(err[0]);
    return result;
  }
  SetNonBlocking(out[0]);
  SetNonBlocking(err[0]);
  const int64_t deadline = SteadyMillis() + timeout_ms;
  bool out_open = true, err_open = true;
  int status = 0;
  for (;;) {
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    ::poll(fds, 2, 50);
    if (out_open) out_open = ReadAvailable(out[0], &result.stdout_text);
    if (err_open) err_open = ReadAvailable(err[0], &result.stderr_text);
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      // Everything the command wrote is in the pipes now; a background grandchild keeping them open
      // must not hold the step.
      if (out_open) ReadAvailable(out[0], &result.stdout_text);
      if (err_open) ReadAvailable(err[0], &result.stderr_text);
      break;
    }
    if (SteadyMillis() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
  }
  ::close(out[0]);
  ::close(err[0]);
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  return result;
}

bool PortReachable(int port, int timeout_ms) {
  if (port <= 0) return false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, timeout_ms) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ok = err == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace runner
