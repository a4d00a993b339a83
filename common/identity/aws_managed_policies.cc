#include "common/identity/aws_managed_policies.h"

namespace common::identity {
namespace {

// NAME_AND_ARN("X") expands to the name and its ARN as two literals.
#define NAME_AND_ARN(name) name, "arn:aws:iam::aws:policy/" name

ManagedPolicy Make(const char* name, const char* arn, const char* policy_id, const char* document) {
  // 1423440000000 = 2015-02-09, roughly when AWS published these.
  return ManagedPolicy{"aws", name, arn, policy_id, document, "/", 1423440000000};
}

}  // namespace

const std::vector<ManagedPolicy>& AwsManagedPolicies() {
  static const std::vector<ManagedPolicy> kPolicies = {
      Make(NAME_AND_ARN("AdministratorAccess"), "ANPAIWMBCKSKIEE64ZLYK",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"),
      Make(NAME_AND_ARN("AmazonS3FullAccess"), "ANPAIFIR6V6BVTRAHWINE",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],)"
           R"("Resource":"*"}]})"),
      Make(NAME_AND_ARN("AmazonS3ReadOnlyAccess"), "ANPAIZTJ4DXE7G6AGAE6M",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*",)"
           R"("s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]})"),
      Make(NAME_AND_ARN("AWSKeyManagementServicePowerUser"), "ANPAJNPP7PPPPMJRV2SA4",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateAlias",)"
           R"("kms:CreateKey","kms:DeleteAlias","kms:Describe*","kms:GenerateRandom","kms:Get*",)"
           R"("kms:List*","kms:TagResource","kms:UntagResource","iam:ListGroups","iam:ListRoles",)"
           R"("iam:ListUsers"],"Resource":"*"}]})"),
  };
  return kPolicies;
}

const ManagedPolicy* FindAwsManagedPolicy(std::string_view arn) {
  for (const auto& p : AwsManagedPolicies())
    if (p.arn == arn) return &p;
  return nullptr;
}

}  // namespace common::identity
