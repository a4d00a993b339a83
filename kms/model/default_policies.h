// Key policies KMS writes itself: the default key policy of CreateKey without Policy (KMS developer
// guide "Default key policy": the account root gets kms:*, which delegates access to IAM policies), and
// the policy of an AWS managed key alias/aws/<service> (usable only through that service by principals
// of the account, readable by the account).
#pragma once

#include <string>

namespace kms::model {

std::string DefaultKeyPolicy(const std::string& account_id);
// service: "s3", "ebs", ... ; the key is usable with kms:ViaService = <service>.<region>.amazonaws.com.
std::string AwsManagedKeyPolicy(const std::string& account_id, const std::string& region,
                                const std::string& service);

}  // namespace kms::model
