// Internal to emulator/glacier: one call as the operations see it (glacier_api.cc routes and renders,
// glacier_ops.cc implements).
#pragma once

#include <map>
#include <string>

#include "common/audit/record.h"
#include "emulator/glacier/glacier_store.h"
#include "emulator/protocol/op.h"
#include "emulator/protocol/pipeline.h"

namespace emulator::glacier {

struct Call {
  Services* services = nullptr;
  const common::http::Request* http = nullptr;
  const std::string* body = nullptr;
  Caller caller;
  std::string request_id;
  int64_t now_millis = 0;
  std::string op;          // "CreateVault"
  std::string account_param;  // {accountId} as sent ("-" or an id)
  VaultRef ref;            // the account resolved ("-" = the caller's), the request's region, the vault name
  std::string archive_id;  // DeleteArchive
  std::string lock_id;     // CompleteVaultLock
  // Filled by the operation for the CloudTrail record.
  common::audit::OrderedJson request_parameters = common::audit::OrderedJson::object();
  common::audit::OrderedJson response_elements;
  std::string decision;  // what decided an AccessDenied
};

std::string VaultArn(const VaultRef& ref);
// ResourceNotFoundException for a missing vault, with AWS's text.
common::AwsError VaultNotFound(const VaultRef& ref);
common::AwsError Invalid(const std::string& message);  // 400 InvalidParameterValueException
// Authorizes glacier:<action> on the vault (vault may be null: CreateVault, ListVaults). archive_age_days:
// glacier:ArchiveAgeInDays for DeleteArchive.
common::Status Authorize(Call& c, const std::string& action, const std::string& resource, const Vault* vault,
                         int64_t archive_age_days = -1);
// The vault, authorized for glacier:<c.op>: ResourceNotFoundException when it does not exist.
common::Result<Vault> AuthorizedVault(Call& c);

Response Json(int status, const common::audit::OrderedJson& body);
Response Empty(int status);

common::Result<Response> CreateVault(Call& c);
common::Result<Response> DescribeVault(Call& c);
common::Result<Response> ListVaults(Call& c);
common::Result<Response> DeleteVault(Call& c);
common::Result<Response> SetVaultAccessPolicy(Call& c);
common::Result<Response> GetVaultAccessPolicy(Call& c);
common::Result<Response> DeleteVaultAccessPolicy(Call& c);
common::Result<Response> InitiateVaultLock(Call& c);
common::Result<Response> GetVaultLock(Call& c);
common::Result<Response> CompleteVaultLock(Call& c);
common::Result<Response> AbortVaultLock(Call& c);
common::Result<Response> UploadArchive(Call& c);
common::Result<Response> DeleteArchive(Call& c);

}  // namespace emulator::glacier
