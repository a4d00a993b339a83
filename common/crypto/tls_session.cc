// See tls_session.h. Every SSL call runs on a non-blocking socket through Drive(), which turns
// SSL_ERROR_WANT_READ / WANT_WRITE into a call of the caller's Wait and retries with the same
// arguments (as OpenSSL requires for SSL_write). After a fatal error (SSL_ERROR_SSL / SYSCALL) no
// close_notify is sent, as OpenSSL's documentation asks. The thread's OpenSSL error queue is cleared
// before each call so a stale entry never changes SSL_get_error's answer.
#include "common/crypto/tls_session.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <climits>

namespace common::crypto {
namespace {

void SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags >= 0 && (flags & O_NONBLOCK) == 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Runs op() until it returns > 0 or fails for good (Wait gave up, or an error other than WANT_*).
// Returns op()'s last result; *error is its SSL_get_error (SSL_ERROR_NONE on success).
template <class Op>
int Drive(SSL* ssl, const TlsSession::Wait& wait, Op op, int* error) {
  for (;;) {
    ERR_clear_error();
    int r = op();
    if (r > 0) {
      *error = SSL_ERROR_NONE;
      return r;
    }
    int e = SSL_get_error(ssl, r);
    if ((e == SSL_ERROR_WANT_READ && wait(false)) || (e == SSL_ERROR_WANT_WRITE && wait(true))) continue;
    *error = e;
    ERR_clear_error();
    return r;
  }
}

int ClampToInt(size_t size) { return static_cast<int>(std::min<size_t>(size, INT_MAX)); }

bool IsFatal(int error) { return error == SSL_ERROR_SSL || error == SSL_ERROR_SYSCALL; }

}  // namespace

std::unique_ptr<TlsSession> TlsSession::Accept(ssl_ctx_st* ctx, int fd, const Wait& wait) {
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return nullptr;
  std::unique_ptr<TlsSession> session(new TlsSession(ssl));
  SetNonBlocking(fd);
  if (SSL_set_fd(ssl, fd) != 1) return nullptr;
  int error = SSL_ERROR_NONE;
  if (Drive(
          ssl, wait, [ssl] { return SSL_accept(ssl); }, &error) != 1)
    return nullptr;
  return session;
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

ssize_t TlsSession::Read(char* buf, size_t size, const Wait& wait) {
  if (size == 0) return 0;
  int error = SSL_ERROR_NONE;
  int n = Drive(
      ssl_, wait, [&] { return SSL_read(ssl_, buf, ClampToInt(size)); }, &error);
  if (n > 0) return n;
  if (error == SSL_ERROR_ZERO_RETURN) return 0;  // close_notify
  if (IsFatal(error)) broken_ = true;            // includes a TCP EOF without close_notify
  return -1;
}

ssize_t TlsSession::Write(const char* buf, size_t size, const Wait& wait) {
  if (size == 0) return 0;
  int error = SSL_ERROR_NONE;
  int n = Drive(
      ssl_, wait, [&] { return SSL_write(ssl_, buf, ClampToInt(size)); }, &error);
  if (n > 0) return n;
  if (IsFatal(error)) broken_ = true;
  return -1;
}

bool TlsSession::HasPending() const { return SSL_has_pending(ssl_) == 1; }

void TlsSession::Shutdown() {
  if (broken_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // non-blocking: queues close_notify, never waits for the peer's
  ERR_clear_error();
}

std::string TlsSession::Version() const { return SSL_get_version(ssl_); }

std::string TlsSession::Cipher() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  return cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
}

}  // namespace common::crypto
