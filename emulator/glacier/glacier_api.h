// The Glacier (2012-06-01) REST-JSON API on the S3 process, for Glacier Vault Lock labs: requests signed
// for service `glacier` (SigV4, any path) come here. Implemented: CreateVault, DescribeVault, ListVaults,
// DeleteVault, Set/Get/DeleteVaultAccessPolicy, InitiateVaultLock, GetVaultLock, CompleteVaultLock,
// AbortVaultLock, UploadArchive (bodies up to 64 MiB, SHA-256 tree hash checked), DeleteArchive. Other
// operations (jobs, multipart uploads, tags, notifications) answer 501 NotImplemented.
//
// `{accountId}` is "-" (the caller's account) or an account id (another account's vault: its vault
// access policy must allow the caller, and the caller's identity policies too). Every call is authorized
// by the one policy engine as glacier:<Operation> on the vault ARN arn:aws:glacier:<region>:<acct>:
// vaults/<name> with the caller's identity policies and the vault access policy; a vault lock policy
// (InProgress or Locked) is evaluated beside it and its Deny statements win, the root user included.
// DeleteArchive carries glacier:ArchiveAgeInDays (whole days since the upload, on the lab clock). The
// lock id of InitiateVaultLock is valid 24 hours (lab clock): `s3lab clock +25h` expires it.
// Errors are Glacier's JSON {"code","message","type"} with x-amzn-RequestId; each call is one CloudTrail
// management event (eventSource glacier.amazonaws.com), committed before the reply.
#pragma once

#include <string>

#include "emulator/protocol/op.h"
#include "emulator/protocol/pipeline.h"

namespace emulator::glacier {

constexpr size_t kMaxArchiveBytes = 64u << 20;

// body: the request body as read (body_too_large: it exceeded kMaxArchiveBytes and was not kept).
Response Handle(Services& services, const common::http::Request& request, const std::string& body,
                bool body_too_large, common::Result<Caller> caller);

}  // namespace emulator::glacier
