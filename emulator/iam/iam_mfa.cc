// IAM virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice,
// DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html and siblings).
// The seed is 20 random bytes; Base32StringSeed carries its Base32 text (as a blob, so base64 on the
// wire: `aws iam create-virtual-mfa-device --bootstrap-method Base32StringSeed --outfile f` writes the
// Base32 text). EnableMFADevice checks two consecutive TOTP codes (common/crypto/totp.h, real time).
// s3lab extension: AWS enables the ROOT user's MFA only in the console; here the root user calls
// EnableMFADevice with UserName "root" (when no IAM user of that name exists), so the MFA Delete labs
// can run from the CLI. NOTE: no QRCodePNG (no QR encoder among the project's dependencies).
#include <chrono>
#include <map>

#include "common/crypto/crypto.h"
#include "common/crypto/totp.h"
#include "common/identity/identity_store.h"
#include "common/util/encoding.h"
#include "emulator/iam/iam_internal.h"

namespace emulator::iam {
namespace {

using common::Result;
using common::identity::MfaDevice;

constexpr size_t kSeedBytes = 20;
constexpr const char* kRootUserName = "root";

common::identity::IdentityStore& Store(const IamRequest& r) { return *r.services->identity; }
const std::string& Account(const IamRequest& r) { return r.principal.account_id; }

int64_t RealSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

common::AwsError InvalidCode() {
  return common::MakeError("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403);
}

// True when code1, code2 are the codes of two consecutive 30 s steps around now.
bool ConsecutiveCodes(const std::string& seed, const std::string& code1, const std::string& code2) {
  int64_t now = RealSeconds();
  for (int64_t back = -1; back <= 2; ++back) {
    int64_t t = now - back * 30;
    if (common::crypto::TotpMatches(seed, code1, t - 30, 0) && common::crypto::TotpMatches(seed, code2, t, 0))
      return true;
  }
  return false;
}

// The IAM user a device is for: "" = the root user (UserName "root" asked by the root user).
Result<std::string> DeviceUser(const IamRequest& r, const std::string& user_name) {
  if (user_name == kRootUserName && r.principal.user_name.empty() &&
      !Store(r).GetUser(Account(r), kRootUserName).ok())
    return std::string();
  return user_name;
}

std::string UserElement(const IamRequest& r, const MfaDevice& d) {
  if (!d.assigned) return "";
  if (d.root)
    return "<User>" + Tag("UserId", Account(r)) + Tag("Arn", "arn:aws:iam::" + Account(r) + ":root") +
           Tag("CreateDate", Date(0)) + "</User>";
  auto user = Store(r).GetUser(Account(r), d.user_name);
  if (!user.ok()) return "";
  return "<User>" + Tag("Path", user->path) + Tag("UserName", user->user_name) + Tag("UserId", user->user_id) +
         Tag("Arn", user->arn) + Tag("CreateDate", Date(user->create_millis)) + "</User>";
}

Result<std::string> CreateVirtualMFADevice(const IamRequest& r) {
  auto name = Required(r, "VirtualMFADeviceName");
  if (!name.ok()) return name.error();
  std::string path = Param(r, "Path").empty() ? "/" : Param(r, "Path");
  S3LAB_TRY(Authorize(r, "iam:CreateVirtualMFADevice", "arn:aws:iam::" + Account(r) + ":mfa" + path + *name));
  auto device = Store(r).CreateMfaDevice(Account(r), *name, path, common::crypto::RandomBytes(kSeedBytes));
  if (!device.ok()) return device.error();
  std::string seed32 = common::util::Base32Encode(device->seed);
  return "<VirtualMFADevice>" + Tag("SerialNumber", device->serial) +
         Tag("Base32StringSeed", common::util::Base64Encode(seed32)) + "</VirtualMFADevice>";
}

Result<std::string> EnableMFADevice(const IamRequest& r) {
  auto user_name = Required(r, "UserName");
  if (!user_name.ok()) return user_name.error();
  auto serial = Required(r, "SerialNumber");
  if (!serial.ok()) return serial.error();
  auto code1 = Required(r, "AuthenticationCode1");
  if (!code1.ok()) return code1.error();
  auto code2 = Required(r, "AuthenticationCode2");
  if (!code2.ok()) return code2.error();
  auto user = DeviceUser(r, *user_name);
  if (!user.ok()) return user.error();
  S3LAB_TRY(Authorize(r, "iam:EnableMFADevice",
                      user->empty() ? r.principal.arn : UserArn(r, *user)));
  auto device = Store(r).GetMfaDevice(Account(r), *serial);
  if (!device.ok()) return device.error();
  if (device->assigned) return common::MakeError("EntityAlreadyExists", "MFA Device is already in use.", 409);
  if (!ConsecutiveCodes(device->seed, *code1, *code2)) return InvalidCode();
  S3LAB_TRY(Store(r).AssignMfaDevice(Account(r), *serial, *user));
  return std::string();
}

Result<std::string> DeactivateMFADevice(const IamRequest& r) {
  auto serial = Required(r, "SerialNumber");
  if (!serial.ok()) return serial.error();
  auto user = DeviceUser(r, Param(r, "UserName").empty() ? r.principal.user_name : Param(r, "UserName"));
  if (!user.ok()) return user.error();
  S3LAB_TRY(Authorize(r, "iam:DeactivateMFADevice", user->empty() ? r.principal.arn : UserArn(r, *user)));
  auto device = Store(r).GetMfaDevice(Account(r), *serial);
  if (!device.ok()) return device.error();
  if (!device->assigned || device->user_name != *user)
    return common::MakeError("NoSuchEntity", "MFA Device with serial number " + *serial + " does not exist.", 404);
  S3LAB_TRY(Store(r).UnassignMfaDevice(Account(r), *serial));
  return std::string();
}

Result<std::string> DeleteVirtualMFADevice(const IamRequest& r) {
  auto serial = Required(r, "SerialNumber");
  if (!serial.ok()) return serial.error();
  S3LAB_TRY(Authorize(r, "iam:DeleteVirtualMFADevice", *serial));
  S3LAB_TRY(Store(r).DeleteMfaDevice(Account(r), *serial));
  return std::string();
}

Result<std::string> ListMFADevices(const IamRequest& r) {
  std::string name = Param(r, "UserName").empty() ? r.principal.user_name : Param(r, "UserName");
  auto user = DeviceUser(r, name);
  if (!user.ok()) return user.error();
  S3LAB_TRY(Authorize(r, "iam:ListMFADevices", user->empty() ? r.principal.arn : UserArn(r, *user)));
  std::vector<std::string> members;
  for (const auto& d : Store(r).ListMfaDevices(Account(r))) {
    if (!d.assigned || d.user_name != *user) continue;
    members.push_back("<member>" + Tag("UserName", user->empty() ? kRootUserName : *user) +
                      Tag("SerialNumber", d.serial) + Tag("EnableDate", Date(d.enable_millis)) + "</member>");
  }
  return PageList(r, "MFADevices", members);
}

Result<std::string> ListVirtualMFADevices(const IamRequest& r) {
  S3LAB_TRY(Authorize(r, "iam:ListVirtualMFADevices", "arn:aws:iam::" + Account(r) + ":mfa/"));
  std::string status = Param(r, "AssignmentStatus");  // Assigned | Unassigned | Any (default)
  std::vector<std::string> members;
  for (const auto& d : Store(r).ListMfaDevices(Account(r))) {
    if ((status == "Assigned" && !d.assigned) || (status == "Unassigned" && d.assigned)) continue;
    std::string m = "<member>" + Tag("SerialNumber", d.serial) + UserElement(r, d);
    if (d.assigned) m += Tag("EnableDate", Date(d.enable_millis));
    members.push_back(m + "</member>");
  }
  return PageList(r, "VirtualMFADevices", members);
}

}  // namespace

const ActionFn* FindMfaAction(const std::string& action) {
  static const std::map<std::string, ActionFn> kMfa = {
      {"CreateVirtualMFADevice", CreateVirtualMFADevice}, {"EnableMFADevice", EnableMFADevice},
      {"DeactivateMFADevice", DeactivateMFADevice},       {"DeleteVirtualMFADevice", DeleteVirtualMFADevice},
      {"ListMFADevices", ListMFADevices},                 {"ListVirtualMFADevices", ListVirtualMFADevices},
  };
  auto it = kMfa.find(action);
  return it == kMfa.end() ? nullptr : &it->second;
}

}  // namespace emulator::iam
