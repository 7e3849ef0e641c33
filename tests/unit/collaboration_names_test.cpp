// Names that would pass for the platform's own (issue 12, item 13), tested on the rule itself;
// tests/api/test_hostile_members.py drives them through CreateCollaboration.
#include "core/collaboration_names.h"

#include <gtest/gtest.h>

namespace cleanroom {
namespace {

TEST(CollaborationNames, AmcAndASpaceStartAReservedNameHoweverSpelled) {
  for (const char* name : {"AMC amcabcdefgh", "amc x", "Amc\tx", "  AMC x", "\u200bAMC x",
                           "A\u200dM\u2060C x", "AMC\u00a0x", "AMC\u3000x", "\u202eAMC x",
                           "\u0410\u041c\u0421 x", "\u0430\u043c\u0441 x", "\uff21\uff2d\uff23 x"})
    EXPECT_TRUE(core::is_reserved_collaboration_name(name)) << name;
  for (const char* name : {"AMC", "AMCx", "AMC-x", "My AMC x", "CAMC x", "AM C x", ""})
    EXPECT_FALSE(core::is_reserved_collaboration_name(name)) << name;
}

TEST(CollaborationNames, PlatformAccountNamesAreReservedAsDisplayNames) {
  for (const char* name : {"AMC service", "amc SERVICE", " AMC  service ", "Query\u200b Submitter",
                           "\u0410MC Results Receiver", "Amazon Advertising Data Provider"})
    EXPECT_TRUE(core::is_platform_account_name(name)) << name;
  for (const char* name : {"AMC services", "Partner", "Query Submitter 2"})
    EXPECT_FALSE(core::is_platform_account_name(name)) << name;
}

TEST(CollaborationNames, BidiControlsAreFound) {
  for (const char* name : {"a\u202ab", "\u202b", "\u202c", "\u202d", "x\u202e", "\u2066", "\u2067",
                           "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"})
    EXPECT_TRUE(core::has_bidi_controls(name)) << name;
  for (const char* name : {"plain", "\u05e9\u05dc\u05d5\u05dd",
                           "\u0627\u0644\u0633\u0644\u0627\u0645", "\u200b", "\xe2\x80", "\xff"})
    EXPECT_FALSE(core::has_bidi_controls(name)) << name;
}

TEST(CollaborationNames, CreateChecksTheNameAndEveryDisplayName) {
  core::CreateCollaborationRequest req;
  req.name = "partners";
  req.creator_display_name = "Partner";
  req.members = {{"111111111111", "Advertiser", {}, std::nullopt},
                 {"222222222222", "AMC service", {}, std::nullopt}};
  auto s = core::check_collaboration_names(req);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Validation);
  EXPECT_EQ(s.error().field, "members[1].displayName");
  req.members.pop_back();
  EXPECT_TRUE(core::check_collaboration_names(req).ok());
  req.creator_display_name = "Partner\u202e";
  EXPECT_EQ(core::check_collaboration_names(req).error().field, "creatorDisplayName");
}

}  // namespace
}  // namespace cleanroom
