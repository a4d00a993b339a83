#include "kms/model/default_policies.h"

#include <nlohmann/json.hpp>

namespace kms::model {

std::string DefaultKeyPolicy(const std::string& account_id) {
  nlohmann::ordered_json policy = {{"Version", "2012-10-17"},
                                   {"Id", "key-default-1"},
                                   {"Statement",
                                    {{{"Sid", "Enable IAM User Permissions"},
                                      {"Effect", "Allow"},
                                      {"Principal", {{"AWS", "arn:aws:iam::" + account_id + ":root"}}},
                                      {"Action", "kms:*"},
                                      {"Resource", "*"}}}}};
  return policy.dump(2);
}

std::string AwsManagedKeyPolicy(const std::string& account_id, const std::string& region,
                                const std::string& service) {
  nlohmann::ordered_json policy = {
      {"Version", "2012-10-17"},
      {"Id", "auto-" + service + "-2"},
      {"Statement",
       {{{"Sid", "Allow access through " + service +
                     " for all principals in the account that are authorized "
                     "to use " +
                     service},
         {"Effect", "Allow"},
         {"Principal", {{"AWS", "*"}}},
         {"Action",
          {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}},
         {"Resource", "*"},
         {"Condition",
          {{"StringEquals",
            {{"kms:CallerAccount", account_id},
             {"kms:ViaService", service + "." + region + ".amazonaws.com"}}}}}},
        {{"Sid", "Allow direct access to key metadata to the account"},
         {"Effect", "Allow"},
         {"Principal", {{"AWS", "arn:aws:iam::" + account_id + ":root"}}},
         {"Action", {"kms:Describe*", "kms:Get*", "kms:List*"}},
         {"Resource", "*"}}}}};
  return policy.dump(2);
}

}  // namespace kms::model
