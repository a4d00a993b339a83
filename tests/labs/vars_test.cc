// ${name} substitution in lab text.
#include "labs/runner/vars.h"

#include <doctest/doctest.h>

using runner::ReferencedVariables;
using runner::Vars;

TEST_CASE("Substitute replaces every known lab variable") {
  Vars v;
  v.Set("bucket", "notes-1a2b");
  v.Set("run_id", "1a2b");
  auto r = v.Substitute("aws s3 mb s3://${bucket} && echo ${run_id}${run_id}");
  REQUIRE(r.ok());
  CHECK(*r == "aws s3 mb s3://notes-1a2b && echo 1a2b1a2b");
}

TEST_CASE("Substitute names the first unknown lower-case variable") {
  Vars v;
  v.Set("bucket", "b");
  auto r = v.Substitute("s3://${buckt}/${other}");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "UnknownVariable");
  CHECK(r.error().message.find("${buckt}") != std::string::npos);
}

TEST_CASE("Substitute leaves shell variables and IAM policy variables alone") {
  Vars v;
  auto r = v.Substitute("echo ${HOME} $PATH arn:aws:s3:::b/${aws:username}/* ${AWS_REGION}");
  REQUIRE(r.ok());
  CHECK(*r == "echo ${HOME} $PATH arn:aws:s3:::b/${aws:username}/* ${AWS_REGION}");
}

TEST_CASE("$${ writes a literal ${") {
  Vars v;
  v.Set("x", "1");
  auto r = v.Substitute("a $${x} b ${x}");
  REQUIRE(r.ok());
  CHECK(*r == "a ${x} b 1");
}

TEST_CASE("An unterminated ${ is kept as text") {
  Vars v;
  auto r = v.Substitute("price ${ 5");
  REQUIRE(r.ok());
  CHECK(*r == "price ${ 5");
}

TEST_CASE("ReferencedVariables lists lab variables in order, skipping shell ones and escapes") {
  auto names = ReferencedVariables("${b} ${HOME} $${x} ${key_arn} ${b}");
  REQUIRE(names.size() == 3);
  CHECK(names[0] == "b");
  CHECK(names[1] == "key_arn");
  CHECK(names[2] == "b");
}
