// The server side of one TLS connection, for common/http's connection loop (connection.h). It keeps
// the socket non-blocking and never waits by itself: whenever OpenSSL wants the socket readable or
// writable it calls the caller's Wait, which polls with the caller's deadline and stop signal. So a
// handshake, a read or a write can always be cut short (timeout, server stopping) without a thread
// stuck in a blocking SSL call. The SSL_CTX (certificate, key, protocol options) is httplib's
// SSLServer's; this class only runs sessions on it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX
struct ssl_st;      // OpenSSL's SSL

namespace common::crypto {

class TlsSession {
 public:
  // Blocks until `fd` is readable (want_write false) or writable (true); false = give up.
  using Wait = std::function<bool(bool want_write)>;

  // Runs the server handshake on `fd` (made non-blocking here). nullptr when it fails or Wait gives up.
  static std::unique_ptr<TlsSession> Accept(ssl_ctx_st* ctx, int fd, const Wait& wait);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // > 0 bytes read; 0 when the peer closed (close_notify or EOF); -1 on error or when Wait gave up.
  ssize_t Read(char* buf, size_t size, const Wait& wait);
  // > 0 bytes written (all of `size` unless an error interrupts); -1 on error or when Wait gave up.
  ssize_t Write(const char* buf, size_t size, const Wait& wait);
  // Decrypted or buffered bytes that a Read would return without touching the socket.
  bool HasPending() const;
  // The negotiated protocol and cipher suite as OpenSSL names them ("TLSv1.3", "TLS_AES_256_GCM_SHA384";
  // "ECDHE-RSA-AES128-GCM-SHA256" for TLS 1.2), as CloudTrail's tlsDetails shows them.
  std::string Version() const;
  std::string Cipher() const;
  // Sends close_notify without waiting for the peer's (best effort; the socket is closed next).
  void Shutdown();

 private:
  explicit TlsSession(ssl_st* ssl) : ssl_(ssl) {}
  ssl_st* ssl_;
  bool broken_ = false;  // a fatal error happened: no close_notify
};

}  // namespace common::crypto
